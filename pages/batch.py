"""Make a batch: shape, channel by channel, the activations every other page uses."""

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from bnviz import numbers
from bnviz.core.data import DISTRIBUTIONS, PRESETS, preset
from bnviz.core.io import (
    MAX_MB,
    MAX_VALUES,
    UploadError,
    default_array,
    load_activations,
    npz_arrays,
    to_csv_bytes,
    to_npy_bytes,
)
from bnviz.core.validation import per_channel_count
from bnviz.experiments import batches
from bnviz.figures.batch import channel_heatmaps, draws_figure
from bnviz.figures.common import channel_histograms
from bnviz.notation import MU_B, VAR_B
from bnviz.numbers import fixed_cells
from content import batch as draw_text
from ui import classroom
from ui.classroom import chart, predict_first, reveal, shared_chart
from ui.guard import require_navigation
from ui.links import control
from ui.state import (
    BATCH_KEY,
    BATCH_SETTINGS,
    DEFAULT_CHANNELS,
    DEFAULT_N,
    DEFAULT_PRESET,
    Batch,
    current_batch,
    recipe_link,
    set_batch,
)

require_navigation()

# Every control is bound to the link under its key (`?bt_kind=convolutional&bt_n=64&bt_seed=3`):
# what draws the batch (the other pages' links carry it as `batch.n=64`), and which channel and
# statistic the views show. The kinds' shapes are captions, so the link holds the kind's name.
KIND_SHAPES = {"fully connected": "N × C", "convolutional": "N × C × H × W"}
DEFAULT_SIZE = BATCH_SETTINGS["size"].default
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "activations_conv.npy"
HOOK_SCRIPT = EXAMPLE.parent / "save_activations.py"

ss = st.session_state
ss.setdefault("bt_editor_v", 0)


@st.cache_data(max_entries=32, show_spinner=False)
def draw(settings: batches.BatchRecipe) -> np.ndarray:
    return settings.draw()


@st.cache_data(max_entries=16, show_spinner=False)
def histograms(x: np.ndarray):
    # 60 bins over the shared axis: a narrow channel next to a wide one still gets a few bars.
    return channel_histograms(x, bins=60, title="Each channel's histogram, all on one x axis")


@st.cache_data(max_entries=16, show_spinner=False)
def stats(x: np.ndarray):
    return batches.channel_stats(x)


@st.cache_data(max_entries=32, show_spinner=False)
def heatmaps(x: np.ndarray, channel: int):
    return channel_heatmaps(x, channel, samples=4)


@st.cache_data(max_entries=32, show_spinner=False)
def moves_figure(values: np.ndarray, truth: np.ndarray, band, statistic: str, seeds: tuple):
    fig = draws_figure(values, truth, band, statistic, seeds)
    return fig.update_layout(
        title=f"The batch {statistic} of each channel, draw after draw (the last in red-orange; dashed: the true value)"
    )


def reconciled_specs() -> tuple:
    """The table's specs, reset when the preset changes and resized with the channel count."""
    wanted = (ss.bt_preset, ss.bt_channels)
    if ss.get("bt_specs_for") != wanted:
        before = ss.get("bt_specs_for") or (None, None)
        ss.bt_specs = batches.reconcile_specs(ss.bt_preset, ss.bt_channels, ss.get("bt_specs"), before[0])
        ss.bt_specs_for = wanted
        ss.bt_editor_v += 1  # a fresh editor: its pending edits belonged to the old table
        ss.bt_edit_errors = []
    return ss.bt_specs


def draw_another():
    ss.bt_seed = (ss.bt_seed + 1) % (batches.MAX_SEED + 1)


def refuse(err: Exception):
    """Say why a file was refused, and that the learner's batch is still the one they had."""
    kept = current_batch()
    ss.bt_upload_msg = (
        "error",
        f"{err}\n\nYour batch is unchanged: {batches.shape_text(kept.x.shape)} ({kept.source}).",
    )


