"""The learner's batch, kept per browser session and read by every page."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from bnviz import ChannelSpec, make_batch, preset

DEFAULT_PRESET = "channels on very different scales"
DEFAULT_CHANNELS = 4
DEFAULT_N = 256


@dataclass(frozen=True)
class Batch:
    """A batch of activations and where it came from.

    x: float64 array (N, C) or (N, C, H, W).
    specs: the channel distributions it was drawn from (None for an uploaded file).
    seed: the seed it was drawn with.
    source: a short description for captions ("preset: ReLU outputs", "upload: acts.npy").
    """

    x: np.ndarray
    specs: tuple[ChannelSpec, ...] | None
    seed: int
    source: str

    @property
    def channels(self) -> int:
        return self.x.shape[1]

    @property
    def is_conv(self) -> bool:
        return self.x.ndim == 4


@st.cache_data(show_spinner=False)
def _default_x() -> np.ndarray:
    return make_batch(preset(DEFAULT_PRESET, DEFAULT_CHANNELS), DEFAULT_N, seed=0)


def default_batch() -> Batch:
    """The batch every page uses until the learner makes one on /batch."""
    return Batch(_default_x(), tuple(preset(DEFAULT_PRESET, DEFAULT_CHANNELS)), 0, f"default: {DEFAULT_PRESET}")


def current_batch() -> Batch:
    """This session's batch: the one made on /batch, or the default."""
    return st.session_state.get("batch") or default_batch()


def set_batch(batch: Batch) -> None:
    """Make `batch` the input of every page, for this browser session only."""
    st.session_state["batch"] = batch
