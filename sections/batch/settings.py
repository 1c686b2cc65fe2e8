"""The settings that draw the batch: layer kind, preset, batch size, channels, image size and seed.

Every control is bound to the link under its key (`?bt_kind=convolutional&bt_n=64&bt_seed=3`): what draws the
batch (the other pages' links carry it as `batch.n=64`), and which channel and statistic the views show."""

import streamlit as st

from bnviz.core.data import PRESETS
from bnviz.experiments import batches
from content import batch as text
from sections.batch.state import DEFAULT_SIZE
from ui.links import control
from ui.state import BATCH_KEY, BATCH_SETTINGS, DEFAULT_CHANNELS, DEFAULT_N, DEFAULT_PRESET

ss = st.session_state


def fix_kept():
    """Settings kept from before (another page's link, an old session) may be out of bounds: fix them and say so.
    A setting not yet in the session comes from this link or its default, which the widget checks."""
    kept = {name: ss.get(BATCH_KEY + name, setting.default) for name, setting in BATCH_SETTINGS.items()}
    fixed, notes = batches.valid_settings(*kept.values(), default_preset=DEFAULT_PRESET)
    for name, value in fixed.items():
        if BATCH_KEY + name in ss and ss[BATCH_KEY + name] != value:
            ss[BATCH_KEY + name] = value
    for note in notes:
        st.info(note)


def controls():
    left, right = st.columns([3, 2])
    with control("kind", where=left):
        st.radio(
            text.KIND,
            batches.KINDS,
            index=0,
            key="bt_kind",
            bind="query-params",
            horizontal=True,
            captions=[text.KIND_SHAPES[kind] for kind in batches.KINDS],
        )
    with control("preset", where=right):
        st.selectbox(
            text.PRESET,
            PRESETS,
            index=PRESETS.index(DEFAULT_PRESET),
            key="bt_preset",
            bind="query-params",
            help=text.PRESET_HELP,
        )
    if ss.get("bt_n", 0) > batches.MAX_N[ss.bt_kind]:  # switching to conv: the largest conv batch is smaller
        ss.bt_n = batches.clamp_n(ss.bt_n, ss.bt_kind)
    cols = st.columns(4)
    with control("n", where=cols[0]):
        st.select_slider(
            text.BATCH_SIZE,
            options=[n for n in batches.N_OPTIONS if n <= batches.MAX_N[ss.bt_kind]],
            value=batches.clamp_n(DEFAULT_N, ss.bt_kind),
            key="bt_n",
            bind="query-params",
            help=text.BATCH_SIZE_HELP,
        )
    with control("channels", where=cols[1]):
        st.slider(
            text.CHANNELS, 1, batches.MAX_CHANNELS, value=DEFAULT_CHANNELS, key="bt_channels", bind="query-params"
        )
    if ss.bt_kind == "convolutional":  # not drawn for a fully connected batch, whose image size Streamlit keeps
        with control("size", where=cols[2]):
            st.slider(text.IMAGE_SIZE, *batches.SIZE_RANGE, value=DEFAULT_SIZE, key="bt_size", bind="query-params")
    with control("seed", essential=False, where=cols[3]):
        st.number_input(
            text.SEED, 0, batches.MAX_SEED, value=0, step=1, key="bt_seed", bind="query-params", help=text.SEED_HELP
        )
