"""bnviz.experiments.peaks: a peak keeps its z-score through BN and loses its height; a network that
needs the height back gets it with γ and β learned, and provably not without them."""

import numpy as np
import pytest

from bnviz.core.activations import sigmoid
from bnviz.experiments import gamma_beta, peaks
from bnviz.experiments.training.losses import next_layer

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

EPS = 1e-5


@pytest.fixture(scope="module")
def result() -> peaks.PeaksRun:
    return peaks.run()


# --- the batch ------------------------------------------------------------------------------------


def test_two_channels_on_different_scales_each_with_three_planted_peaks():
    x = peaks.peak_batch()
    assert x.shape == (256, 2)
    np.testing.assert_allclose(x.mean(axis=0), [2.066, 8.150], atol=1e-3)
    np.testing.assert_allclose(x.std(axis=0), [1.186, 2.241], atol=1e-3)
    np.testing.assert_array_equal(x[:3].T, [[6.5, 7.5, 9.0], [15.0, 16.5, 18.0]])
    # each planted peak is above every typical value of its channel
    assert np.all(x[:3].min(axis=0) > x[3:].max(axis=0))
    assert peaks.peaks() == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


# --- 1. follow a peak -------------------------------------------------------------------------------


@pytest.mark.parametrize("channel, row", peaks.peaks())
def test_a_peaks_z_score_survives_bn_while_its_height_and_its_channels_mean_do_not(channel, row):
    x = peaks.peak_batch()
    before, after, learned = peaks.follow_peak(x, channel, row, gamma=2.5, beta=-1.0)
    z = (x[row, channel] - x[:, channel].mean()) / x[:, channel].std()
    assert [s.name for s in (before, after, learned)] == ["x", "x_hat", "y"]
    assert before.value == x[row, channel] and before.z == pytest.approx(z, rel=1e-12)
    assert after.z == pytest.approx(z, rel=1e-12) and learned.z == pytest.approx(z, rel=1e-12)
    # x̂ is the z-score itself, up to ε: √(σ²/(σ² + ε)) = 1 - ε/(2σ²) ≈ 1 - 4e-6 here
    assert after.value == pytest.approx(z, rel=1e-5) and after.mean == pytest.approx(0.0, abs=1e-12)
    assert after.std == pytest.approx(1.0, abs=1e-5)
    assert learned.mean == pytest.approx(-1.0, abs=1e-12) and learned.value == pytest.approx(2.5 * after.value - 1.0)


def test_channel_0s_highest_peak_by_the_numbers():
    before, after, _ = peaks.follow_peak(peaks.peak_batch(), 0, 2, 1.0, 0.0)
    assert (before.value, round(before.mean, 3), round(before.z, 3)) == (9.0, 2.066, 5.847)
    assert (round(after.value, 3), round(after.mean, 3)) == (5.847, 0.0)


# --- 2. the task, with and without γ and β --------------------------------------------------------------


def test_the_needed_values_make_bn_give_x_minus_theta_and_the_loss_zero():
    x = peaks.peak_batch()
    gamma, beta = peaks.needed(x)
    np.testing.assert_allclose(gamma, np.sqrt(x.var(axis=0) + EPS))
    np.testing.assert_allclose(beta, x.mean(axis=0) - 5.0)
    np.testing.assert_allclose(gamma, [1.186, 2.241], atol=1e-3)
    np.testing.assert_allclose(beta, [-2.934, 3.150], atol=1e-3)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + EPS)
    np.testing.assert_allclose(gamma * x_hat + beta, x - 5.0, atol=1e-12)
    _, out = next_layer("sigmoid", gamma * x_hat + beta, np.ones(2), np.zeros(2))
    np.testing.assert_allclose(out, peaks.targets(x), atol=1e-12)


