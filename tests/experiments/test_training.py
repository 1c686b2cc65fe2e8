"""bnviz.training: γ and β trained through BatchNorm, checked against finite differences, torch and the optimum."""

import numpy as np
import pytest

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.data import ChannelSpec, preset
from bnviz.experiments.training.data import (
    Experiment,
    draw_activations,
    epoch_batches,
    full_batch_experiment,
    make_experiment,
    sequential_experiment,
)
from bnviz.experiments.training.ends import settled, settled_but_noisy
from bnviz.experiments.training.landscape import landscape, landscape_box, landscape_view, optimum, reference
from bnviz.experiments.training.loop import step_detail, train
from bnviz.experiments.training.losses import (
    cross_entropy,
    cross_entropy_grad,
    next_layer_loss,
    squared_error,
    squared_error_grad,
)
from bnviz.experiments.training.modes import (
    COMPARE_STEPS,
    both_modes,
    compare_settings,
    convention_value,
    train_vs_eval,
)
from bnviz.experiments.training.optimizers import SGD, Adam, Momentum
from bnviz.experiments.training.settings import EPS, MAX_STEPS, N_HOLDOUT, SUGGESTED_LR, TASKS, TrainingSettings
from content.common import CLAIM_SEEDS

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

SPECS = tuple(preset("channels on very different scales", 4))
NORMAL = (ChannelSpec("normal", 3.0, 2.0),)