def use_file(f, name: str, array: str | None = None):
    """Load an upload (or the example) as the batch; on any problem keep the batch and say why."""
    try:
        x = load_activations(f, name, array=array)
    except (ValueError, TypeError) as err:  # UploadError is a ValueError
        refuse(err)
        return
    x, note = batches.keep_channels(x)
    label = f"{name} [{array}]" if array else name
    set_batch(Batch(x, None, 0, f"upload: {label}"))
    ss.bt_upload_for = "pending"  # the settings at the next run: moving any of them draws again
    ss.bt_upload_msg = (
        "success",
        f"Loaded {label}: {batches.shape_text(x.shape)}. Every page now uses it." + (f"\n\n{note}" if note else ""),
    )


def on_upload():
    f = ss.get("bt_upload")
    ss.bt_npz_labels = None
    if f is None:  # the learner removed the file: the batch stays as it is
        ss.bt_upload_msg = None
        return
    array = None
    if f.name.lower().endswith(".npz"):
        try:
            infos = npz_arrays(f, f"'{f.name}'")
        except UploadError as err:
            refuse(err)
            return
        array = default_array(infos)
        if len(infos) > 1:
            ss.bt_npz_labels = {info.name: info.label for info in infos}
            ss.bt_npz_pick = array
    use_file(f, f.name, array)


def on_npz_pick():
    if ss.get("bt_upload") is not None:
        use_file(ss.bt_upload, ss.bt_upload.name, ss.bt_npz_pick)


def load_example():
    with open(EXAMPLE, "rb") as f:
        use_file(f, EXAMPLE.name)


st.title("Make a batch")
st.markdown(
    "BatchNorm works on one **mini-batch** of a layer's activations at a time: *N* samples, each "
    "with *C* channels (and in a convolutional layer an *H × W* image per channel). Shape that batch "
    "here, channel by channel. Every other page (Step through BN, Drag γ and β, Watch them learned) "
    "uses the batch you make."
)

# Settings kept from before (another page's link, an old session) may be out of bounds: fix them and
# say so. A setting not yet in the session comes from this link or its default, which the widget checks.
kept = {name: ss.get(BATCH_KEY + name, setting.default) for name, setting in BATCH_SETTINGS.items()}
fixed, notes = batches.valid_settings(*kept.values(), default_preset=DEFAULT_PRESET)
for name, value in fixed.items():
    if BATCH_KEY + name in ss and ss[BATCH_KEY + name] != value:
        ss[BATCH_KEY + name] = value
for note in notes:
    st.info(note)

left, right = st.columns([3, 2])
with control("kind", where=left):
    st.radio(
        "Layer kind",
        batches.KINDS,
        index=0,
        key="bt_kind",
        bind="query-params",
        horizontal=True,
        captions=[KIND_SHAPES[kind] for kind in batches.KINDS],
    )
with control("preset", where=right):
    st.selectbox(
        "Preset",
        PRESETS,
        index=PRESETS.index(DEFAULT_PRESET),
        key="bt_preset",
        bind="query-params",
        help="Fills the table below; you can then edit any channel.",
    )
conv = ss.bt_kind == "convolutional"
if ss.get("bt_n", 0) > batches.MAX_N[ss.bt_kind]:  # switching to conv: the largest conv batch is smaller
    ss.bt_n = batches.clamp_n(ss.bt_n, ss.bt_kind)
cols = st.columns(4)
with control("n", where=cols[0]):
    st.select_slider(
        "Batch size N",
        options=[n for n in batches.N_OPTIONS if n <= batches.MAX_N[ss.bt_kind]],
        value=batches.clamp_n(DEFAULT_N, ss.bt_kind),
        key="bt_n",
        bind="query-params",
        help="Up to 4096 samples for a fully connected layer and 128 images for a convolutional one, "
        "so that every page answers at once (the largest conv batch, 128 × 16 × 16 × 16, is 2¹⁹ values).",
    )
with control("channels", where=cols[1]):
    st.slider("Channels C", 1, batches.MAX_CHANNELS, value=DEFAULT_CHANNELS, key="bt_channels", bind="query-params")
if conv:  # not drawn for a fully connected batch, whose image size Streamlit keeps for the next conv one
    with control("size", where=cols[2]):
        st.slider("Image size H = W", *batches.SIZE_RANGE, value=DEFAULT_SIZE, key="bt_size", bind="query-params")
