"""bnviz.learning_figures: each figure plots the training's recorded numbers, and stays small."""

import base64

import numpy as np
import pytest

from bnviz.core.activations import sigmoid
from bnviz.core.data import preset
from bnviz.experiments.training.data import make_experiment
from bnviz.experiments.training.landscape import landscape, optimum
from bnviz.experiments.training.loop import step_detail, train
from bnviz.experiments.training.modes import train_vs_eval
from bnviz.experiments.training.settings import EPS, TrainingSettings
from bnviz.figures.learning import (
    ends_figure,
    history_curves,
    history_figure,
    landscape_figure,
    replay_curves,
    replay_figure,
    step_figure,
    thin,
    train_eval_figure,
    with_step_marker,
)
from bnviz.numbers import sig

SPECS = tuple(preset("channels on very different scales", 4))


@pytest.fixture(scope="module")
def run():
    exp = make_experiment(SPECS, None, TrainingSettings(epochs=5))
    hist = train(exp)
    return exp, hist, optimum(exp)


def trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert matches, f"no trace named {name!r} in {[t.name for t in fig.data]}"
    return matches[0]


def test_thin_keeps_first_and_last_and_at_most_max_points():
    np.testing.assert_array_equal(thin(5, 10), np.arange(5))
    idx = thin(15_000, 600)
    assert len(idx) <= 600 and idx[0] == 0 and idx[-1] == 14_999
    assert np.all(np.diff(idx) > 0)


def test_history_figure_plots_the_recorded_values_of_the_chosen_channel(run):
    exp, hist, (gamma_star, beta_star) = run
    fig = history_figure(exp, hist, 1, gamma_star[1], beta_star[1])
    steps = np.arange(1, hist.steps + 1)
    for name, values in [
        ("γ", hist.gamma),
        ("β", hist.beta),
        ("μ<sub>B</sub> of the batch", hist.mu),
        ("σ²<sub>B</sub> of the batch", hist.var),
        ("running_mean", hist.running_mean),
        ("running_var", hist.running_var),
        ("loss", hist.loss),
    ]:
        t = trace(fig, name)
        np.testing.assert_array_equal(t.x, steps)
        np.testing.assert_allclose(t.y, values[:, 1], rtol=1e-6)  # float32 on the wire
    # all five rows share the step axis
    assert {t.xaxis for t in fig.data} == {"x", "x2", "x3", "x4", "x5"}
    assert all(fig.layout[f"xaxis{i}"].matches == "x5" for i in range(1, 5))


def test_history_figure_draws_the_optimum_epoch_boundaries_and_the_chosen_step(run):
    exp, hist, (gamma_star, beta_star) = run
    fig = history_figure(exp, hist, 1, gamma_star[1], beta_star[1], step=9)
    shapes = fig.layout.shapes
    optimum_lines = [s for s in shapes if s.line.dash == "dash"]
    assert [(s.yref, s.y0) for s in optimum_lines] == [
        ("y2", pytest.approx(gamma_star[1])),
        ("y3", pytest.approx(beta_star[1])),
    ]
    epoch_lines = [s for s in shapes if s.line.dash == "dot"]
    per_epoch = exp.settings.steps_per_epoch
    assert [s.x0 for s in epoch_lines] == [e * per_epoch + 0.5 for e in range(1, 5)]  # 5 epochs: 4 boundaries
    marker = [s for s in shapes if s.line.dash is None and s.yref == "paper"]
    assert len(marker) == 1 and marker[0].x0 == 10  # step 9 (0-based) is step 10 on screen
    epoch_mean = trace(fig, "loss, mean of each epoch")
    np.testing.assert_allclose(epoch_mean.y[0], hist.loss[:per_epoch, 1].mean(), rtol=1e-6)


def test_history_figure_leaves_out_an_undefined_optimum():
    exp = make_experiment(SPECS, None, TrainingSettings(epochs=1))
    fig = history_figure(exp, train(exp), 0, float("nan"), 0.5)
    assert [s.yref for s in fig.layout.shapes if s.line.dash == "dash"] == ["y3"]


def test_history_figure_stays_small_for_long_trainings():
    exp = make_experiment(SPECS, None, TrainingSettings(batch_size=2, epochs=4))  # 2,048 steps: over 3 × max_points
    hist = train(exp)
    fig = history_figure(exp, hist, 0, 1.0, 0.0, max_points=600)
    assert max(len(t.x) for t in fig.data) <= 600
    assert len(fig.to_json()) < 120_000


