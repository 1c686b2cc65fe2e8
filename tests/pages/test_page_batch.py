"""The /batch page with AppTest: the numbers it shows against the core, each control, the table's
edits, draw-to-draw moves, and uploads kept or refused."""

import io
import pickle

import numpy as np
import pytest
from conftest import ROOT

from bnviz.core.data import PRESETS, ChannelSpec, make_batch, preset
from bnviz.experiments import batches
from bnviz.numbers import fixed
from content import batch as draw_text
from content import teach as lesson
from content.common import CLAIM_SEEDS
from helpers.apptest import bar_mean, figures, open_link, run_page
from ui.state import DEFAULT_CHANNELS, DEFAULT_N, DEFAULT_PRESET

EXAMPLE = ROOT / "examples" / "activations_conv.npy"


def shown_stats(at) -> np.ndarray:
    """The statistics table as numbers: rows are channels, columns mean, variance, std, min, max."""
    return at.table[0].value.to_numpy(dtype=float)


def core_stats(x) -> np.ndarray:
    return batches.channel_stats(x).to_numpy()


def batch_x(at) -> np.ndarray:
    return at.session_state["batch"].x


def npy_bytes(a, **kwargs) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, a, **kwargs)
    return buffer.getvalue()


def decode(value) -> np.ndarray:
    """A plotly array from the figure's JSON: a list, or {'dtype', 'bdata', 'shape'} in base64."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = [int(v) for v in str(value.get("shape", flat.size)).split(",")]
        return flat.reshape(shape).astype(float)
    return np.asarray(value, dtype=float)


def messages(at, kind="error") -> str:
    return " ".join(e.value for e in getattr(at, kind))


# --- what the page shows --------------------------------------------------------------------------


def test_default_page_draws_the_default_batch_and_shows_its_statistics():
    at = run_page("batch")
    assert at.title[0].value == "Make a batch"
    x = make_batch(preset(DEFAULT_PRESET, DEFAULT_CHANNELS), DEFAULT_N, seed=0)
    assert np.array_equal(batch_x(at), x)
    np.testing.assert_allclose(shown_stats(at), core_stats(x), rtol=1e-12)
    assert at.session_state["batch"].source == f"drawn: {DEFAULT_PRESET}, seed 0"
    assert "256 samples × 4 channels" in messages(at, "success")


def test_histograms_are_one_panel_per_channel_on_a_shared_axis_centred_on_each_mean():
    at = run_page("batch")
    hist = figures(at)[0]
    x = batch_x(at)
    assert len(hist["data"]) == 4
    assert all(np.array_equal(decode(t["x"]), decode(hist["data"][0]["x"])) for t in hist["data"])  # one x axis
    for c, trace in enumerate(hist["data"]):
        width = float(np.ptp(x)) / 60
        assert bar_mean(trace) == pytest.approx(x[:, c].mean(), abs=width)


@pytest.mark.parametrize("kind", batches.KINDS)
@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_and_layer_kind_shows_the_statistics_of_the_core_batch(name, kind):
    at = run_page("batch", session_state={"bt_preset": name, "bt_kind": kind})
    n, spatial = (256, None) if kind == "fully connected" else (128, (8, 8))
    x = make_batch(preset(name, 4), n, spatial, seed=0)
    assert np.array_equal(batch_x(at), x)
    np.testing.assert_allclose(shown_stats(at), core_stats(x), rtol=1e-12, atol=1e-300)
    kinds = [fig["data"][0]["type"] for fig in figures(at)]
    assert kinds == (["bar", "heatmap"] if spatial else ["bar"])
    assert not at.error


def test_relu_channels_show_the_mean_that_comes_out_next_to_the_pre_activation_mean():
    at = run_page("batch", session_state={"bt_preset": "ReLU outputs"})
    table = at.data_editor[0].value
    specs = preset("ReLU outputs", 4)
    np.testing.assert_allclose(table[batches.MEAN], [s.mean for s in specs])
    np.testing.assert_allclose(table[batches.OUT_MEAN], [batches.population_moments(s)[0] for s in specs])
    # The batch's own mean is near what comes out, not near the pre-activation mean.
    np.testing.assert_allclose(shown_stats(at)[:, 0], table[batches.OUT_MEAN], atol=0.25)
    assert any("before" in c.value and "relu" in c.value for c in at.caption)


# --- each control changes what it should ----------------------------------------------------------


def test_batch_size_slider_sets_n():
    at = run_page("batch")
    at.select_slider(key="bt_n").set_value(24).run()
    assert batch_x(at).shape == (24, 4)
    np.testing.assert_allclose(shown_stats(at), core_stats(make_batch(preset(DEFAULT_PRESET, 4), 24, seed=0)))


def test_channels_slider_sets_c_and_the_table_grows_from_the_preset():
    at = run_page("batch")
    at.slider(key="bt_channels").set_value(7).run()
    assert batch_x(at).shape == (256, 7)
    assert len(at.data_editor[0].value) == 7
    assert at.session_state["batch"].specs == tuple(preset(DEFAULT_PRESET, 7))


def test_conv_kind_and_image_size_make_an_n_c_h_w_batch_with_n_clamped_to_128():
    at = run_page("batch")
    at.radio(key="bt_kind").set_value("convolutional").run()
    assert batch_x(at).shape == (128, 4, 8, 8)
    assert "N is now 128" in messages(at, "info")
    at.slider(key="bt_size").set_value(12).run()
    x = batch_x(at)
    assert x.shape == (128, 4, 12, 12)
    np.testing.assert_allclose(shown_stats(at), core_stats(make_batch(preset(DEFAULT_PRESET, 4), 128, (12, 12), 0)))
    assert "m = N·H·W = 128·12·12 = 18,432" in messages(at, "success")


def test_seed_draws_the_same_distributions_again():
    at = run_page("batch")
    at.number_input(key="bt_seed").set_value(5).run()
    assert np.array_equal(batch_x(at), make_batch(preset(DEFAULT_PRESET, 4), 256, seed=5))


def test_preset_selectbox_replaces_the_table():
    at = run_page("batch")
    at.selectbox(key="bt_preset").set_value("every shape").run()
    assert list(at.data_editor[0].value[batches.FAMILY]) == ["normal", "uniform", "skewed", "bimodal"]


def test_heatmaps_show_the_chosen_channel_of_the_first_four_images():
    at = run_page("batch", session_state={"bt_kind": "convolutional", "bt_n": 16})
    at.selectbox(key="bt_heat_channel").set_value(3).run()
    x = batch_x(at)
    heat = figures(at)[1]
    assert len(heat["data"]) == 4
    for i, trace in enumerate(heat["data"]):
        np.testing.assert_allclose(decode(trace["z"]), x[i, 3], atol=5e-5)
    text = " ".join(m.value for m in at.markdown)
    assert f"$\\mu_B$ = {fixed(x[:, 3].mean(), 3)}" in text and "m = N·H·W = 16·8·8 = 1,024" in text


def test_the_largest_conv_batch_is_drawn_and_its_figures_stay_small():
    at = run_page("batch", session_state={"bt_kind": "convolutional", "bt_n": 128, "bt_channels": 16, "bt_size": 16})
    assert batch_x(at).shape == (128, 16, 16, 16)
    assert all(len(el.proto.spec) < 100_000 for el in at.get("plotly_chart"))  # binned, not raw values


def test_out_of_range_settings_are_fixed_with_a_note_and_no_exception():
    at = run_page("batch", session_state={"bt_n": 5000, "bt_channels": 40, "bt_seed": -3, "bt_preset": "nope"})
    assert batch_x(at).shape == (256 * 16, 16)
    notes = messages(at, "info")
    assert "Channels 40 is outside 1–16" in notes and "Seed -3" in notes and "Preset 'nope'" in notes


# --- the table's edits ---------------------------------------------------------------------------


def edit(at, rows: dict):
    """Type into the data editor, as the browser does: edited cells by row and column label."""
    version = at.session_state["bt_editor_v"]
    at.session_state[f"bt_editor_{version}"] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_editing_a_channel_draws_it_from_the_new_distribution():
    at = run_page("batch")
    edit(at, {2: {batches.FAMILY: "uniform", batches.MEAN: 1.0, batches.SPREAD: 3.0}})
    specs = list(preset(DEFAULT_PRESET, 4))
    specs[2] = ChannelSpec("uniform", 1.0, 3.0)
    assert np.array_equal(batch_x(at), make_batch(specs, 256, seed=0))
    assert at.session_state["batch"].source == f"drawn: {DEFAULT_PRESET}, edited, seed 0"
    assert at.data_editor[0].value.loc["channel 2", batches.FAMILY] == "uniform"


def test_a_negative_spread_gives_a_message_and_keeps_the_batch():
    at = run_page("batch")
    before = batch_x(at)
    edit(at, {1: {batches.SPREAD: -2.0}})
    assert "Channel 1: a spread must be ≥ 0" in messages(at)
    assert np.array_equal(batch_x(at), before)
    assert at.data_editor[0].value.loc["channel 1", batches.SPREAD] == 10.0  # the cell shows the kept value


def test_a_new_preset_clears_the_edits_and_their_message():
    at = run_page("batch")
    edit(at, {1: {batches.SPREAD: -2.0}})
    at.selectbox(key="bt_preset").set_value("all standard normal").run()
    assert not at.error
    assert at.session_state["batch"].specs == tuple(preset("all standard normal", 4))


# --- draw another batch -----------------------------------------------------------------------


def test_draw_another_batch_uses_a_new_seed_and_shows_how_far_the_statistics_moved():
    at = run_page("batch")
    first = batch_x(at)
    assert len(at.table) == 1  # no comparison before a second draw
    at.button(key="bt_draw").click().run()
    assert at.session_state["bt_seed"] == 1
    second = batch_x(at)
    assert np.array_equal(second, make_batch(preset(DEFAULT_PRESET, 4), 256, seed=1))
    moves = at.table[1].value
    before, after = batches.channel_stats(first), batches.channel_stats(second)
    np.testing.assert_allclose(moves["mean, previous draw"].astype(float), before["mean"])
    np.testing.assert_allclose(moves["mean, this draw"].astype(float), after["mean"])
    np.testing.assert_allclose(moves["mean moved by"].astype(float), after["mean"] - before["mean"])
    np.testing.assert_allclose(moves["std moved by"].astype(float), after["std"] - before["std"])
    assert "From draw 1 (seed 0) to draw 2 (seed 1)" in " ".join(m.value for m in at.markdown)


def test_the_draws_figure_plots_each_batch_mean_with_the_true_mean_and_its_sigma_over_root_m_band():
    at = run_page("batch")
    for _ in range(3):
        at.button(key="bt_draw").click().run()
    moves = figures(at)[1]
    assert len(moves["data"]) == 4
    means = [make_batch(preset(DEFAULT_PRESET, 4), 256, seed=s)[:, 3].mean() for s in range(4)]
    np.testing.assert_allclose(decode(moves["data"][3]["y"]), means)
    rect = [s for s in moves["layout"]["shapes"] if s["type"] == "rect"][3]
    assert (rect["y0"], rect["y1"]) == pytest.approx((50 - 40 / 16, 50 + 40 / 16))  # μ ± σ/√256
    at.radio(key="bt_moved_stat").set_value("standard deviation").run()
    stds = [make_batch(preset(DEFAULT_PRESET, 4), 256, seed=s)[:, 3].std() for s in range(4)]
    np.testing.assert_allclose(decode(figures(at)[1]["data"][3]["y"]), stds)


def test_changing_another_setting_starts_a_new_history_of_draws():
    at = run_page("batch")
    at.button(key="bt_draw").click().run()
    at.select_slider(key="bt_n").set_value(64).run()
    assert at.session_state["bt_history"]["seeds"] == [1] and len(at.table) == 1


# --- download -------------------------------------------------------------------------------------


def test_two_downloads_offer_the_batch_as_csv_and_npy():
    at = run_page("batch")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Download the batch (CSV)", "Download the batch (.npy)"]


# --- upload ---------------------------------------------------------------------------------------


def upload(at, name: str, data: bytes):
    at.file_uploader(key="bt_upload").upload(name, data)
    return at.run()


def test_a_good_upload_becomes_the_batch_of_every_page():
    at = run_page("batch")
    upload(at, "acts.npy", EXAMPLE.read_bytes())
    x = np.load(EXAMPLE).astype(np.float64)
    assert np.array_equal(batch_x(at), x)
    assert at.session_state["batch"].specs is None and at.session_state["batch"].source == "upload: acts.npy"
    np.testing.assert_allclose(shown_stats(at), core_stats(x))
    assert "Loaded acts.npy: 16 samples × 4 channels × 8 × 8 pixels" in messages(at, "success")
    assert figures(at)[-1]["data"][0]["type"] == "heatmap"


def test_the_example_button_loads_the_shipped_file():
    at = run_page("batch")
    at.button(key="bt_example").click().run()
    assert np.array_equal(batch_x(at), np.load(EXAMPLE).astype(np.float64))


def test_the_upload_stays_until_a_setting_changes_then_a_batch_is_drawn_again():
    at = run_page("batch")
    upload(at, "acts.npy", EXAMPLE.read_bytes())
    at.selectbox(key="bt_heat_channel").set_value(2).run()  # unrelated to drawing
    assert at.session_state["batch"].specs is None
    at.button(key="bt_draw").click().run()
    assert np.array_equal(batch_x(at), make_batch(preset(DEFAULT_PRESET, 4), 256, seed=1))


def test_a_csv_upload_round_trips_the_downloaded_batch():
    at = run_page("batch", session_state={"bt_kind": "convolutional", "bt_n": 8})
    drawn = batch_x(at)
    upload(at, "batch.csv", bt_csv(drawn))
    assert np.array_equal(batch_x(at), drawn)
    assert at.session_state["batch"].source == "upload: batch.csv"


def bt_csv(x) -> bytes:
    from bnviz.core.io import to_csv_bytes

    return to_csv_bytes(x)


def test_an_npz_with_several_arrays_offers_a_choice_and_loads_the_one_picked():
    buffer = io.BytesIO()
    np.savez(buffer, labels=np.arange(6), fc=np.ones((6, 3)), conv=np.full((6, 2, 4, 4), 2.0))
    at = run_page("batch")
    upload(at, "acts.npz", buffer.getvalue())
    assert batch_x(at).shape == (6, 3)  # the first array with an accepted shape
    pick = at.selectbox(key="bt_npz_pick")
    assert pick.options == [
        "labels: shape (6,), int64",
        "fc: shape (6, 3), float64",
        "conv: shape (6, 2, 4, 4), float64",
    ]
    pick.set_value("conv").run()
    assert batch_x(at).shape == (6, 2, 4, 4) and at.session_state["batch"].source == "upload: acts.npz [conv]"
    at.selectbox(key="bt_npz_pick").set_value("labels").run()
    assert "1-D" in messages(at) and batch_x(at).shape == (6, 2, 4, 4)  # refused, the conv batch kept


def test_an_upload_with_more_than_16_channels_keeps_the_first_16_and_says_so():
    at = run_page("batch")
    upload(at, "wide.npy", npy_bytes(np.random.default_rng(0).normal(size=(8, 20))))
    assert batch_x(at).shape == (8, 16)
    assert "has 20 channels; bnviz keeps the first 16" in messages(at, "success")


def object_npy():
    return npy_bytes(np.array([[1, "a"], [2, None]], dtype=object), allow_pickle=True)


BAD_FILES = {
    "object array": ("objects.npy", object_npy, "dtype object"),
    "pickle": ("model.npy", lambda: pickle.dumps({"acts": [1.0, 2.0]}), "Python pickle"),
    "text in a csv": ("text.csv", lambda: b"a,b\n1,2\n3,x\n", "'x', which is not a number"),
    "NaN": ("nan.npy", lambda: npy_bytes(np.array([[1.0, np.nan], [2.0, 3.0]])), "NaN or infinite"),
    "infinity in a csv": ("inf.csv", lambda: b"a,b\n1,2\n3,inf\n", "NaN or infinite"),
    "one sample": ("one.npy", lambda: npy_bytes(np.ones((1, 4))), "holds one sample"),
    "wrong dimensions": ("three_d.npy", lambda: npy_bytes(np.ones((2, 3, 4))), "3-D"),
    "empty file": ("empty.csv", lambda: b"", "is empty (0 bytes)"),
    "too large": ("big.npy", lambda: npy_bytes(np.zeros((2**21 + 64, 1))), "the limit is 16.0 MB"),
    "too many values": ("many.npy", lambda: npy_bytes(np.zeros((2**17, 5), dtype=np.float32)), "the limit is 524,288"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_every_bad_file_is_refused_with_its_reason_and_the_batch_is_kept(kind):
    name, make, says = BAD_FILES[kind]
    at = run_page("batch")
    upload(at, "good.npy", EXAMPLE.read_bytes())
    kept = batch_x(at)
    upload(at, name, make())
    error = messages(at)
    assert says in error
    assert "Your batch is unchanged: 16 samples × 4 channels × 8 × 8 pixels (upload: good.npy)." in error
    assert np.array_equal(batch_x(at), kept)
    np.testing.assert_allclose(shown_stats(at), core_stats(kept))


def test_the_page_states_the_upload_limits_and_shows_the_forward_hook():
    at = run_page("batch")
    text = " ".join(m.value for m in at.markdown)
    assert "at most **16 MB** and **524,288 values**" in text
    code = at.code[0].value
    assert code.strip() == (ROOT / "examples" / "save_activations.py").read_text().strip()
    assert "register_forward_hook" in code and "np.save(" in code


def test_the_batch_made_here_is_the_one_other_pages_read():
    at = run_page("batch")
    at.number_input(key="bt_seed").set_value(9).run()
    made = batch_x(at)
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/batch.py").run()
    assert np.array_equal(batch_x(at), made) and at.session_state["bt_seed"] == 9


# --- classroom mode: the lesson's second step (content.teach.PLAN[1]) ------------------------------------

STEP = lesson.PLAN[1]
PREDICT = draw_text.DRAW_PREDICTION


def test_in_classroom_mode_draw_another_batch_is_locked_and_nothing_says_the_answer_until_the_class_has_chosen():
    at = open_link("batch", lesson.teacher_link(STEP))
    assert at.button(key="bt_draw").disabled
    text = " ".join(m.value for m in [*at.markdown, *at.caption])
    assert "somewhat different" not in text and "moved" not in text and "The answer:" not in text
    # The channels' table and the batch's own statistics only: no second batch to compare with.
    assert [t for t in at.table if "moved by" in t.value.columns] == []


def test_once_the_class_has_chosen_the_draw_shows_both_batches_means_side_by_side_and_the_reveal():
    at = open_link("batch", lesson.teacher_link(STEP))
    at.radio(key=PREDICT.key).set_value(PREDICT.choices[0]).run()
    at.button(key="bt_draw").click().run()
    (means,) = [t.value for t in at.table if "moved by" in t.value.columns]
    first, second = (make_batch(preset(DEFAULT_PRESET, 4), 256, seed=s).mean(axis=0) for s in (0, 1))
    assert list(means.columns) == ["$\\mu_B$, seed 0", "$\\mu_B$, seed 1", "moved by", "σ/√m"]
    np.testing.assert_allclose(means.iloc[:, 0], first, rtol=1e-12)  # the batch before the draw
    np.testing.assert_allclose(means.iloc[:, 1], second, rtol=1e-12)  # and the new one, beside it
    np.testing.assert_allclose(means["σ/√m"], batches.mean_wobble(preset(DEFAULT_PRESET, 4), 256))
    (said,) = [m.value for m in at.markdown if m.value.startswith("**The answer:")]
    assert said.startswith("**The answer: Close but not equal.** Your class chose “Exactly the same”: not this one.")


def test_another_preset_asks_the_class_again():
    at = open_link("batch", lesson.teacher_link(STEP))
    at.radio(key=PREDICT.key).set_value(PREDICT.choices[1]).run()
    assert not at.button(key="bt_draw").disabled
    at.selectbox(key="bt_preset").set_value("ReLU outputs").run()
    assert at.radio(key=PREDICT.key).value is None and at.button(key="bt_draw").disabled


def test_the_draws_answer_is_computed_from_the_two_batches_means():
    wobble = np.array([0.1, 0.0])
    assert draw_text.draw_answer([1.0, 2.0], [1.0, 2.0], wobble) == "Exactly the same"
    assert draw_text.draw_answer([1.0, 2.0], [1.3, 2.0], wobble) == "Close but not equal"  # 3 standard errors
    assert draw_text.draw_answer([1.0, 2.0], [2.0, 2.0], wobble) == "Completely different"  # 10 of them
    assert draw_text.draw_answer([1.0, 2.0], [1.0, 2.1], wobble) == "Completely different"  # a constant channel moved


@pytest.mark.numerical
@pytest.mark.parametrize("name", PRESETS)
def test_another_draw_of_every_preset_is_close_but_not_equal_on_every_claim_seed(name):
    """What the reveal says of the lesson's draw holds for each seed to the next, for every preset."""
    specs = preset(name, DEFAULT_CHANNELS)
    wobble = batches.mean_wobble(specs, DEFAULT_N)
    for seed in CLAIM_SEEDS:
        before, after = (make_batch(specs, DEFAULT_N, seed=s).mean(axis=0) for s in (seed, seed + 1))
        assert draw_text.draw_answer(before, after, wobble) == "Close but not equal"
