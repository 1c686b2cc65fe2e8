"""Where every channel ends up: γ and β learned beside γ*, β*, μ and σ, one row per channel."""

import pandas as pd
import streamlit as st

from content import learning as say
from ui import classroom


def every_channel(ends: dict, places: dict) -> None:
    """ends, places: content.learning.channel_table and channel_places of the training."""
    channels = len(next(iter(ends.values())))
    st.subheader(say.CHANNELS_HEADING)
    index = pd.Index([say.channel_name(k) for k in range(channels)], name="channel")
    classroom.table(
        pd.DataFrame(ends, index=index).style.format(say.table_formats(places), na_rep=say.CONSTANT_CELL),
        key="learn_channels_table",
    )
    st.caption(say.CHANNELS_CAPTION)