def test_the_floor_is_the_least_loss_any_next_layer_reaches_with_gamma_one_and_beta_zero(result):
    x_hat = (result.x - result.mu) / np.sqrt(result.sigma**2 + EPS)
    h = sigmoid(x_hat)

    def loss(w, b):
        return np.mean((w * h + b - result.t) ** 2, axis=0)

    np.testing.assert_allclose(loss(result.floor_w, result.floor_b), result.floor, rtol=1e-12)
    np.testing.assert_allclose(result.floor, [0.00613, 0.01457], atol=1e-5)
    # L(w, b) is a quadratic with a positive definite Hessian (h is not constant); at (w*, b*) its gradient is 0
    residual = result.floor_w * h + result.floor_b - result.t
    np.testing.assert_allclose(np.mean(residual * h, axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.mean(residual, axis=0), 0.0, atol=1e-12)
    assert np.all(h.var(axis=0) > 0.01)
    # so every other w, b does worse, e.g. the ones training ends with
    rng = np.random.default_rng(0)
    for w, b in rng.normal(size=(50, 2, 2)):
        assert np.all(loss(result.floor_w + w, result.floor_b + b) > result.floor)


def test_without_gamma_and_beta_the_loss_falls_to_the_floor_and_never_below(result):
    loss = result.loss(affine=False)
    assert len(loss) == 400
    assert loss[0] == pytest.approx(0.350, abs=1e-3)
    assert np.all(loss >= result.floor.sum() - 1e-12)  # every step: no w, b does better
    assert result.final_loss(False) == pytest.approx(result.floor.sum(), rel=1e-6)
    assert result.final_loss(False) == pytest.approx(0.0207, abs=1e-4)
    gamma, beta, w, b = result.learned(False)
    np.testing.assert_array_equal(gamma, [1.0, 1.0])
    np.testing.assert_array_equal(beta, [0.0, 0.0])
    np.testing.assert_allclose(w, result.floor_w, atol=1e-3)
    np.testing.assert_allclose(b, result.floor_b, atol=1e-3)


def test_with_gamma_and_beta_learned_the_loss_falls_near_zero(result):
    loss = result.loss(affine=True)
    assert loss[0] == pytest.approx(result.loss(affine=False)[0])  # the same start
    assert result.final_loss(True) < 1e-6
    assert result.final_loss(True) < 1e-4 * result.final_loss(False)
    assert np.all(loss[-100:] < result.floor.sum() / 1000)


def test_learned_gamma_and_beta_end_within_one_percent_of_the_needed_values(result):
    gamma, beta, w, b = result.learned(True)
    np.testing.assert_allclose(gamma, result.gamma_needed, rtol=0.01)
    np.testing.assert_allclose(beta, result.beta_needed, rtol=0.01)
    np.testing.assert_allclose(w, [1.0, 1.0], atol=0.01)
    np.testing.assert_allclose(b, [0.0, 0.0], atol=0.01)
    x = result.x  # the needed values by hand: √(σ²_B + ε) and μ_B − θ
    np.testing.assert_allclose(result.gamma_needed, np.sqrt(x.var(axis=0) + EPS), rtol=1e-12)
    np.testing.assert_allclose(result.beta_needed, x.mean(axis=0) - peaks.LEVEL, rtol=1e-12)


def test_without_gamma_and_beta_the_network_gives_up_on_the_peaks(result):
    """What the page quotes for the peak: its target, the trained networks' outputs against the least-squares
    floor (what a perfectly trained next layer gives without γ and β) and the target."""
    row = 2  # channel 0's highest peak, x = 9
    x_hat = (result.x - result.mu) / np.sqrt(result.sigma**2 + EPS)
    floor_out = result.floor_w * sigmoid(x_hat) + result.floor_b  # the best any w, b do with γ = 1, β = 0
    assert result.t[row, 0] == pytest.approx(sigmoid(4.0))
    assert result.outputs(result.x, False)[row, 0] == pytest.approx(floor_out[row, 0], abs=1e-3)
    assert result.outputs(result.x, True)[row, 0] == pytest.approx(sigmoid(4.0), abs=2e-3)
    assert result.peak_outputs(0, row) == pytest.approx(
        (sigmoid(4.0), result.outputs(result.x, True)[row, 0], result.outputs(result.x, False)[row, 0])
    )
    assert floor_out[row, 0] < 0.5 < sigmoid(4.0)  # the peak stays "off" without γ and β
    assert result.largest_error(False) == pytest.approx(np.abs(floor_out - result.t).max(), abs=1e-3)
    assert result.largest_error(True) < 0.002


def test_switch_curves_are_the_trained_networks_over_each_channels_range(result):
    curves = peaks.switch_curves(result, points=50)
    assert curves["x"].shape == (50, 2)
    assert np.all(curves["x"][0] < result.x.min(axis=0)) and np.all(curves["x"][-1] > result.x.max(axis=0))
    np.testing.assert_allclose(curves["target"], sigmoid(curves["x"] - 5.0))
    np.testing.assert_allclose(curves["with"], result.outputs(curves["x"], True))
    # without γ and β, each channel switches at its own mean: the curve's steepest point
    for c in range(2):
        fine = np.linspace(result.x[:, c].min(), result.x[:, c].max(), 2001)[:, None] * np.ones(2)
        out = result.outputs(fine, False)[:, c]
        steepest = fine[np.argmax(np.gradient(out)), c]
        assert steepest == pytest.approx(result.mu[c], abs=0.02)


# --- what the page says about the task, checked -----------------------------------------------------------


def test_the_switch_at_5_is_off_for_channel_0s_typical_values_on_for_its_peaks_and_for_most_of_channel_1():
    x = peaks.peak_batch()
    t = peaks.targets(x)
    assert np.mean(t[3:, 0] < 0.5) > 0.99 and np.all(t[:3, 0] > 0.8)
    assert np.mean(t[:, 1] > 0.5) > 0.9


@pytest.mark.parametrize("channel, row", peaks.peaks())
def test_for_a_target_without_the_old_bias_the_needed_values_are_the_identity_and_a_peak_keeps_its_height(channel, row):
    """/gamma-beta: "Had the task been sigmoid(x), with no bias before BN, the needed values would be the identity
    of section 1 and your peak would get 9 back"."""
    x = peaks.peak_batch()
    gamma, beta = peaks.needed(x, level=0.0)
    gamma_rec, beta_rec = gamma_beta.recovery(x)
    np.testing.assert_allclose(gamma, gamma_rec, rtol=1e-15)
    np.testing.assert_allclose(beta, beta_rec, rtol=1e-15)
    *_, y = peaks.follow_peak(x, channel, row, gamma[channel], beta[channel])
    assert y.value == pytest.approx(x[row, channel], rel=1e-12)


def test_without_beta_a_relu_after_bn_passes_exactly_the_values_above_the_channels_batch_mean():
    x = peaks.peak_batch()
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + EPS)
    for gamma in (1.0, 0.5, 3.0):  # whatever γ > 0
        np.testing.assert_array_equal(np.maximum(gamma * x_hat, 0.0) > 0, x > x.mean(axis=0))
