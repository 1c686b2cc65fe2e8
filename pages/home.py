"""Start here: γ and β to move at once, the formula, the questions this app answers, and where each is answered."""

import dataclasses

import pandas as pd
import streamlit as st

from bnviz.experiments.home import before_after
from bnviz.figures.home import before_after_arrays, before_after_figure
from bnviz.numbers import fixed_cells
from content import home as text
from content.questions import HOME
from content.registry import PAGES, page_file
from ui import classroom
from ui.classroom import predict_first, reveal
from ui.live import LiveControl, live_chart, set_values, shared_figure
from ui.state import default_batch

SCALE = LiveControl(
    "home_scale",  # the link's name: `?home_scale=5`
    text.SCALE,
    min=0.1,
    max=10.0,
    step=0.1,
    value=1.0,
    help=text.SCALE_HELP,
    hide_as="scale",
)
GAMMA = LiveControl("home_gamma", text.GAMMA, 0.0, 3.0, 0.05, 1.0, hide_as="gamma")
BETA = LiveControl("home_beta", text.BETA, -3.0, 3.0, 0.1, 0.0, hide_as="beta")

st.title(text.TITLE)
# In classroom mode the lesson's first step on one screen: the formula and the class's prediction beside the
# chart, before BN beside after BN; the scale locked until the class has chosen, and nothing above says the answer.
room = classroom.enabled()
left, right = st.columns([5, 6], gap="medium") if room else (st.container(), st.container())
p = text.SCALE_PREDICTION
with left:
    if not room:  # the teacher reads the formula with the class
        st.markdown(text.FORMULA_INTRO)
    st.latex(text.FORMULA)
    ready = predict_first(p.key, p.question, p.choices)
    if not room:
        st.markdown(text.TRY)

batch = default_batch()
scale = dataclasses.replace(SCALE, disabled=not ready, help=SCALE.help if ready else text.LOCKED)
with right, classroom.part(p.key, "control"), classroom.part(p.key, "result"):
    values = live_chart(
        "home_live",
        "before_after",
        # The same for every learner: built once at the defaults (the browser redraws it at the hand's values).
        shared_figure(
            before_after_figure, batch.x, SCALE.value, GAMMA.value, BETA.value, text.CHANNEL, side_by_side=room
        ),
        before_after_arrays(batch.x, text.CHANNEL) | {"scale": SCALE.name, "gamma": GAMMA.name, "beta": BETA.name},
        [scale, GAMMA, BETA],
        readouts=[("std", text.STD_BEFORE), ("mean_after", text.MEAN_AFTER), ("std_after", text.STD_AFTER)],
    )
if not ready and values[SCALE.name] != SCALE.value:  # a link's or an earlier scale: locked at ×1 until the choice
    set_values("home_live", {SCALE.name: SCALE.value})
    st.rerun()
if room and values[SCALE.name] != SCALE.value:  # the class has chosen (the scale was locked) and the teacher moved it
    now = before_after(batch.x, values[SCALE.name], values[GAMMA.name], values[BETA.name], text.CHANNEL).y
    with left:
        reveal(p.key, text.scale_answer(batch.x), text.scale_why(now.std(axis=0), values[SCALE.name]))
if room:
    st.caption(text.CLASSROOM_CAPTION)
    if ready:
        st.markdown(text.TRY)
else:
    st.caption(text.FIGURE_CAPTION)
st.markdown(text.FORMULA_PARTS)

x, y = before_after(batch.x, values[SCALE.name], values[GAMMA.name], values[BETA.name], text.CHANNEL)
st.markdown(text.TABLE)
st.table(
    pd.DataFrame(
        dict(zip(text.TABLE_COLUMNS, (x.mean(axis=0), x.std(axis=0), y.mean(axis=0), y.std(axis=0)))),
        index=pd.Index([f"channel {c}" for c in range(batch.channels)], name="channel"),
    ).style.format(fixed_cells(3))  # no "-0.000" for the output's rounding noise
)

st.subheader(text.QUESTIONS)
for question in HOME:  # numbered only on /questions: one numbering
    with st.container(border=True):
        st.markdown(f"**{question.text}**")
        st.page_link(
            page_file(question.page),
            label=text.answered_by(question.label),
            icon=":material/arrow_forward:",
            query_params=question.opens,
        )
        label, params = question.questions_link
        st.page_link(page_file("questions"), label=label, icon=":material/help:", query_params=params)
st.page_link(page_file("questions"), label=text.ALL_QUESTIONS, icon=":material/help:")

st.subheader(text.ROUTE)
for page in PAGES[1:-1]:  # from /batch to /questions; the lesson plan is for teachers
    st.page_link(page.file, label=text.route_stop(page.title, page.idea))
