"""The stepper's controls and where they stand: the step, Previous and Next, γ and β, eval mode with its
batches and momentum.

On a screen γ, β and eval mode stand above the steps, Previous and Next beside the step's heading. In
classroom mode the step's chart stands on the right, and on the left the prompt, Previous and Next, γ and β;
eval mode stays above.
"""

from dataclasses import dataclass

import streamlit as st

from content import steps as say
from content.steps import eval_prediction
from sections.steps.state import (
    BATCHES,
    MAX_BATCHES,
    MOMENTA,
    MOMENTUM,
    STEP_KEYS,
    STEP_NAMES,
    batch_identity,
    named_radio,
)
from ui.classroom import part, predict_first
from ui.links import control, is_shown


def step_choice() -> int:
    """The radio of the seven steps (its label hidden): the index of the one chosen."""
    step_key = named_radio(say.STEP, STEP_KEYS, STEP_NAMES, "steps_step", label_visibility="collapsed")
    return STEP_KEYS.index(step_key)


@dataclass
class Screen:
    """Where the stepper's parts stand: `left` and `right` in classroom mode only; `prev`, `next`, `gamma` and
    `beta` are set in classroom mode once the prompt stands on the left (buttons_and_gamma_beta)."""

    top: object
    heading: object
    eval: object
    prev: object = None
    next: object = None
    gamma: object = None
    beta: object = None
    left: object = None
    right: object = None


def screen(top, projected: bool) -> Screen:
    """The columns under the step's radio (`top`: the container above it)."""
    if projected:
        heading = st.container()
        left, right = st.columns([1, 1], gap="medium")
        return Screen(top, heading, eval=top, left=left, right=right)
    heading, prev, next_ = st.columns([4, 1.2, 1.2], vertical_alignment="bottom")
    gamma, beta, beside_gamma = top.columns([1, 1, 2])
    return Screen(top, heading, eval=beside_gamma, prev=prev, next=next_, gamma=gamma, beta=beta)


def buttons_and_gamma_beta(where: Screen, shape_key: str) -> None:
    """In classroom mode, under the prompt on the left: Previous and Next (the prompt's control), γ and β."""
    with where.left, part(shape_key, "control"):
        where.prev, where.next = st.columns(2)
    where.gamma, where.beta = where.left.columns(2)


def gamma_beta(where: Screen, uses_gamma: bool) -> tuple[float, float]:
    """γ and β, the same for every channel; essential on the two steps that use them."""
    with control("gamma", essential=uses_gamma, where=where.gamma):
        gamma = st.number_input(
            say.GAMMA, -10.0, 10.0, 1.0, step=0.1, format="%.2f", key="steps_gamma", bind="query-params"
        )
    with control("beta", essential=uses_gamma, where=where.beta):
        beta = st.number_input(
            say.BETA, -100.0, 100.0, 0.0, step=0.5, format="%.2f", key="steps_beta", bind="query-params"
        )
    return gamma, beta


def eval_mode(batch, channel: int, where: Screen):
    """Eval mode's toggle, and while it is on the training batches seen and the momentum. In classroom mode the
    class commits to a prediction before eval mode may be switched on. Returns (eval mode on, the prediction)."""
    ss = st.session_state
    with where.eval:
        batches = ss.get("steps_batches", BATCHES)
        evaluate = eval_prediction(batches, channel)
        ready = True
        if is_shown("eval"):
            ready = predict_first(
                evaluate.key,
                evaluate.question,
                evaluate.choices,
                about=(batch_identity(batch), channel, batches, ss.get("steps_momentum", MOMENTUM)),
            )
        with control("eval"):
            on = st.toggle(
                say.EVAL, False, key="steps_eval", bind="query-params", disabled=not ready, help=say.EVAL_HELP
            )
        if on and ready:
            a, b = st.columns([3, 2]) if is_shown("momentum", essential=False) else (st.container(), st.container())
            with control("batches", where=a):
                st.slider(say.BATCHES, 0, MAX_BATCHES, BATCHES, key="steps_batches", bind="query-params")
            with control("momentum", essential=False, where=b):
                st.select_slider(
                    say.MOMENTUM, MOMENTA, MOMENTUM, key="steps_momentum", bind="query-params", help=say.MOMENTUM_HELP
                )
    with where.top:
        st.caption(say.BY_HAND)
    return on and ready, evaluate
