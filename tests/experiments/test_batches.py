"""What /batch computes: bounds, the per-channel table and its edits, statistics, draw-to-draw moves,
and the figures (heatmaps of one channel, a statistic draw after draw)."""

import math

import numpy as np
import pandas as pd
import pytest

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.data import ChannelSpec, make_batch, preset
from bnviz.experiments import batches
from bnviz.figures.batch import channel_heatmaps, draws_figure

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

# --- bounds and settings ------------------------------------------------------------------------


def test_batch_size_bounds_are_4096_for_fully_connected_and_128_for_conv():
    assert batches.MAX_N == {"fully connected": 4096, "convolutional": 128}
    assert batches.N_OPTIONS[0] == 2 and batches.N_OPTIONS[-1] == 4096 and batches.MAX_CHANNELS == 16
    # The largest conv batch is 2**19 values, eight times the largest fully connected one.
    assert 128 * 16 * batches.SIZE_RANGE[1] ** 2 == 2**19 == 8 * 4096 * 16


def test_clamp_n_picks_the_nearest_offered_size_on_a_log_scale():
    assert batches.clamp_n(256, "fully connected") == 256
    assert batches.clamp_n(100, "fully connected") == 96
    assert batches.clamp_n(5000, "fully connected") == 4096
    assert batches.clamp_n(256, "convolutional") == 128
    assert batches.clamp_n(1, "convolutional") == 2
    assert batches.clamp_n("many", "fully connected") == 256


def test_valid_settings_keep_good_values_and_fix_bad_ones_with_a_note():
    good, notes = batches.valid_settings("convolutional", 64, 8, 12, 7, "ReLU outputs")
    assert good == {"kind": "convolutional", "n": 64, "channels": 8, "size": 12, "seed": 7, "preset": "ReLU outputs"}
    assert notes == []
    fixed, notes = batches.valid_settings("dense", 5000, 99, "x", -1, "nope", default_preset="ReLU outputs")
    assert fixed == {
        "kind": "fully connected",
        "n": 4096,
        "channels": 16,
        "size": 8,
        "seed": 0,
        "preset": "ReLU outputs",
    }
    assert len(notes) == 6 and any("Channels 99 is outside 1–16; using 16." == n for n in notes)


def test_switching_to_conv_says_that_n_became_128():
    fixed, notes = batches.valid_settings("convolutional", 256, 4, 8, 0, "ReLU outputs")
    assert fixed["n"] == 128
    assert notes == ["A convolutional batch has at most 128 samples here; N is now 128."]


def test_settings_draw_the_core_batch_and_ignore_the_size_of_a_fully_connected_batch():
    specs = tuple(preset("every shape", 3))
    fc = batches.BatchRecipe("fully connected", 32, 8, 5, specs)
    conv = batches.BatchRecipe("convolutional", 4, 6, 5, specs)
    assert np.array_equal(fc.draw(), make_batch(specs, 32, None, 5))
    assert np.array_equal(conv.draw(), make_batch(specs, 4, (6, 6), 5))
    assert conv.draw().shape == (4, 3, 6, 6)
    assert fc.family == ("fully connected", 32, 8, specs)  # no seed: draws of one family compare


def test_shape_and_pooled_count_are_spelled_out():
    assert batches.shape_text((256, 4)) == "256 samples × 4 channels"
    assert batches.shape_text((32, 1, 8, 8)) == "32 samples × 1 channel × 8 × 8 pixels"
    assert batches.pooled_text((256, 4)) == "m = N = 256"
    assert batches.pooled_text((32, 4, 8, 8)) == "m = N·H·W = 32·8·8 = 2,048"


# --- the per-channel table ------------------------------------------------------------------------


def test_population_moments_are_the_spec_itself_except_for_relu():
    assert batches.population_moments(ChannelSpec("skewed", 3.0, 2.0)) == (3.0, 2.0)
    # max(0, z) for a standard normal z: mean φ(0) = 1/√(2π), variance 1/2 − 1/(2π).
    mean, std = batches.population_moments(ChannelSpec("relu", 0.0, 1.0))
    assert mean == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-12)
    assert std == pytest.approx(math.sqrt(0.5 - 1 / (2 * math.pi)), abs=1e-12)
    assert batches.population_moments(ChannelSpec("relu", 2.0, 0.0)) == (2.0, 0.0)
    assert batches.population_moments(ChannelSpec("relu", -1.0, 0.0)) == (0.0, 0.0)


