"""§2, why not stay at mean 0, variance 1: z = γ·x̂ + β moved live over a nonlinearity, and the share of the
values in its nearly linear (or active) region."""

import streamlit as st

from bnviz.experiments import gamma_beta
from bnviz.figures import gamma_beta as gamma_beta_figures
from content import gamma_beta as words
from ui.guard import attempt
from ui.links import control
from ui.live import LiveControl, live_chart

NL_GAMMA = LiveControl("gb_nl_gamma", words.NL_GAMMA, 0.0, 5.0, 0.05, 1.0, hide_as="nl_gamma")
NL_BETA = LiveControl("gb_nl_beta", words.NL_BETA, -5.0, 5.0, 0.05, 0.0, hide_as="nl_beta")


@st.fragment
def nonlinearity_section(batch, c: int) -> None:
    """batch: the learner's (ui.state.Batch), c: the channel whose x̂ goes through the nonlinearity."""
    text, pick = st.columns([5, 1], vertical_alignment="center")
    text.markdown(words.NONLINEARITY_INTRO)
    with control("nonlinearity", where=pick):
        name = st.radio(words.NONLINEARITY, gamma_beta.NONLINEARITIES, 0, key="gb_nonlinearity", bind="query-params")
    standardized = attempt(lambda: gamma_beta.standardized(gamma_beta.channel_values(batch.x, c), 1.0, 0.0))
    if standardized is None:
        return
    x_hat, _ = standardized
    # Live: the browser moves z = γ·x̂ + β over the curve and counts the share (ui/live.js, nonlinearity).
    live_chart(
        "gb_nl_live",
        "nonlinearity",
        gamma_beta_figures.nonlinearity_figure(x_hat, name, height=250),  # z drawn by the browser
        gamma_beta_figures.nonlinearity_arrays(x_hat, name) | {"gamma": NL_GAMMA.name, "beta": NL_BETA.name},
        [NL_GAMMA, NL_BETA],
        readouts=[("share", words.share_in_region(name))],
    )


def nearly_linear() -> None:
    """Where the nearly linear region ends, closed."""
    st.markdown(words.NEARLY_LINEAR)
    with st.expander(words.NEARLY_LINEAR_TITLE):
        st.markdown(
            words.nearly_linear_precisely(gamma_beta.linear_region("sigmoid")[1], gamma_beta.linear_region("tanh")[1])
        )
