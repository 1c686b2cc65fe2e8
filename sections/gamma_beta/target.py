"""Practice, closed: match a hidden target's γ and β, by the closeness of the two histograms."""

import streamlit as st

from bnviz.experiments import gamma_beta
from bnviz.figures import gamma_beta as gamma_beta_figures
from content import gamma_beta as words
from sections.gamma_beta.state import write_link
from ui.classroom import beside
from ui.guard import attempt
from ui.links import control
from ui.live import chart

ss = st.session_state


def show_answer(target):
    ss.gb_target_gamma, ss.gb_target_beta = target.gamma, target.beta


def new_target():
    ss.gb_target_seed += 1
    ss.gb_target_gamma, ss.gb_target_beta = 1.0, 0.0


def outputs(values, gamma, beta, target):
    """y = γ·x̂ + β of `values` (m,) with the learner's γ and β, and with the target's: two arrays (m,)."""
    return gamma_beta.standardized(values, gamma, beta)[1], gamma_beta.standardized(values, target.gamma, target.beta)[
        1
    ]


@st.fragment
def target_section(batch, info, c: int) -> None:
    """batch: the learner's (ui.state.Batch), info: its channels' statistics (state.channel_info), c: the channel."""
    write_link()
    target = gamma_beta.draw_target(ss.gb_target_seed)
    controls, figure = beside([2, 3], gap="large")  # classroom mode: controls above
    with control("target_gamma", where=controls):
        your_gamma = st.slider(
            words.YOUR_GAMMA, 0.0, 4.0, 1.0, step=gamma_beta.TARGET_STEP, key="gb_target_gamma", bind="query-params"
        )
    with control("target_beta", where=controls):
        your_beta = st.slider(
            words.YOUR_BETA, -4.0, 4.0, 0.0, step=gamma_beta.TARGET_STEP, key="gb_target_beta", bind="query-params"
        )
    both = attempt(outputs, gamma_beta.channel_values(batch.x, c), your_gamma, your_beta, target)
    if both is None:
        return
    y, goal = both
    score = gamma_beta.closeness(y, goal)
    with controls:
        b1, b2, m = st.columns([1, 1, 1])
        b1.button(words.SHOW_ANSWER, on_click=show_answer, args=(target,))
        b2.button(words.NEW_TARGET, on_click=new_target)
        m.metric(words.CLOSENESS, f"{100 * score:.0f} %", help=words.CLOSENESS_HELP)
        if score >= 0.999:
            st.success(words.matched(target.gamma, target.beta))
        elif score >= 0.9:
            st.info(words.CLOSE)
        if info.var[c] == 0:
            st.warning(words.TARGET_CONSTANT)
    with figure:
        chart(gamma_beta_figures.target_figure(y, goal, height=260), key="gb_target")
