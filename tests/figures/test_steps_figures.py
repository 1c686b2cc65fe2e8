"""bnviz.steps_figures: one step before/after, running statistics, the pooled block diagram."""

import numpy as np
import pytest

from bnviz.core.data import make_batch, preset
from bnviz.core.norms import pooled_mask
from bnviz.core.steps import batch_norm_steps
from bnviz.experiments.stepper import running_history
from bnviz.figures.steps import pooled_block_figure, running_figure, shown_samples, step_figure
from helpers.apptest import bar_mean

SPECS = tuple(preset("channels on very different scales", 4))
X = make_batch(SPECS, 512, seed=0)
STEPS = batch_norm_steps(X, 2.0, 3.0)
KEYS = [s.key for s in STEPS]


def lines(fig):
    """The vertical lines drawn as traces: name -> sorted x positions."""
    out = {}
    for t in fig.data:
        if t.type == "scatter":
            out[t.name] = sorted({v for v in t.x if v is not None})
    return out


@pytest.mark.parametrize(
    "key, before, after", [("centre", "x", "centre"), ("normalize", "centre", "normalize"), ("shift", "scale", "shift")]
)
def test_value_step_draws_the_channel_before_and_after_on_one_x_axis(key, before, after):
    arrays = {"x": X} | {s.key: s.array for s in STEPS}
    fig = step_figure(X, STEPS, KEYS.index(key), channel=3)
    top, bottom = fig.data
    assert top.xaxis == "x" and bottom.xaxis == "x2" and fig.layout.xaxis.matches == "x2"
    bin_width = max(top.width.max(), bottom.width.max())
    assert bar_mean(top) == pytest.approx(arrays[before][:, 3].mean(), abs=bin_width / 2)
    assert bar_mean(bottom) == pytest.approx(arrays[after][:, 3].mean(), abs=bin_width / 2)


def test_after_the_shift_the_channel_has_mean_beta():
    fig = step_figure(X, STEPS, KEYS.index("shift"), channel=1)
    assert bar_mean(fig.data[1]) == pytest.approx(3.0, abs=0.1)


def test_mean_step_marks_the_batch_mean_on_the_channels_histogram():
    fig = step_figure(X, STEPS, KEYS.index("mean"), channel=1)
    assert bar_mean(fig.data[0]) == pytest.approx(X[:, 1].mean(), abs=fig.data[0].width.max() / 2)
    ((name, xs),) = [(n, v) for n, v in lines(fig).items()]
    assert name == f"μ<sub>B</sub> = {X[:, 1].mean():.2f}" and xs == pytest.approx([X[:, 1].mean()])


def test_variance_step_histograms_the_squared_deviations_and_marks_their_mean():
    fig = step_figure(X, STEPS, KEYS.index("var"), channel=0)
    var = X[:, 0].var()
    bars = fig.data[0]
    assert bar_mean(bars) == pytest.approx(var, abs=bars.width.max() / 2)
    assert list(lines(fig).values()) == [pytest.approx([var])]


def test_std_step_marks_plus_and_minus_the_standard_deviation():
    fig = step_figure(X, STEPS, KEYS.index("std"), channel=2)
    std = np.sqrt(X[:, 2].var() + 1e-5)
    assert list(lines(fig).values()) == [pytest.approx([-std, std])]


def test_eval_figure_marks_the_running_statistic_and_this_batchs_own():
    run = batch_norm_steps(X, 1.0, 0.0, mean=[0.0, 5.0, 0.0, 0.0], var=[1.0, 90.0, 1.0, 1.0])
    fig = step_figure(X, run, 0, channel=1, batch_steps=STEPS)
    marks = lines(fig)
    assert marks["μ<sub>run</sub> = 5.00"] == [5.0]
    (own,) = [v for n, v in marks.items() if n.startswith("this batch's μ<sub>B</sub>")]
    assert own == pytest.approx([X[:, 1].mean()])


