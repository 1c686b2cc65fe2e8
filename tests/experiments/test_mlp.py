"""bnviz.mlp: the MLP without BN, with BN, and with BN but no γ and β; its gradients, its training,
divergence, the sweep."""

import numpy as np
import pytest

from bnviz.core.datasets import make_dataset
from bnviz.experiments.mlp import (
    ACTIVATIONS,
    GAIN,
    HIST_BINS,
    MLP,
    NORMS,
    NetworkSettings,
    batch_schedule,
    bce_with_logits,
    experiment_data,
    init_weights,
    lr_sweep,
    saturated_share,
    train_copies,
    train_networks,
    window_ends,
)

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

# --- activations, saturation, loss ------------------------------------------------------


def test_saturated_share_follows_each_activations_definition():
    tanh = np.array([[[0.98, -0.99, 0.97, 0.0]]])  # |h| > 0.97: 2 of 4 (0.97 itself is not)
    sigmoid = np.array([[[0.02, 0.5, 0.97, 0.03]]])  # ≤ 0.03 or ≥ 0.97: 3 of 4
    relu = np.array([[[0.0, 0.0, 1.0, 0.0], [0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0]]])  # units 0 and 3 dead
    np.testing.assert_allclose(saturated_share(tanh, "tanh"), [0.5])
    np.testing.assert_allclose(saturated_share(sigmoid, "sigmoid"), [0.75])
    np.testing.assert_allclose(saturated_share(relu, "ReLU"), [0.5])


def test_bce_with_logits_hand_values():
    logits = np.array([[0.0, 2.0, -1.0]])
    y = np.array([1, 0, 0])
    loss, dlogits, accuracy = bce_with_logits(logits, y)
    expected = (np.log(2) + 2 + np.log1p(np.exp(-2)) + np.log1p(np.exp(-1))) / 3
    np.testing.assert_allclose(loss, [expected], rtol=1e-14)
    sig = 1 / (1 + np.exp(-logits[0]))
    np.testing.assert_allclose(dlogits[0], (sig - y) / 3, rtol=1e-14)
    np.testing.assert_allclose(accuracy, [1 / 3])  # only the third point (z < 0, class 0) is right


def test_bce_with_logits_stays_finite_for_huge_logits():
    loss, dlogits, _ = bce_with_logits(np.array([[1e300, -1e300]]), np.array([0, 1]))
    np.testing.assert_allclose(loss, [1e300])
    np.testing.assert_allclose(dlogits, [[0.5, -0.5]])


# --- the network ----------------------------------------------------------------------


def test_initial_weights_have_the_standard_scale_times_init_scale():
    weights = init_weights(depth=3, width=400, activation="tanh", init_scale=2.0, seed=0)
    assert [w.shape for w in weights] == [(2, 400), (400, 400), (400, 400), (400, 1)]
    assert weights[1].std() == pytest.approx(2.0 * GAIN["tanh"] / np.sqrt(400), rel=0.01)
    assert weights[-1].std() == pytest.approx(2.0 / np.sqrt(400), rel=0.1)


def test_the_bn_network_has_gamma_and_beta_instead_of_hidden_biases():
    weights = init_weights(3, 4, "ReLU", 1.0, seed=0)
    plain, bn = MLP(weights, "ReLU", "none"), MLP(weights, "ReLU", "bn")
    assert list(plain.parameters()) == ["W1", "b1", "W2", "b2", "W3", "b3", "W_out", "b_out"]
    assert list(bn.parameters()) == [
        "W1",
        "gamma1",
        "beta1",
        "W2",
        "gamma2",
        "beta2",
        "W3",
        "gamma3",
        "beta3",
        "W_out",
        "b_out",
    ]
    for name in ("W1", "W2", "W3", "W_out"):  # the same initial weights
        np.testing.assert_array_equal(plain.parameters()[name], bn.parameters()[name])
    np.testing.assert_array_equal(bn.parameters()["gamma2"], np.ones(4))


