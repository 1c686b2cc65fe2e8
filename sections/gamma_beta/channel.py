"""The channel every section shows: its selector, and the batch's and the channel's statistics beside it
(alone when the link hides the selector)."""

import streamlit as st

from content import gamma_beta as words
from ui.links import control, is_shown


def pick_channel(batch, info) -> int:
    """The channel chosen (`?gb_channel=2`), from 0 to C − 1. batch: the learner's (ui.state.Batch);
    info: its channels' statistics (state.channel_info)."""
    C = batch.channels
    if st.session_state.get("gb_channel", 0) >= C:  # a batch made since on /batch has fewer channels
        st.session_state.gb_channel = 0
    pick, stats = st.columns([1, 4], vertical_alignment="bottom") if is_shown("channel") else (st.container(), st)
    with control("channel", where=pick):
        channel = st.selectbox(
            words.CHANNEL,
            range(C),
            index=min(1, C - 1),  # in the default batch, a channel far from mean 0, variance 1
            key="gb_channel",  # `?gb_channel=2`: no format_func, so the link carries the number
            bind="query-params",
        )
    stats.caption(words.batch_caption(batch.source, tuple(batch.x.shape), C, batch.x.size // C))
    stats.caption(words.channel_caption(channel, info.mu[channel], info.var[channel] ** 0.5))
    return channel
