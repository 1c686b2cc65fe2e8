"""bnviz.figures.network: what each figure of the network page plots for the three networks, and that it
stays small."""

import json

import numpy as np
import pytest

from bnviz.experiments.jolt import jolt
from bnviz.experiments.mlp import NetworkSettings, Run, experiment_data, lr_sweep, train_networks
from bnviz.figures.common import BN_WITHOUT_GAMMA_BETA, COLORS
from bnviz.figures.network import (
    CHANCE_LOSS,
    GUESSING,
    LOSS_CAP,
    NET_COLORS,
    activation_strips,
    boundary_figure,
    curves_figure,
    gamma_beta_figure,
    gradient_figure,
    jolt_figure,
    jolt_step_figure,
    outcome,
    saturation_figure,
    strip_intensity,
    sweep_figure,
    undo_figure,
)
from content.network import PREDICTIONS, lowest_loss
from helpers.apptest import _decode

SMALL = dict(depth=3, width=8, batch_size=16, steps=120, n_points=128)
DIVERGES = dict(activation="ReLU", depth=3, width=32, batch_size=16, steps=120, n_points=128)  # plain: at lr 3


@pytest.fixture(scope="module")
def trained():
    s = NetworkSettings(activation="tanh", lr=0.3, **SMALL)
    X, y, _ = experiment_data(s)
    return s, train_networks(s), X, y


@pytest.fixture(scope="module")
def diverged():
    s = NetworkSettings(lr=3.0, **DIVERGES)
    X, y, _ = experiment_data(s)
    runs = train_networks(s)
    assert runs[0].diverged and not runs[1].diverged and not runs[2].diverged
    return s, runs, X, y


def values(trace, key):
    return np.asarray(_decode(trace[key]), dtype=float)


def test_curves_plot_each_networks_window_means_on_two_panels(trained):
    _, (plain, bn, fixed), _, _ = trained
    fig = json.loads(curves_figure((plain, bn, fixed)).to_json())
    lines = [t for t in fig["data"] if t.get("mode") == "lines" and t["name"] != GUESSING]
    assert [t["name"] for t in lines] == [name for name in PREDICTIONS[:3] for _ in range(2)]
    np.testing.assert_allclose(values(lines[0], "y"), plain.loss)
    np.testing.assert_allclose(values(lines[1], "y"), plain.accuracy)
    np.testing.assert_allclose(values(lines[3], "y"), bn.accuracy)
    np.testing.assert_array_equal(values(lines[2], "x"), bn.loss_step)
    np.testing.assert_allclose(values(lines[4], "y"), fixed.loss)
    assert fig["layout"]["yaxis"]["type"] == "log"


def test_for_a_projector_the_curves_can_show_the_loss_alone(trained):
    _, runs, _, _ = trained
    fig = json.loads(curves_figure(runs, accuracy=False).to_json())
    lines = [t for t in fig["data"] if t.get("mode") == "lines" and t["name"] != GUESSING]
    assert [t["name"] for t in lines] == PREDICTIONS[:3]
    for line, run in zip(lines, runs):
        np.testing.assert_allclose(values(line, "y"), run.loss)
    assert "xaxis2" not in fig["layout"] and fig["layout"]["yaxis"]["type"] == "log"


def test_each_network_keeps_one_colour_blind_safe_colour_and_the_third_is_also_dashed(trained):
    _, runs, _, _ = trained
    fig = curves_figure(runs)
    nets = [t for t in fig.data if t.mode == "lines" and t.name != GUESSING]
    colours = {t.name: t.line.color for t in nets}
    assert colours == {"without BN": COLORS["x"], "BN with γ, β": COLORS["y"], "BN without γ, β": BN_WITHOUT_GAMMA_BETA}
    dashes = {t.name: t.line.dash for t in nets}
    assert dashes == {"without BN": None, "BN with γ, β": None, "BN without γ, β": "dash"}
    assert set(NET_COLORS.values()) == set(colours.values())


