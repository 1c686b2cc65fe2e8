"""Train vs eval: what eval mode changes, and with it on, how far the running statistics are from the batch's
own, what eval mode's output looks like (the class's prediction answered), and the running averages' path."""

import streamlit as st

from bnviz.experiments.stepper import normalized_moments
from bnviz.figures.steps import running_figure
from content import steps as say
from content.steps import (
    by_channel,
    distance_sentence,
    eval_answer,
    eval_outcome,
    eval_why,
    initial_weight_sentence,
    running_places,
    running_vs_batch,
)
from sections.steps.state import Stepped
from ui import classroom
from ui.classroom import chart, prediction, reveal


def train_vs_eval(batch, shown: Stepped, channel: int, evaluate_key: str) -> None:
    """evaluate_key: the session key of the class's prediction about eval mode."""
    st.subheader(say.TRAIN_VS_EVAL)
    if not shown.eval_mode:
        st.markdown(say.IN_TRAINING)
        return
    k, history, places = shown.batches, shown.history, shown.places
    batch_mean, batch_var = shown.batch_steps[0].array, shown.batch_steps[2].array
    comparison = running_vs_batch(history.running_mean[k], history.running_var[k], batch_mean, batch_var)
    st.info(distance_sentence(comparison, channel, k, places))
    if prediction(evaluate_key) is None:
        st.markdown(eval_outcome(shown.steps, channel, places["normalize"]))
    else:  # classroom mode: the answer to the class's prediction, computed from this run
        moments = normalized_moments(shown.steps, channel)
        reveal(evaluate_key, eval_answer(*moments), eval_why(*moments, places["normalize"]))
    st.markdown(initial_weight_sentence(st.session_state["steps_momentum"], k))
    chart(
        running_figure(history, channel, k, float(batch_mean[channel]), float(batch_var[channel])),
        key="steps_running_figure",
    )
    classroom.table(by_channel(comparison, running_places(places)), key="steps_running_table")  # as the sentence
    st.caption(say.running_caption(bool(batch.specs)))
