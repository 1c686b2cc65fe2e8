"""In a real network: a small convolutional network on real handwritten digits, trained without BN, with BN and
with BN but no γ and β; inside it, what its activations did and what γ and β learned."""

from contextlib import nullcontext

import streamlit as st

from bnviz.core.digits import split
from bnviz.figures.cnn import digits_figure
from content import real_network as words
from content.registry import BY_URL
from sections.real_network.activations import activations_section
from sections.real_network.channels import channels_section
from sections.real_network.form import settings_form
from sections.real_network.modes import modes_section
from sections.real_network.pytorch import pytorch_section
from sections.real_network.results import revealed_results
from sections.real_network.training import train_chosen
from ui import classroom
from ui.classroom import shared_chart
from ui.guard import attempt, require_navigation

require_navigation()

st.title(BY_URL["real-network"].title)
st.markdown(words.INTRO)
train = split().train
first = [int((train.y == d).argmax()) for d in range(10)]  # one training image of each digit
shared_chart(digits_figure, train.x[first], train.y[first], by="digits", key="cnn_digits")
st.caption(words.SAMPLES_CAPTION)
st.markdown(words.DATA_SOURCE + "\n\n" + words.ARCHITECTURE)

# In classroom mode the lesson's step stands on one screen: the prompt and the form on the left, the accuracy
# curves on the right once the class has predicted and the teacher has trained.
ASK, FORM_AT, RESULT_AT = (
    classroom.stage(words.PREDICT_KEY, words.PREDICT_HEADING, words.PREDICT_ANCHOR, [2, 3])
    if classroom.enabled()
    else (None, None, None)
)
with FORM_AT if FORM_AT is not None else nullcontext():
    settings_form(stacked=classroom.enabled())

result = attempt(train_chosen, failed=words.CANNOT_TRAIN)
if result is None:
    st.stop()
st.info(words.trained_with(result.settings), icon=":material/info:")
if revealed_results(result, ASK, RESULT_AT):  # in classroom mode, once the class has predicted and seen it
    activations_section(result)
    channels_section(result)
    modes_section(result)
    pytorch_section(result)
    st.subheader(words.WHY_HEADING)
    st.markdown(words.what_it_shows(result))
    st.markdown(words.WHY)
    st.caption(words.SOURCES)