def central_difference(f, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """df/dp by central differences, one coordinate at a time."""
    grad = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        up, down = p.copy(), p.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


def tiny_experiment(task: str, optimizer: str, t=None) -> Experiment:
    """Six values, two channels, four fixed mini-batches of three: small enough to compare with torch."""
    x = np.array([[1.0, 10.0], [3.0, -2.0], [-1.0, 4.0], [6.0, 0.5], [2.5, 7.0], [0.0, -3.0]])
    if t is None:
        t = x.copy() if task == "reconstruct" else np.array([[1.0, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]])
    s = TrainingSettings(task=task, optimizer=optimizer, lr=0.1, batch_size=3, epochs=2, n_train=6)
    batches = np.array([[0, 1, 2], [3, 4, 5], [5, 0, 3], [1, 2, 4]])
    return Experiment(s, x, t, x.mean(0), x.std(0), batches, x, t)


# --- the gradients training uses ----------------------------------------------------------------


def test_squared_error_gradient_matches_central_differences():
    rng = np.random.default_rng(1)
    y, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    numeric = central_difference(lambda v: squared_error(v, t).sum(), y)
    np.testing.assert_allclose(squared_error_grad(y, t), numeric, atol=1e-8)


def test_cross_entropy_gradient_matches_central_differences_even_in_the_saturated_region():
    rng = np.random.default_rng(2)
    y = rng.normal(scale=6.0, size=(6, 2))  # values up to ±15: sigmoid saturated
    labels = (rng.random((6, 2)) < 0.5).astype(float)
    numeric = central_difference(lambda v: cross_entropy(v, labels).sum(), y)
    np.testing.assert_allclose(cross_entropy_grad(y, labels), numeric, atol=1e-8)


@pytest.mark.parametrize("task", ["reconstruct", "target", "classify"])
def test_gradients_through_batchnorm_to_gamma_and_beta_match_central_differences(task):
    exp = make_experiment(SPECS, None, TrainingSettings(task=task, batch_size=8, epochs=1, seed=3))
    xb, tb = exp.x[exp.batches[0]], exp.t[exp.batches[0]]
    loss_fn, grad_fn = {"classify": (cross_entropy, cross_entropy_grad)}.get(task, (squared_error, squared_error_grad))
    gamma, beta = np.array([1.5, 0.7, -0.4, 2.0]), np.array([0.3, -1.0, 2.0, 0.5])

    def loss(params):
        bn = BatchNorm(4)
        bn.gamma, bn.beta = params[0], params[1]
        return loss_fn(bn(xb), tb).sum()

    bn = BatchNorm(4)
    bn.gamma, bn.beta = gamma, beta
    bn.backward(grad_fn(bn(xb), tb))
    numeric = central_difference(loss, np.stack([gamma, beta]))
    np.testing.assert_allclose(bn.grad_gamma, numeric[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(bn.grad_beta, numeric[1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("task", ["reconstruct", "classify"])
def test_recorded_gradients_of_a_training_step_match_central_differences(task):
    exp = make_experiment(SPECS, None, TrainingSettings(task=task, batch_size=16, epochs=2))
    hist = train(exp)
    k = 37
    xb, tb = exp.x[exp.batches[k]], exp.t[exp.batches[k]]
    loss_fn = cross_entropy if task == "classify" else squared_error

    def loss(params):
        bn = BatchNorm(4)
        bn.gamma, bn.beta = params[0], params[1]
        return loss_fn(bn(xb), tb).sum()

    numeric = central_difference(loss, np.stack([hist.gamma[k], hist.beta[k]]))
    scale = np.abs(numeric).max()
    np.testing.assert_allclose(hist.grad_gamma[k], numeric[0], atol=1e-6 * scale)
    np.testing.assert_allclose(hist.grad_beta[k], numeric[1], atol=1e-6 * scale)


# --- the optimizers and the loop, against torch ----------------------------------------------------


def test_sgd_direction_is_the_gradient_and_the_update_subtracts_lr_times_it():
    exp = make_experiment(SPECS, None, TrainingSettings(lr=0.1, epochs=1))
    hist = train(exp)
    np.testing.assert_allclose(hist.gamma[1:], hist.gamma[:-1] - 0.1 * hist.grad_gamma[:-1], atol=1e-12)
    np.testing.assert_allclose(hist.beta[1:], hist.beta[:-1] - 0.1 * hist.grad_beta[:-1], atol=1e-12)
    np.testing.assert_array_equal(hist.dir_gamma, hist.grad_gamma)


def test_momentum_velocity_accumulates_past_gradients():
    opt = Momentum()
    np.testing.assert_allclose(opt.direction(np.array([1.0, -2.0])), [1.0, -2.0])
    np.testing.assert_allclose(opt.direction(np.array([0.5, 0.0])), [0.9 + 0.5, -1.8])
    np.testing.assert_allclose(opt.direction(np.array([0.0, 1.0])), [0.9 * 1.4, 0.9 * -1.8 + 1.0])


def test_adam_matches_torch_adam_for_three_steps():
    # torch.optim.Adam([p], lr=0.1) from p = (1, -2) with these gradients (torch 2.13, float64)
    p, opt = np.array([1.0, -2.0]), Adam()
    expected = [
        [0.900000002, -1.9000000003333333],
        [0.8101424839029282, -1.8599781433169098],
        [0.7925145982082051, -1.8394072978319362],
    ]
    for g, want in zip([[0.5, -3.0], [0.2, 1.0], [-0.4, 0.5]], expected):
        p = p - 0.1 * opt.direction(np.array(g))
        np.testing.assert_allclose(p, want, rtol=0, atol=1e-12)


def test_sgd_returns_a_copy_so_a_recorded_direction_is_not_overwritten():
    g = np.array([1.0, 2.0])
    d = SGD().direction(g)
    g[0] = 5.0
    assert d[0] == 1.0


# torch.nn.BatchNorm1d(2) trained on the batches of tiny_experiment, loss summed over channels
# (mean over the batch), lr = 0.1: final weight, bias, running_mean, running_var (torch 2.13, float64).
TORCH_FINAL = {
    ("reconstruct", "sgd"): ([1.667651627739, 3.068712313658], [1.1384, 1.6016]),
    ("reconstruct", "momentum"): ([2.524278393611, 5.771736368378], [2.5916, 3.5294]),
    ("reconstruct", "adam"): ([1.384511319877, 1.394688043962], [0.381408270148, 0.370956380912]),
    ("classify", "sgd"): ([0.825523349727, 0.771390520625], [0.000320200367, 0.000688689817]),
    ("classify", "momentum"): ([0.5985209609, 0.476639244983], [-0.002741488939, -0.002291067742]),
    ("classify", "adam"): ([0.625610285821, 0.602633138216], [0.039076326546, 0.039916935349]),
}


@pytest.mark.parametrize("task, optimizer", sorted(TORCH_FINAL))
def test_training_loop_matches_torch_batchnorm1d_with_its_optimizers(task, optimizer):
    hist = train(tiny_experiment(task, optimizer))
    gamma, beta = TORCH_FINAL[task, optimizer]
    np.testing.assert_allclose(hist.final_gamma, gamma, atol=1e-9)
    np.testing.assert_allclose(hist.final_beta, beta, atol=1e-9)
    np.testing.assert_allclose(hist.final_running_mean, [0.6624, 0.9381], atol=1e-12)
    np.testing.assert_allclose(hist.final_running_var, [3.08845, 11.53875], atol=1e-12)


def test_running_statistics_follow_pytorch_momentum_with_the_unbiased_variance():
    s = TrainingSettings(batch_size=8, epochs=2, momentum=0.25)
    exp = make_experiment(SPECS, None, s)
    hist = train(exp)
    m, b = 0.25, 8
    mean, var = np.zeros(4), np.ones(4)
    for k in range(hist.steps):
        mean = (1 - m) * mean + m * hist.mu[k]
        var = (1 - m) * var + m * hist.var[k] * b / (b - 1)  # σ²_B is recorded biased
        np.testing.assert_allclose(hist.running_mean[k], mean, rtol=1e-12)
        np.testing.assert_allclose(hist.running_var[k], var, rtol=1e-12)


def test_batch_statistics_recorded_are_those_of_each_mini_batch():
    exp = make_experiment(SPECS, None, TrainingSettings(batch_size=4, epochs=1))
    hist = train(exp)
    xb = exp.x[exp.batches[5]]
    np.testing.assert_allclose(hist.mu[5], xb.mean(axis=0))
    np.testing.assert_allclose(hist.var[5], xb.var(axis=0))


def test_momentum_conventions_describe_the_same_average_from_opposite_sides():
    assert convention_value(0.1, "PyTorch") == 0.1
    assert convention_value(0.1, "Keras") == pytest.approx(0.9)
    assert convention_value(0.01, "Keras") == pytest.approx(0.99)  # Keras' default 0.99 is PyTorch's 0.01
    assert convention_value(0.1, "cs231n") == pytest.approx(0.9)


# --- the data ------------------------------------------------------------------------------------


def test_every_epoch_is_a_fresh_permutation_cut_into_full_batches():
    batches = epoch_batches(10, 3, 4, np.random.default_rng(0))
    assert batches.shape == (4 * 3, 3)
    epochs = batches.reshape(4, 9)
    for e in epochs:
        assert len(set(e)) == 9  # no value twice in an epoch; one is dropped (10 = 3·3 + 1)
    assert len({tuple(e) for e in epochs}) == 4  # no two epochs see the same batches


def test_training_set_is_drawn_from_the_channel_distributions():
    x = draw_activations(NORMAL, None, 20_000, seed=0)
    assert x.shape == (20_000, 1)
    assert x.mean() == pytest.approx(3.0, abs=0.05)
    assert x.std() == pytest.approx(2.0, abs=0.05)


def test_an_uploaded_conv_batch_is_resampled_from_its_own_values_per_position():
    x = np.arange(2 * 3 * 2 * 2, dtype=float).reshape(2, 3, 2, 2)  # channel c holds values 4c..4c+3 (+12)
    drawn = draw_activations(None, x, 50, seed=1)
    assert drawn.shape == (50, 3)
    for c in range(3):
        assert set(drawn[:, c]) <= set(x[:, c].ravel())
    # one row is one (sample, position): channel 1 is channel 0 + 4 there
    np.testing.assert_array_equal(drawn[:, 1], drawn[:, 0] + 4)


def test_held_out_batch_is_not_part_of_the_training_draw():
    exp = make_experiment(NORMAL, None, TrainingSettings())
    assert exp.holdout_x.shape == (N_HOLDOUT, 1)
    assert not np.isin(exp.holdout_x, exp.x).any()


def test_classifier_labels_follow_the_steep_shifted_sigmoid():
    exp = make_experiment(NORMAL, None, TrainingSettings(task="classify", n_train=1024))
    z = (exp.x[:, 0] - exp.mu[0]) / exp.std[0]
    assert set(np.unique(exp.t)) == {0.0, 1.0}
    assert exp.t[z > 2, 0].mean() > 0.95  # P = sigmoid(4·1.5) = 0.998
    assert exp.t[z < -1, 0].mean() < 0.05  # P ≤ sigmoid(-6) = 0.0025
    assert exp.t[np.abs(z - 0.5) < 0.1, 0].mean() == pytest.approx(0.5, abs=0.2)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"batch_size": 1}, "between 2 and"),
        ({"task": "dance"}, "task must be one of"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"lr": 0.0}, "positive"),
        ({"batch_size": 2, "epochs": 40, "n_train": 1024}, "at most 20,000"),
        ({"momentum": 1.5}, "between 0 and 1"),
        ({"target_std": -1.0}, "≥ 0"),
    ],
)
def test_settings_training_cannot_use_raise_a_clear_message(changes, message):
    with pytest.raises(ValueError, match=message):
        make_experiment(SPECS, None, TrainingSettings().replace(**changes))
    assert MAX_STEPS == 20_000


