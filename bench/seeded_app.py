"""bnviz's app.py with a batch and settings already in the session, for the benchmarks (never served to learners).

bench/serving.py runs this file as the main script of a temporary folder that links to the
repository's pages/, ui/, bnviz/ and .streamlit/, so app.py's relative page paths resolve as
usual. Before app.py first runs in a session, it puts there what the environment describes:
  BNVIZ_BENCH_BATCH = "N,C" or "N,C,H,W" (optional): the session's batch, drawn from the preset
    BNVIZ_BENCH_PRESET (a bnviz.data preset), as /batch does with ui.state.set_batch;
  BNVIZ_BENCH_STATE = a JSON object of session-state values (optional), e.g. a page's settings
    at their largest, or {"steps_eval": true} to show /steps's eval-mode slider;
  BNVIZ_BENCH_LEAK = "1" (optional): a deliberate bug, for bench/loadtest.py's isolation check to
    catch: the live charts' values are kept in a module global, so every session sees the values
    of the last session that moved a chart.
"""

import json
import os
import runpy

import streamlit as st

from bnviz import make_batch, preset
from ui import live
from ui.state import Batch, set_batch

SHAPE = (
    tuple(int(v) for v in os.environ["BNVIZ_BENCH_BATCH"].split(",")) if os.environ.get("BNVIZ_BENCH_BATCH") else None
)
PRESET = os.environ.get("BNVIZ_BENCH_PRESET", "channels on very different scales")
STATE = json.loads(os.environ.get("BNVIZ_BENCH_STATE") or "{}")


@st.cache_data(show_spinner=False)
def _x(shape, name):
    n, c, spatial = shape[0], shape[1], shape[2:] or None
    return make_batch(preset(name, c), n, spatial=spatial, seed=0)


if "_bench_seeded" not in st.session_state:
    st.session_state["_bench_seeded"] = True
    if SHAPE is not None:
        set_batch(Batch(_x(SHAPE, PRESET), tuple(preset(PRESET, SHAPE[1])), 0, f"bench: {PRESET}"))
    for key, value in STATE.items():
        st.session_state[key] = value
if os.environ.get("BNVIZ_BENCH_LEAK") and not hasattr(live, "_leaked"):
    live._leaked, _live_chart = {}, live.live_chart

    def _leaky_live_chart(key, *args, **kwargs):
        values = _live_chart(key, *args, **kwargs)
        if values != st.session_state.get("_bench_leak_" + key):  # moved here: kept for everyone
            st.session_state["_bench_leak_" + key] = values
            live._leaked[key] = values
        return live._leaked[key]

    live.live_chart = _leaky_live_chart
runpy.run_path(os.environ["BNVIZ_BENCH_APP"], run_name="__main__")
