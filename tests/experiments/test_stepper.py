"""bnviz.experiments.stepper: worked values read from the steps, running statistics, what each norm pools."""

import numpy as np
import pytest

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.data import make_batch, preset
from bnviz.core.norms import norm_statistics
from bnviz.core.steps import batch_norm_steps
from bnviz.experiments.stepper import (
    eval_closeness,
    groups_choices,
    initial_weight,
    norm_pairs,
    normalized_moments,
    running_gap,
    running_history,
    running_statistics,
    sample_elements,
    skewness_before_after,
    statistic_places,
    step_places,
    worked_values,
)
from content.common import CLAIM_SEEDS
from content.steps import SHAPE, eval_answer, is_skewed, shape_answer

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

# Two channels of four samples: channel 0 is 1, 3, 5, 7 (mean 4, variance 5).
X = np.array([[1.0, 0.5], [3.0, 0.5], [5.0, 0.5], [7.0, 0.5]])


# ---------------------------------------------------------------- worked values


def test_sample_elements_are_spread_over_samples_and_positions():
    assert sample_elements((256, 4)) == [(0,), (64,), (128,), (191,), (255,)]
    conv = sample_elements((16, 6, 8, 8))
    assert len(conv) == 5 and len({w[0] for w in conv}) == 5 and len({w[1:] for w in conv}) == 5
    assert all(0 <= n < 16 and 0 <= h < 8 and 0 <= w < 8 for n, h, w in conv)


def test_sample_elements_of_a_tiny_batch_are_distinct_and_in_range():
    picked = sample_elements((2, 3, 2, 1))
    assert len(picked) == 4 == len(set(picked))
    assert sample_elements((3, 2)) == [(0,), (1,), (2,)]


@pytest.mark.parametrize("shape", [(32, 3), (4, 3, 5, 5)])
def test_worked_values_are_the_steps_own_numbers(shape):
    x = np.random.default_rng(1).normal(3.0, 2.0, size=shape)
    steps = batch_norm_steps(x, 1.5, 0.5)
    for index, step in enumerate(steps):
        w = worked_values(x, steps, index, 2, 1.5, 0.5)
        assert (w.mu, w.var, w.gamma, w.beta) == (steps[0].array[2], steps[2].array[2], 1.5, 0.5)
        for i, where in enumerate(w.where):
            at = (where[0], 2) + where[1:]
            assert w.x[i] == x[at] and w.x_hat[i] == steps[4].array[at]
            if step.key == "mean":  # each value's share of the sum
                own = x[at] / x[:, 2].size
            else:
                own = steps[1].array[at] ** 2 if step.key == "var" else step.array[at]
            assert w.result[i] == pytest.approx(own, rel=1e-12)
        assert (len(w.where) == 0) == (step.key == "std")


def test_worked_values_in_eval_mode_read_the_running_statistics_and_no_values():
    steps = batch_norm_steps(X, 1.0, 0.0, mean=np.array([2.0, 0.0]), var=np.array([4.0, 1.0]))
    w = worked_values(X, steps, 0, 0, 1.0, 0.0)
    assert w.running and (w.mu, w.var) == (2.0, 4.0) and w.where == []
    assert worked_values(X, steps, 4, 0, 1.0, 0.0).x_hat[0] == pytest.approx((1.0 - 2.0) / np.sqrt(4.0 + 1e-5))


# ---------------------------------------------------------------- running statistics


SPECS = tuple(preset("channels on very different scales", 3))


def test_running_history_follows_pytorchs_momentum_rule():
    x = make_batch(SPECS, 64, seed=5)
    h = running_history(x, SPECS, 5, 12, momentum=0.1)
    assert h.running_mean.shape == (13, 3) and h.batch_mean.shape == (12, 3)
    np.testing.assert_array_equal(h.running_mean[0], 0.0)
    np.testing.assert_array_equal(h.running_var[0], 1.0)
    for k in range(1, 13):
        unbiased = h.batch_var[k - 1] * 64 / 63
        np.testing.assert_allclose(h.running_mean[k], 0.9 * h.running_mean[k - 1] + 0.1 * h.batch_mean[k - 1])
        np.testing.assert_allclose(h.running_var[k], 0.9 * h.running_var[k - 1] + 0.1 * unbiased)