# --- where γ and β converge ----------------------------------------------------------------------

# Stated tolerance: the mean over the last 10 epochs (where SGD hovers, its noise averaged out)
# is within 3 % of the channel's own scale (the larger of |γ*|, |β*| and σ; scale-free, since
# the channels span 0.2 to 40).
TOL = 0.03


@pytest.mark.parametrize("task", ["reconstruct", "target", "classify"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_each_task_converges_where_the_computed_optimum_says(task, optimizer):
    # Momentum's steps are ~10 × lr. The sigmoid's flat tails give the classifier small gradients,
    # which SGD turns into small steps (Adam's steps are ~lr whatever the gradient's size).
    lr = {"sgd": 0.1, "momentum": 0.01, "adam": 0.1}[optimizer] * (
        3 if task == "classify" and optimizer != "adam" else 1
    )
    s = TrainingSettings(task=task, optimizer=optimizer, lr=lr, batch_size=32, epochs=30, seed=0)
    exp = make_experiment(SPECS, None, s)
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    tail = 10 * exp.settings.steps_per_epoch
    g_end, b_end = hist.gamma[-tail:].mean(axis=0), hist.beta[-tail:].mean(axis=0)
    # Adam moves at most ~lr per step: channel 3 (β* = 49) needs more steps than 30 epochs give.
    channels = [0, 1, 2] if optimizer == "adam" and task == "reconstruct" else [0, 1, 2, 3]
    for c in channels:
        scale = max(abs(gamma_star[c]), abs(beta_star[c]), exp.std[c])
        assert abs(g_end[c] - gamma_star[c]) < TOL * scale, (c, g_end[c], gamma_star[c])
        assert abs(b_end[c] - beta_star[c]) < TOL * scale, (c, b_end[c], beta_star[c])


def test_reconstruct_optimum_undoes_the_normalization_with_the_average_batch_std():
    exp = make_experiment(SPECS, None, TrainingSettings(batch_size=32))
    gamma_star, beta_star = optimum(exp)
    ref_gamma, ref_beta = reference(exp)
    np.testing.assert_allclose(beta_star, exp.mu, rtol=1e-10)  # β* = μ exactly (full epochs)
    xs = exp.x[exp.batches]
    var_b = xs.var(axis=1)  # (steps, C)
    weighted = (var_b / np.sqrt(var_b + EPS)).sum(0) / (var_b / (var_b + EPS)).sum(0)
    np.testing.assert_allclose(gamma_star, weighted, rtol=1e-10)  # the docstring's formula
    np.testing.assert_allclose(ref_gamma, np.sqrt(exp.std**2 + EPS))
    ratio = gamma_star / ref_gamma
    assert np.all((ratio > 0.95) & (ratio < 1.0))  # a batch of 32's σ_B is ~2.5 % below σ


def test_reconstruct_optimum_for_batches_of_two_is_sigma_over_root_pi():
    # x̂ = ±1 in a batch of 2, so γ* = E|x1 - x2| / 2 = σ / √π for a normal channel
    exp = make_experiment(NORMAL, None, TrainingSettings(batch_size=2, epochs=20, n_train=1024))
    gamma_star, _ = optimum(exp)
    assert gamma_star[0] == pytest.approx(exp.std[0] / np.sqrt(np.pi), rel=0.03)


def test_reconstruct_optimum_for_large_batches_approaches_sqrt_var_plus_eps():
    exp = make_experiment(NORMAL, None, TrainingSettings(batch_size=256, epochs=10))
    gamma_star, _ = optimum(exp)
    assert gamma_star[0] == pytest.approx(np.sqrt(exp.std[0] ** 2 + EPS), rel=0.005)


def test_target_optimum_is_the_target_mean_and_about_the_target_spread():
    exp = make_experiment(SPECS, None, TrainingSettings(task="target", target_mean=2.0, target_std=0.5))
    gamma_star, beta_star = optimum(exp)
    np.testing.assert_allclose(beta_star, 2.0, atol=1e-10)
    np.testing.assert_allclose(gamma_star, 0.5, rtol=0.04)
    assert np.all(np.abs(gamma_star - exp.std) > 0.1)  # not σ: γ serves the loss


def test_classifier_optimum_is_a_steep_shifted_sigmoid_where_the_average_gradient_vanishes():
    exp = make_experiment(SPECS, None, TrainingSettings(task="classify"))
    gamma_star, beta_star = optimum(exp)
    assert np.all(gamma_star > 3.0) and np.all(beta_star < -1.5)  # near the labels' own (4, -2)
    x_hat = (
        (exp.x[exp.batches] - exp.x[exp.batches].mean(1, keepdims=True))
        / np.sqrt(exp.x[exp.batches].var(1, keepdims=True) + EPS)
    ).reshape(-1, 4)
    t = exp.t[exp.batches].reshape(-1, 4)
    for c in range(4):

        def avg_loss(p, c=c):
            y = p[0] * x_hat[:, c] + p[1]
            return np.mean(np.logaddexp(0, y) - t[:, c] * y)

        grad = central_difference(avg_loss, np.array([gamma_star[c], beta_star[c]]))
        np.testing.assert_allclose(grad, 0.0, atol=1e-7)


def test_a_constant_channel_leaves_gamma_untouched_and_its_optimum_undefined():
    specs = (ChannelSpec("normal", 0.0, 1.0), ChannelSpec("relu", 0.0, 0.0))  # channel 1 always 0
    exp = make_experiment(specs, None, TrainingSettings(gamma0=1.7, epochs=2))
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    assert np.isnan(gamma_star[1]) and beta_star[1] == 0.0
    np.testing.assert_array_equal(hist.grad_gamma[:, 1], 0.0)
    assert hist.final_gamma[1] == 1.7


def test_a_too_large_learning_rate_diverges_and_training_stops_with_finite_values():
    exp = make_experiment(SPECS, None, TrainingSettings(lr=3.0, epochs=5))
    hist = train(exp)
    assert hist.diverged_at is not None and hist.diverged_at < 200
    assert hist.steps == hist.diverged_at + 1
    assert np.all(np.isfinite(hist.final_gamma)) and np.all(np.isfinite(hist.final_beta))


# --- the landscape ----------------------------------------------------------------------------------


@pytest.mark.parametrize("task", ["reconstruct", "target", "classify"])
def test_landscape_is_the_average_loss_over_every_mini_batch(task):
    exp = make_experiment(SPECS, None, TrainingSettings(task=task, batch_size=16, epochs=3))
    land = landscape(exp)
    loss_fn = cross_entropy if task == "classify" else squared_error
    for gamma, beta in [(1.0, 0.0), (3.0, -2.0), (9.0, 7.0)]:
        direct = np.mean([loss_fn(_bn_out(exp.x[b], gamma, beta), exp.t[b]) for b in exp.batches], axis=0)
        for c in range(4):
            assert land.loss(c, gamma, beta) == pytest.approx(direct[c], rel=1e-4 if task == "classify" else 1e-10)


def _bn_out(xb, gamma, beta):
    bn = BatchNorm(xb.shape[1], eps=EPS)
    bn.gamma, bn.beta = gamma, beta
    return bn(xb)


@pytest.mark.parametrize("task", ["reconstruct", "classify"])
def test_landscape_is_lowest_at_the_optimum(task):
    exp = make_experiment(SPECS, None, TrainingSettings(task=task))
    land = landscape(exp)
    gamma_star, beta_star = optimum(exp)
    for c in range(4):
        best = land.loss(c, gamma_star[c], beta_star[c])
        for dg, db in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05), (0.05, 0.05)]:
            assert land.loss(c, gamma_star[c] + dg, beta_star[c] + db) > best


