"""bnviz.experiments.jolt: one hidden layer's weights jolted mid-training, with and without BN, and the learned
γ, β beside the statistics that would undo BN."""

import numpy as np
import pytest

from bnviz.core.batchnorm import BatchNorm
from bnviz.experiments.jolt import ARMS, WINDOW, Undo, jolt
from bnviz.experiments.mlp import NetworkSettings, train_networks

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

SMALL = NetworkSettings(depth=3, width=8, batch_size=16, steps=120, n_points=128, lr=0.3)


@pytest.fixture(scope="module", params=[10.0, 0.1], ids=["x10", "x0.1"])
def small(request):
    return jolt(SMALL, layer=1, factor=request.param)


def test_both_copies_train_alike_until_the_jolt_from_the_pages_weights_and_batches(small):
    for arm in ARMS:
        np.testing.assert_allclose(small.loss[arm][1, : small.at], small.loss[arm][0, : small.at], rtol=1e-12)
    # The copy without the jolt is the page's network at this learning rate: its first window's mean loss.
    for run in train_networks(SMALL, norms=ARMS):
        first = run.loss_step[0]
        assert run.loss[0] == pytest.approx(small.loss[run.norm][0, :first].mean(), rel=1e-9)


def test_with_bn_the_loss_at_the_first_step_after_the_jolt_is_the_loss_without_it(small):
    """BN(c·z) = BN(z), ε aside: the jolted network computes what it did. Without BN it does not."""
    without, jolted = small.loss["bn"][:, small.at]
    assert jolted == pytest.approx(without, rel=1e-4)
    without, jolted = small.loss["none"][:, small.at]
    assert abs(jolted - without) > 0.01


def test_with_bn_the_gradient_shrinks_by_the_factor_and_the_relative_step_by_its_square(small):
    grad_without, grad_jolted = small.first_after(small.grad_norm["bn"])
    step_without, step_jolted = small.first_after(small.step_size("bn"))
    rtol = 1e-4 if small.factor > 1 else 1e-2  # ε in √(σ² + ε) counts more when W is small
    assert grad_jolted / grad_without == pytest.approx(1 / small.factor, rel=rtol)
    assert step_jolted / step_without == pytest.approx(1 / small.factor**2, rel=rtol)
    # Without BN no such rule: the network computes something else.
    plain = small.first_after(small.step_size("none"))
    assert plain[1] / plain[0] != pytest.approx(1 / small.factor**2, rel=0.1)


def test_the_relative_step_is_the_learning_rate_times_the_gradient_over_the_weights(small):
    np.testing.assert_allclose(small.step_size("bn"), 0.3 * small.grad_norm["bn"] / small.weight_norm["bn"])


def test_the_jolt_multiplies_the_weights_by_the_factor(small):
    without, jolted = small.first_after(small.weight_norm["none"])
    assert jolted / without == pytest.approx(small.factor, rel=1e-12)


def test_with_bn_every_step_lengthens_the_weights():
    """The loss does not change along W, so dL/dW is at right angles to W: ‖W - lr·g‖² = ‖W‖² + lr²‖g‖²."""
    result = jolt(SMALL, layer=2, factor=0.1)
    norms = result.weight_norm["bn"]
    assert np.all(np.diff(norms[:, : result.at]) >= -1e-9 * norms[:, 1 : result.at])
    assert np.all(np.diff(norms[:, result.at :]) >= -1e-9 * norms[:, result.at + 1 :])
    assert norms[1, result.at + WINDOW] > 1.5 * norms[1, result.at]  # after ×0.1 the large steps lengthen W fast


def test_the_windows_of_the_curves_end_at_the_jolt_and_at_the_last_step(small):
    ends = small.window_ends()
    assert small.at in ends and ends[-1] == small.steps and np.all(np.diff(ends) > 0)
    x, y = small.windowed(small.loss["bn"][1])
    np.testing.assert_array_equal(x, ends)
    i = int(np.flatnonzero(ends == small.at)[0])
    assert y[i + 1] == pytest.approx(small.loss["bn"][1, small.at : ends[i + 1]].mean())


def test_mean_losses_average_the_window_before_after_and_at_the_end(small):
    loss = small.loss["none"]
    np.testing.assert_allclose(small.mean_loss("none", "before"), loss[:, small.at - WINDOW : small.at].mean(axis=1))
    np.testing.assert_allclose(small.mean_loss("none", "after"), loss[:, small.at : small.at + WINDOW].mean(axis=1))
    np.testing.assert_allclose(small.mean_loss("none", "end"), loss[:, -WINDOW:].mean(axis=1))