@pytest.mark.parametrize("mean, std", [(0.5, 2.0), (-1.0, 1.0), (1.0, 1.5)])
def test_relu_moments_match_a_large_sample(mean, std):
    x = make_batch([ChannelSpec("relu", mean, std)], 400_000, seed=3)[:, 0]
    m, s = batches.population_moments(ChannelSpec("relu", mean, std))
    assert x.mean() == pytest.approx(m, abs=4 * s / math.sqrt(x.size))
    assert x.std() == pytest.approx(s, rel=0.01)


def test_true_moments_stack_each_channels_mean_and_std():
    specs = [ChannelSpec("uniform", 2.0, 3.0), ChannelSpec("relu", 0.0, 1.0)]
    np.testing.assert_allclose(batches.true_moments(specs), [[2.0, 3.0], list(batches.population_moments(specs[1]))])


def test_specs_frame_has_one_row_per_channel_with_the_inputs_and_what_comes_out():
    frame = batches.specs_frame([ChannelSpec("normal", 8.0, 10.0), ChannelSpec("relu", 0.0, 1.0)])
    assert list(frame.index) == ["channel 0", "channel 1"]
    assert list(frame.columns) == [batches.FAMILY, batches.MEAN, batches.SPREAD, batches.OUT_MEAN, batches.OUT_STD]
    assert frame.loc["channel 0", batches.OUT_MEAN] == 8.0
    assert frame.loc["channel 1", batches.MEAN] == 0.0
    assert frame.loc["channel 1", batches.OUT_MEAN] == pytest.approx(0.398942, abs=1e-6)  # not 0: after the ReLU
    assert "pre-ReLU" in batches.MEAN and "pre-ReLU" in batches.SPREAD


def test_an_unedited_table_gives_back_the_same_specs():
    specs = tuple(preset("every shape", 6))
    assert batches.specs_from_frame(batches.specs_frame(specs), specs) == (specs, [])


def test_valid_edits_change_their_channel_only():
    specs = tuple(preset("all standard normal", 3))
    frame = batches.specs_frame(specs)
    frame.loc["channel 1", [batches.FAMILY, batches.MEAN, batches.SPREAD]] = ["bimodal", 4.0, 0.5]
    new, errors = batches.specs_from_frame(frame, specs)
    assert errors == []
    assert new == (specs[0], ChannelSpec("bimodal", 4.0, 0.5), specs[2])


def test_a_negative_spread_is_refused_with_a_message_and_the_channel_keeps_its_values():
    specs = tuple(preset("all standard normal", 2))
    frame = batches.specs_frame(specs)
    frame.loc["channel 1", batches.SPREAD] = -2.0
    frame.loc["channel 0", batches.MEAN] = 3.0
    new, errors = batches.specs_from_frame(frame, specs)
    assert new == (ChannelSpec("normal", 3.0, 1.0), specs[1])  # the valid edit is kept
    assert errors == [
        "Channel 1: a spread must be ≥ 0 (0 makes every value of the channel the same); got -2. It keeps its previous values."
    ]


@pytest.mark.parametrize(
    "column, value, says",
    [
        (batches.FAMILY, "gaussian", "the family must be one of normal, uniform"),
        (batches.FAMILY, None, "the family must be one of"),
        (batches.MEAN, None, f"the cell “{batches.MEAN}” is empty"),
        (batches.SPREAD, float("nan"), f"the cell “{batches.SPREAD}” is empty"),
        (batches.MEAN, float("inf"), "must be finite"),
        (batches.SPREAD, 1e9, "between −1,000,000 and 1,000,000"),
        (batches.MEAN, "abc", "must be a number"),
    ],
)
def test_every_bad_cell_is_refused_with_what_to_type(column, value, says):
    specs = tuple(preset("all standard normal", 1))
    frame = batches.specs_frame(specs).astype(object)
    frame.iloc[0, list(frame.columns).index(column)] = value
    new, errors = batches.specs_from_frame(frame, specs)
    assert new == specs
    assert len(errors) == 1 and says in errors[0] and errors[0].startswith("Channel 0: ")


