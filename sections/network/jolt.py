"""Do γ and β just undo BN? Then what does normalizing buy? One hidden layer's weights multiplied mid-training,
with and without BN (bnviz.experiments.jolt), after the class's prediction."""

from dataclasses import replace

import streamlit as st

from bnviz.experiments.jolt import DEFAULT_LR, FACTORS, LAYERS, jolt
from bnviz.experiments.mlp import NetworkSettings
from bnviz.figures.network import jolt_figure, jolt_step_figure, undo_figure
from content import network as words
from ui import classroom
from ui.classroom import beside, predict_first, shared_chart
from ui.guard import attempt
from ui.links import control


@st.cache_data(show_spinner=False, max_entries=16)
def jolted(settings: NetworkSettings, layer: int, factor: float):
    """Both arms (without BN, BN with γ, β) trained twice, the second copy's hidden layer `layer` multiplied
    by `factor` halfway (bnviz.experiments.jolt): about half a second at the default size."""
    return jolt(settings, layer, factor)


def jolt_controls() -> tuple[int, float]:
    """The section's intro and its two controls: the hidden layer jolted and the factor."""
    st.markdown(words.JOLT_INTRO)
    by, of = beside(2)
    with control("jolt_factor", where=by):
        st.radio(
            words.JOLT_FACTOR,
            FACTORS,
            key="net_jolt_factor",
            bind="query-params",
            horizontal=True,
            format_func=lambda v: f"{v:g}",  # also the link's text: `net_jolt_factor=0.1`
        )
    with control("jolt_layer", where=of):
        st.radio(words.JOLT_LAYER, LAYERS, key="net_jolt_layer", bind="query-params", horizontal=True)
    return int(st.session_state.net_jolt_layer), float(st.session_state.net_jolt_factor)


def jolt_details(jolt_run, jolt_settings, layer, factor) -> None:
    """What the jolt did, and whether γ and β undid BN; why BN's step changes, closed, beside γ and β against the
    running statistics, closed: each takes one row of the page; built only while open, and bound to the link."""
    # One paragraph: what the jolt did, and whether γ and β undid BN.
    st.markdown(
        " ".join([words.jolt_summary(jolt_run)] + ([words.undo_summary(jolt_run.undo)] if jolt_run.undo else []))
    )
    left, right = beside(2, gap="medium")
    why = left.expander(words.JOLT_WHY_LABEL, key="net_open_jolt_why", bind="query-params")
    if why.open:
        with why:
            shared_chart(jolt_step_figure, jolt_run, by=(jolt_settings, layer, factor), key="net_jolt_steps")
            st.markdown(words.jolt_why(jolt_run))
    undone = right.expander(words.UNDO_LABEL, key="net_open_undo", bind="query-params")
    if undone.open and jolt_run.undo is not None:
        with undone:
            # The copy without the jolt: the same whatever the layer and factor.
            shared_chart(undo_figure, jolt_run.undo, by=jolt_settings, key="net_undo_chart")
            st.markdown(words.undo_text(jolt_run.undo))
    elif undone.open:
        undone.markdown(words.UNDO_DIVERGED)


def jolt_section(settings: NetworkSettings) -> None:
    """settings: the run above's; the jolt trains at DEFAULT_LR."""
    st.subheader(words.JOLT_TITLE, anchor=words.JOLT_ANCHOR)
    explain, shown = beside([1.6, 2.5], gap="medium")
    with explain:
        layer, factor = jolt_controls()
    jolt_settings = replace(settings, lr=DEFAULT_LR)
    jolt_run = None
    with shown:
        ask = words.jolt_prediction(layer, factor)
        if predict_first(ask.key, ask.question, ask.choices, about=(settings, layer, factor)):
            jolt_run = attempt(jolted, jolt_settings, layer, factor, failed=words.JOLT_FAILED)
        if jolt_run is not None:
            shared_chart(jolt_figure, jolt_run, by=(jolt_settings, layer, factor), key="net_jolt_chart")
            classroom.reveal(words.JOLT_KEY, words.jolt_happened(jolt_run))
    if jolt_run is not None:
        jolt_details(jolt_run, jolt_settings, layer, factor)
