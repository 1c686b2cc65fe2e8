"""The learner's batch, kept per browser session and read by every page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from bnviz import ChannelSpec, make_batch, preset
from bnviz.core.data import PRESETS
from bnviz.core.validation import check_batch
from bnviz.experiments import batches
from ui.links import Setting, arrived, claim, read, reject, write

DEFAULT_PRESET = "channels on very different scales"
DEFAULT_CHANNELS = 4
DEFAULT_N = 256

# What draws a batch on /batch, and so what a link carries to draw it again. On /batch these are
# widgets bound to the URL under their keys (`?bt_n=512`, key "bt_" + name); the other pages' links
# carry them as `batch.n=512`.
BATCH_SETTINGS = {
    "kind": Setting(batches.KINDS[0], choices=batches.KINDS),
    "n": Setting(DEFAULT_N, choices=batches.N_OPTIONS),
    "channels": Setting(DEFAULT_CHANNELS, lo=1, hi=batches.MAX_CHANNELS),
    "size": Setting(8, lo=batches.SIZE_RANGE[0], hi=batches.SIZE_RANGE[1]),
    "seed": Setting(0, lo=0, hi=batches.MAX_SEED),
    "preset": Setting(DEFAULT_PRESET, choices=tuple(PRESETS)),
}
BATCH_KEY = "bt_"  # /batch's widget keys: "bt_n"
BATCH_LINK = "batch."  # not "batch_": /learning and /network have a batch_size of their own


@dataclass(frozen=True)
class Batch:
    """A batch of activations and where it came from.

    x: (N, C) or (N, C, H, W), checked once, here, where the batch enters the app (drawn, uploaded, edited,
      from a link): a read-only bnviz.core.validation.ValidBatch, which every experiment of every page and
      rerun then takes as it is.
    specs: the channel distributions it was drawn from (None for an uploaded file).
    seed: the seed it was drawn with.
    source: a short description for captions ("preset: ReLU outputs", "upload: acts.npy").
    link: the /batch settings that draw it again, as URL texts ({"n": "512"}; {} for the default
      batch); None when no link can carry it (an upload, a table of edited channels).
    """

    x: np.ndarray
    specs: tuple[ChannelSpec, ...] | None
    seed: int
    source: str
    link: dict[str, str] | None = None

    def __post_init__(self):
        object.__setattr__(self, "x", check_batch(self.x))  # a ValidBatch: the one check, at the boundary

    @property
    def channels(self) -> int:
        return self.x.shape[1]

    @property
    def is_conv(self) -> bool:
        return self.x.ndim == 4


@st.cache_resource(show_spinner=False)
def _default_x() -> np.ndarray:
    """The default batch, checked once per server: one read-only ValidBatch that every session shares (no session
    can change it, so sharing it is safe; st.cache_data would hand each rerun a fresh, unchecked copy)."""
    return check_batch(make_batch(preset(DEFAULT_PRESET, DEFAULT_CHANNELS), DEFAULT_N, seed=0))


def default_batch() -> Batch:
    """The batch every page uses until the learner makes one on /batch."""
    return Batch(
        _default_x(), tuple(preset(DEFAULT_PRESET, DEFAULT_CHANNELS)), 0, f"default: {DEFAULT_PRESET}", link={}
    )


def current_batch() -> Batch:
    """This session's batch: the one made on /batch, or the default."""
    return st.session_state.get("batch") or default_batch()


def set_batch(batch: Batch) -> None:
    """Make `batch` the input of every page, for this browser session only."""
    st.session_state["batch"] = batch


def batch_link() -> dict[str, str]:
    """The query parameters that draw this session's batch again on another page's link."""
    link = current_batch().link
    return {BATCH_LINK + name: text for name, text in (link or {}).items()}


def recipe_link(state) -> dict[str, str]:
    """The /batch settings in `state` that differ from their defaults, as URL texts ({"n": "512"})."""
    out = {}
    for name, setting in BATCH_SETTINGS.items():
        value = state.get(BATCH_KEY + name, setting.default)
        if not setting.is_default(value):
            out[name] = setting.format(value)
    return out


def drawn_settings(state) -> tuple[batches.BatchRecipe, dict[str, str]]:
    """The batch that /batch's settings in `state` draw from their preset, and its link."""
    values = {name: state.get(BATCH_KEY + name, s.default) for name, s in BATCH_SETTINGS.items()}
    fixed, _ = batches.valid_settings(*values.values(), default_preset=DEFAULT_PRESET)
    for name, value in zip(BATCH_SETTINGS, fixed.values()):
        if state.get(BATCH_KEY + name) != value:
            state[BATCH_KEY + name] = value
    specs = tuple(preset(state["bt_preset"], state["bt_channels"]))
    settings = batches.BatchRecipe(state["bt_kind"], state["bt_n"], state["bt_size"], state["bt_seed"], specs)
    return settings, recipe_link(state)


@st.cache_data(max_entries=8, show_spinner=False)
def _draw(settings: batches.BatchRecipe) -> np.ndarray:
    return settings.draw()


def load_batch_link() -> None:
    """Draw the batch the link's `batch.*` parameters describe, for this session. Parameters that
    cannot be used are named in the link's notice (the others still apply)."""
    params = st.query_params.to_dict()
    given = {k.removeprefix(BATCH_LINK): v for k, v in params.items() if k.startswith(BATCH_LINK)}
    values, rejected = read(BATCH_SETTINGS, given)
    reject(*(BATCH_LINK + name for name in rejected))
    if values:
        state = st.session_state
        for name, value in values.items():
            state[BATCH_KEY + name] = value
        settings, link = drawn_settings(state)
        set_batch(
            Batch(
                _draw(settings),
                settings.specs,
                settings.seed,
                f"drawn: {state['bt_preset']}, seed {settings.seed}",
                link,
            )
        )
        state["bt_drawn"] = settings  # /batch shows this batch rather than drawing it again


def carry_batch() -> None:
    """For a page that shows the learner's batch: on arriving, draw the batch the link describes
    (`batch.n=512`); on every run, put in the link what draws this session's batch again."""
    names = [BATCH_LINK + name for name in BATCH_SETTINGS]
    claim(*names)
    if arrived():
        load_batch_link()
    write(batch_link(), names)