@pytest.mark.parametrize("task", ["reconstruct", "classify"])
def test_step_figure_shows_the_batch_its_output_and_the_fit_against_the_targets(task):
    exp = make_experiment(SPECS, None, TrainingSettings(task=task, batch_size=8, epochs=1))
    hist = train(exp)
    d = step_detail(exp, hist, 4, 1)
    fig = step_figure(d, task)
    np.testing.assert_allclose(trace(fig, "x (input)").x, d.x, rtol=1e-6)
    np.testing.assert_allclose(trace(fig, "output y = γ·x̂ + β").x, d.y, rtol=1e-6, atol=1e-6)
    target = trace(fig, "label (0 or 1)" if task == "classify" else "target")
    np.testing.assert_allclose(target.x, d.x_hat, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(target.y, d.t, rtol=1e-6)
    line = [t for t in fig.data if t.name and t.name.startswith(("y = ", "sigmoid("))][0]
    expected = d.gamma * np.asarray(line.x, dtype=float) + d.beta
    if task == "classify":
        expected = sigmoid(expected)
    np.testing.assert_allclose(line.y, expected, rtol=1e-5, atol=1e-6)
    # each error segment joins the fitted value to the target at the same x̂
    seg = trace(fig, "error of each value")
    ends = np.asarray(seg.y, dtype=float).reshape(-1, 3)[:, :2]
    np.testing.assert_allclose(ends[:, 1], d.t, rtol=1e-6)


def test_step_figure_writes_the_fit_with_the_readouts_digits_and_a_negative_beta_after_a_minus():
    exp = make_experiment(SPECS, None, TrainingSettings(task="target", target_mean=-3.0, target_std=0.5, epochs=2))
    d = step_detail(exp, train(exp), 60, 1)
    assert d.beta < 0
    names = [t.name for t in step_figure(d, "target").data]
    assert f"y = {sig(d.gamma)}·x̂ − {sig(-d.beta)}" in names  # not "+ -3.01", nor three digits beside four


def test_landscape_figure_draws_the_grid_both_paths_and_the_optimum():
    exp = make_experiment(SPECS, None, TrainingSettings(epochs=3))
    hist = train(exp)
    (gamma_star, beta_star), land = optimum(exp), landscape(exp)
    gammas, betas = np.linspace(0, 12, 21), np.linspace(-2, 10, 31)
    grid = land.grid(1, gammas, betas)
    mine = [(1.0, 0.0), (5.0, 3.0), (9.5, 7.5)]
    losses = [float(land.loss(1, g, b)) for g, b in mine]
    fig = landscape_figure(
        gammas, betas, grid, (hist.gamma[:, 1], hist.beta[:, 1]), (gamma_star[1], beta_star[1]), mine, losses
    )
    contour = fig.data[0]
    assert np.asarray(contour.z).shape == (31, 21)
    np.testing.assert_allclose(contour.z, grid, rtol=1e-6)
    path = trace(fig, "SGD, step by step")
    np.testing.assert_allclose(path.x, hist.gamma[:, 1], rtol=1e-6)
    star = trace(fig, "optimum γ*, β*")
    assert (star.x[0], star.y[0]) == (pytest.approx(gamma_star[1]), pytest.approx(beta_star[1]))
    yours = trace(fig, "your path")
    assert list(yours.x) == [1.0, 5.0, 9.5] and list(yours.text) == [f"{v:.4g}" for v in losses]
    assert losses[2] < losses[1] < losses[0]  # walking towards the optimum lowers the loss


def test_landscape_figure_thins_a_long_path():
    g = np.linspace(1, 2, 5000)
    fig = landscape_figure(
        np.linspace(0, 3, 5), np.linspace(-1, 1, 5), np.zeros((5, 5)), (g, 0 * g), (2.0, 0.0), max_points=400
    )
    assert len(trace(fig, "SGD, step by step").x) <= 400


def test_train_eval_figure_shows_a_cloud_for_training_mode_and_a_line_for_eval_mode():
    results = []
    for b, epochs in [(2, 2), (64, 60)]:
        exp = make_experiment(SPECS, None, TrainingSettings(batch_size=b, epochs=epochs))
        results.append((exp, train_vs_eval(exp, train(exp))))
    fig = train_eval_figure(results, 1)
    assert [a.text for a in fig.layout.annotations] == ["trained with batches of 2", "trained with batches of 64"]
    train_traces = [t for t in fig.data if t.name == "training mode (batch statistics)"]
    eval_traces = [t for t in fig.data if t.name == "eval mode (running statistics)"]
    for (_, te), tr, ev in zip(results, train_traces, eval_traces):
        np.testing.assert_allclose(tr.y, te.y_train[:, 1], rtol=1e-5)
        order = np.argsort(te.x[:, 1])
        np.testing.assert_allclose(ev.x, te.x[order, 1], rtol=1e-6)
        np.testing.assert_allclose(ev.y, te.y_eval[order, 1], rtol=1e-5)
    # batches of 2: training mode gives only β ± γ, two levels per batch
    assert len(np.unique(np.round(np.asarray(train_traces[0].y[:2]), 3))) == 2


def test_with_step_marker_moves_only_the_marker_of_a_built_history_figure(run):
    exp, hist, (gamma_star, beta_star) = run
    built = history_figure(exp, hist, 1, gamma_star[1], beta_star[1], step=41)
    marked = with_step_marker(history_figure(exp, hist, 1, gamma_star[1], beta_star[1]).to_dict(), 41)
    assert marked.to_plotly_json() == built.to_plotly_json()


def test_the_replay_at_a_step_draws_the_points_known_then_in_the_axes_of_the_whole_training(run):
    exp, hist, (gamma_star, beta_star) = run  # 5 epochs of 32 steps
    whole = history_figure(exp, hist, 1, gamma_star[1], beta_star[1], step=49)
    at_50 = replay_figure(exp, hist, 1, gamma_star[1], beta_star[1], 49)  # step 50 on screen
    for meta in ("loss", "gamma", "beta", "mu", "running_mean", "var", "running_var"):
        t = [t for t in at_50.data if t.meta == meta][0]
        np.testing.assert_array_equal(t.x, np.arange(1, 51))  # steps 1 to 50, each with its own point
    epoch = [t for t in at_50.data if t.meta == "loss_epoch"][0]
    np.testing.assert_allclose(epoch.y, [hist.loss[:32, 1].mean()], rtol=1e-6)  # the first epoch's only: done at 32
    # The axes hold the whole training, drawn or not: the replay's axes never move.
    assert at_50.layout.to_plotly_json() == whole.layout.to_plotly_json()
    for t in whole.data:
        axis = whole.layout["yaxis" + t.yaxis[1:]]
        lo, hi = axis.range
        y = np.asarray(t.y, dtype=float)
        y = np.log10(y) if axis.type == "log" else y
        assert lo < y.min() and y.max() < hi, t.meta
    assert whole.layout.yaxis2.range[0] < gamma_star[1] < whole.layout.yaxis2.range[1]  # γ*'s dashed line too


def test_the_replays_curves_are_the_figures_own_float32_values_named_by_their_traces_meta(run):
    exp, hist, (gamma_star, beta_star) = run
    fig = history_figure(exp, hist, 1, gamma_star[1], beta_star[1])
    sent = replay_curves(history_curves(exp, hist, 1))
    assert list(sent) == [t.meta for t in fig.data]
    for t in fig.data:
        y = np.frombuffer(base64.b64decode(sent[t.meta]["y"]["bdata"]), dtype="<f4")
        np.testing.assert_array_equal(y, t.y)
        assert sent[t.meta]["x"] == list(t.x)
    assert sent["loss_epoch"]["known"] == [32, 64, 96, 128, 160]  # an epoch's mean, once its last step is done


def test_the_compact_time_axis_puts_gamma_beside_sigma_b_and_beta_beside_mu_b_with_sigma_and_mu_dashed(run):
    exp, hist, _ = run
    c = 1
    fig = ends_figure(exp, hist, c)
    curves = history_curves(exp, hist, c)
    assert [t.name for t in fig.data] == ["σ_B of the batch", "γ", "μ_B of the batch", "β"]
    np.testing.assert_allclose(trace(fig, "γ").y, curves["gamma"].y)
    np.testing.assert_allclose(trace(fig, "β").y, curves["beta"].y)
    np.testing.assert_allclose(trace(fig, "σ_B of the batch").y, np.sqrt(curves["var"].y + EPS), rtol=1e-6)
    np.testing.assert_allclose(trace(fig, "μ_B of the batch").y, curves["mu"].y)
    levels = [shape.y0 for shape in fig.layout.shapes]
    assert levels == pytest.approx([np.sqrt(exp.std[c] ** 2 + EPS), exp.mu[c]])
    assert fig.layout.showlegend is False  # each row's title names its curves: no legend to overlap them
