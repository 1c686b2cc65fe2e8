"""Which learning rates work: the three networks trained at every rate of SWEEP_LRS, after the class's
prediction."""

from dataclasses import replace

import streamlit as st

from bnviz.experiments import mlp
from bnviz.experiments.mlp import SWEEP_LRS, NetworkSettings
from bnviz.figures.network import sweep_figure
from content import network as words
from ui import classroom
from ui.classroom import predict_first, shared_chart
from ui.guard import attempt
from ui.links import control


@st.cache_data(show_spinner=False, max_entries=8)
def sweep(settings: NetworkSettings):
    """Final losses at every rate of SWEEP_LRS (settings.lr is not used: the caller sets it to 1)."""
    bar = st.progress(0.0, text=words.SWEEPING)
    result = mlp.lr_sweep(settings, progress=lambda f: bar.progress(f, text=words.progress(words.SWEEPING, f)))
    bar.empty()
    return result


def sweep_section(settings: NetworkSettings) -> None:
    """settings: the run above's; the sweep varies its learning rate."""
    st.subheader(words.SWEEP_HEADING)
    st.markdown(words.sweep_intro(SWEEP_LRS))
    with control("sweep"):
        st.toggle(
            words.SWEEP_TOGGLE,
            value=True,
            key="net_sweep",
            bind="query-params",
            help=words.sweep_help(SWEEP_LRS),
        )
    ask = words.SWEEP_PREDICTION
    if not (st.session_state.net_sweep and predict_first(ask.key, ask.question, ask.choices, about=settings)):
        return
    # lr is not used: one cache entry for every rate
    result = attempt(sweep, replace(settings, lr=1.0), failed=words.SWEEP_FAILED)
    if result is None:
        return
    shared_chart(sweep_figure, result, settings.lr, by=settings, key="net_sweep_chart")
    st.caption(words.SWEEP_CAPTION)
    classroom.reveal(words.SWEEP_KEY, words.sweep_answer(result.trained("none"), SWEEP_LRS), words.sweep_why(result))