def test_a_diverging_copy_stops_and_its_curve_ends_where_it_diverged():
    result = jolt(NetworkSettings(activation="ReLU", steps=200, lr=0.3), layer=1, factor=10.0)
    k = result.diverged_at["none"][1]
    assert result.at < k <= result.steps and result.diverged_at["none"][0] == 0  # only the jolted plain network
    assert np.all(np.isnan(result.loss["none"][1, k - 1 :])) and np.all(np.isfinite(result.loss["none"][1, : k - 1]))
    x, y = result.windowed(result.loss["none"][1])
    assert np.all(np.isfinite(y)) and x[-1] < k
    assert result.undo is not None and not result.diverged_at["bn"].any()


# --- the values that would undo BN -----------------------------------------------------


def test_gamma_and_beta_that_undo_bn_give_back_the_input_in_eval_mode_and_have_distance_zero():
    rng = np.random.default_rng(0)
    bn = BatchNorm(3)
    for _ in range(20):
        bn.forward(rng.normal([1.0, -2.0, 0.5], [2.0, 0.3, 5.0], size=(16, 3)))
    bn.eval()
    undo = Undo(bn.gamma[None], bn.beta[None], bn.running_mean[None], bn.running_var[None], bn.eps)
    bn.gamma, bn.beta = undo.gamma_undo[0], undo.beta_undo[0]
    z = rng.normal(size=(8, 3))
    np.testing.assert_allclose(bn.forward(z), z, atol=1e-12)
    same = Undo(undo.gamma_undo, undo.beta_undo, undo.running_mean, undo.running_var, undo.eps)
    np.testing.assert_allclose(same.distance, 0.0, atol=1e-15)


def test_the_distance_is_the_rms_of_output_minus_input_over_the_inputs_spread():
    # √(σ² + ε) = 2, μ = 1: γ = 2, β = 1 undo BN; γ = 4 (output - input = 2 x̂, RMS 2) is 1 spread away,
    # β = 2.5 (output - input = 1.5) is 0.75 away, both together √(2² + 1.5²) / 2 = 1.25.
    var = np.full((1, 4), 4.0 - 1e-5)
    undo = Undo(np.array([[2.0, 4.0, 2.0, 4.0]]), np.array([[1.0, 1.0, 2.5, 2.5]]), np.ones((1, 4)), var, 1e-5)
    np.testing.assert_allclose(undo.distance, [[0.0, 1.0, 0.75, 1.25]], atol=1e-12)
    assert undo.closest() == (1, 1)
    np.testing.assert_allclose(undo.median_distance(), [0.875])


def test_gamma_and_beta_that_undo_bn_on_a_batch_still_ignore_a_jolt_to_the_weights():
    """They are numbers; μ_B and σ_B are recomputed from the batch: after ×10 the layer outputs what it did."""
    z = np.random.default_rng(1).normal(2.0, 3.0, size=(32, 4))
    bn = BatchNorm(4)
    bn.gamma, bn.beta = np.sqrt(z.var(axis=0) + bn.eps), z.mean(axis=0)
    np.testing.assert_allclose(bn.forward(z), z, rtol=1e-12)
    np.testing.assert_allclose(bn.forward(10 * z), z, atol=1e-5)  # not 10 z: ε aside (1e-5 against σ² = 9)


def test_the_undo_is_read_from_the_bn_network_trained_without_the_jolt(small):
    (bn,) = train_networks(SMALL, norms=("bn",))
    np.testing.assert_allclose(small.undo.gamma, bn.gamma, rtol=1e-9)
    np.testing.assert_allclose(small.undo.beta, bn.beta, rtol=1e-9, atol=1e-12)
    assert small.undo.running_var.shape == (SMALL.depth, SMALL.width) and np.all(small.undo.running_var > 0)


@pytest.mark.parametrize(
    "layer, factor, steps, message",
    [
        (0, 10.0, 120, "layer must be a hidden layer from 1 to 3; got 0"),
        (4, 10.0, 120, "layer must be a hidden layer from 1 to 3; got 4"),
        (1, 0.0, 120, "factor must be a positive number; got 0.0"),
        (1, float("nan"), 120, "factor must be a positive number"),
        (1, 10.0, 30, "the jolt needs at least 40 training steps; got 30"),
    ],
)
def test_bad_jolt_settings_are_refused_with_a_message(layer, factor, steps, message):
    settings = NetworkSettings(depth=3, width=8, batch_size=16, steps=steps, n_points=128)
    with pytest.raises(ValueError, match=message):
        jolt(settings, layer=layer, factor=factor)