def test_landscape_grid_puts_beta_on_rows_and_gamma_on_columns():
    exp = make_experiment(SPECS, None, TrainingSettings())
    land = landscape(exp)
    gammas, betas = np.array([0.0, 1.0, 2.0]), np.array([-1.0, 5.0])
    grid = land.grid(1, gammas, betas)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == pytest.approx(land.loss(1, 2.0, 5.0))


def test_landscape_box_has_round_ends_around_every_point():
    g_lo, g_hi, b_lo, b_hi = landscape_box([1.0, 9.8], [0.0, 7.6])
    assert g_lo < 1.0 and g_hi > 9.8 and b_lo < 0.0 and b_hi > 7.6
    assert (g_lo, g_hi, b_lo, b_hi) == (-1.0, 12.0, -2.0, 10.0)
    g_lo, g_hi, _, _ = landscape_box([1.0, 1.0], [0.0, 0.0])
    assert g_hi - g_lo >= 1.0  # a path that barely moves still gets a bowl around it


# --- one step up close, and training vs eval mode ----------------------------------------------


def test_step_detail_replays_the_recorded_step_without_retraining():
    exp = make_experiment(SPECS, None, TrainingSettings(task="classify", optimizer="adam"))
    hist = train(exp)
    d = step_detail(exp, hist, 100, 2)
    assert d.grad_gamma == pytest.approx(hist.grad_gamma[100, 2], rel=1e-12)
    assert d.grad_beta == pytest.approx(hist.grad_beta[100, 2], rel=1e-12)
    assert d.gamma_next == pytest.approx(d.gamma - d.lr * d.dir_gamma, rel=1e-12)
    assert d.mu == pytest.approx(hist.mu[100, 2]) and d.var == pytest.approx(hist.var[100, 2])
    np.testing.assert_allclose(d.y, d.gamma * d.x_hat + d.beta)
    with pytest.raises(ValueError, match="step must be between"):
        step_detail(exp, hist, hist.steps, 0)