with control("seed", essential=False, where=cols[3]):
    st.number_input(
        "Seed",
        0,
        batches.MAX_SEED,
        value=0,
        step=1,
        key="bt_seed",
        bind="query-params",
        help="The same seed and settings always draw the same batch.",
    )

st.markdown("**Each channel's distribution** (edit any cell; the batch is drawn again at once)")
specs = reconciled_specs()
# The editor draws its cells on a canvas in a small font no style reaches: in classroom mode the room
# reads the channels from a large HTML table, and the teacher edits them in the expander below it.
editor_place = st.container()
if classroom.enabled():
    shown = batches.specs_frame(specs).style.format("{:g}", subset=[batches.MEAN, batches.SPREAD])
    st.table(shown.format(fixed_cells(3), subset=[batches.OUT_MEAN, batches.OUT_STD]))  # as the editor's %.3f
    editor_place = st.expander("Edit the channels' distributions")
edited = editor_place.data_editor(
    batches.specs_frame(specs),
    key=f"bt_editor_{ss.bt_editor_v}",
    num_rows="fixed",
    height=35 * (len(specs) + 1) + 3,  # every channel visible, no inner scrolling (rows are 35 px)
    disabled=["_index", batches.OUT_MEAN, batches.OUT_STD],
    column_config={
        batches.FAMILY: st.column_config.SelectboxColumn(
            options=list(DISTRIBUTIONS), required=True, help="The shape of the channel's distribution."
        ),
        batches.MEAN: st.column_config.NumberColumn(
            help="The channel's mean; for relu, the mean of the normal before max(0, ·)."
        ),
        batches.SPREAD: st.column_config.NumberColumn(
            help="The channel's standard deviation, ≥ 0 (0: a constant channel); for relu, that of the normal before max(0, ·)."
        ),
        batches.OUT_MEAN: st.column_config.NumberColumn(
            format="%.3f", help="The mean of the values the channel produces (a very large batch would measure it)."
        ),
        batches.OUT_STD: st.column_config.NumberColumn(
            format="%.3f", help="The standard deviation of the values the channel produces."
        ),
    },
)
new_specs, errors = batches.specs_from_frame(edited, specs)
if new_specs != specs or errors:
    ss.bt_specs, ss.bt_edit_errors = new_specs, errors
    ss.bt_editor_v += 1  # show the table as accepted: a refused cell goes back to its old value
    st.rerun()
for message in ss.get("bt_edit_errors", []):
    st.error(message)
st.caption(
    "For a **relu** channel, *mean* and *spread* describe the normal *before* the ReLU, max(0, ·); "
    "the last two columns give the mean and std of what comes out, which is what BatchNorm sees."
)

settings = batches.BatchRecipe(ss.bt_kind, ss.bt_n, ss.get("bt_size", DEFAULT_SIZE), ss.bt_seed, tuple(specs))
batch = current_batch()
if batch.specs is None and ss.get("bt_upload_for") == "pending":
    ss.bt_upload_for = settings
uploaded = batch.specs is None and ss.get("bt_upload_for") == settings
if not uploaded and not (batch.specs is not None and ss.get("bt_drawn") == settings):
    edited = settings.specs != tuple(preset(ss.bt_preset, ss.bt_channels))
    link = None if edited else recipe_link(ss)  # edited cells are not in a link
    batch = Batch(
        draw(settings),
        settings.specs,
        settings.seed,
        f"drawn: {ss.bt_preset}{', edited' if edited else ''}, seed {settings.seed}",
        link,
    )
    set_batch(batch)
    ss.bt_drawn = settings
x = batch.x

if uploaded:
    st.info(
        f"**Showing your upload**, {batch.source.removeprefix('upload: ')}: {batches.shape_text(x.shape)}. "
        "The settings above do not describe it; changing any of them draws a new batch instead."
    )
st.success(
    f"**The batch every page now uses:** {batches.shape_text(x.shape)} ({batch.source}). "
    f"Each channel's statistics pool {batches.pooled_text(x.shape)} values."
)
if batch.link is None and not uploaded:
    st.caption(
        "The address bar is a link to this page with the preset, sizes and seed above, "
        "not your edits to the table: a link opens the preset's channels."
    )
