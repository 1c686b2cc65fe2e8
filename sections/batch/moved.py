"""How much the statistics moved from one draw to the next, and each channel's batch mean or std draw after draw."""

import numpy as np
import streamlit as st

from bnviz.core.validation import per_channel_count
from bnviz.experiments import batches
from bnviz.figures.batch import draws_figure
from bnviz.numbers import fixed_cells
from content import batch as text
from ui import classroom
from ui.classroom import chart


@st.cache_data(max_entries=32, show_spinner=False)
def moves_figure(values: np.ndarray, truth: np.ndarray, band, statistic: str, seeds: tuple):
    return draws_figure(values, truth, band, statistic, seeds).update_layout(title=text.moves_title(statistic))


@st.fragment
def moved(history: dict | None, ready: bool, specs: tuple, shape: tuple):
    """history: the draws so far (None for an upload); ready: whether the class may see the next draw; specs,
    shape: the channels that drew the batch and its shape."""
    if history is None or not ready:  # in classroom mode, nothing about the next draw before the class predicts
        return
    if len(history["seeds"]) < 2:
        st.markdown(text.FIRST_DRAW)
        return
    moves = batches.compare_draws(history)
    if not classroom.enabled():  # in classroom mode the means stand beside the prompt (above)
        st.markdown(text.from_draw_to_draw(history["seeds"]))
        # Three significant digits for the moves: with a large batch they are thousandths or less.
        st.table(
            moves.style.format("{:+.3g}", subset=["mean moved by", "std moved by"]).format(
                fixed_cells(3), subset=[c for c in moves.columns if "moved" not in c]
            )
        )
    m = per_channel_count(shape)
    wobble = batches.mean_wobble(specs, m)
    biggest = batches.most_moved(moves, wobble)
    st.markdown(text.most_moved(biggest, moves["mean moved by"].iloc[biggest], m, wobble[biggest]))
    statistic = st.radio(
        text.SHOW_STATISTIC, text.STATISTICS, index=0, key="bt_moved_stat", bind="query-params", horizontal=True
    )
    truth = batches.true_moments(specs)
    seeds = tuple(history["seeds"])
    if statistic == "mean":
        fig = moves_figure(np.array(history["mu"]), truth[:, 0], wobble, "mean", seeds)
    else:
        fig = moves_figure(np.array(history["std"]), truth[:, 1], None, "standard deviation", seeds)
    chart(fig, key="bt_moves")