def test_a_new_preset_replaces_every_channel_and_a_new_count_keeps_the_edited_ones():
    edited = (ChannelSpec("uniform", 5.0, 2.0), ChannelSpec("skewed", -1.0, 3.0))
    assert batches.reconcile_specs("ReLU outputs", 2, edited, "all standard normal") == tuple(preset("ReLU outputs", 2))
    grown = batches.reconcile_specs("all standard normal", 4, edited, "all standard normal")
    assert grown == edited + tuple(preset("all standard normal", 4)[2:])
    assert batches.reconcile_specs("all standard normal", 1, edited, "all standard normal") == edited[:1]
    assert batches.reconcile_specs("every shape", 3) == tuple(preset("every shape", 3))


# --- statistics and how they move -----------------------------------------------------------------


def test_channel_stats_by_hand_on_a_fully_connected_batch():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    table = batches.channel_stats(x)
    assert list(table.columns) == list(batches.STATS)
    np.testing.assert_allclose(table["mean"], [2.0, 4.0])
    np.testing.assert_allclose(table["variance"], [1.0, 4.0])  # biased: divides by m = 2
    np.testing.assert_allclose(table["std"], [1.0, 2.0])
    np.testing.assert_allclose(table["min"], [1.0, 2.0])
    np.testing.assert_allclose(table["max"], [3.0, 6.0])


def test_channel_stats_pool_samples_and_pixels_as_batchnorm_does():
    x = make_batch(preset("every shape", 3), 5, (4, 3), seed=2)
    table = batches.channel_stats(x)
    bn = BatchNorm(3, momentum=1.0)  # with momentum 1 the running mean is this batch's mean
    bn(x)
    np.testing.assert_allclose(table["mean"], bn.running_mean, rtol=1e-12)
    np.testing.assert_allclose(table["variance"], x.transpose(1, 0, 2, 3).reshape(3, -1).var(axis=1), rtol=1e-12)
    np.testing.assert_allclose(table["max"], x.max(axis=(0, 2, 3)))


def test_a_dead_channel_has_variance_exactly_zero():
    table = batches.channel_stats(make_batch(preset("one dead channel with zero variance", 3), 64, seed=0))
    assert table.loc["channel 1", "variance"] == 0.0 and table.loc["channel 1", "max"] == 0.0


def stats_of(seed):
    return batches.channel_stats(make_batch(preset("all standard normal", 2), 16, seed=seed))


def test_record_draw_appends_new_seeds_and_restarts_when_other_settings_change():
    h = batches.record_draw(None, "A", 0, stats_of(0))
    h = batches.record_draw(h, "A", 0, stats_of(0))  # a rerun of the same draw is not a new draw
    assert h["seeds"] == [0]
    h = batches.record_draw(h, "A", 1, stats_of(1))
    assert h["seeds"] == [0, 1]
    np.testing.assert_array_equal(h["mu"][1], stats_of(1)["mean"])
    assert batches.record_draw(h, "B", 2, stats_of(2))["seeds"] == [2]


def test_record_draw_keeps_only_the_last_draws():
    h = None
    for seed in range(40):
        h = batches.record_draw(h, "A", seed, stats_of(seed), keep=30)
    assert h["seeds"] == list(range(10, 40)) and len(h["mu"]) == len(h["std"]) == 30


def test_compare_draws_gives_both_draws_and_how_much_each_statistic_moved():
    h = batches.record_draw(batches.record_draw(None, "A", 0, stats_of(0)), "A", 1, stats_of(1))
    moves = batches.compare_draws(h)
    before, after = stats_of(0), stats_of(1)
    np.testing.assert_array_equal(moves["mean, previous draw"], before["mean"])
    np.testing.assert_array_equal(moves["mean, this draw"], after["mean"])
    np.testing.assert_allclose(moves["mean moved by"], after["mean"] - before["mean"])
    np.testing.assert_allclose(moves["std moved by"], after["std"] - before["std"])
    assert (moves["mean moved by"] != 0).all()