downloads = st.container(horizontal=True)
downloads.download_button(
    "Download the batch (CSV)",
    data=lambda: to_csv_bytes(x),
    file_name="bnviz_batch.csv",
    mime="text/csv",
    on_click="ignore",
    key="bt_csv",
)
downloads.download_button(
    "Download the batch (.npy)",
    data=lambda: to_npy_bytes(x),
    file_name="bnviz_batch.npy",
    mime="application/octet-stream",
    on_click="ignore",
    key="bt_npy",
)

shared_chart(histograms, x, key="bt_hist")
st.caption(
    "All panels share one x axis, so a channel on a larger scale looks wider and a channel far "
    "from 0 sits elsewhere. BatchNorm treats each panel on its own: one mean and one variance per channel."
)
table = stats(x)
st.table(table.rename(columns=batches.STAT_HEADERS).style.format(fixed_cells(3)))
st.caption(
    f"{MU_B} and {VAR_B} are exactly what BatchNorm computes in training: {VAR_B} divides by m, not m − 1, "
    "as PyTorch does when it normalizes."
)

st.subheader(draw_text.HEADING)
# In classroom mode the lesson's second step on one screen: the class predicts, then the teacher draws, and the
# two batches' μ_B stand side by side (right), the reveal under them; the draws' figure follows below.
room = classroom.enabled()
ask, result = st.columns([2, 3], gap="medium") if room else (st.container(), st.container())
p = draw_text.DRAW_PREDICTION
with ask:
    # The comparison starts from the batch the class predicts about; a new family of settings asks again.
    ready = uploaded or predict_first(p.key, p.question, p.choices, about=settings.family)
if uploaded:
    ask.info(
        "Your upload is one batch. Press the button to go back to a batch drawn from the table above, then draw again."
    )
else:
    ss.bt_history = batches.record_draw(ss.get("bt_history") if ready else None, settings.family, settings.seed, table)
history = None if uploaded else ss.bt_history
drew = history is not None and len(history["seeds"]) >= 2
m = per_channel_count(x.shape)
wobble = batches.mean_wobble(specs, m)
with ask, classroom.part(p.key, "control"):
    st.button(
        "Draw another batch",
        on_click=draw_another,
        type="primary",
        key="bt_draw",
        help="Same distributions, new seed.",
        disabled=not ready,
    )
if room and drew:
    moves = batches.compare_draws(history)
    before, after = moves["mean, previous draw"], moves["mean, this draw"]
    with result, classroom.part(p.key, "result"):
        st.table(
            pd.DataFrame(
                dict(zip(draw_text.mu_columns(history["seeds"]), (before, after)))
                | {"moved by": after - before, "σ/√m": wobble},
                index=moves.index,
            ).style.format(fixed_cells(3))
        )
    with result:
        reveal(p.key, draw_text.draw_answer(before, after, wobble), draw_text.draw_why(before, after, wobble, m))


@st.fragment
def moved_section():
    if history is None or not ready:  # in classroom mode, nothing about the next draw before the class predicts
        return
    if len(history["seeds"]) < 2:
        st.markdown(
            "Press **Draw another batch**: the same distributions, a new seed. Each mini-batch a network "
            "sees is such a draw, and each has a somewhat different mean and standard deviation."
        )
        return
    moves = batches.compare_draws(history)
    if not room:  # in classroom mode the means stand beside the prompt (above)
        st.markdown(
            f"From draw {len(history['seeds']) - 1} (seed {history['seeds'][-2]}) to draw {len(history['seeds'])} (seed {history['seeds'][-1]}):"
        )
        # Three significant digits for the moves: with a large batch they are thousandths or less.
        st.table(
            moves.style.format("{:+.3g}", subset=["mean moved by", "std moved by"]).format(
                fixed_cells(3), subset=[c for c in moves.columns if "moved" not in c]
            )
        )
    biggest = batches.most_moved(moves, wobble)
    st.markdown(
        f"Channel {biggest}'s mean moved by {moves['mean moved by'].iloc[biggest]:+.3g}. A batch mean of "
        f"m = {m:,} values typically lands within σ/√m = {wobble[biggest]:.3g} of the channel's true mean "
        "(the light blue band below): the larger the batch, the less the statistics move, and a batch of 2 "
        "barely knows its channel's mean at all."
    )
    statistic = st.radio(
        "Show, draw after draw, each channel's batch",
        ["mean", "standard deviation"],
        index=0,
        key="bt_moved_stat",
        bind="query-params",
        horizontal=True,
    )
    truth = batches.true_moments(specs)
    seeds = tuple(history["seeds"])
    if statistic == "mean":
        fig = moves_figure(np.array(history["mu"]), truth[:, 0], wobble, "mean", seeds)
    else:
        fig = moves_figure(np.array(history["std"]), truth[:, 1], None, "standard deviation", seeds)
    chart(fig, key="bt_moves")