def test_figure_size_does_not_grow_with_the_batch():
    big = make_batch(SPECS, 4096, seed=0)
    small_json = step_figure(X, STEPS, 4, 1).to_json()
    big_json = step_figure(big, batch_norm_steps(big, 1.0, 0.0), 4, 1).to_json()
    assert len(big_json) < 1.5 * len(small_json) < 40_000


def test_a_dead_channel_still_draws_both_histograms():
    dead = make_batch(preset("one dead channel with zero variance", 3), 64, seed=0)
    before, after = step_figure(dead, batch_norm_steps(dead, 1.0, 0.0), 4, channel=1).data
    assert before.y.sum() > 0 and after.y.sum() > 0
    assert bar_mean(after) == pytest.approx(0.0, abs=after.width.max())  # every x̂ is 0, up to one bin


def test_running_figure_draws_the_first_k_batches_and_the_target():
    h = running_history(X, SPECS, 0, 30)
    fig = running_figure(h, 1, 10, 8.0, 100.0)
    each, run, own = fig.data[:3]
    assert len(each.x) == 10 and len(run.x) == 11
    np.testing.assert_array_equal(run.y, h.running_mean[:11, 1])
    assert list(own.y) == [8.0, 8.0]
    assert fig.data[5].y[0] == 100.0  # the variance panel's target


# ---------------------------------------------------------------- the block diagram


def test_shown_samples_keep_the_first_the_chosen_and_the_last():
    assert shown_samples(5, 3) == [0, 1, 2, 3, 4]
    assert shown_samples(256, 0) == [0, 1, 2, 3, 4, 5, None, 255]
    assert shown_samples(256, 100) == [0, 1, 2, 3, 4, 5, None, 100, None, 255]


def front_cells(fig, pooled: bool) -> int:
    """How many front-face cells are drawn as pooled (or not): polygons of 5 points + None."""
    name = "averaged into one mean and variance" if pooled else "other values (other statistics)"
    (trace,) = [t for t in fig.data if t.name == name and t.showlegend]
    return sum(v is None for v in trace.x)


@pytest.mark.parametrize(
    "shape, kind, groups, pooled",
    [
        ((16, 6, 8, 8), "batch", None, 7),  # channel 1 in the 7 drawn rows
        ((16, 6, 8, 8), "layer", None, 6),  # sample 3's 6 channels
        ((16, 6, 8, 8), "instance", None, 1),
        ((16, 6, 8, 8), "group", 3, 2),
        ((256, 4), "batch", None, 7),
        ((256, 4), "layer", None, 4),
    ],
)
def test_block_colours_exactly_the_pooled_cells(shape, kind, groups, pooled):
    fig = pooled_block_figure(shape, kind, sample=3, channel=1, groups=groups)
    assert front_cells(fig, True) == pooled
    assert front_cells(fig, True) + front_cells(fig, False) == 7 * shape[1]
    mask = pooled_mask(shape, kind, 3, 1, groups)
    assert mask[3, 1].all()  # the value followed is one of them


def test_conv_block_has_a_depth_for_positions_and_fc_block_does_not():
    conv = pooled_block_figure((16, 6, 8, 8), "batch", channel=1)
    fc = pooled_block_figure((256, 4), "batch", channel=1)
    assert any("positions H·W = 8 × 8 = 64" in a.text for a in conv.layout.annotations)
    assert any("fully connected" in a.text for a in fc.layout.annotations)
    assert len(fc.data) == 3  # pooled front, other front, the outline: no top or side faces


def test_group_block_draws_a_line_between_groups():
    fig = pooled_block_figure((4, 6, 2, 2), "group", channel=1, groups=3)
    assert sorted(s.x0 for s in fig.layout.shapes if s.x0 == s.x1) == [2, 4]


def test_block_refuses_instance_norm_on_a_fully_connected_batch():
    with pytest.raises(ValueError, match="spatial positions"):
        pooled_block_figure((256, 4), "instance")