def test_training_batches_are_the_next_seeds_drawn_from_the_specs():
    x = make_batch(SPECS, 64, seed=5)
    h = running_history(x, SPECS, 5, 2)
    np.testing.assert_allclose(h.batch_mean[0], make_batch(SPECS, 64, seed=6).mean(axis=0))
    np.testing.assert_allclose(h.batch_mean[1], make_batch(SPECS, 64, seed=7).mean(axis=0))


def test_conv_running_history_equals_batchnorm_trained_on_the_conv_batches():
    x = make_batch(SPECS, 8, (4, 4), seed=0)
    h = running_history(x, SPECS, 0, 3)
    bn = BatchNorm(3)
    for i in range(3):
        bn(make_batch(SPECS, 8, (4, 4), seed=1 + i))
    np.testing.assert_allclose(h.running_mean[-1], bn.running_mean, rtol=1e-12)
    np.testing.assert_allclose(h.running_var[-1], bn.running_var, rtol=1e-12)


def test_a_batch_without_specs_trains_on_resamples_of_its_own_samples():
    x = make_batch(SPECS, 128, seed=0)
    h = running_history(x, None, 0, 200)
    np.testing.assert_allclose(h.running_mean[-1], x.mean(axis=0), atol=0.15 * x.std(axis=0).max())
    again = running_history(x, None, 0, 200)
    np.testing.assert_array_equal(h.running_mean, again.running_mean)  # reproducible
    assert not np.allclose(h.batch_mean[0], h.batch_mean[1])  # each resample differs


def test_zero_training_batches_leave_the_initial_running_statistics():
    h = running_history(X, None, 0, 0)
    np.testing.assert_array_equal(h.running_mean, [[0.0, 0.0]])
    np.testing.assert_array_equal(h.running_var, [[1.0, 1.0]])


def test_running_statistics_follow_pytorchs_rule_by_hand():
    path = running_statistics([np.array([[0.0], [2.0]]), np.array([[4.0], [4.0]])], 1, momentum=0.1)
    # batch 1: μ = 1, unbiased σ² = 2; batch 2: μ = 4, σ² = 0
    np.testing.assert_allclose(path.batch_mean.ravel(), [1.0, 4.0])
    np.testing.assert_allclose(path.running_mean.ravel(), [0.0, 0.1, 0.9 * 0.1 + 0.4])
    np.testing.assert_allclose(path.running_var.ravel(), [1.0, 1.1, 0.9 * 1.1])


def test_running_statistics_of_no_batch_are_the_initial_values():
    path = running_statistics([], 3, momentum=0.1)
    assert path.running_mean.tolist() == [[0.0] * 3] and path.running_var.tolist() == [[1.0] * 3]


def test_a_negative_number_of_batches_is_refused():
    with pytest.raises(ValueError, match="whole number ≥ 0"):
        running_history(X, None, 0, -1)


def test_running_gap_is_measured_in_batch_stds_and_nan_for_a_constant_channel():
    gap, ratio = running_gap(np.array([1.0, 2.0]), np.array([2.0, 1.0]), np.array([3.0, 2.0]), np.array([4.0, 0.0]))
    assert gap[0] == pytest.approx(1.0) and ratio[0] == pytest.approx(0.5)  # |1 − 3| / √4, 2 / 4
    assert np.isnan(gap[1]) and np.isnan(ratio[1])


def test_initial_weight_is_one_minus_momentum_to_the_k():
    assert initial_weight(0.1, 20) == pytest.approx(0.9**20)
    assert initial_weight(0.5, 0) == 1.0