moved_section()


@st.fragment
def heatmap_section():
    st.subheader("Per channel, seen on images")
    if ss.get("bt_heat_channel", 0) >= x.shape[1]:  # a batch with fewer channels than before
        ss.bt_heat_channel = 0
    channel = st.columns([1, 3])[0].selectbox(
        "Channel", range(x.shape[1]), index=0, key="bt_heat_channel", bind="query-params"
    )
    chart(heatmaps(x, channel), key="bt_heat")
    st.markdown(
        f"In a convolutional layer, channel {channel} is a whole image per sample. BatchNorm pools **every "
        f"pixel of every image** of this channel, {batches.pooled_text(x.shape)} values, into one mean "
        f"{MU_B} = {numbers.fixed(table['mean'].iloc[channel], 3)} and one variance {VAR_B} = "
        f"{numbers.fixed(table['variance'].iloc[channel], 3)}. "
        "It never mixes channels, and it never normalizes an image on its own."
    )


if x.ndim == 4:
    heatmap_section()

st.subheader("Bring your own activations")
st.markdown(
    f"Upload a layer's activations from a real model: **.npy**, **.npz** (you pick one array) or "
    f"**.csv**, of shape (N, C) or (N, C, H, W) with N ≥ 2, at most **{MAX_MB} MB** and "
    f"**{MAX_VALUES:,} values**. The file is read as numbers only: nothing in it is ever run, and "
    "pickles (object arrays, torch.save files) are refused. Channels after the 16th are left out."
)
st.file_uploader(
    "Activations file", type=["npy", "npz", "csv"], key="bt_upload", on_change=on_upload, max_upload_size=MAX_MB
)
if ss.get("bt_npz_labels"):
    st.selectbox(
        "Array in the .npz file",
        list(ss.bt_npz_labels),
        key="bt_npz_pick",
        format_func=ss.bt_npz_labels.get,
        on_change=on_npz_pick,
    )
message = ss.get("bt_upload_msg")
if message:
    (st.error if message[0] == "error" else st.success)(message[1])
example = st.container(horizontal=True)
example.button(
    "Load the example file",
    on_click=load_example,
    key="bt_example",
    help="A conv layer's output: 16 images × 4 channels × 8 × 8.",
)
example.download_button(
    "Download the example", data=EXAMPLE.read_bytes(), file_name=EXAMPLE.name, on_click="ignore", key="bt_example_down"
)
with st.expander("Save your own layer's activations with PyTorch (a forward hook)"):
    st.code(HOOK_SCRIPT.read_text(), language="python")
with st.expander("The CSV layout (what “Download the batch (CSV)” writes and the upload reads)"):
    st.markdown(
        "One channel is always one column, so a channel's statistics are those of its column.\n"
        "- **Fully connected (N, C):** a header `channel_0,channel_1,…` and one line per sample. "
        "A file with no header (only numbers) is read the same way.\n"
        "- **Convolutional (N, C, H, W):** a header `sample,h,w,channel_0,…` and one line per pixel "
        "of each image, N·H·W lines in any order; the line `n,h,w,…` holds `x[n, :, h, w]`. "
        "In NumPy, `x.transpose(0, 2, 3, 1).reshape(-1, C)` gives the channel columns in this line order."
    )
