"""Question 7 (a batch of one): BatchNorm in training refuses it; eval mode and GroupNorm work on one sample."""

from contextlib import nullcontext

import pandas as pd
import streamlit as st

from bnviz.experiments import questions
from bnviz.numbers import fixed
from content import questions as text
from sections.questions.common import BIND, readouts, rebuilt, three_decimals
from ui.classroom import prediction, reveal
from ui.links import control

PREDICT = text.PREDICTS["one"].key


@st.cache_data(show_spinner=False, max_entries=16)
def eval_mode_output(x):
    return questions.eval_mode_output(x)


@st.cache_data(show_spinner=False)
def _group_norm_demo():
    return questions.group_norm_demo()._asdict()


group_norm_demo = rebuilt(_group_norm_demo, questions.GroupNormDemo)


def experiment(ready: bool = True, controls=None, result=None):
    """ready: False in classroom mode until the class has predicted; a batch of one is not shown then.
    controls, result: where the slider and what it shows go (classroom mode: beside each other), else in order."""
    with controls if controls is not None else nullcontext(), control("small_n"):
        n = st.slider(text.SMALL_N, 1, 8, 1, step=1, key="q_small_n", bind=BIND)
    if n == 1 and not ready:
        return  # classroom mode: the batch of one is shown once the class has predicted
    with result if result is not None else nullcontext():
        shown(n)


def shown(n: int):
    res = questions.train_small_batch(n)
    columns = [f"channel {c}" for c in range(res.x.shape[1])]
    guess = prediction(PREDICT)
    if res.error:
        st.error(text.IN_TRAINING + res.error, icon=":material/block:")
        reveal(PREDICT, text.one_answer(res.error, res.x_hat), text.ONE_WHY)
        one = questions.one_value_statistics(res.x)
        st.markdown(text.FORMULA_ON_ONE)
        formula = pd.DataFrame([res.x[0], one.mu, one.var, one.x_hat[0]], index=text.FORMULA_ROWS, columns=columns)
        st.table(formula.style.format(three_decimals))
    else:
        st.markdown(text.x_hat_heading(n))
        frame = pd.DataFrame(res.x_hat, index=[f"sample {i}" for i in range(n)], columns=columns)
        st.table(frame.style.format(three_decimals))
        if n == 2:
            st.caption(text.TWO_SAMPLES)
        if guess:
            st.caption(text.AT_ONE_SAMPLE)
    st.markdown(text.WORKS_WITH_ONE)
    left, right = st.columns(2)
    with left:
        st.markdown(text.EVAL_ON_ONE)
        frozen = eval_mode_output(res.x[:1])
        st.table(pd.DataFrame(frozen, index=["x̂"], columns=columns).style.format(three_decimals))
    with right:
        demo = group_norm_demo()
        st.markdown(text.group_norm_text(demo.groups))
        readouts(("GroupNorm", f"{demo.gn_diff:.1e}"), ("BatchNorm", fixed(demo.bn_diff, 3)))