def test_guessing_is_a_dotted_line_at_log_2_named_in_the_legend_with_no_label_on_the_curves(trained):
    """Both loss charts: the line at the loss of answering 50 %, named in the legend (a label beside it stood
    at 10^log 2 ≈ 4.9 on the log axis, over the curves)."""
    s, runs, _, _ = trained
    sweep = lr_sweep(s, lrs=[0.3, 3.0])
    for fig in (curves_figure(runs), curves_figure(runs, accuracy=False), sweep_figure(sweep, 0.3)):
        assert [shape.y0 for shape in fig.layout.shapes if shape.line.dash == "dot"] == [CHANCE_LOSS]
        (entry,) = [t for t in fig.data if t.name == GUESSING]
        assert entry.line.dash == "dot" and entry.showlegend is not False
        assert not [a for a in fig.layout.annotations if "guessing" in (a.text or "")]


def test_a_diverged_run_is_marked_where_it_diverged_and_no_figure_holds_nan(diverged):
    s, runs, X, y = diverged
    plain = runs[0]
    curves = json.loads(curves_figure(runs).to_json())
    marks = [t for t in curves["data"] if t.get("mode") == "markers+text"]
    assert len(marks) == 2 and all(t["x"] == [plain.diverged_at] for t in marks)
    assert f"diverged (step {plain.diverged_at})" in marks[0]["text"][0]
    for fig in (
        curves_figure(runs),
        boundary_figure(runs, X, y),
        activation_strips(runs, s.activation),
        saturation_figure(runs, s.activation),
        gradient_figure(runs),
    ):
        text = fig.to_json()
        assert "NaN" not in text and "Infinity" not in text


def test_the_boundary_shows_each_networks_probability_as_percent(trained):
    _, runs, X, y = trained
    fig = json.loads(boundary_figure(runs, X, y).to_json())
    contours = [t for t in fig["data"] if t["type"] == "contour"]
    assert len(contours) == 3
    for trace, run in zip(contours, runs):
        z = values(trace, "z").reshape(60, 60)
        np.testing.assert_array_equal(z, np.round(100 * run.boundary))
        assert trace["contours"]["start"] == trace["contours"]["end"] == 50
    points = [t for t in fig["data"] if t["type"] == "scatter"]
    assert sum(len(values(t, "x")) for t in points) == 3 * len(X)  # every point, on every panel
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == [
        f"Without BN<br>{outcome(runs[0])}",
        f"BN with γ, β<br>{outcome(runs[1])}",
        f"BN without γ, β<br>{outcome(runs[2])}",
    ]


def test_a_diverged_network_has_no_boundary_but_a_message(diverged):
    _, runs, X, y = diverged
    fig = json.loads(boundary_figure(runs, X, y).to_json())
    assert len([t for t in fig["data"] if t["type"] == "contour"]) == 2  # the two BN networks'
    texts = [a["text"] for a in fig["layout"]["annotations"]]
    assert any(f"diverged at step {runs[0].diverged_at}" in t for t in texts)


def test_strip_intensity_is_the_log_count_scaled_to_0_100():
    counts = np.array([0, 1, 9, 99])
    np.testing.assert_array_equal(strip_intensity(counts, 99), [0, 15, 50, 100])  # log 2 / log 100 = 0.15
    assert strip_intensity(counts, 99).dtype == np.uint8


