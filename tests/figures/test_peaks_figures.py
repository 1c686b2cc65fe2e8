"""bnviz.figures.peaks: the loss curves and the switch curves draw the experiment's own numbers."""

import numpy as np
import plotly.graph_objects as go
import pytest

from bnviz.experiments import peaks
from bnviz.figures import peaks as peaks_figures
from bnviz.figures.common import COLORS


@pytest.fixture(scope="module")
def result() -> peaks.PeaksRun:
    return peaks.run()


def by_name(fig, name: str):
    return [t for t in fig.data if t.name == name]


def test_loss_figure_draws_both_trainings_on_a_log_axis_above_the_floor(result):
    floor = float(result.floor.sum())
    fig = peaks_figures.loss_figure(result.loss(True), result.loss(False), floor)
    (with_,) = by_name(fig, "γ, β learned")
    (without,) = by_name(fig, "γ = 1, β = 0 fixed")
    np.testing.assert_array_equal(with_.y, result.loss(True))
    np.testing.assert_array_equal(without.y, result.loss(False))
    assert list(with_.x) == list(range(1, 401))
    assert fig.layout.yaxis.type == "log"
    (line,) = fig.layout.shapes
    assert line.y0 == line.y1 == floor
    assert "0.0207" in fig.layout.annotations[0].text
    # distinct by colour and by dash, for learners who do not tell the colours apart
    assert (with_.line.color, with_.line.dash) == (COLORS["y"], None)
    assert (without.line.color, without.line.dash) == (COLORS["x_hat"], "dash")
    go.Figure(fig.to_dict())  # passes plotly's validation


def test_switch_figure_draws_each_channel_its_values_the_level_and_the_peak(result):
    curves = peaks.switch_curves(result)
    fig = peaks_figures.switch_figure(curves, result.x, result.level, peak=(0, 2))
    assert [a.text for a in fig.layout.annotations][:2] == [
        "channel 0: mean 2.1, std 1.2",
        "channel 1: mean 8.2, std 2.2",
    ]
    for name, key in (
        ("needed: sigmoid(x − θ)", "target"),
        ("γ, β learned", "with"),
        ("γ = 1, β = 0 fixed", "without"),
    ):
        traces = by_name(fig, name)
        assert len(traces) == 2 and [t.showlegend for t in traces] == [True, False]
        for c, trace in enumerate(traces):
            np.testing.assert_array_equal(trace.x, curves["x"][:, c])
            np.testing.assert_array_equal(trace.y, curves[key][:, c])
    ticks = by_name(fig, "the channel's values")
    np.testing.assert_array_equal(ticks[1].x, result.x[:, 1])
    (mark,) = by_name(fig, "your peak")
    assert list(mark.x) == [9.0] and mark.xaxis == "x"
    assert [s.x0 for s in fig.layout.shapes] == [5.0, 5.0]
    go.Figure(fig.to_dict())


def test_the_peak_mark_follows_the_peak_picked(result):
    fig = peaks_figures.switch_figure(peaks.switch_curves(result), result.x, result.level, peak=(1, 0))
    (mark,) = by_name(fig, "your peak")
    assert list(mark.x) == [15.0] and mark.xaxis == "x2"
    assert not by_name(peaks_figures.switch_figure(peaks.switch_curves(result), result.x, 5.0), "your peak")
