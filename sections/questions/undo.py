"""Question 2 (do γ and β just undo BN?): γ and β moved from the start to the values that give back the input."""

import math
from contextlib import nullcontext

import numpy as np
import streamlit as st

from bnviz.experiments import gamma_beta
from bnviz.figures import questions as question_figures
from bnviz.notation import RECOVER_GAMMA
from content import questions as text
from sections.questions.common import BIND, channel_table
from ui.classroom import chart, prediction, reveal
from ui.guard import attempt
from ui.links import HIDDEN, control

PREDICT = text.PREDICTS["undo"].key


@st.cache_data(show_spinner=False, max_entries=32)
def _recovery_view(x, t):
    y, _, readout = gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, t))
    figure = question_figures.input_output_figure(x, y, channels=4)
    return gamma_beta.recovery(x)[0], dict(vars(readout)), figure


def recovery_view(x, t):
    """The recovering γ = √(σ² + ε) (C,), the readout of BN with γ, β a fraction t of the way there, its figure."""
    std, fields, figure = _recovery_view(x, t)
    return std, gamma_beta.Readout(**fields), figure


def experiment(x, ready: bool = True, controls=None, result=None):
    """x: the learner's batch. ready: False in classroom mode until the class has predicted; the slider is then
    locked at the start and the experiment shows the start, whatever the link set. controls, result: where the
    slider and what it shows go (classroom mode: beside each other), else in order."""
    with controls if controls is not None else nullcontext():
        recover = slider(ready)
    with result if result is not None else nullcontext():
        shown(x, ready, recover)


def slider(ready: bool) -> float:
    if not ready:
        with control("recover"):
            st.slider(text.RECOVER_LABEL, 0.0, 1.0, 0.0, step=0.1, disabled=True, key="q_recover_locked")
    # Until the class has predicted, the learner's slider is hidden but drawn: it keeps the link's value.
    with control("recover") if ready else st.container(key=HIDDEN + "recover_until_predicted"):
        return st.slider(text.RECOVER_LABEL, 0.0, 1.0, 0.0, step=0.1, key="q_recover", bind=BIND)


def shown(x, ready: bool, recover: float):
    t = recover if ready else 0.0
    if (view := attempt(recovery_view, x, t, failed=text.CANNOT_RUN)) is None:
        return
    std, rec, figure = view
    st.metric(text.RECOVER_LARGEST, f"{rec.batch_max_abs_diff:.2e}")
    if math.isclose(t, 1.0):
        largest = rec.batch_max_abs_diff
        reveal(PREDICT, text.recover_answer(largest, float(np.abs(x).max())), text.recover_why(largest))
    elif prediction(PREDICT):
        st.caption(text.RECOVER_AT_ONE)
    channel_table(
        {
            text.BATCH_MEAN: rec.mu,
            RECOVER_GAMMA: std,
            "γ": rec.gamma,
            "β": rec.beta,
            text.LARGEST_DIFF: rec.max_abs_diff,
        },
        {text.LARGEST_DIFF: "{:.2e}"},
    )
    chart(figure, key="q_recovery")
    identity = recovery_view(x, 1.0)[1].batch_max_abs_diff if ready else None
    st.caption(text.recover_caption(identity, x.shape[1]))