def test_activation_strips_draw_every_layers_histograms_over_time(trained):
    s, (plain, bn, fixed), _, _ = trained
    fig = json.loads(activation_strips((plain, bn, fixed), s.activation).to_json())
    heatmaps = [t for t in fig["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 3 * s.depth
    last_fixed = values(heatmaps[3 * s.depth - 1], "z").reshape(24, 60)
    np.testing.assert_array_equal(last_fixed, strip_intensity(fixed.hist_counts[-1].T, fixed.hist_total))
    first_bn = heatmaps[s.depth]
    z = values(first_bn, "z").reshape(24, 60)
    np.testing.assert_array_equal(z, strip_intensity(bn.hist_counts[0].T, bn.hist_total))
    np.testing.assert_array_equal(values(first_bn, "x"), bn.snapshot_step)
    np.testing.assert_allclose(values(first_bn, "y")[[0, -1]], [-1 + 1 / 24, 1 - 1 / 24], rtol=1e-6)


def test_relu_strips_say_that_the_top_row_holds_every_larger_value():
    s = NetworkSettings(activation="ReLU", lr=0.3, **SMALL)
    fig = activation_strips(train_networks(s), "ReLU")
    assert list(fig.layout.yaxis.ticktext) == ["0", "2", "≥ 4"]
    assert [a.text for a in fig.layout.annotations][:3] == ["Without BN", "BN with γ, β", "BN without γ, β"]


def test_saturation_and_gradient_figures_plot_the_recorded_values(trained):
    s, (plain, bn, fixed), _, _ = trained
    sat = json.loads(saturation_figure((plain, bn, fixed), s.activation).to_json())
    assert len(sat["data"]) == 3 * s.depth
    np.testing.assert_allclose(values(sat["data"][s.depth + 1], "y"), bn.saturation[1], rtol=1e-6)
    np.testing.assert_allclose(values(sat["data"][2 * s.depth], "y"), fixed.saturation[0], rtol=1e-6)
    assert "Saturated outputs" in sat["layout"]["title"]["text"]
    grad = json.loads(gradient_figure((plain, bn, fixed)).to_json())
    assert len(grad["data"]) == 3 * (s.depth + 1)
    np.testing.assert_allclose(values(grad["data"][s.depth], "y"), plain.grad_rms[-1])
    np.testing.assert_allclose(values(grad["data"][-1], "y"), fixed.grad_rms[-1])
    assert grad["data"][s.depth]["name"] == "output layer"
    titles = [a["text"] for a in grad["layout"]["annotations"]]
    assert titles == ["Without BN", "BN with γ, β", "BN without γ, β"]


def test_relu_saturation_counts_dead_units():
    s = NetworkSettings(activation="ReLU", lr=0.3, **SMALL)
    runs = train_networks(s, norms=("none", "bn"))
    assert "Dead units" in saturation_figure(runs, "ReLU").layout.title.text


def test_gamma_beta_figure_shows_every_units_learned_values(trained):
    s, (_, bn, _), _, _ = trained
    fig = json.loads(gamma_beta_figure(bn).to_json())
    assert len(fig["data"]) == 2 * s.depth
    np.testing.assert_allclose(values(fig["data"][0], "y"), bn.gamma[0], rtol=1e-6)
    np.testing.assert_allclose(values(fig["data"][s.depth + 2], "y"), bn.beta[2], rtol=1e-6)


def test_the_sweep_plots_final_losses_and_marks_diverged_rates_above_them():
    s = NetworkSettings(**DIVERGES)
    sweep = lr_sweep(s, lrs=[0.01, 0.3, 3.0])
    fig = json.loads(sweep_figure(sweep, current_lr=0.3).to_json())
    by_name = {t["name"]: t for t in fig["data"]}
    for name, norm in (("without BN", "none"), ("BN with γ, β", "bn"), ("BN without γ, β", "bn_no_affine")):
        ok = [r for r in sweep.runs[norm] if not r.diverged]
        np.testing.assert_allclose(values(by_name[name], "y"), [r.final_loss for r in ok])
        np.testing.assert_allclose(values(by_name[name], "x"), [r.lr for r in ok])
    assert by_name["BN without γ, β"]["line"]["dash"] == "dash"
    assert sweep.runs["none"][2].diverged
    crosses = by_name["without BN: diverged"]
    assert values(crosses, "x").tolist() == [3.0]
    finite = [r.final_loss for runs in sweep.runs.values() for r in runs if not r.diverged]
    assert values(crosses, "y")[0] > max(finite)
    assert fig["layout"]["shapes"][-1]["x0"] == 0.3  # the dashed line at the learner's rate


def test_every_figure_stays_small():
    big = NetworkSettings(activation="tanh", lr=0.3, depth=6, width=16, batch_size=16, steps=120, n_points=512)
    runs = train_networks(big)
    X6, y6, _ = experiment_data(big)
    figures = [
        curves_figure(runs),
        boundary_figure(runs, X6, y6),
        activation_strips(runs, "tanh"),
        saturation_figure(runs, "tanh"),
        gradient_figure(runs),
        gamma_beta_figure(runs[1]),
    ]
    for fig in figures:
        assert len(fig.to_json()) < 60_000


def test_a_blowing_up_loss_is_cut_at_the_cap_and_says_how_large_it_got():
    steps = np.array([1, 2, 3])
    plain = Run(
        "none",
        10.0,
        10,
        diverged_at=4,
        loss_step=steps,
        loss=np.array([0.7, 5.0, 3e50]),
        accuracy=np.array([0.5, 0.5, 0.4]),
    )
    bn = Run("bn", 10.0, 10, loss_step=steps, loss=np.array([0.7, 0.2, 0.05]), accuracy=np.array([0.6, 0.9, 1.0]))
    fig = curves_figure((plain, bn))
    low, high = fig.layout.yaxis.range
    assert high == pytest.approx(np.log10(LOSS_CAP) + 0.15) and low == pytest.approx(np.log10(0.05) - 0.15)
    assert any(a.text == "off the chart: the loss reached 3.0e+50" for a in fig.layout.annotations)
    mark = next(t for t in fig.data if t.mode == "markers+text")
    assert mark.y == (LOSS_CAP,)  # the × sits at the top of the axis


def test_layer_names_come_from_the_bn_panel_when_the_plain_run_diverged_before_any_snapshot():
    runs = train_networks(NetworkSettings(activation="ReLU", lr=10.0), norms=("none", "bn"))
    plain = runs[0]  # diverges at step 7, snapshots every 10
    assert plain.diverged and plain.snapshot_step.size == 0
    for fig in (saturation_figure(runs, "ReLU"), gradient_figure(runs)):
        named = [t for t in fig.data if t.showlegend]
        assert named and all(t.xaxis == "x2" for t in named)
        note = next(a for a in fig.layout.annotations if a.text == "diverged at step 7")
        assert note.xref == "x domain"  # in the middle of the plain network's panel


def test_outcome_reads_as_a_sentence_for_every_ending():
    done = Run("bn", 0.3, 600, final_loss=0.01234, final_accuracy=0.996)
    assert outcome(done) == "final loss 0.0123, accuracy 99.6%"
    assert outcome(Run("bn", 0.3, 600, final_loss=0.001, final_accuracy=1.0)) == "final loss 0.001, accuracy 100%"
    assert outcome(Run("bn", 0.3, 600, final_loss=0.5, final_accuracy=0.894)) == "final loss 0.5, accuracy 89%"
    assert outcome(Run("none", 3.0, 600, diverged_at=10)) == "diverged at step 10: the loss or a weight overflowed"
    assert outcome(Run("none", 3.0, 600, diverged_at=601)) == "diverged: its weights overflowed in the last step"


def test_lowest_loss_names_the_network_with_the_lowest_final_loss_or_the_ones_close_to_it():
    def ended(norm, loss=None, diverged_at=None):
        return Run(norm, 0.3, 600, diverged_at=diverged_at, final_loss=loss)

    assert lowest_loss([ended("none", 0.5), ended("bn", 0.1), ended("bn_no_affine", 0.3)]) == ("BN with γ, β",)
    assert lowest_loss([ended("none", 0.1), ended("bn", 0.5), ended("bn_no_affine", 0.3)]) == ("without BN",)
    assert lowest_loss([ended("none", 0.5), ended("bn", 0.3), ended("bn_no_affine", 0.01)]) == ("BN without γ, β",)
    # Two within 10 % of each other: both are right answers (each one of the class's choices).
    close = lowest_loss([ended("none", 0.5), ended("bn", 0.100), ended("bn_no_affine", 0.105)])
    assert close == ("BN with γ, β", "BN without γ, β")
    assert lowest_loss([ended("none", 0.1), ended("bn", 0.105), ended("bn_no_affine", 0.102)]) == ("about the same",)
    gone = ended("none", diverged_at=10)
    assert lowest_loss([gone, ended("bn", 0.1), ended("bn_no_affine", 0.3)]) == ("BN with γ, β",)
    assert lowest_loss([gone, gone, gone]) == ("about the same",)
    assert all(set(lowest_loss(runs)) <= set(PREDICTIONS) for runs in ([gone] * 3, [ended("none", 0.1)] * 3))
    assert set(PREDICTIONS) == {"without BN", "BN with γ, β", "BN without γ, β", "about the same"}


# --- the jolt: one layer's weights multiplied mid-training ------------------------------


@pytest.fixture(scope="module")
def jolted():
    return jolt(NetworkSettings(activation="tanh", lr=0.3, **SMALL), layer=2, factor=10.0)


def test_the_jolt_figure_draws_each_arms_loss_with_and_without_the_jolt_and_marks_the_jolt(jolted):
    fig = json.loads(jolt_figure(jolted).to_json())
    lines = {t["meta"]: t for t in fig["data"]}
    assert list(lines) == ["none:1", "none:0", "bn:1", "bn:0"]  # the jolted copy first, solid; the other dotted
    assert [lines[k]["name"] for k in lines] == [
        "without BN, ×10",
        "without BN, no jolt",
        "BN with γ, β, ×10",
        "BN with γ, β, no jolt",
    ]
    for arm in ("none", "bn"):
        for copy in (0, 1):
            x, y = jolted.windowed(jolted.loss[arm][copy])
            np.testing.assert_array_equal(values(lines[f"{arm}:{copy}"], "x"), x)
            np.testing.assert_allclose(values(lines[f"{arm}:{copy}"], "y"), y)
        assert lines[f"{arm}:1"]["line"]["color"] == lines[f"{arm}:0"]["line"]["color"] == NET_COLORS[arm]
        assert lines[f"{arm}:0"]["line"]["dash"] == "dot" and "dash" not in lines[f"{arm}:1"]["line"]
    (shape,) = fig["layout"]["shapes"]
    assert shape["x0"] == jolted.at + 0.5 and shape["line"]["dash"] == "dash"
    assert fig["layout"]["xaxis"]["title"]["text"] == "training step (vertical line: ×10 on layer 2's W after step 60)"
    assert fig["layout"]["yaxis"]["type"] == "log"


def test_the_step_figure_draws_the_jolted_layers_relative_step(jolted):
    fig = json.loads(jolt_step_figure(jolted).to_json())
    lines = {t["meta"]: t for t in fig["data"]}
    for arm in ("none", "bn"):
        np.testing.assert_allclose(values(lines[f"{arm}:1"], "y"), jolted.windowed(jolted.step_size(arm)[1])[1])
    assert fig["layout"]["yaxis"]["title"]["text"] == "layer 2's ‖ΔW‖/‖W‖"


def test_a_diverged_copy_is_marked_and_no_nan_reaches_the_jolt_figures():
    result = jolt(NetworkSettings(activation="ReLU", steps=200, lr=0.3), layer=1, factor=10.0)
    k = int(result.diverged_at["none"][1])
    for build in (jolt_figure, jolt_step_figure):
        fig = build(result)
        assert "NaN" not in fig.to_json() and "Infinity" not in fig.to_json()
        (note,) = fig.layout.annotations
        assert note.text == f"without BN, ×10: diverged (step {k})" and note.x == k


def test_the_undo_figure_puts_each_units_learned_gamma_and_beta_beside_the_values_that_undo_bn(jolted):
    undo = jolted.undo
    fig = json.loads(undo_figure(undo).to_json())
    dots = [t for t in fig["data"] if t["name"].startswith("layer ")]
    assert len(dots) == 2 * SMALL["depth"]
    gamma_dots, beta_dots = dots[: SMALL["depth"]], dots[SMALL["depth"] :]
    for l in range(SMALL["depth"]):
        np.testing.assert_allclose(values(gamma_dots[l], "x"), undo.gamma_undo[l], rtol=1e-6)
        np.testing.assert_allclose(values(gamma_dots[l], "y"), undo.gamma[l], rtol=1e-6)
        np.testing.assert_allclose(values(beta_dots[l], "x"), undo.beta_undo[l], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(values(beta_dots[l], "y"), undo.beta[l], rtol=1e-6, atol=1e-7)
    layer, unit = undo.closest()
    rings = [t for t in fig["data"] if t["name"].startswith("closest")]
    assert [t["name"] for t in rings] == [f"closest: layer {layer}, unit {unit}"] * 2
    assert rings[0]["x"] == [undo.gamma_undo[layer - 1, unit - 1]] and rings[1]["y"] == [undo.beta[layer - 1, unit - 1]]
    diagonal = next(t for t in fig["data"] if t["name"].startswith("undone"))
    assert diagonal["x"] == diagonal["y"]


def test_the_jolt_figures_stay_small():
    result = jolt(NetworkSettings(depth=6, width=64, steps=1000, lr=0.3), layer=3, factor=0.1)
    for fig in (jolt_figure(result), jolt_step_figure(result), undo_figure(result.undo)):
        assert len(fig.to_json()) < 60_000