def test_eval_mode_uses_running_statistics_and_training_mode_each_batch_of_the_training_size():
    exp = make_experiment(SPECS, None, TrainingSettings(lr=0.1, batch_size=2, epochs=1))
    hist = train(exp)
    te = train_vs_eval(exp, hist)
    x = exp.holdout_x
    expected = (
        hist.final_gamma * (x - hist.final_running_mean) / np.sqrt(hist.final_running_var + EPS) + hist.final_beta
    )
    np.testing.assert_allclose(te.y_eval, expected, rtol=1e-12)
    # a batch of two normalizes to x̂ = ±1 (up to ε): training mode outputs only β ± γ
    pair = te.y_train[:2]
    np.testing.assert_allclose(
        np.sort(pair, axis=0),
        np.stack([hist.final_beta - hist.final_gamma, hist.final_beta + hist.final_gamma]),
        rtol=1e-3,
    )
    assert te.relative_gap[1] > 0.2


def test_both_modes_by_hand():
    x = np.array([[0.0], [2.0], [4.0], [8.0]])  # two mini-batches of 2: μ_B 1 and 6
    y_train, y_eval = both_modes(x, 2, [3.0], [1.0], [2.0], [4.0])
    np.testing.assert_allclose(y_eval.ravel(), 1.0 + 3.0 * (x.ravel() - 2.0) / np.sqrt(4.0 + EPS))
    half = np.array([-1.0, 1.0, -2.0, 2.0])  # x − μ_B; σ²_B is 1, then 4
    np.testing.assert_allclose(y_train.ravel(), 1.0 + 3.0 * half / np.sqrt(np.array([1.0, 1.0, 4.0, 4.0]) + EPS))