def test_normalized_moments_are_0_and_1_with_batch_statistics_only():
    x = make_batch(SPECS, 64, seed=5)
    mean, var = normalized_moments(batch_norm_steps(x, 1.0, 0.0), 1)
    assert mean == pytest.approx(0.0, abs=1e-12) and var == pytest.approx(1.0, abs=1e-4)
    running = batch_norm_steps(x, 1.0, 0.0, mean=x.mean(axis=0) + x.std(axis=0), var=x.var(axis=0))
    assert normalized_moments(running, 1)[0] == pytest.approx(-1.0, abs=1e-4)


# ---------------------------------------------------------------- what is averaged together


CONV = make_batch(preset("every shape", 6), 16, (5, 5), seed=0)


def test_group_choices_are_the_divisors_of_c():
    assert groups_choices(6) == [1, 2, 3, 6]
    assert groups_choices(1) == [1]


def test_norm_pairs_are_the_statistics_of_the_pooled_blocks():
    pairs, total = norm_pairs(CONV, "group", groups=3, sample=0, channel=5)
    assert total == 16 * 3
    assert [p.channels for p in pairs[:3]] == [(0, 1), (2, 3), (4, 5)] and pairs[2].mine
    assert pairs[2].mean == pytest.approx(CONV[0, 4:6].mean()) and pairs[2].count == 2 * 25
    batch, _ = norm_pairs(CONV, "batch", channel=4)
    assert [p.sample for p in batch] == [None] * 6
    np.testing.assert_allclose([p.var for p in batch], norm_statistics(CONV, "batch")[1])


def test_norm_pairs_always_include_the_highlighted_pair():
    pairs, total = norm_pairs(CONV, "instance", sample=9, channel=4, max_rows=12)
    assert total == 96 and len(pairs) == 12
    assert (pairs[-1].sample, pairs[-1].channels, pairs[-1].mine) == (9, (4, 4), True)


def test_step_places_give_each_quantity_one_number_of_decimals_for_every_channel():
    # Channel 0 spreads by 10, channel 1 by 0.2 around −3: one rounding for both, enough for the narrow one.
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(8.0, 10.0, 256), rng.normal(-3.0, 0.2, 256)])
    places = step_places(batch_norm_steps(x, 0.05, 0.0), 0.05)
    assert places["mean"] == places["x"] == places["centre"] == 2  # 3 digits of 10, 2 of 0.2: −3.01
    assert places["var"] == 3  # σ² from 100 down to 0.04: 0.040
    assert places["std"] == 2 and places["normalize"] == 2
    assert places["scale"] == places["shift"] == 4  # y = 0.05·x̂ + β: 0.0500


def test_statistic_places_read_a_constant_blocks_mean_against_its_own_size():
    assert statistic_places([0.5, 4.0], [0.0, 5.0]) == {"mean": 2, "var": 2, "std": 2}
    assert statistic_places([0.0], [0.0])["mean"] == 2


# --- the page's predictions ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
@pytest.mark.parametrize(("name", "channel"), [("every shape", 2), ("ReLU outputs", 0)])
def test_normalizing_keeps_a_skewed_channel_just_as_skewed(name, channel, seed):
    x = make_batch(preset(name, 4), 256, None, seed=seed)
    before, after = skewness_before_after(x, batch_norm_steps(x, 1.0, 0.0), channel)
    assert is_skewed(before) and after == pytest.approx(before, rel=1e-9)
    assert shape_answer(before, after) == "No: still skewed, now with mean 0 and variance 1"


def test_the_shape_answer_follows_the_skewness_it_is_given():
    yes, less, kept = SHAPE.choices
    assert shape_answer(2.0, 0.1) == yes and shape_answer(2.0, 1.0) == less and shape_answer(2.0, 2.0) == kept


def test_eval_closeness_reads_xhats_mean_and_variance_as_the_page_rounds_them():
    assert eval_closeness(0.004, 1.004) == "exact"
    assert eval_closeness(-0.12, 1.17) == "close"
    assert eval_closeness(0.3, 1.0) == "far" and eval_closeness(0.0, 0.5) == "far"
    assert eval_answer(0.0, 1.3) == "No, far from it" and eval_answer(0.05, 0.95) == "Close, but not exactly"
