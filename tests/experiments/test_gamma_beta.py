"""bnviz.gamma_beta: what γ and β do, the recovery, the distances and the page's experiments."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnviz import BatchNorm, make_batch, preset
from bnviz.core.data import PRESETS
from bnviz.experiments import gamma_beta
from bnviz.numbers import fixed
from content import gamma_beta as content_gamma_beta
from content.common import CLAIM_SEEDS

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

EPS = 1e-5
SHAPES = {"FC (N, C)": (256, None), "conv (N, C, H, W)": (8, (6, 5))}


def batch(name: str, shape: str, channels: int = 8) -> np.ndarray:
    n, spatial = SHAPES[shape]
    return make_batch(preset(name, channels), n, spatial=spatial, seed=1)


# --- what γ and β are ---------------------------------------------------------------------


def test_output_mean_is_beta_and_std_is_gamma_times_the_spread_of_x_hat_by_hand():
    # one channel 1, 3: mu 2, biased var 1, x_hat = ±1/sqrt(1 + eps)
    x = np.array([[1.0], [3.0]])
    y, x_hat, out = gamma_beta.output_readout(x, [2.0], [5.0])
    np.testing.assert_allclose(x_hat[:, 0], [-1 / np.sqrt(1 + EPS), 1 / np.sqrt(1 + EPS)], rtol=1e-15)
    np.testing.assert_allclose(y[:, 0], [5 - 2 / np.sqrt(1 + EPS), 5 + 2 / np.sqrt(1 + EPS)], rtol=1e-15)
    assert out.mean[0] == pytest.approx(5.0, abs=1e-15)
    assert out.std[0] == pytest.approx(2 / np.sqrt(1 + EPS), rel=1e-14)
    assert out.x_hat_std[0] == pytest.approx(np.sqrt(1 / (1 + EPS)), rel=1e-15)
    assert out.predicted_std[0] == pytest.approx(2 * np.sqrt(1 / (1 + EPS)), rel=1e-15)


def test_readout_distances_by_hand():
    x = np.array([[1.0], [3.0]])
    y, _, out = gamma_beta.output_readout(x, [2.0], [5.0])
    a = 2 / np.sqrt(1 + EPS)
    # y = 5 - a, 5 + a against x = 1, 3 (both already sorted): |4 - a| and |2 + a|
    assert out.max_abs_diff[0] == pytest.approx(max(abs(4 - a), abs(2 + a)), rel=1e-14)
    assert out.w1[0] == pytest.approx((abs(4 - a) + abs(2 + a)) / 2, rel=1e-14)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", PRESETS)
def test_output_mean_is_beta_and_std_is_gamma_sqrt_var_over_var_plus_eps(name, shape):
    x = batch(name, shape)
    rng = np.random.default_rng(0)
    gamma, beta = rng.uniform(0, 5, 8), rng.uniform(-10, 10, 8)
    y, _, out = gamma_beta.output_readout(x, gamma, beta)
    axes = (0,) + tuple(range(2, x.ndim))
    var = x.var(axis=axes)
    np.testing.assert_allclose(out.mean, beta, rtol=0, atol=1e-12)
    np.testing.assert_allclose(out.std, gamma * np.sqrt(var / (var + EPS)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out.predicted_std, out.std, rtol=1e-10, atol=1e-12)
    bn = BatchNorm(8)
    bn.gamma, bn.beta = gamma, beta
    np.testing.assert_allclose(y, bn(x), rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", PRESETS)
def test_recovery_gamma_beta_gives_back_the_input(name, shape):
    x = batch(name, shape)
    gamma, beta = gamma_beta.recovery(x)
    axes = (0,) + tuple(range(2, x.ndim))
    np.testing.assert_allclose(gamma, np.sqrt(x.var(axis=axes) + EPS), rtol=1e-12)
    np.testing.assert_allclose(beta, x.mean(axis=axes), rtol=1e-12, atol=1e-12)
    y, _, out = gamma_beta.output_readout(x, gamma, beta)
    assert out.batch_max_abs_diff < 1e-9
    assert np.max(out.w1) < 1e-9
    assert np.max(np.abs(y - x)) < 1e-9


def test_recovery_is_the_identity_on_its_batch_only():
    x = make_batch(preset("channels on very different scales", 4), 256, seed=0)
    other = make_batch(preset("channels on very different scales", 4), 256, seed=1)
    gamma, beta = gamma_beta.recovery(x)
    _, _, out = gamma_beta.output_readout(other, gamma, beta)
    assert out.batch_max_abs_diff > 1.0  # the other batch's own mean and variance are used


X_TWO = np.array([[0.0], [2.0]])  # one channel: μ_B = 1, σ²_B = 1


# --- toward the recovery: γ, β a fraction t of the way from (1, 0) (the learners' question 2) ---


@pytest.mark.parametrize(
    "name", ["channels on very different scales", "every shape", "one dead channel with zero variance"]
)
def test_toward_recovery_at_one_gives_back_the_input(name):
    x = make_batch(preset(name, 5), 64, seed=3)
    _, _, rec = gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, 1.0))
    assert rec.max_abs_diff.max() < 1e-9
    np.testing.assert_allclose(rec.gamma, np.sqrt(x.var(axis=0) + EPS))
    np.testing.assert_allclose(rec.beta, x.mean(axis=0))


def test_toward_recovery_at_zero_is_plain_normalization():
    x = make_batch(preset("channels on very different scales", 4), 128, (2, 2), seed=0)
    y, _, rec = gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, 0.0))
    assert rec.gamma.tolist() == [1.0] * 4 and rec.beta.tolist() == [0.0] * 4
    np.testing.assert_allclose(y, BatchNorm(4)(x))
    np.testing.assert_allclose(rec.max_abs_diff, np.abs(y - x).max(axis=(0, 2, 3)))


def test_toward_recovery_half_way_by_hand():
    y, _, rec = gamma_beta.output_readout(X_TWO, *gamma_beta.toward_recovery(X_TWO, 0.5))  # μ = 1, σ² = 1
    std = np.sqrt(1 + EPS)
    assert rec.gamma[0] == pytest.approx(1 + 0.5 * (std - 1))
    assert rec.beta[0] == pytest.approx(0.5)
    np.testing.assert_allclose(y.ravel(), 0.5 + rec.gamma[0] * np.array([-1, 1]) / std)


def test_toward_recovery_refuses_t_outside_zero_to_one():
    with pytest.raises(ValueError, match="between 0"):
        gamma_beta.toward_recovery(X_TWO, 1.5)


@pytest.mark.parametrize("shape", SHAPES)
def test_w1_from_the_sorted_input_equals_w1_from_sorting_the_output(shape):
    x = batch("every shape", shape, channels=6)
    rng = np.random.default_rng(4)
    for gamma in (rng.uniform(0, 4, 6), np.array([1.0, -2.0, 0.5, 0.0, 3.0, -0.1])):
        beta = rng.uniform(-5, 5, 6)
        y, _, out = gamma_beta.output_readout(x, gamma, beta)
        by_sorting = [gamma_beta.wasserstein_1(y[:, c], x[:, c]) for c in range(6)]
        np.testing.assert_allclose(out.w1, by_sorting, rtol=1e-12, atol=1e-12)


def test_a_dead_channel_is_recovered_and_has_output_std_zero():
    x = make_batch(preset("one dead channel with zero variance", 3), 64, seed=0)
    gamma, beta = gamma_beta.recovery(x)
    assert gamma[1] == pytest.approx(np.sqrt(EPS)) and beta[1] == 0.0
    _, _, out = gamma_beta.output_readout(x, [2.0, 2.0, 2.0], [1.0, 1.0, 1.0])
    assert out.std[1] == 0.0 and out.predicted_std[1] == 0.0 and out.x_hat_std[1] == 0.0 and out.mean[1] == 1.0


def test_output_readout_refuses_one_value_per_channel_and_wrong_gamma():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        gamma_beta.output_readout(np.ones((1, 3)), 1.0, 0.0)
    with pytest.raises(ValueError, match="gamma must have shape"):
        gamma_beta.output_readout(np.ones((4, 3)), [1.0, 1.0], 0.0)


def test_readout_table_shows_every_channel_as_text_without_minus_zero():
    x = np.array([[1.0, 0.0], [3.0, 0.0]])
    _, _, out = gamma_beta.output_readout(x, [2.0, 1.0], [-1e-12, 5.0])
    table = content_gamma_beta.readout_table(out)
    assert list(table.index) == ["channel 0", "channel 1"]
    assert table.loc["channel 0", "$\\mu_B$"] == "2.0000" and table.loc["channel 0", "$\\sigma_B$"] == "1.0000"
    assert table.loc["channel 0", "mean of y"] == "0.0000"  # -1e-12, not "-0.0000"
    assert table.loc["channel 1", "std of y"] == "0.0000" and table.loc["channel 1", "β"] == "5.0000"
    assert table.loc["channel 1", "largest |y − x|"] == "5"  # 3 significant digits, as the live readout
    assert fixed(-3e-11, 4, minus="-") == "0.0000" and fixed(-0.00006, 4, minus="-") == "-0.0001"


# --- distances ----------------------------------------------------------------------------------


def test_wasserstein_1_by_hand():
    assert gamma_beta.wasserstein_1([0.0, 1.0, 2.0], [2.0, 0.0, 1.0]) == 0.0  # same values, any order
    assert gamma_beta.wasserstein_1([0.0, 0.0], [1.0, 3.0]) == 2.0
    assert gamma_beta.wasserstein_1([[1.0, 5.0]], [[2.0], [3.0]]) == 1.5  # sorted: |1-2|, |5-3|


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=50), st.floats(-100, 100))
def test_wasserstein_1_of_a_shifted_sample_is_the_shift(values, shift):
    a = np.array(values)
    assert gamma_beta.wasserstein_1(a, a + shift) == pytest.approx(abs(shift), abs=1e-9)


def test_wasserstein_1_needs_equal_sizes():
    with pytest.raises(ValueError, match="equal size"):
        gamma_beta.wasserstein_1([1.0, 2.0], [1.0])


def test_max_abs_difference_by_hand_and_shape_check():
    assert gamma_beta.max_abs_difference([[1.0, 2.0]], [[1.5, -1.0]]) == 3.0
    with pytest.raises(ValueError, match="one shape"):
        gamma_beta.max_abs_difference([1.0, 2.0], [1.0])


# --- slider ranges ------------------------------------------------------------------------------


def test_nice_ceil_and_nice_step_by_hand():
    assert [gamma_beta.nice_ceil(v) for v in (3.0, 3.1, 61.0, 80.0, 81.0, 0.7, 1e-3)] == [
        3.0,
        4.0,
        80.0,
        80.0,
        100.0,
        0.8,
        1e-3,
    ]
    assert [gamma_beta.nice_step(v) for v in (0.01, 0.012, 0.27, 0.5, 4.9)] == [0.01, 0.01, 0.2, 0.5, 2.0]


def test_slider_ranges_by_hand_for_a_channel_with_sigma_40_and_mean_50():
    (r,) = gamma_beta.slider_ranges([50.0], [1600.0])
    assert r.gamma_max == 80.0 and r.beta_max == 80.0  # 2 * 40 = 80; 1.5 * 50 = 75 -> 80
    assert r.gamma_step == 0.2 and r.beta_step == 0.5


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", PRESETS)
def test_slider_ranges_hold_the_recovery_and_the_default_values(name, shape):
    x = batch(name, shape)
    s = gamma_beta.channel_summary(x)
    for g, b, r in zip(s.gamma_rec, s.beta_rec, s.ranges):
        assert 0 <= g <= r.gamma_max and -r.beta_max <= b <= r.beta_max
        assert r.gamma_max >= 3 and r.beta_max >= 3  # γ = 1, β = 0 and room around
        assert 100 <= r.gamma_max / r.gamma_step <= 1000 and 100 <= 2 * r.beta_max / r.beta_step <= 1000


def test_fit_to_channels_keeps_pads_and_truncates():
    assert gamma_beta.fit_to_channels((), 3, 1.0) == (1.0, 1.0, 1.0)
    assert gamma_beta.fit_to_channels((2.0, 3.0), 3, 1.0) == (2.0, 3.0, 1.0)
    assert gamma_beta.fit_to_channels((2.0, 3.0, 4.0), 2, 1.0) == (2.0, 3.0)
    assert gamma_beta.clamp(5.0, 0.0, 3.0) == 3.0 and gamma_beta.clamp(-1.0, 0.0, 3.0) == 0.0


# --- the target exercise ------------------------------------------------------------------------


def test_targets_are_reproducible_on_the_slider_grid_and_not_already_solved():
    targets = [gamma_beta.draw_target(seed) for seed in range(200)]
    assert gamma_beta.draw_target(7) == targets[7]
    assert len(set(targets)) > 100
    for t in targets:
        assert 0.5 <= t.gamma <= 3.0 and -3.0 <= t.beta <= 3.0
        assert (
            round(t.gamma / gamma_beta.TARGET_STEP, 6).is_integer()
            and round(t.beta / gamma_beta.TARGET_STEP, 6).is_integer()
        )
        assert abs(t.gamma - 1.0) >= 0.3 or abs(t.beta) >= 0.8


def test_closeness_is_one_at_the_answer_and_falls_with_the_distance():
    values = make_batch(preset("every shape", 3), 500, seed=2)[:, 2]
    target = gamma_beta.draw_target(0)
    _, goal = gamma_beta.standardized(values, target.gamma, target.beta)
    _, answer = gamma_beta.standardized(values, target.gamma, target.beta)
    assert gamma_beta.closeness(answer, goal) == 1.0
    scores = [
        gamma_beta.closeness(gamma_beta.standardized(values, target.gamma, target.beta + d)[1], goal)
        for d in (0.1, 0.5, 1.0)
    ]
    assert scores[0] > scores[1] > scores[2]
    # shifting by d moves every value by d: W1 = d, so closeness = 1 - d / std(target)
    assert scores[1] == pytest.approx(1 - 0.5 / np.std(goal), rel=1e-9)


def test_closeness_of_a_constant_target_uses_unit_scale():
    assert gamma_beta.closeness(np.full(4, 1.25), np.full(4, 1.0)) == pytest.approx(0.75)


# --- why not stay at mean 0, variance 1? -----------------------------------------------------------


def test_nonlinearities_by_hand():
    np.testing.assert_allclose(
        gamma_beta.nonlinearity("sigmoid", [0.0, np.log(3.0), -800.0]), [0.5, 0.75, 0.0], atol=1e-15
    )
    np.testing.assert_allclose(gamma_beta.nonlinearity("ReLU", [-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        gamma_beta.nonlinearity("softplus", 0.0)


def test_linear_region_edge_is_where_the_curve_leaves_its_tangent_by_5_percent_of_its_range():
    a = gamma_beta.linear_region("sigmoid")[1]
    assert gamma_beta.linear_region("sigmoid") == (-a, a)
    assert abs(float(gamma_beta.nonlinearity("sigmoid", a)) - (0.5 + a / 4)) == pytest.approx(0.05, abs=1e-12)
    t = gamma_beta.linear_region("tanh")[1]
    assert abs(np.tanh(t) - t) == pytest.approx(0.1, abs=1e-12)  # 5 % of tanh's range of 2
    assert t == pytest.approx(a / 2, rel=1e-9)  # tanh(z) = 2 sigmoid(2z) - 1
    assert gamma_beta.linear_region("ReLU") == (0.0, np.inf)


def test_share_in_linear_region_by_hand():
    a = gamma_beta.linear_region("sigmoid")[1]
    z = np.array([-2.0, -a, 0.0, 1.0, a + 1e-9, 5.0])
    assert gamma_beta.share_in_linear_region(z, "sigmoid") == pytest.approx(3 / 6)
    assert gamma_beta.share_in_linear_region(z, "ReLU") == pytest.approx(4 / 6)


def test_a_normalized_channel_sits_mostly_in_the_sigmoids_linear_part_until_gamma_grows():
    values = np.random.default_rng(0).standard_normal(200_000)
    shares = [
        gamma_beta.share_in_linear_region(gamma_beta.standardized(values, g, 0.0)[1], "sigmoid")
        for g in (1.0, 2.0, 4.0)
    ]
    a = gamma_beta.linear_region("sigmoid")[1]
    from statistics import NormalDist

    assert shares[0] == pytest.approx(2 * NormalDist().cdf(a) - 1, abs=0.005)  # ≈ 0.845
    assert shares[0] > shares[1] > shares[2]
    relu = [
        gamma_beta.share_in_linear_region(gamma_beta.standardized(values, 1.0, b)[1], "ReLU") for b in (-1.0, 0.0, 1.0)
    ]
    assert relu[1] == pytest.approx(0.5, abs=0.005) and relu[0] < 0.2 and relu[2] > 0.8


# --- only two numbers change -------------------------------------------------------------------------


def test_shape_statistics_by_hand():
    s = gamma_beta.shape_statistics([0.0, 0.0, 0.0, 4.0])  # d = -1, -1, -1, 3
    assert s["mean"] == 1.0 and s["std"] == pytest.approx(np.sqrt(3))
    assert s["skewness"] == pytest.approx(6 / 3**1.5)  # E d^3 = 6
    assert s["excess kurtosis"] == pytest.approx(21 / 9 - 3)  # E d^4 = 21
    assert gamma_beta.shape_statistics([2.0, 2.0]) == {"mean": 2.0, "std": 0.0, "skewness": 0.0, "excess kurtosis": 0.0}


@pytest.mark.parametrize("dist", gamma_beta.SHAPES)
def test_bn_changes_mean_and_std_but_keeps_skewness_and_kurtosis(dist):
    values = gamma_beta.shape_example(dist)
    x_hat, _ = gamma_beta.standardized(values, 1.0, 0.0)
    before, after = gamma_beta.shape_statistics(values), gamma_beta.shape_statistics(x_hat)
    assert before["mean"] > 0.5 and after["mean"] == pytest.approx(0.0, abs=1e-12)
    assert after["std"] == pytest.approx(1.0, abs=1e-5)
    assert after["skewness"] == pytest.approx(before["skewness"], rel=1e-9)
    assert after["excess kurtosis"] == pytest.approx(before["excess kurtosis"], rel=1e-9)
    assert abs(before["skewness"]) > 0.3 or abs(before["excess kurtosis"]) > 0.5  # not normal


def test_shape_table_lists_the_four_numbers_before_and_after():
    table = content_gamma_beta.shape_table([0.0, 0.0, 0.0, 4.0], [-1.0, -1.0, -1.0, 3.0])
    assert list(table.columns) == ["x (before BN)", "x̂ (after BN)"]
    assert list(table.index) == ["mean", "std", "skewness (lopsidedness)", "excess kurtosis (heavy tails)"]
    assert table.iloc[:, 0].tolist() == ["1.000", "1.732", "1.155", "-0.667"]
    assert table.iloc[2:, 1].tolist() == table.iloc[2:, 0].tolist()


def test_quantiles_of_x_hat_are_those_of_x_through_the_affine_map_and_not_normal():
    values = gamma_beta.shape_example("skewed")
    q = gamma_beta.quantile_comparison(values)
    assert float(q["affine_gap"]) < 1e-12
    assert q["normal"][49] == pytest.approx(0.0, abs=1e-12)  # p = 0.5
    assert gamma_beta.normal_quantiles([0.975])[0] == pytest.approx(1.959964, abs=1e-6)
    assert np.max(np.abs(q["x_hat"] - q["normal"])) > 0.3  # skewed stays skewed


# --- do γ and β replace W and b? ----------------------------------------------------------------------


def test_bias_before_bn_has_no_effect_on_its_output():
    u = gamma_beta.linear_inputs()
    w = gamma_beta.weights(1.7, 40.0)
    z0, y0 = gamma_beta.linear_then_bn(u, w, 0.0)
    for b in (-20.0, 0.5, 13.0):
        z, y = gamma_beta.linear_then_bn(u, w, b)
        np.testing.assert_allclose(z, z0 + b)
        assert gamma_beta.max_abs_difference(y, y0) < 1e-12


def test_the_length_of_w_is_cancelled_up_to_eps():
    u = gamma_beta.linear_inputs()
    _, y1 = gamma_beta.linear_then_bn(u, gamma_beta.weights(1.0, 40.0), 0.0)
    for scale in (0.5, 3.0):
        z, y = gamma_beta.linear_then_bn(u, gamma_beta.weights(scale, 40.0), 0.0)
        # BN(s z) uses sqrt(s² var + eps): the same as BN(z) but with eps / s² in place of eps
        var = np.var(z / scale)
        x_hat = (z / scale - np.mean(z / scale)) / np.sqrt(var)
        expected = np.max(np.abs(x_hat)) * abs(np.sqrt(var / (var + EPS / scale**2)) - np.sqrt(var / (var + EPS)))
        assert gamma_beta.max_abs_difference(y, y1) == pytest.approx(expected, rel=1e-3)
        assert gamma_beta.max_abs_difference(y, y1) < 1e-4


def test_the_direction_of_w_matters_with_two_inputs():
    u = gamma_beta.linear_inputs()
    effects = gamma_beta.linear_effects(u, 2.5, 90.0, 7.0, 30.0)
    assert effects.b < 1e-12 and effects.scale < 1e-4
    assert effects.direction > 0.5
    _, y = gamma_beta.linear_then_bn(u, gamma_beta.weights(1.0, 210.0), 0.0)
    _, y_opposite = gamma_beta.linear_then_bn(u, gamma_beta.weights(1.0, 30.0), 0.0)
    np.testing.assert_allclose(y, -y_opposite, atol=1e-12)  # w -> -w flips the output


def test_gamma_and_beta_after_bn_set_the_mean_and_spread_that_b_and_w_cannot():
    u = gamma_beta.linear_inputs()
    _, y = gamma_beta.linear_then_bn(u, gamma_beta.weights(3.0, 30.0), -8.0, gamma=2.0, beta=4.0)
    assert np.mean(y) == pytest.approx(4.0, abs=1e-12)
    assert np.std(y) == pytest.approx(2.0, rel=1e-4)


def test_gamma_and_beta_move_the_output_where_b_and_the_length_of_w_do_not():
    u = gamma_beta.linear_inputs()
    effects = gamma_beta.linear_effects(u, 3.0, 30.0, 12.0, 30.0, gamma=2.0, beta=1.5)
    assert effects.b < 1e-12 and effects.scale < 1e-4 and effects.direction < 1e-12
    x_hat = gamma_beta.linear_then_bn(u, gamma_beta.weights(1.0, 30.0), 0.0)[1]
    assert effects.gamma == pytest.approx(np.max(np.abs(x_hat)), rel=1e-12)  # |(2 − 1)·x̂| at its largest
    assert effects.beta == pytest.approx(1.5, abs=1e-12)  # β shifts every value by β
    assert gamma_beta.linear_effects(u, 3.0, 30.0, 12.0, 30.0) == gamma_beta.linear_effects(
        u, 3.0, 30.0, 12.0, 30.0, gamma=1.0, beta=0.0
    )  # γ = 1, β = 0: the effects of before, and none of γ and β
    assert gamma_beta.linear_effects(u, 3.0, 30.0, 12.0, 30.0).gamma == 0.0


def test_the_chain_runs_each_stage_from_the_one_before():
    u = gamma_beta.linear_inputs()
    w = gamma_beta.weights(2.0, 60.0)
    chain = gamma_beta.chain(u, w, 5.0, 2.0, 1.5, "sigmoid", w_next=3.0, b_next=-1.0)
    np.testing.assert_allclose(chain.z, u @ w + 5.0)
    np.testing.assert_allclose(chain.x_hat, (chain.z - chain.z.mean()) / np.sqrt(chain.z.var() + EPS))
    np.testing.assert_allclose(chain.y, 2.0 * chain.x_hat + 1.5)
    np.testing.assert_allclose(chain.out, 3.0 / (1.0 + np.exp(-chain.y)) - 1.0)


def test_with_nothing_between_the_next_layer_absorbs_gamma_and_beta_exactly():
    u = gamma_beta.linear_inputs()
    for gamma, beta in [(2.0, 1.5), (0.3, -2.0), (1.0, 0.0)]:
        chain = gamma_beta.chain(u, gamma_beta.weights(2.0, 60.0), 5.0, gamma, beta, "nothing", w_next=3.0, b_next=-1.0)
        assert chain.w_alone == pytest.approx(3.0 * gamma, rel=1e-12)  # w″ = w′γ
        assert chain.b_alone == pytest.approx(3.0 * beta - 1.0, abs=1e-12)  # b″ = w′β + b′
        assert chain.gap < gamma_beta.ROUNDING


def test_through_a_sigmoid_the_next_layer_cannot_stand_in_for_gamma_and_beta():
    u = gamma_beta.linear_inputs()
    w = gamma_beta.weights(2.0, 60.0)
    assert gamma_beta.chain(u, w, 5.0, 1.0, 0.0, "sigmoid").gap < gamma_beta.ROUNDING  # nothing to stand in for
    for gamma, beta in [(2.0, 1.5), (0.5, -1.0), (3.0, 3.0), (1.0, 2.0)]:
        chain = gamma_beta.chain(u, w, 5.0, gamma, beta, "sigmoid")
        assert chain.gap > 0.05, (gamma, beta)
        # and no other w″, b″ do better than the least-squares pair
        h = 1.0 / (1.0 + np.exp(-chain.x_hat))
        for dw, db in [(0.01, 0.0), (0.0, 0.01), (-0.01, -0.01)]:
            other = (chain.w_alone + dw) * h + chain.b_alone + db
            assert np.mean((other - chain.out) ** 2) > np.mean((chain.out_alone - chain.out) ** 2)


def test_through_a_sigmoid_at_gamma_0_the_next_layer_matches_the_one_point_and_the_text_says_why():
    """γ = 0: every y is β, one point of the curve; b″ alone matches it (the page said "at γ = 1, β = 0")."""
    from content.gamma_beta import stand_in

    chain = gamma_beta.chain(gamma_beta.linear_inputs(), gamma_beta.weights(2.0, 60.0), 5.0, 0.0, 1.0, "sigmoid")
    assert chain.gap < gamma_beta.ROUNDING and chain.w_alone == pytest.approx(0.0, abs=1e-12)
    assert chain.b_alone == pytest.approx(1.0 / (1.0 + np.exp(-1.0)), rel=1e-12)  # sigmoid(β), w′ = 1, b′ = 0
    text = stand_in(chain)
    assert text.startswith("**A sigmoid between, and here the next layer can stand in:** its best w″ = 0.000")
    assert "at γ = 0 every value sits on one point of the curve, which b″ alone matches" in text


def test_between_names_its_choices_when_given_another():
    with pytest.raises(ValueError, match="nothing, sigmoid"):
        gamma_beta.between("tanh", np.zeros(3))


def test_weights_by_hand():
    np.testing.assert_allclose(gamma_beta.weights(2.0, 90.0), [0.0, 2.0], atol=1e-15)
    np.testing.assert_allclose(gamma_beta.weights(1.0, 45.0), [np.sqrt(0.5), np.sqrt(0.5)])


def test_the_recovery_error_the_page_quotes_is_the_recover_buttons_readout_and_below_rounding():
    x = make_batch(preset("channels on very different scales", 4), 256, seed=0)
    _, _, out = gamma_beta.output_readout(x, *gamma_beta.recovery(x))
    assert gamma_beta.channel_summary(x).recovery_error == out.batch_max_abs_diff < gamma_beta.ROUNDING


# --- the lesson's prediction: which γ and β give back the input? ------------------------------------------


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
@pytest.mark.parametrize("name", PRESETS)
def test_of_the_four_guesses_only_the_recovery_gives_back_the_input(name, seed):
    x = make_batch(preset(name, 4), 256, seed=seed)
    errors = gamma_beta.guess_errors(x)
    assert errors["recover"] < gamma_beta.ROUNDING
    assert min(e for g, e in errors.items() if g != "recover") > 1e-3  # every other guess misses x visibly
    assert content_gamma_beta.recover_answer(errors) == content_gamma_beta.GUESS_LABELS["recover"]


def test_the_inverse_guess_has_no_finite_gamma_for_a_constant_channel():
    x = np.stack([np.arange(8.0), np.full(8, 3.0)], axis=1)
    assert gamma_beta.guess_errors(x)["inverse"] == np.inf