def test_a_sequential_experiment_trains_on_its_values_in_order():
    x = np.arange(12.0).reshape(6, 2) ** 1.5
    s = TrainingSettings(task="target", lr=0.1, batch_size=2, epochs=1, n_train=6)
    exp = sequential_experiment(x, x, s)
    np.testing.assert_array_equal(exp.batches, [[0, 1], [2, 3], [4, 5]])
    hist = train(exp)
    np.testing.assert_allclose(hist.mu, x.reshape(3, 2, 2).mean(axis=1))
    with pytest.raises(ValueError, match="one epoch"):
        sequential_experiment(x, x, s.replace(n_train=4))


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_large_batches_give_a_much_smaller_train_eval_gap_than_batches_of_two(seed):
    small = make_experiment(SPECS, None, TrainingSettings(lr=0.1, batch_size=2, epochs=2, seed=seed))
    large = make_experiment(SPECS, None, TrainingSettings(lr=0.1, batch_size=64, epochs=60, seed=seed))
    gap_small = train_vs_eval(small, train(small)).relative_gap
    gap_large = train_vs_eval(large, train(large)).relative_gap
    assert np.all(gap_large < 0.5 * gap_small)


# --- what the page shows ----------------------------------------------------------------------


def test_compared_trainings_get_about_as_many_steps_whatever_their_batch_size():
    s = TrainingSettings(batch_size=32, epochs=30)  # 960 steps
    small, large = compare_settings(s, 2, s.steps), compare_settings(s, 64, s.steps)
    assert (small.batch_size, small.steps) == (2, 1024)  # 2 epochs of 512
    assert (large.batch_size, large.steps) == (64, 960)  # 60 epochs of 16
    assert compare_settings(s.replace(batch_size=2), 2, 15_360).steps <= COMPARE_STEPS + 512


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_at_the_pages_first_settings_gamma_and_beta_settle_at_the_optimum_on_every_channel(seed):
    """/learning's caption: γ and β "settle at the dashed γ*, β*" (the page says so when they have not)."""
    exp = make_experiment(SPECS, None, TrainingSettings(seed=seed))
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    assert all(settled(exp, hist, gamma_star, beta_star, c) for c in range(len(SPECS)))


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
@pytest.mark.parametrize("task", TASKS)
def test_at_each_tasks_first_settings_the_loss_stays_noisy_once_gamma_and_beta_have_settled(task, seed):
    """/learning's "the parameters have settled, the batch has not" (content.learning.loss_noise), said when
    settled_but_noisy holds: at each task's first settings (its suggested η), on every channel."""
    exp = make_experiment(SPECS, None, TrainingSettings(task=task, lr=SUGGESTED_LR[task], seed=seed))
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    assert all(settled_but_noisy(exp, hist, gamma_star, beta_star, c) for c in range(len(SPECS)))


