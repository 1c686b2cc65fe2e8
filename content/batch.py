"""/batch's sentences: the settings, the channel table, the drawn batch and its charts, the upload; and for the
lesson's second step, will another batch from the same distributions have the same μ_B? Asked in classroom mode
before "Draw another batch", answered from the two batches' means."""

from __future__ import annotations

import numpy as np

from bnviz.core.io import MAX_MB, MAX_VALUES
from bnviz.experiments.batches import pooled_text, shape_text
from bnviz.notation import MU_B, VAR_B
from bnviz.numbers import fixed
from content.common import Prediction

TITLE = "Make a batch"
INTRO = (
    "BatchNorm works on one **mini-batch** of a layer's activations at a time: *N* samples, each "
    "with *C* channels (and in a convolutional layer an *H × W* image per channel). Shape that batch "
    "here, channel by channel. Every other page (Step through BN, Drag γ and β, Watch them learned) "
    "uses the batch you make."
)

# The settings. The kinds' shapes are captions, so the link holds the kind's name.
KIND = "Layer kind"
KIND_SHAPES = {"fully connected": "N × C", "convolutional": "N × C × H × W"}
PRESET = "Preset"
PRESET_HELP = "Fills the table below; you can then edit any channel."
BATCH_SIZE = "Batch size N"
BATCH_SIZE_HELP = (
    "Up to 4096 samples for a fully connected layer and 128 images for a convolutional one, "
    "so that every page answers at once (the largest conv batch, 128 × 16 × 16 × 16, is 2¹⁹ values)."
)
CHANNELS = "Channels C"
IMAGE_SIZE = "Image size H = W"
SEED = "Seed"
SEED_HELP = "The same seed and settings always draw the same batch."

# The channel table.
TABLE = "**Each channel's distribution** (edit any cell; the batch is drawn again at once)"
EDIT = "Edit the channels' distributions"  # classroom mode's expander under the room's table
FAMILY_HELP = "The shape of the channel's distribution."
MEAN_HELP = "The channel's mean; for relu, the mean of the normal before max(0, ·)."
SPREAD_HELP = (
    "The channel's standard deviation, ≥ 0 (0: a constant channel); for relu, that of the normal before max(0, ·)."
)
OUT_MEAN_HELP = "The mean of the values the channel produces (a very large batch would measure it)."
OUT_STD_HELP = "The standard deviation of the values the channel produces."
RELU = (
    "For a **relu** channel, *mean* and *spread* describe the normal *before* the ReLU, max(0, ·); "
    "the last two columns give the mean and std of what comes out, which is what BatchNorm sees."
)


def drawn_source(preset: str, edited: bool, seed: int) -> str:
    """The drawn batch's source, as every page names it."""
    return f"drawn: {preset}{', edited' if edited else ''}, seed {seed}"


# The batch every page uses, and its charts.
def showing_upload(source: str, shape: tuple) -> str:
    return (
        f"**Showing your upload**, {source.removeprefix('upload: ')}: {shape_text(shape)}. "
        "The settings above do not describe it; changing any of them draws a new batch instead."
    )


def every_page_uses(source: str, shape: tuple) -> str:
    return (
        f"**The batch every page now uses:** {shape_text(shape)} ({source}). "
        f"Each channel's statistics pool {pooled_text(shape)} values."
    )


NOT_YOUR_EDITS = (
    "The address bar is a link to this page with the preset, sizes and seed above, "
    "not your edits to the table: a link opens the preset's channels."
)
DOWNLOAD_CSV = "Download the batch (CSV)"
DOWNLOAD_NPY = "Download the batch (.npy)"
HISTOGRAMS = "Each channel's histogram, all on one x axis"
HISTOGRAMS_CAPTION = (
    "All panels share one x axis, so a channel on a larger scale looks wider and a channel far "
    "from 0 sits elsewhere. BatchNorm treats each panel on its own: one mean and one variance per channel."
)
STATS_CAPTION = (
    f"{MU_B} and {VAR_B} are exactly what BatchNorm computes in training: {VAR_B} divides by m, not m − 1, "
    "as PyTorch does when it normalizes."
)

DRAW_PREDICTION = Prediction(
    "bt_predict_draw",
    f"We draw another batch from the same distributions. Will {MU_B} be the same?",
    ("Exactly the same", "Close but not equal", "Completely different"),
)
# "Close": every channel's mean moved by at most CLOSE standard errors σ/√m. Two batch means differ by about
# √2 of them; past 5 happens about once in 2,500 draws of a channel: a move that large is no mere wobble.
CLOSE = 5
HEADING = "Draw another batch: how much do the statistics move?"
SECTION = "draw-another-batch-how-much-do-the-statistics-move"  # the heading's anchor, as Streamlit makes it


UPLOAD_IS_ONE = (
    "Your upload is one batch. Press the button to go back to a batch drawn from the table above, then draw again."
)
DRAW = "Draw another batch"
DRAW_HELP = "Same distributions, new seed."
FIRST_DRAW = (
    "Press **Draw another batch**: the same distributions, a new seed. Each mini-batch a network "
    "sees is such a draw, and each has a somewhat different mean and standard deviation."
)
SHOW_STATISTIC = "Show, draw after draw, each channel's batch"
STATISTICS = ["mean", "standard deviation"]  # the radio's options, and the link's values


