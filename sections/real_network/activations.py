"""Inside the networks: one block's activations at every step (fastai's colorful dimension), and their mean,
spread and share near zero."""

import streamlit as st

from bnviz.experiments.cnn import CHANNELS, CNNResult
from bnviz.figures import cnn as figures
from content import real_network as words
from ui.classroom import shared_chart
from ui.links import control

BLOCKS = list(range(1, len(CHANNELS) + 1))


def activations_section(result: CNNResult) -> None:
    st.subheader(words.ACTIVATIONS_HEADING, anchor=words.ACTIVATIONS_ANCHOR)
    with control("block"):
        st.radio(
            words.BLOCK_LABEL, BLOCKS, index=len(BLOCKS) - 1, key="cnn_block", bind="query-params", horizontal=True
        )
    block = int(st.session_state.cnn_block)
    shared_chart(figures.colorful_figure, result, block, by=(result.settings, block), key="cnn_colorful")
    st.caption(words.COLORFUL_CAPTION)
    st.markdown(words.block_summary(result, block))
    stats = st.expander(words.STATS_LABEL, key="cnn_open_stats", bind="query-params")
    if stats.open:
        with stats:
            shared_chart(figures.activation_stats_figure, result, block, by=(result.settings, block), key="cnn_stats")
