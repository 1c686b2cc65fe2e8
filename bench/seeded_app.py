"""bnviz's app.py with a batch already in the session, for bench/latency.py (never served to learners).

bench/latency.py runs this file as the main script of a temporary folder that links to the
repository's pages/, ui/, bnviz/ and .streamlit/, so app.py's relative page paths resolve as
usual. Before app.py runs, the session's batch is set to the one described by the environment:
BNVIZ_BENCH_BATCH = "N,C" or "N,C,H,W", BNVIZ_BENCH_PRESET = a preset name of bnviz.data.
This is what the /batch page does with ui.state.set_batch, without going through its controls.
"""

import os
import runpy

import streamlit as st

from bnviz import make_batch, preset
from ui.state import Batch, set_batch

SHAPE = tuple(int(v) for v in os.environ["BNVIZ_BENCH_BATCH"].split(","))
PRESET = os.environ.get("BNVIZ_BENCH_PRESET", "channels on very different scales")


@st.cache_data(show_spinner=False)
def _x(shape, name):
    n, c, spatial = shape[0], shape[1], shape[2:] or None
    return make_batch(preset(name, c), n, spatial=spatial, seed=0)


if "batch" not in st.session_state:
    set_batch(Batch(_x(SHAPE, PRESET), tuple(preset(PRESET, SHAPE[1])), 0, f"bench: {PRESET}"))
runpy.run_path(os.environ["BNVIZ_BENCH_APP"], run_name="__main__")