def test_bn_without_affine_learns_only_the_weights_and_the_output_bias():
    weights = init_weights(3, 4, "tanh", 1.0, seed=0)
    net = MLP(weights, "tanh", "bn_no_affine")
    assert list(net.parameters()) == ["W1", "W2", "W3", "W_out", "b_out"]
    assert all(not layer.affine for layer in net.bn)  # γ = 1 and β = 0, fixed, as BatchNorm1d(affine=False)
    X, y = make_dataset("two moons", 8, seed=0)
    grads = net.backward(bce_with_logits(net.forward(X), y)[1])
    assert set(grads) == set(net.parameters())  # no dγ, dβ: nothing to learn in BN itself
    # Every unit's input to the activation has mean 0 and variance 1 over the batch (biased, + ε).
    z = net.forward(X)
    pre = np.arctanh(net.hidden[1][0])
    np.testing.assert_allclose(pre.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(pre.var(axis=0), 1.0, rtol=1e-3)
    assert z.shape == (1, 8)


def test_an_unknown_norm_is_refused_with_its_choices():
    with pytest.raises(ValueError, match="norm must be one of none, bn, bn_no_affine; got 'layer'"):
        MLP(init_weights(2, 4, "tanh", 1.0, seed=0), "tanh", "layer")


def _perturbed_net(activation, norm, copies=2, seed=0):
    net = MLP(init_weights(3, 5, activation, 1.0, seed=seed), activation, norm, copies=copies)
    rng = np.random.default_rng(seed + 1)
    for p in net.parameters().values():  # move γ, β, b away from 1 and 0, and the copies apart
        p += 0.2 * rng.standard_normal(p.shape)
    return net


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_gradient_matches_central_finite_differences_in_training_mode(activation, norm):
    X, y = make_dataset("two moons", 16, seed=4)
    net = _perturbed_net(activation, norm)
    loss, dlogits, _ = bce_with_logits(net.forward(X), y)
    grads = net.backward(dlogits)
    params = net.parameters()
    assert set(grads) == set(params)
    h = 1e-6
    for name, p in params.items():
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = net.loss(X, y).sum()  # the copies are independent: the sum's gradient is each one's
            p[i] = old - h
            down = net.loss(X, y).sum()
            p[i] = old
            numeric[i] = (up - down) / (2 * h)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_bn_makes_the_output_independent_of_a_layers_weight_scale():
    X, _ = make_dataset("spirals", 32, seed=0)
    change = {}
    for norm in NORMS:
        net = _perturbed_net("tanh", norm, copies=1)
        before = net.forward(X)
        net.W[1] *= 10.0  # the second hidden layer's weights, ten times larger
        change[norm] = np.abs(net.forward(X) - before).max()
    assert change["none"] > 0.1
    assert change["bn"] < 1e-4 and change["bn_no_affine"] < 1e-4  # only ε = 1e-5 in √(σ² + ε) notices the scale


def test_copies_train_exactly_like_separate_networks():
    s = NetworkSettings(depth=3, width=6, batch_size=16, steps=30, n_points=64, activation="tanh")
    X, y, weights = experiment_data(s)
    for norm in NORMS:
        together = train_copies(X, y, weights, "tanh", norm, [0.1, 1.0], s.steps, s.batch_size, seed=5)
        for run in together:
            alone = train_copies(X, y, weights, "tanh", norm, [run.lr], s.steps, s.batch_size, seed=5)[0]
            np.testing.assert_allclose(run.loss, alone.loss, rtol=1e-9)
            assert run.final_loss == pytest.approx(alone.final_loss, rel=1e-9)


def test_bn_with_and_without_gamma_and_beta_as_copies_of_one_network_train_exactly_as_each_alone():
    """train_networks and lr_sweep train them so: a "bn_no_affine" copy's γ and β stay at 1 and 0."""
    s = NetworkSettings(depth=3, width=6, batch_size=16, steps=30, n_points=64, activation="tanh")
    X, y, weights = experiment_data(s)
    together = train_copies(X, y, weights, "tanh", ("bn", "bn_no_affine"), [1.0, 1.0], s.steps, s.batch_size, seed=5)
    assert [run.norm for run in together] == ["bn", "bn_no_affine"]
    for run in together:
        alone = train_copies(X, y, weights, "tanh", run.norm, [1.0], s.steps, s.batch_size, seed=5)[0]
        np.testing.assert_array_equal(run.loss, alone.loss)
        np.testing.assert_array_equal(run.hist_counts, alone.hist_counts)
        assert run.final_loss == alone.final_loss
        if run.norm == "bn":  # γ learned, away from 1, in the shared network as alone
            np.testing.assert_array_equal(run.gamma, alone.gamma)
            assert not np.all(run.gamma == 1.0)
        else:  # nothing learned to report
            assert run.gamma is None and alone.gamma is None
    with pytest.raises(ValueError, match="with or without BN in every copy"):
        MLP(weights, "tanh", ("none", "bn"), copies=2)


# torch 2.13.0 (float64, nn.Linear / nn.BatchNorm1d, with affine=False for "bn_no_affine" /
# nn.Tanh or nn.ReLU, BCEWithLogitsLoss, SGD lr 0.5) from the same weights, on the same 20
# batches: the losses of steps 1, 5, 9, 13, 17 and the final loss on all 64 points in eval mode.
TORCH = {
    ("tanh", "none"): (
        [0.557589505175264, 0.259494122755108, 0.168863523828751, 0.0512249142596118, 0.109554282691878],
        0.144188068620189,
    ),
    ("tanh", "bn"): (
        [0.607941148999717, 0.262150647420315, 0.32028051595563, 0.206513171109666, 0.376161679006285],
        0.172745324272244,
    ),
    ("tanh", "bn_no_affine"): (
        [0.6079411489997173, 0.2664887965667684, 0.31775488773799027, 0.1405132368428908, 0.3791840129576548],
        0.18227161018303933,
    ),
    ("ReLU", "none"): (
        [0.619981659080445, 0.460671443622292, 0.233171360719385, 0.0397572739333751, 0.133287139822835],
        0.120690661853221,
    ),
    ("ReLU", "bn"): (
        [0.677315892707043, 0.417429919849457, 0.353502474489409, 0.144429965332603, 0.245134632498226],
        0.167934036028482,
    ),
    ("ReLU", "bn_no_affine"): (
        [0.6773158927070428, 0.44071888991175306, 0.3945193713553342, 0.20040848186807075, 0.31680235055533557],
        0.20470103790267927,
    ),
}


@pytest.mark.parametrize("activation, norm", list(TORCH))
def test_training_matches_torch_step_for_step(activation, norm):
    s = NetworkSettings(depth=3, width=8, batch_size=16, steps=20, lr=0.5, seed=3, n_points=64)
    X, y, _ = experiment_data(s)
    weights = init_weights(3, 8, activation, 1.0, seed=4)
    run = train_copies(X, y, weights, activation, norm, [0.5], 20, 16, seed=5)[0]
    losses, final = TORCH[(activation, norm)]
    np.testing.assert_array_equal(run.loss_step, np.arange(1, 21))  # 20 steps: one per window
    np.testing.assert_allclose(run.loss[::4], losses, rtol=1e-10)
    assert run.final_loss == pytest.approx(final, rel=1e-10)


# --- training records -------------------------------------------------------------------


def test_batch_schedule_uses_every_point_once_per_epoch_in_full_batches():
    schedule = batch_schedule(10, 4, steps=5, seed=0)
    assert schedule.shape == (5, 4)
    for epoch in (schedule[0:2], schedule[2:4]):  # 10 // 4 = 2 full batches per epoch
        assert len(set(epoch.ravel())) == 8
    np.testing.assert_array_equal(schedule, batch_schedule(10, 4, steps=5, seed=0))


def test_window_ends_split_the_steps_evenly():
    np.testing.assert_array_equal(window_ends(600, 60), np.arange(10, 601, 10))
    np.testing.assert_array_equal(window_ends(5, 60), [1, 2, 3, 4, 5])
    assert window_ends(1000, 60)[-1] == 1000 and len(window_ends(1000, 60)) == 60


@pytest.fixture(scope="module")
def small_three():
    s = NetworkSettings(depth=3, width=8, batch_size=16, steps=120, lr=0.3, n_points=128)
    return s, train_networks(s)


def test_the_first_curve_point_is_the_mean_loss_of_the_first_window(small_three):
    s, (plain, _, _) = small_three
    X, y, weights = experiment_data(s)
    net = MLP(weights, s.activation, "none")
    schedule = batch_schedule(len(X), s.batch_size, s.steps, s.seed + 2)
    losses = []
    for idx in schedule[: plain.loss_step[0]]:
        loss, dlogits, _ = bce_with_logits(net.forward(X[idx]), y[idx])
        net.backward(dlogits)
        net.sgd_step(np.array([s.lr]))
        losses.append(loss[0])
    assert plain.loss_step[0] == 2  # 120 steps in 60 windows
    assert plain.loss[0] == pytest.approx(np.mean(losses), rel=1e-12)


def test_histograms_count_every_output_of_every_snapshot(small_three):
    s, runs = small_three
    for run in runs:
        assert run.hist_counts.shape == (s.depth, 60, HIST_BINS)
        assert run.hist_total == s.batch_size * s.width
        np.testing.assert_array_equal(run.hist_counts.sum(axis=2), run.hist_total)
        np.testing.assert_allclose(run.hist_edges[[0, -1]], [-1.0, 1.0])  # tanh's range


def test_records_have_one_value_per_snapshot_and_layer(small_three):
    s, (plain, bn, fixed) = small_three
    assert [r.norm for r in (plain, bn, fixed)] == ["none", "bn", "bn_no_affine"]
    for run in (plain, bn, fixed):
        assert run.saturation.shape == (s.depth, 60) and run.grad_rms.shape == (s.depth + 1, 60)
        assert np.all((run.saturation >= 0) & (run.saturation <= 1))
        assert np.all(run.grad_rms > 0)
        assert run.boundary.shape == (60, 60) and np.all((run.boundary >= 0) & (run.boundary <= 1))
    assert bn.gamma.shape == bn.beta.shape == (s.depth, s.width)
    assert plain.gamma is plain.beta is fixed.gamma is fixed.beta is None  # nothing learned to show


def test_a_too_small_initialisation_stalls_the_plain_network_but_not_the_bn_one():
    plain, bn = train_networks(NetworkSettings(activation="ReLU", lr=0.1, init_scale=0.1), norms=("none", "bn"))
    assert plain.final_loss == pytest.approx(np.log(2), abs=0.01)  # it never leaves "guessing"
    assert bn.final_accuracy >= 0.99


def test_a_diverged_run_stops_where_it_diverged_and_holds_no_nan():
    (plain,) = train_networks(NetworkSettings(activation="ReLU", lr=30.0, seed=0, steps=200), norms=("none",))
    assert plain.diverged and 1 <= plain.diverged_at <= 200
    assert plain.steps_done == plain.diverged_at - 1
    assert plain.final_loss is None and plain.final_accuracy is None and plain.boundary is None
    assert plain.loss_step.size == 0 or plain.loss_step[-1] == plain.steps_done
    for values in (plain.loss, plain.accuracy, plain.hist_counts, plain.saturation, plain.grad_rms):
        assert np.all(np.isfinite(values))
    assert np.all(plain.snapshot_step <= plain.steps_done)


def test_the_sweep_runs_every_network_at_every_rate_and_agrees_with_a_single_run():
    s = NetworkSettings(depth=3, width=8, batch_size=16, steps=100, lr=0.3, n_points=128)
    sweep = lr_sweep(s, lrs=[0.01, 0.3, 30.0])
    assert list(sweep.runs) == list(NORMS)
    for norm, runs in sweep.runs.items():
        assert [r.lr for r in runs] == [0.01, 0.3, 30.0] and all(r.norm == norm for r in runs)
    assert sweep.runs["none"][0].hist_counts is None  # no snapshots in a sweep
    for run in train_networks(s):
        assert sweep.runs[run.norm][1].final_loss == pytest.approx(run.final_loss, rel=1e-9)
    for norm, runs in sweep.runs.items():
        expected = [r.lr for r in runs if r.final_accuracy is not None and r.final_accuracy >= 0.9]
        assert sweep.trained(norm) == expected
    assert 30.0 not in sweep.trained("none")  # the plain network diverges at 30


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(batch_size=1), "BatchNorm needs two examples"),
        (dict(activation="softplus"), "activation must be one of tanh, sigmoid, ReLU"),
        (dict(dataset="xor"), "dataset must be one of"),
        (dict(lr=0.0), "lr must be a positive number"),
        (dict(init_scale=float("inf")), "init_scale must be a positive number"),
        (dict(depth=0), "depth must be a whole number from 1 to 12"),
        (dict(steps=2.5), "steps must be a whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NetworkSettings(**kwargs)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_without_beta_the_network_answers_minus_x_with_the_opposite_of_its_answer_to_x(activation):
    """No offset anywhere: on a batch that holds both x and -x, logit(x) + logit(-x) is one
    constant for every x (2 b_out with tanh; with sigmoid the last layer's ½ adds W_out·½ twice).
    With β, or with biases and no BN, the two answers are free."""
    X, _ = make_dataset("circles", 16, seed=0)
    batch = np.concatenate([X, -X])
    fixed = _perturbed_net(activation, "bn_no_affine", copies=1)
    logits = fixed.forward(batch)[0]
    centre = 2 * fixed.b[-1][0, 0] + (fixed.W[-1][0].sum() if activation == "sigmoid" else 0.0)
    np.testing.assert_allclose(logits[:16] + logits[16:], centre, atol=1e-12)
    for norm in ("none", "bn"):
        free = _perturbed_net(activation, norm, copies=1).forward(batch)[0]
        assert np.ptp(free[:16] + free[16:]) > 0.01 * np.ptp(free), norm


def test_relu_is_not_symmetric_so_without_beta_the_answers_to_x_and_minus_x_are_free():
    X, _ = make_dataset("circles", 16, seed=0)
    logits = _perturbed_net("ReLU", "bn_no_affine", copies=1).forward(np.concatenate([X, -X]))[0]
    assert np.ptp(logits[:16] + logits[16:]) > 0.01 * np.ptp(logits)


def test_a_copy_whose_bn_input_overflows_the_variance_is_marked_and_the_other_copy_trains_on():
    """Values beyond MAX_ABS (finite, but their squares overflow) mark the copy as overflowed, as NaN and
    infinity do: BatchNorm never sees them, and the other copy's layer is normalized as if alone."""
    weights = init_weights(2, 4, "tanh", 1.0, seed=0)
    X, y = make_dataset("two moons", 8, seed=0)
    net = MLP(weights, "tanh", "bn", copies=2)
    net.W[0][1] *= 1e160  # copy 1 only: z of about 1e160
    net.forward(X)
    np.testing.assert_array_equal(net.overflowed, [False, True])
    alone = MLP(weights, "tanh", "bn")
    np.testing.assert_array_equal(net.forward(X)[0], alone.forward(X)[0])
