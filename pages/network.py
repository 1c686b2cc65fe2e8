"""Why BN helps: the same small network trained without BN, with BN, and with BN but no γ and β, side by side."""

from contextlib import nullcontext

import streamlit as st

from content import network as words
from content.registry import BY_URL
from sections.network.form import settings_form
from sections.network.jolt import jolt_section
from sections.network.results import revealed_results
from sections.network.sweep import sweep_section
from sections.network.training import train_chosen
from ui import classroom
from ui.guard import attempt, require_navigation

require_navigation()

st.title(BY_URL["network"].title)
st.markdown(words.INTRO)
st.caption(words.NOT_YOUR_BATCH)

# In classroom mode the lesson's step stands on one screen: the prompt and the Train button on the left, the
# loss curves on the right once the class has predicted and the teacher has trained. Elsewhere as before.
ASK, FORM_AT, CURVES_AT = (
    classroom.stage(words.TRAIN_KEY, words.TRAIN_HEADING, words.TRAIN_ANCHOR, [2, 3])
    if classroom.enabled()
    else (None, None, None)
)
with FORM_AT if FORM_AT is not None else nullcontext():
    settings_form()
with st.expander(words.THINGS_TO_TRY_TITLE):
    st.markdown(words.things_to_try())

trained = attempt(train_chosen, failed=words.CANNOT_TRAIN)
if trained is None:
    st.stop()
# The form sends its controls only when pressed: until then the page shows the last press's run.
st.info(words.trained_with(trained.settings), icon=":material/info:")
revealed_results(*trained, ask_at=ASK, curves_at=CURVES_AT)

sweep_section(trained.settings)
jolt_section(trained.settings)

st.subheader(words.WHY_HEADING)
st.markdown(words.WHY)
