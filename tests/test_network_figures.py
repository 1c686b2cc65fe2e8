"""bnviz.network_figures: what each figure of the network page plots, and that it stays small."""

import json

import numpy as np
import pytest
from apptest import _decode

from bnviz.experiments.mlp import NetworkSettings, experiment_data, lr_sweep, train_pair
from bnviz.figures.network import (
    activation_strips,
    boundary_figure,
    curves_figure,
    gamma_beta_figure,
    gradient_figure,
    outcome,
    saturation_figure,
    strip_intensity,
    sweep_figure,
)
from content.network import lower_loss

SMALL = dict(depth=3, width=8, batch_size=16, steps=120, n_points=128)
DIVERGES = dict(activation="ReLU", depth=3, width=32, batch_size=16, steps=120, n_points=128)  # plain: at lr 3


@pytest.fixture(scope="module")
def trained():
    s = NetworkSettings(activation="tanh", lr=0.3, **SMALL)
    X, y, _ = experiment_data(s)
    return s, train_pair(s), X, y


@pytest.fixture(scope="module")
def diverged():
    s = NetworkSettings(lr=3.0, **DIVERGES)
    X, y, _ = experiment_data(s)
    plain, bn = train_pair(s)
    assert plain.diverged
    return s, (plain, bn), X, y


def values(trace, key):
    return np.asarray(_decode(trace[key]), dtype=float)


def test_curves_plot_each_networks_window_means_on_two_panels(trained):
    _, (plain, bn), _, _ = trained
    fig = json.loads(curves_figure(plain, bn).to_json())
    lines = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert [t["name"] for t in lines] == ["without BN", "without BN", "with BN", "with BN"]
    np.testing.assert_allclose(values(lines[0], "y"), plain.loss)
    np.testing.assert_allclose(values(lines[1], "y"), plain.accuracy)
    np.testing.assert_allclose(values(lines[3], "y"), bn.accuracy)
    np.testing.assert_array_equal(values(lines[2], "x"), bn.loss_step)
    assert fig["layout"]["yaxis"]["type"] == "log"


def test_a_diverged_run_is_marked_where_it_diverged_and_no_figure_holds_nan(diverged):
    s, (plain, bn), X, y = diverged
    curves = json.loads(curves_figure(plain, bn).to_json())
    marks = [t for t in curves["data"] if t.get("mode") == "markers+text"]
    assert len(marks) == 2 and all(t["x"] == [plain.diverged_at] for t in marks)
    assert f"diverged (step {plain.diverged_at})" in marks[0]["text"][0]
    for fig in (
        curves_figure(plain, bn),
        boundary_figure(plain, bn, X, y),
        activation_strips(plain, bn, s.activation),
        saturation_figure(plain, bn, s.activation),
        gradient_figure(plain, bn),
    ):
        text = fig.to_json()
        assert "NaN" not in text and "Infinity" not in text


def test_the_boundary_shows_each_networks_probability_as_percent(trained):
    _, (plain, bn), X, y = trained
    fig = json.loads(boundary_figure(plain, bn, X, y).to_json())
    contours = [t for t in fig["data"] if t["type"] == "contour"]
    assert len(contours) == 2
    for trace, run in zip(contours, (plain, bn)):
        z = values(trace, "z").reshape(60, 60)
        np.testing.assert_array_equal(z, np.round(100 * run.boundary))
        assert trace["contours"]["start"] == trace["contours"]["end"] == 50
    points = [t for t in fig["data"] if t["type"] == "scatter"]
    assert sum(len(values(t, "x")) for t in points) == 2 * len(X)  # every point, on both panels
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles[0] == f"Without BN: {outcome(plain)}" and titles[1] == f"With BN: {outcome(bn)}"


def test_a_diverged_network_has_no_boundary_but_a_message(diverged):
    _, (plain, bn), X, y = diverged
    fig = json.loads(boundary_figure(plain, bn, X, y).to_json())
    assert len([t for t in fig["data"] if t["type"] == "contour"]) == 1  # only the BN network's
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert any(f"diverged at step {plain.diverged_at}" in t for t in texts)


