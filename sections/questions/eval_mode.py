"""Question 6 (train mode against eval mode): one sample through a trained BN layer in both modes."""

from contextlib import nullcontext

import streamlit as st

from bnviz.experiments import questions
from bnviz.figures import questions as question_figures
from bnviz.numbers import fixed
from content import questions as text
from sections.questions.common import BIND, readouts, rebuilt
from ui.classroom import chart, reveal
from ui.classroom import enabled as classroom_on
from ui.guard import attempt
from ui.links import control

EVAL_BATCH_OPTIONS = (2, 4, 8, 32, 128)
PREDICT = text.PREDICTS["eval"].key


@st.cache_data(show_spinner=False, max_entries=64)
def _train_eval(sample, batch_size):
    return questions.train_vs_eval(sample, batch_size)._asdict()


train_eval = rebuilt(_train_eval, questions.TrainEval)


def experiment(ready: bool = True, controls=None, result=None):
    """ready: False in classroom mode until the class has predicted: the sliders are drawn, the outputs are
    not. controls, result: where each goes (classroom mode: beside each other), else in order."""
    with controls if controls is not None else nullcontext():
        left, right = st.columns(2)
        with control("eval_sample", where=left):
            sample = st.slider(text.SAMPLE_LABEL, -1.0, 11.0, 7.0, step=0.5, key="q_eval_sample", bind=BIND)
        with control("eval_batch", where=right):
            size = st.select_slider(
                text.TRAIN_BATCH, options=EVAL_BATCH_OPTIONS, value=8, key="q_eval_batch", bind=BIND
            )
    if not ready:
        return
    if (res := attempt(train_eval, sample, size, failed=text.CANNOT_RUN)) is None:
        return
    with result if result is not None else nullcontext():
        shown(res)
    # Under the result (in classroom mode under both columns): how the two modes compute it.
    st.caption(text.eval_caption(res.running_mean, res.running_var, size))


def shown(res):
    """The two modes' outputs of the sample, and the reveal."""
    low, high = res.train_range
    if not classroom_on():  # on a projector the reveal beside the chart says these two numbers
        readouts(
            (text.EVAL_OUTPUT, fixed(res.eval_output, 3)), (text.TRAIN_OUTPUTS, f"{fixed(low, 3)} … {fixed(high, 3)}")
        )
    chart(question_figures.train_eval_figure(res, height=280 if classroom_on() else 340), key="q_train_eval")
    reveal(PREDICT, text.eval_answer(low, high), text.eval_why(res.eval_output, low, high))
