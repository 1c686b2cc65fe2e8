"""Make a batch: shape, channel by channel, the activations every other page uses."""

import streamlit as st

from content import batch as text
from sections.batch.charts import charts
from sections.batch.draw import draw
from sections.batch.images import images
from sections.batch.moved import moved
from sections.batch.settings import controls, fix_kept
from sections.batch.state import the_batch
from sections.batch.summary import summary
from sections.batch.table import channel_table
from sections.batch.upload import upload
from ui.guard import require_navigation

require_navigation()

st.title(text.TITLE)
st.markdown(text.INTRO)
fix_kept()
controls()
specs = channel_table()
settings, batch, uploaded = the_batch(specs)
summary(batch, uploaded)
stats = charts(batch.x)

st.subheader(text.HEADING)
history, ready = draw(settings, batch.x, stats, uploaded)
moved(history, ready, specs, batch.x.shape)
if batch.x.ndim == 4:
    images(batch.x, stats)

upload()