def test_settled_but_noisy_needs_gamma_and_beta_settled_and_the_loss_far_noisier_than_they_are():
    exp = make_experiment(SPECS, None, TrainingSettings(task="classify", lr=0.03, epochs=2))  # not settled
    hist = train(exp)
    assert not settled_but_noisy(exp, hist, *optimum(exp), 1)
    exp = make_experiment(SPECS, None, TrainingSettings())
    hist = train(exp)
    assert settled_but_noisy(exp, hist, *optimum(exp), 1)
    assert not settled_but_noisy(exp, hist, *optimum(exp), 1, ratio=1e6)  # the loss is not a million times noisier


def test_settled_tells_whether_the_last_epoch_reached_the_optimum():
    exp = make_experiment(
        SPECS, None, TrainingSettings(task="classify", lr=0.03, epochs=2)
    )  # far too slow for the sigmoid
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    assert not settled(exp, hist, gamma_star, beta_star, 1)
    exp = make_experiment(SPECS, None, TrainingSettings())
    hist = train(exp)
    assert settled(exp, hist, *optimum(exp), 1)


def test_the_learners_path_starts_where_the_optimizer_started_inside_the_map():
    exp = make_experiment(SPECS, None, TrainingSettings(gamma0=1.0, beta0=0.0))
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    box, start = landscape_view(hist, 3, gamma_star[3], beta_star[3])
    assert start == (1.0, 0.0)
    assert box[0] < 1.0 < gamma_star[3] < box[1] and box[2] < 0.0 < beta_star[3] < box[3]


# --- γ and β fixed (affine=False), and a nonlinearity with a learned next layer after BN ---------------