def from_draw_to_draw(seeds) -> str:
    return f"From draw {len(seeds) - 1} (seed {seeds[-2]}) to draw {len(seeds)} (seed {seeds[-1]}):"


def most_moved(channel: int, moved: float, m: int, wobble: float) -> str:
    return (
        f"Channel {channel}'s mean moved by {moved:+.3g}. A batch mean of "
        f"m = {m:,} values typically lands within σ/√m = {wobble:.3g} of the channel's true mean "
        "(the light blue band below): the larger the batch, the less the statistics move, and a batch of 2 "
        "barely knows its channel's mean at all."
    )


def moves_title(statistic: str) -> str:
    return f"The batch {statistic} of each channel, draw after draw (the last in red-orange; dashed: the true value)"


def draw_moves(mu_before, mu_after, wobble) -> np.ndarray:
    """(C,) how far each channel's μ_B moved, in standard errors σ/√m (wobble); 0 for a constant channel."""
    moved = np.abs(np.asarray(mu_after, dtype=float) - np.asarray(mu_before, dtype=float))
    wobble = np.asarray(wobble, dtype=float)
    return np.divide(moved, wobble, out=np.where(moved > 0, np.inf, 0.0), where=wobble > 0)


def draw_answer(mu_before, mu_after, wobble) -> str:
    """The choice of DRAW_PREDICTION the two batches give: every μ_B equal, every one within CLOSE standard
    errors σ/√m of the one before, or not."""
    same, close, different = DRAW_PREDICTION.choices
    if np.array_equal(mu_before, mu_after):
        return same
    return close if np.all(draw_moves(mu_before, mu_after, wobble) <= CLOSE) else different


def draw_why(mu_before, mu_after, wobble, m: int) -> str:
    moves = draw_moves(mu_before, mu_after, wobble)
    return (
        f"Each channel's {MU_B} moved by at most {moves.max():.1f} standard errors σ/√m (m = {m:,}; “close”: "
        f"within {CLOSE}). Every mini-batch has its own mean."
    )


def mu_columns(seeds) -> tuple[str, str]:
    """The headers of the two batches' μ_B, named by their seeds."""
    return tuple(f"{MU_B}, seed {seed}" for seed in seeds[-2:])


# Per channel, seen on images (a convolutional batch).
IMAGES = "Per channel, seen on images"
CHANNEL = "Channel"


def pooled_image(channel: int, shape: tuple, mu: float, var: float) -> str:
    return (
        f"In a convolutional layer, channel {channel} is a whole image per sample. BatchNorm pools **every "
        f"pixel of every image** of this channel, {pooled_text(shape)} values, into one mean "
        f"{MU_B} = {fixed(mu, 3)} and one variance {VAR_B} = {fixed(var, 3)}. "
        "It never mixes channels, and it never normalizes an image on its own."
    )


# Bring your own activations.
UPLOAD = "Bring your own activations"
UPLOAD_RULES = (
    f"Upload a layer's activations from a real model: **.npy**, **.npz** (you pick one array) or "
    f"**.csv**, of shape (N, C) or (N, C, H, W) with N ≥ 2, at most **{MAX_MB} MB** and "
    f"**{MAX_VALUES:,} values**. The file is read as numbers only: nothing in it is ever run, and "
    "pickles (object arrays, torch.save files) are refused. Channels after the 16th are left out."
)
FILE = "Activations file"
NPZ_ARRAY = "Array in the .npz file"
LOAD_EXAMPLE = "Load the example file"
EXAMPLE_HELP = "A conv layer's output: 16 images × 4 channels × 8 × 8."
DOWNLOAD_EXAMPLE = "Download the example"
HOOK = "Save your own layer's activations with PyTorch (a forward hook)"
CSV_LAYOUT = "The CSV layout (what “Download the batch (CSV)” writes and the upload reads)"
CSV_RULES = (
    "One channel is always one column, so a channel's statistics are those of its column.\n"
    "- **Fully connected (N, C):** a header `channel_0,channel_1,…` and one line per sample. "
    "A file with no header (only numbers) is read the same way.\n"
    "- **Convolutional (N, C, H, W):** a header `sample,h,w,channel_0,…` and one line per pixel "
    "of each image, N·H·W lines in any order; the line `n,h,w,…` holds `x[n, :, h, w]`. "
    "In NumPy, `x.transpose(0, 2, 3, 1).reshape(-1, C)` gives the channel columns in this line order."
)


def refused(err: Exception, kept_shape: tuple, kept_source: str) -> str:
    return f"{err}\n\nYour batch is unchanged: {shape_text(kept_shape)} ({kept_source})."


def loaded(label: str, shape: tuple, note: str | None) -> str:
    return f"Loaded {label}: {shape_text(shape)}. Every page now uses it." + (f"\n\n{note}" if note else "")
