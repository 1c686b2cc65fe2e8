"""Start here: the formula, the questions this app answers, and where each is answered."""

import pandas as pd
import streamlit as st

from bnviz import BatchNorm
from bnviz.figures.common import (
    COLORS,
    channel_histograms,
    default_bins,
    fixed_channel_histograms,
    scaled_edges,
    symmetric_edges,
)
from bnviz.numbers import fixed_cells
from content.questions import HOME
from content.registry import PAGES, page_file
from ui.classroom import beside, shared_chart
from ui.live import LiveControl, live_chart, shared_figure
from ui.state import default_batch

SCALE = LiveControl(
    "home_scale",  # the link's name: `?home_scale=5`
    "Multiply every activation by",
    min=0.1,
    max=10.0,
    step=0.1,
    value=1.0,
    help="As if the layer before BN had larger or smaller weights.",
    hide_as="scale",
)

st.title("Batch Normalization, and why γ and β exist")

st.markdown("For each channel of a layer's activations, over a mini-batch *B* of *m* values:")
st.latex(r"y = \gamma \cdot \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta")
st.markdown(
    r"""
- $\mu_B$ and $\sigma_B^2$ are the mean and variance of **this mini-batch**, computed anew for
  every batch: nothing about them is learned.
- $\epsilon$ (1e-5) keeps the division safe when a channel barely varies.
- $\gamma$ (scale) and $\beta$ (shift) are **learned parameters**, one pair per channel, shared by
  every batch and updated by gradient descent like any weight.
"""
)

st.subheader("What it does, on a batch with four very different channels")
batch = default_batch()
# Live: the browser redraws the Before histograms while the hand moves, on one x axis for every scale.
edges = scaled_edges(batch.x, (SCALE.min, SCALE.max))
left, right = beside(2)  # in classroom mode, one above the other
with left:
    values = live_chart(
        "home_live",
        "scaled_histograms",
        # The same for every learner and every scale: built once (the browser redraws it).
        shared_figure(fixed_channel_histograms, batch.x, edges, title="Before: each channel on its own scale"),
        {"x": [batch.x[:, c].tolist() for c in range(batch.channels)], "edges": edges.tolist(), "control": SCALE.name},
        [SCALE],
        readouts=[("std", "std of each channel before:")],
    )
scale = values[SCALE.name]
x = scale * batch.x
y = BatchNorm(batch.channels)(x)
with right:
    shared_chart(  # built once per scale, for every learner
        channel_histograms,
        y,
        title="After BatchNorm (γ = 1, β = 0): mean 0, variance 1",
        color=COLORS["y"],
        edges=symmetric_edges([y], default_bins(len(y))),
        key="home_after",
    )
st.table(
    pd.DataFrame(
        {
            "mean before": x.mean(axis=0),
            "std before": x.std(axis=0),
            "mean after": y.mean(axis=0),
            "std after": y.std(axis=0),
        },
        index=pd.Index([f"channel {c}" for c in range(batch.channels)], name="channel"),
    ).style.format(fixed_cells(3))  # no "-0.000" for the output's rounding noise
)
st.caption(
    "Within each figure the panels share one x axis, so the spread you see is the real spread. "
    "Move the slider: the input's spread follows it, the output does not. Only each channel's "
    "mean and spread changed; its shape did not."
)

st.subheader("The questions learners ask, and where this app answers them")
for question in HOME:  # numbered only on /questions: one numbering
    with st.container(border=True):
        st.markdown(f"**{question.text}**")
        st.page_link(
            page_file(question.page),
            label=f"Answered by experiment: {question.label}",
            icon=":material/arrow_forward:",
            query_params=question.opens,
        )
        label, params = question.questions_link
        st.page_link(page_file("questions"), label=label, icon=":material/help:", query_params=params)
st.page_link(
    page_file("questions"),
    label="All the questions, each with a small experiment and a self-check",
    icon=":material/help:",
)

st.subheader("The route, one idea per page")
for page in PAGES[1:-1]:  # from /batch to /questions; the lesson plan is for teachers
    st.page_link(page.file, label=f"{page.title}: {page.idea}")
