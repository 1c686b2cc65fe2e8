"""The stepper: the learner's batch through mean, centre, variance, std, normalize, scale and shift, one step at
a time, in training or eval mode; then Do it in PyTorch and train vs eval. A fragment: moving through the steps
reruns it alone."""

import streamlit as st

from content.steps import SHAPE
from sections.steps import controls, shape, step
from sections.steps.pytorch import in_pytorch
from sections.steps.state import BEFORE_NORMALIZE, STEP_KEYS, stepped
from sections.steps.train_eval import train_vs_eval
from ui.classroom import enabled


@st.fragment
def stepper(batch, channel: int) -> None:
    x = batch.x
    projected = enabled()  # classroom mode
    top = st.container()  # γ, β and eval mode, above the steps (in classroom mode eval mode alone)
    index = controls.step_choice()
    where = controls.screen(top, projected)
    # On a skewed channel the class predicts what normalizing does before it is shown (classroom mode).
    asked = projected and shape.asked(x, channel, index)
    shape_ready = shape.predicted(batch, channel, where.left) if asked else True
    # The chart of normalizing, and of the steps after it, waits for the class (the one before shows the input).
    hold = asked and index > BEFORE_NORMALIZE and not shape_ready
    if projected:
        controls.buttons_and_gamma_beta(where, SHAPE.key)
    gamma, beta = controls.gamma_beta(where, uses_gamma=STEP_KEYS[index] in ("scale", "shift"))
    eval_mode, evaluate = controls.eval_mode(batch, channel, where)

    shown = stepped(batch, gamma, beta, eval_mode)
    if shown is None:
        return
    # The class predicts before normalizing is shown: Next waits for its choice.
    locked = index == BEFORE_NORMALIZE and not shape_ready
    step.heading(where, index, len(shown.steps), shown.steps[index].name, locked)
    if projected:
        step.classroom_chart(x, shown, index, channel, where.right, SHAPE.key, hold)
        if asked and index == BEFORE_NORMALIZE + 1:  # under the chart: the prompt and Next stay in view beside it
            shape.answered(x, shown.steps, channel, where.right)
    step.explained(x, shown, index, channel, gamma, beta, projected)
    step.every_channel(x, shown, index)
    in_pytorch(batch, shown, channel, gamma, beta)
    train_vs_eval(batch, shown, channel, evaluate.key)