def head_experiment(affine: bool = True, head: str = "sigmoid", optimizer: str = "sgd", steps: int = 30) -> Experiment:
    """Two channels on different scales, every step the whole batch, targets a switch at x = 4."""
    x = np.column_stack([np.linspace(0.0, 6.0, 16), 8.0 + 3.0 * np.sin(1.3 * np.arange(16.0))])
    t = 1.0 / (1.0 + np.exp(-(x - 4.0)))
    s = TrainingSettings(
        task="target", optimizer=optimizer, lr=0.2, batch_size=16, epochs=steps, n_train=16, affine=affine, head=head
    )
    return full_batch_experiment(x, t, s)


@pytest.mark.parametrize("head", ["sigmoid", "tanh", "ReLU"])
def test_next_layer_gradients_match_central_differences(head):
    rng = np.random.default_rng(4)
    y, t = rng.normal(scale=2.0, size=(7, 3)), rng.normal(size=(7, 3))
    w, b = np.array([0.5, -1.5, 2.0]), np.array([0.1, 0.0, -0.3])
    _, dy, dw, db = next_layer_loss(head, y, t, w, b)
    np.testing.assert_allclose(
        dy, central_difference(lambda v: next_layer_loss(head, v, t, w, b)[0].sum(), y), atol=1e-8
    )
    np.testing.assert_allclose(
        dw, central_difference(lambda v: next_layer_loss(head, y, t, v, b)[0].sum(), w), atol=1e-8
    )
    np.testing.assert_allclose(
        db, central_difference(lambda v: next_layer_loss(head, y, t, w, v)[0].sum(), b), atol=1e-8
    )


def test_a_full_batch_experiment_shows_every_value_at_every_step():
    exp = head_experiment(steps=5)
    assert exp.batches.shape == (5, 16)
    assert all(sorted(b) == list(range(16)) for b in exp.batches)
    with pytest.raises(ValueError, match="batch_size = n_train"):
        full_batch_experiment(exp.x, exp.t, exp.settings.replace(batch_size=8))


def test_with_a_next_layer_the_recorded_gradients_of_gamma_and_beta_go_through_it():
    exp = head_experiment()
    hist = train(exp)
    k = 12
    x, t = exp.x, exp.t

    def loss(params):
        bn = BatchNorm(2)
        bn.gamma, bn.beta = params[0], params[1]
        return next_layer_loss("sigmoid", bn(x), t, params[2], params[3])[0].sum()

    at = np.stack([hist.gamma[k], hist.beta[k], hist.next_w[k], hist.next_b[k]])
    numeric = central_difference(loss, at)
    np.testing.assert_allclose(hist.grad_gamma[k], numeric[0], atol=1e-8)
    np.testing.assert_allclose(hist.grad_beta[k], numeric[1], atol=1e-8)
    # plain SGD: the next layer's w and b take the same step, lr times their gradient
    np.testing.assert_allclose(hist.next_w[k + 1], hist.next_w[k] - 0.2 * numeric[2], atol=1e-8)
    np.testing.assert_allclose(hist.next_b[k + 1], hist.next_b[k] - 0.2 * numeric[3], atol=1e-8)
    assert hist.loss[k + 1].sum() < hist.loss[k].sum()


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_affine_false_keeps_gamma_one_and_beta_zero_while_the_next_layer_learns(optimizer):
    hist = train(head_experiment(affine=False, optimizer=optimizer))
    assert np.all(hist.gamma == 1.0) and np.all(hist.beta == 0.0)
    assert np.all(hist.final_gamma == 1.0) and np.all(hist.final_beta == 0.0)
    assert np.all(hist.grad_gamma == 0.0) and np.all(hist.dir_gamma == 0.0)
    assert np.all(hist.final_next_w != 1.0) and hist.loss[-1].sum() < hist.loss[0].sum()


def test_without_a_next_layer_nothing_of_it_is_recorded():
    hist = train(tiny_experiment("reconstruct", "sgd"))
    assert hist.next_w is None and hist.final_next_w is None


@pytest.mark.parametrize(
    "changes, message",
    [({"head": "swish"}, "head must be None or one of"), ({"head": "sigmoid", "task": "classify"}, "squared error")],
)
def test_a_next_layer_the_loop_cannot_train_is_refused_with_a_clear_message(changes, message):
    with pytest.raises(ValueError, match=message):
        make_experiment(SPECS, None, TrainingSettings().replace(**changes))
