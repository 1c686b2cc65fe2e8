"""The loss landscape of one channel over (γ, β), the optimizer's path on it, and the learner's own path:
can a hand find a lower loss than the optimizer?"""

import numpy as np
import streamlit as st

from bnviz.experiments.training.landscape import landscape_view, nice_step, optimizer_path
from bnviz.figures.learning import landscape_figure
from bnviz.numbers import sig
from content import learning as say
from content.learning import OPTIMIZER_NAMES
from sections.learning.runs import loss_grid, run_training
from ui.live import chart


def _new_path(start: tuple[float, float]) -> None:
    """The learner's path back to the optimizer's start, and their γ, β with it."""
    st.session_state["learn_path"] = [start]
    st.session_state["learn_my_gamma"], st.session_state["learn_my_beta"] = start


def _moved() -> None:
    st.session_state["learn_path"].append((st.session_state["learn_my_gamma"], st.session_state["learn_my_beta"]))


@st.fragment
def your_turn(data, settings, channel: int, gamma_star: float, beta_star: float) -> None:
    """The map, your γ and β sliders (each move a point of your path), and the three losses compared."""
    exp, hist, _, land = run_training(*data, settings)
    box, start = landscape_view(hist, channel, gamma_star, beta_star)
    gammas, betas, grid = loss_grid(*data, settings, channel, box)
    signature = (settings, channel)
    if st.session_state.get("learn_path_for") != signature:  # a new map: a new path from its start
        st.session_state["learn_path_for"] = signature
        _new_path(start)
    st.markdown(say.landscape_intro(channel, settings.optimizer))
    left, mid, right = st.columns([2, 2, 1])
    for where, label, (low, high), key in (
        (left, say.YOUR_GAMMA, box[:2], "learn_my_gamma"),
        (mid, say.YOUR_BETA, box[2:], "learn_my_beta"),
    ):
        where.slider(label, low, high, step=nice_step(high - low, 200), key=key, on_change=_moved, persist_state="page")
    right.button(say.START_AGAIN, on_click=_new_path, args=(start,), key="learn_restart")
    path = st.session_state["learn_path"]
    losses = [float(land.loss(channel, g, b)) for g, b in path]
    optimizer = OPTIMIZER_NAMES[settings.optimizer]
    chart(
        landscape_figure(
            gammas, betas, grid, optimizer_path(hist, channel), (gamma_star, beta_star), path, losses, optimizer
        ),
        key="learn_landscape",
    )
    opt_loss = float(land.loss(channel, hist.final_gamma[channel], hist.final_beta[channel]))
    best = float(land.loss(channel, gamma_star, beta_star)) if np.isfinite(gamma_star) else float("nan")
    a, b, c = st.columns(3)
    # Losses to four significant digits, as everywhere on the page: the three compared, however close.
    a.metric(say.YOUR_LOSS, sig(losses[-1]), say.moves(len(path) - 1), delta_color="off", delta_arrow="off")
    b.metric(
        say.at_the_end(settings.optimizer),
        sig(opt_loss),
        say.steps_count(hist.steps),
        delta_color="off",
        delta_arrow="off",
    )
    c.metric(say.OPTIMUM_LOSS, sig(best))
