"""The drawn batch's charts: each channel's histogram on one shared x axis, and its statistics."""

import numpy as np
import pandas as pd
import streamlit as st

from bnviz.experiments import batches
from bnviz.figures.common import channel_histograms
from bnviz.numbers import fixed_cells
from content import batch as text
from ui.classroom import shared_chart


@st.cache_data(max_entries=16, show_spinner=False)
def histograms(x: np.ndarray):
    # 60 bins over the shared axis: a narrow channel next to a wide one still gets a few bars.
    return channel_histograms(x, bins=60, title=text.HISTOGRAMS)


@st.cache_data(max_entries=16, show_spinner=False)
def stats(x: np.ndarray):
    return batches.channel_stats(x)


def charts(x: np.ndarray) -> pd.DataFrame:
    """x: the batch, (N, C) or (N, C, H, W). Returns its statistics, one row per channel."""
    shared_chart(histograms, x, key="bt_hist")
    st.caption(text.HISTOGRAMS_CAPTION)
    table = stats(x)
    st.table(table.rename(columns=batches.STAT_HEADERS).style.format(fixed_cells(3)))
    st.caption(text.STATS_CAPTION)
    return table
