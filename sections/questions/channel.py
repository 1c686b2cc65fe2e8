"""Question 4 (per channel or per batch?): a convolutional batch's per-channel statistics, and the running
averages that training batches build."""

import streamlit as st

from bnviz.experiments import questions, stepper
from bnviz.figures import questions as question_figures
from content import questions as text
from sections.questions.common import BIND, channel_table
from ui.classroom import chart
from ui.links import control

MOMENTUM_OPTIONS = (0.01, 0.1, 0.5)
MAX_TRAINING_BATCHES = 60


@st.cache_data(show_spinner=False)
def training_batches():
    return questions.conv_batches(MAX_TRAINING_BATCHES)


@st.fragment
def experiment():
    first = training_batches()[0]
    stats = questions.channel_statistics(first)
    st.markdown(text.conv_batch_text(first.shape, stats.count))
    channel_table(
        {text.POOLED: [stats.count] * len(stats.mu), text.BATCH_MEAN: stats.mu, text.BATCH_VARIANCE: stats.var},
        {text.POOLED: "{:d}"},
    )
    st.caption(text.overall_mean_caption(first.size, stats.overall_mean))
    left, right = st.columns(2)
    with control("batches", where=left):
        k = st.slider(text.BATCHES_SEEN, 0, MAX_TRAINING_BATCHES, 10, step=1, key="q_batches", bind=BIND)
    with control("momentum", essential=False, where=right):  # a detail of the running average, not the idea
        momentum = st.select_slider(
            text.MOMENTUM_LABEL, options=MOMENTUM_OPTIONS, value=0.1, key="q_momentum", bind=BIND
        )
    path = stepper.running_statistics(training_batches()[:k], questions.CONV_CHANNELS, momentum)
    true_mean, true_var = questions.conv_population()
    values = (true_mean, path.running_mean[-1], true_var, path.running_var[-1])
    channel_table(dict(zip(text.running_columns(k), values)))
    chart(question_figures.running_mean_figure(path.running_mean, true_mean, momentum), key="q_running")
    st.caption(text.running_caption(momentum))
