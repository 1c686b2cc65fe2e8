"""A convolutional batch's channel, seen on images: what BatchNorm pools into one mean and one variance."""

import numpy as np
import pandas as pd
import streamlit as st

from bnviz.figures.batch import channel_heatmaps
from content import batch as text
from ui.classroom import chart

ss = st.session_state


@st.cache_data(max_entries=32, show_spinner=False)
def heatmaps(x: np.ndarray, channel: int):
    return channel_heatmaps(x, channel, samples=4)


@st.fragment
def images(x: np.ndarray, stats: pd.DataFrame):
    """x: the batch, (N, C, H, W); stats: its statistics, one row per channel."""
    st.subheader(text.IMAGES)
    if ss.get("bt_heat_channel", 0) >= x.shape[1]:  # a batch with fewer channels than before
        ss.bt_heat_channel = 0
    channel = st.columns([1, 3])[0].selectbox(
        text.CHANNEL, range(x.shape[1]), index=0, key="bt_heat_channel", bind="query-params"
    )
    chart(heatmaps(x, channel), key="bt_heat")
    mu, var = stats["mean"].iloc[channel], stats["variance"].iloc[channel]
    st.markdown(text.pooled_image(channel, x.shape, mu, var))
