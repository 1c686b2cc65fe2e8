"""The channel to follow: every statistic of BatchNorm is per channel."""

import streamlit as st

from content import steps as say
from ui.links import control


def channel_control(channels: int) -> int:
    with control("channel", where=st.columns([1, 2])[0]):
        return st.selectbox(
            say.CHANNEL,
            range(channels),
            index=min(1, channels - 1),  # in the default batch, a channel far from mean 0, variance 1
            key="steps_channel",  # `?steps_channel=2`: no format_func, so the link carries the number
            bind="query-params",
            help=say.CHANNEL_HELP,
        )