def test_strip_intensity_is_the_log_count_scaled_to_0_100():
    counts = np.array([0, 1, 9, 99])
    np.testing.assert_array_equal(strip_intensity(counts, 99), [0, 15, 50, 100])  # log 2 / log 100 = 0.15
    assert strip_intensity(counts, 99).dtype == np.uint8


def test_activation_strips_draw_every_layers_histograms_over_time(trained):
    s, (plain, bn), _, _ = trained
    fig = json.loads(activation_strips(plain, bn, s.activation).to_json())
    heatmaps = [t for t in fig["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 2 * s.depth
    first_bn = heatmaps[s.depth]
    z = values(first_bn, "z").reshape(24, 60)
    np.testing.assert_array_equal(z, strip_intensity(bn.hist_counts[0].T, bn.hist_total))
    np.testing.assert_array_equal(values(first_bn, "x"), bn.snapshot_step)
    np.testing.assert_allclose(values(first_bn, "y")[[0, -1]], [-1 + 1 / 24, 1 - 1 / 24], rtol=1e-6)


def test_relu_strips_say_that_the_top_row_holds_every_larger_value():
    s = NetworkSettings(activation="ReLU", lr=0.3, **SMALL)
    plain, bn = train_pair(s)
    fig = activation_strips(plain, bn, "ReLU")
    assert list(fig.layout.yaxis.ticktext) == ["0", "2", "≥ 4"]


def test_saturation_and_gradient_figures_plot_the_recorded_values(trained):
    s, (plain, bn), _, _ = trained
    sat = json.loads(saturation_figure(plain, bn, s.activation).to_json())
    assert len(sat["data"]) == 2 * s.depth
    np.testing.assert_allclose(values(sat["data"][s.depth + 1], "y"), bn.saturation[1], rtol=1e-6)
    assert "Saturated outputs" in sat["layout"]["title"]["text"]
    grad = json.loads(gradient_figure(plain, bn).to_json())
    assert len(grad["data"]) == 2 * (s.depth + 1)
    np.testing.assert_allclose(values(grad["data"][s.depth], "y"), plain.grad_rms[-1])
    assert grad["data"][s.depth]["name"] == "output layer"


def test_relu_saturation_counts_dead_units():
    s = NetworkSettings(activation="ReLU", lr=0.3, **SMALL)
    plain, bn = train_pair(s)
    assert "Dead units" in saturation_figure(plain, bn, "ReLU").layout.title.text


def test_gamma_beta_figure_shows_every_units_learned_values(trained):
    s, (_, bn), _, _ = trained
    fig = json.loads(gamma_beta_figure(bn).to_json())
    assert len(fig["data"]) == 2 * s.depth
    np.testing.assert_allclose(values(fig["data"][0], "y"), bn.gamma[0], rtol=1e-6)
    np.testing.assert_allclose(values(fig["data"][s.depth + 2], "y"), bn.beta[2], rtol=1e-6)


def test_the_sweep_plots_final_losses_and_marks_diverged_rates_above_them():
    s = NetworkSettings(**DIVERGES)
    sweep = lr_sweep(s, lrs=[0.01, 0.3, 3.0])
    fig = json.loads(sweep_figure(sweep, current_lr=0.3).to_json())
    by_name = {t["name"]: t for t in fig["data"]}
    ok_plain = [r for r in sweep.plain if not r.diverged]
    np.testing.assert_allclose(values(by_name["without BN"], "y"), [r.final_loss for r in ok_plain])
    np.testing.assert_allclose(values(by_name["without BN"], "x"), [r.lr for r in ok_plain])
    assert sweep.plain[2].diverged
    crosses = by_name["without BN: diverged"]
    assert values(crosses, "x").tolist() == [3.0]
    finite = [r.final_loss for r in sweep.plain + sweep.bn if not r.diverged]
    assert values(crosses, "y")[0] > max(finite)
    assert fig["layout"]["shapes"][-1]["x0"] == 0.3  # the dashed line at the learner's rate


def test_every_figure_stays_small(trained):
    s, (plain, bn), X, y = trained
    big = NetworkSettings(activation="tanh", lr=0.3, depth=6, width=16, batch_size=16, steps=120, n_points=512)
    p6, b6 = train_pair(big)
    X6, y6, _ = experiment_data(big)
    figures = [
        curves_figure(p6, b6),
        boundary_figure(p6, b6, X6, y6),
        activation_strips(p6, b6, "tanh"),
        saturation_figure(p6, b6, "tanh"),
        gradient_figure(p6, b6),
        gamma_beta_figure(b6),
    ]
    for fig in figures:
        assert len(fig.to_json()) < 60_000


def test_a_blowing_up_loss_is_cut_at_the_cap_and_says_how_large_it_got():
    from bnviz.experiments.mlp import Run
    from bnviz.figures.network import LOSS_CAP

    steps = np.array([1, 2, 3])
    plain = Run(
        False,
        10.0,
        10,
        diverged_at=4,
        loss_step=steps,
        loss=np.array([0.7, 5.0, 3e50]),
        accuracy=np.array([0.5, 0.5, 0.4]),
    )
    bn = Run(True, 10.0, 10, loss_step=steps, loss=np.array([0.7, 0.2, 0.05]), accuracy=np.array([0.6, 0.9, 1.0]))
    fig = curves_figure(plain, bn)
    low, high = fig.layout.yaxis.range
    assert high == pytest.approx(np.log10(LOSS_CAP) + 0.15) and low == pytest.approx(np.log10(0.05) - 0.15)
    assert any(a.text == "off the chart: the loss reached 3.0e+50" for a in fig.layout.annotations)
    mark = next(t for t in fig.data if t.mode == "markers+text")
    assert mark.y == (LOSS_CAP,)  # the × sits at the top of the axis


def test_layer_names_come_from_the_bn_panel_when_the_plain_run_diverged_before_any_snapshot():
    plain, bn = train_pair(NetworkSettings(activation="ReLU", lr=10.0))  # diverges at step 7, snapshots every 10
    assert plain.diverged and plain.snapshot_step.size == 0
    for fig in (saturation_figure(plain, bn, "ReLU"), gradient_figure(plain, bn)):
        named = [t for t in fig.data if t.showlegend]
        assert named and all(t.xaxis == "x2" for t in named)
        note = next(a for a in fig.layout.annotations if a.text == "diverged at step 7")
        assert note.xref == "x domain"  # in the middle of the plain network's panel


def test_outcome_reads_as_a_sentence_for_every_ending():
    from bnviz.experiments.mlp import Run

    done = Run(True, 0.3, 600, final_loss=0.01234, final_accuracy=0.996)
    assert outcome(done) == "final loss 0.0123, accuracy 99.6%"
    assert outcome(Run(True, 0.3, 600, final_loss=0.001, final_accuracy=1.0)) == "final loss 0.001, accuracy 100%"
    assert outcome(Run(True, 0.3, 600, final_loss=0.5, final_accuracy=0.894)) == "final loss 0.5, accuracy 89%"
    assert outcome(Run(False, 3.0, 600, diverged_at=10)) == "diverged at step 10: the loss or a weight overflowed"
    assert outcome(Run(False, 3.0, 600, diverged_at=601)) == "diverged: its weights overflowed in the last step"


def test_lower_loss_names_the_network_with_the_lower_final_loss_or_says_they_are_close():
    from dataclasses import replace

    plain, bn = train_pair(NetworkSettings(**SMALL))
    assert lower_loss(replace(plain, final_loss=0.5), replace(bn, final_loss=0.1)) == "with BN"
    assert lower_loss(replace(plain, final_loss=0.1), replace(bn, final_loss=0.5)) == "without BN"
    assert lower_loss(replace(plain, final_loss=0.100), replace(bn, final_loss=0.105)) == "about the same"
    diverged, _ = train_pair(NetworkSettings(**DIVERGES, lr=3.0))
    assert diverged.diverged and lower_loss(diverged, bn) == "with BN"
    assert lower_loss(diverged, diverged) == "about the same"
