"""§3, do γ and β replace W and b: a linear layer's w and b before BN, γ and β after it, and the next layer's
input, with how far each knob moves BN's output."""

import streamlit as st

from bnviz.experiments import gamma_beta
from bnviz.figures import gamma_beta as gamma_beta_figures
from content import gamma_beta as words
from ui.guard import attempt
from ui.links import control
from ui.live import chart

W_SCALE, W_ANGLE, B = 1.0, 30.0, 0.0  # the linear layer's defaults, the reference its effects are measured from
# The knobs: name (in `?hide=`; its key and link parameter gb_<name>), range, start, step, format; labels in
# content.gamma_beta.WB_LABELS
WB_KNOBS = (
    ("w_scale", 0.1, 5.0, W_SCALE, 0.1, "%.1f"),
    ("w_angle", 0.0, 355.0, W_ANGLE, 5.0, "%.0f°"),
    ("b", -20.0, 20.0, B, 0.5, "%.1f"),
    ("wb_gamma", 0.0, 3.0, 1.0, 0.1, "%.1f"),
    ("wb_beta", -3.0, 3.0, 0.0, 0.1, "%.1f"),
)


@st.cache_data(show_spinner=False)
def linear_inputs():
    return gamma_beta.linear_inputs()


def chains(u, w_scale, w_angle, b, gamma, beta, between):
    """The weights w (2,), the chain now and at the start (‖w‖ = 1, b = 0, γ = 1, β = 0), and each knob's effect."""
    w = gamma_beta.weights(w_scale, w_angle)
    now = gamma_beta.chain(u, w, b, gamma, beta, between)
    start = gamma_beta.chain(u, gamma_beta.weights(W_SCALE, w_angle), B, 1.0, 0.0, between)
    return w, now, start, gamma_beta.linear_effects(u, w_scale, w_angle, b, W_ANGLE, gamma, beta)


@st.fragment
def linear_section() -> None:
    # Each knob with, under it, how far it moves BN's output y (against the start: ‖w‖ = 1, b = 0, γ = 1, β = 0).
    *spots, s6 = st.columns([5, 5, 5, 5, 5, 6])
    knobs = {}  # each knob's value, by its name in `?hide=`
    for spot, (name, lo, hi, start, step, fmt) in zip(spots, WB_KNOBS):
        with control(name, where=spot):
            knobs[name] = st.slider(
                words.WB_LABELS[name],
                lo,
                hi,
                start,
                step=step,
                format=fmt,
                key=f"gb_{name}",
                bind="query-params",
                persist_state="page",
            )
    with control("wb_between", where=s6):
        between = st.radio(
            words.BETWEEN_LABEL,
            gamma_beta.BETWEEN,
            0,
            key="gb_wb_between",  # `?gb_wb_between=sigmoid`
            bind="query-params",
            persist_state="page",
        )
    computed = attempt(chains, linear_inputs(), *knobs.values(), between)
    if computed is None:
        return
    w, now, start, effects = computed
    for where, text in zip(spots, words.wb_effects(effects)):
        where.caption(text)
    chart(gamma_beta_figures.chain_figure(now, start, height=250), key="gb_linear")
    st.caption(words.wb_caption(w, W_ANGLE))
    st.markdown(words.stand_in(now))
