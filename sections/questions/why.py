"""Question 1 (why γ and β): the learner's batch through BN with their γ and β, then a sigmoid."""

import streamlit as st

from bnviz.experiments import questions
from bnviz.figures import questions as question_figures
from content import questions as text
from sections.questions.common import BIND, readouts, rebuilt
from ui.classroom import chart
from ui.guard import attempt
from ui.links import control


# Pure computations and their figures, cached: a slider answers from the cache when it comes back.
@st.cache_data(show_spinner=False, max_entries=64)
def _sigmoid_view(x, gamma, beta):
    use = questions.sigmoid_use(x, gamma, beta)
    return use._replace(y=None)._asdict(), question_figures.sigmoid_figure(use.y)


sigmoid_view = rebuilt(_sigmoid_view, questions.SigmoidUse)


@st.fragment
def experiment(x):
    """x: the learner's batch, (N, C) or (N, C, H, W)."""
    left, right = st.columns(2)
    with control("gamma", where=left):
        gamma = st.slider(text.WHY_GAMMA, 0.1, 5.0, 1.0, step=0.1, key="q_gamma", bind=BIND)
    with control("beta", where=right):
        beta = st.slider(text.WHY_BETA, -5.0, 5.0, 0.0, step=0.1, key="q_beta", bind=BIND)
    if (view := attempt(sigmoid_view, x, gamma, beta, failed=text.CANNOT_RUN)) is None:
        return
    use, figure = view
    readouts(
        (text.SIGMOID_STRAIGHT, f"{use.straight:.1%}"),
        (text.SIGMOID_BEND, f"{use.bend:.1%}"),
        (text.SIGMOID_FLAT, f"{use.flat:.1%}"),
    )
    chart(figure, key="q_sigmoid")
    st.caption(text.sigmoid_caption(gamma, beta))