def test_mean_wobble_is_sigma_over_root_m():
    specs = [ChannelSpec("normal", 5.0, 2.0), ChannelSpec("relu", 0.0, 1.0), ChannelSpec("normal", 1.0, 0.0)]
    np.testing.assert_allclose(
        batches.mean_wobble(specs, 256), [2.0 / 16, math.sqrt(0.5 - 1 / (2 * math.pi)) / 16, 0.0]
    )


def test_batch_means_wobble_by_about_sigma_over_root_m():
    specs = [ChannelSpec("normal", 3.0, 2.0)]
    means = [make_batch(specs, 64, seed=s)[:, 0].mean() for s in range(400)]
    assert np.std(means) == pytest.approx(batches.mean_wobble(specs, 64)[0], rel=0.1)


def test_most_moved_measures_moves_in_each_channels_wobble_and_ignores_a_constant_channel():
    moves = pd.DataFrame({"mean moved by": [1.0, 0.3, 0.0]})
    assert batches.most_moved(moves, [10.0, 0.1, 0.0]) == 1  # 0.3 is 3 wobbles, 1.0 only 0.1


def test_keep_channels_drops_channels_after_the_limit_with_a_note():
    x = np.zeros((4, 20, 2, 2))
    kept, note = batches.keep_channels(x)
    assert kept.shape == (4, 16, 2, 2) and "has 20 channels" in note and "first 16" in note
    small, note = batches.keep_channels(x[:, :3])
    assert small.shape == (4, 3, 2, 2) and note is None


# --- figures --------------------------------------------------------------------------------------


def test_heatmaps_show_one_channel_of_the_first_samples_on_one_colour_scale():
    x = make_batch(preset("every shape", 3), 6, (5, 4), seed=1)
    fig = channel_heatmaps(x, channel=2, samples=4)
    assert [t.type for t in fig.data] == ["heatmap"] * 4
    for i, trace in enumerate(fig.data):
        np.testing.assert_allclose(np.asarray(trace.z), x[i, 2], atol=5e-5)  # rounded to 4 decimals
        assert (trace.zmin, trace.zmax) == (x[:, 2].min(), x[:, 2].max())  # the whole channel's range
    assert [t.showscale for t in fig.data] == [False, False, False, True]
    assert [a.text for a in fig.layout.annotations] == [f"sample {i}" for i in range(4)]
    assert len(fig.to_json()) < 20_000


def test_heatmaps_of_a_constant_channel_and_of_a_small_batch_do_not_fail():
    x = make_batch(preset("one dead channel with zero variance", 2), 2, (3, 3), seed=0)
    fig = channel_heatmaps(x, channel=1, samples=4)
    assert len(fig.data) == 2 and fig.data[0].zmin < fig.data[0].zmax


def test_heatmaps_refuse_a_fully_connected_batch_and_a_missing_channel():
    with pytest.raises(ValueError, match="convolutional batch"):
        channel_heatmaps(np.zeros((4, 2)), 0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        channel_heatmaps(np.zeros((4, 2, 3, 3)), 2)


def test_draws_figure_plots_each_channels_statistic_with_its_true_value_and_band():
    values = np.array([[0.1, 5.0], [0.2, 5.5], [-0.1, 4.8]])
    fig = draws_figure(values, truth=[0.0, 5.0], band=[0.1, 0.3], seeds=[7, 8, 9])
    assert len(fig.data) == 2
    np.testing.assert_array_equal(fig.data[1].y, values[:, 1])
    np.testing.assert_array_equal(fig.data[0].x, [1, 2, 3])
    assert list(fig.data[0].customdata) == [7, 8, 9]
    assert fig.data[0].marker.color[-1] != fig.data[0].marker.color[0]  # the current draw stands out
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [(r.y0, r.y1) for r in rects] == [(-0.1, 0.1), (4.7, 5.3)]
    assert [ln.y0 for ln in lines] == [0.0, 5.0]


def test_draws_figure_without_band_draws_only_the_true_value():
    fig = draws_figure(np.ones((2, 3)), truth=[1.0, 1.0, 1.0], band=None)
    assert {s.type for s in fig.layout.shapes} == {"line"} and len(fig.layout.shapes) == 3
