"""Step through BatchNorm: the learner's batch through mean, centre, variance, std, normalize,
scale and shift; train vs eval; and which values each kind of normalization averages together."""

import streamlit as st

from content import steps as say
from content.registry import page_file
from sections.steps.averaged import averaged_together
from sections.steps.channel import channel_control
from sections.steps.state import keep_in_range
from sections.steps.stepper import stepper
from ui.guard import require_navigation
from ui.state import carry_batch, current_batch

require_navigation()
# Every control is bound to the link under its key (`?steps_channel=2&steps_eval=true`); Streamlit
# reads it, drops an invalid value and leaves defaults out of the address.

st.title(say.TITLE)
carry_batch()

batch = current_batch()
st.caption(say.your_batch(batch.source, batch.x.shape))
st.page_link(page_file("batch"), label=say.MAKE_BATCH, icon=":material/grid_on:")

n, c = batch.x.shape[:2]
keep_in_range(n, c)
channel = channel_control(c)

stepper(batch, channel)  # the steps, Do it in PyTorch, train vs eval
averaged_together(batch.x, channel)
