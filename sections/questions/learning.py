"""Question 5 (where is the learning?): one BN channel's γ and β trained by SGD while μ_B jumps batch to batch."""

import streamlit as st

from bnviz.experiments import questions
from bnviz.figures import questions as question_figures
from bnviz.numbers import fixed
from content import questions as text
from sections.questions.common import BIND, readouts, rebuilt
from ui.classroom import chart
from ui.guard import attempt
from ui.links import control

LEARN_BATCH_OPTIONS = (2, 4, 8, 16, 64)


@st.cache_data(show_spinner=False, max_entries=32)
def _learning_run(batch_size):
    return questions.learn_gamma_beta(batch_size)._asdict()


learning_run = rebuilt(_learning_run, questions.LearningRun)


@st.fragment
def experiment():
    with control("learn_batch"):
        size = st.select_slider(text.MINI_BATCH, options=LEARN_BATCH_OPTIONS, value=8, key="q_learn_batch", bind=BIND)
    if (run := attempt(learning_run, size, failed=text.CANNOT_RUN)) is None:
        return
    readouts(
        (text.MEAN_JUMP, fixed(run.mean_jump, 3)),
        (text.GAMMA_STEP, fixed(run.gamma_step, 3)),
        (text.BETA_STEP, fixed(run.beta_step, 3)),
    )
    chart(question_figures.learning_figure(run, questions.TARGET_STD, questions.TARGET_MEAN), key="q_learning")
    st.caption(text.learning_caption(size, run.gamma[-1], run.beta[-1]))
