"""A side question, closed: does BN make a channel Gaussian? Only two numbers change (its mean and spread)."""

import streamlit as st

from bnviz.experiments import gamma_beta
from bnviz.figures import gamma_beta as gamma_beta_figures
from content import gamma_beta as words
from ui.guard import attempt
from ui.links import control
from ui.live import chart


@st.cache_data(show_spinner=False)
def shape_example(dist):
    return gamma_beta.shape_example(dist)


def compared(values):
    """x̂ of `values` (m,), and their quantiles against a Gaussian's (gamma_beta.quantile_comparison)."""
    return gamma_beta.standardized(values, 1.0, 0.0)[0], gamma_beta.quantile_comparison(values)


@st.fragment
def shape_section(batch, c: int) -> None:
    """batch: the learner's (ui.state.Batch), c: the channel shown when the shape chosen is the batch's."""
    with control("shape"):
        shape = st.radio(
            words.SHAPE,
            list(words.SHAPE_NAMES),
            0,
            key="gb_shape",
            bind="query-params",
            persist_state="page",
            format_func=words.SHAPE_NAMES.get,
            horizontal=True,
        )
    values = gamma_beta.channel_values(batch.x, c) if shape == "batch" else shape_example(shape)
    both = attempt(compared, values)
    if both is None:
        return
    x_hat, q = both
    chart(gamma_beta_figures.shape_figure(values, x_hat, q), key="gb_shape_fig")
    left, right = st.columns([2, 3])
    left.table(words.shape_table(values, x_hat))
    right.markdown(words.shape_explained(float(q["affine_gap"])))
