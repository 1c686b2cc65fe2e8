"""Start here: γ and β to move at once, the formula, the questions this app answers, and where each is answered."""

import pandas as pd
import streamlit as st

from bnviz.experiments.home import before_after
from bnviz.figures.home import before_after_arrays, before_after_figure
from bnviz.numbers import fixed_cells
from content import home as text
from content.questions import HOME
from content.registry import PAGES, page_file
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
GAMMA = LiveControl("home_gamma", f"γ of channel {text.CHANNEL} (scale after BN)", 0.0, 3.0, 0.05, 1.0, hide_as="gamma")
BETA = LiveControl("home_beta", f"β of channel {text.CHANNEL} (shift after BN)", -3.0, 3.0, 0.1, 0.0, hide_as="beta")

st.title(text.TITLE)
st.markdown(text.FORMULA_INTRO)
st.latex(text.FORMULA)
st.markdown(text.TRY)

batch = default_batch()
values = live_chart(
    "home_live",
    "before_after",
    # The same for every learner: built once at the defaults (the browser redraws it at the hand's values).
    shared_figure(before_after_figure, batch.x, SCALE.value, GAMMA.value, BETA.value, text.CHANNEL),
    before_after_arrays(batch.x, text.CHANNEL) | {"scale": SCALE.name, "gamma": GAMMA.name, "beta": BETA.name},
    [SCALE, GAMMA, BETA],
    readouts=[("std", text.STD_BEFORE), ("mean_after", text.MEAN_AFTER), ("std_after", text.STD_AFTER)],
)
st.caption(text.FIGURE_CAPTION)
st.markdown(text.FORMULA_PARTS)

x, y = before_after(batch.x, values[SCALE.name], values[GAMMA.name], values[BETA.name], text.CHANNEL)
st.markdown(text.TABLE)
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

st.subheader(text.QUESTIONS)
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
st.page_link(page_file("questions"), label=text.ALL_QUESTIONS, icon=":material/help:")

st.subheader(text.ROUTE)
for page in PAGES[1:-1]:  # from /batch to /questions; the lesson plan is for teachers
    st.page_link(page.file, label=f"{page.title}: {page.idea}")
