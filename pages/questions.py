"""Learners' questions: for each, a short answer, an experiment, a link further, and a self-check."""

import streamlit as st

from content import questions as text
from content.questions import PREDICTS, QUESTIONS
from sections.questions.check import CHECKS, self_check
from sections.questions.common import BIND
from sections.questions.experiments import experiment
from sections.questions.further import links, sources
from sections.questions.stage import predicted_question
from ui.classroom import enabled as classroom_on
from ui.guard import require_navigation
from ui.links import claim, write
from ui.state import carry_batch, current_batch

require_navigation()

st.title(text.TITLE)
carry_batch()
claim(*CHECKS)
write({}, CHECKS)
st.markdown(text.INTRO)
batch = current_batch()
st.caption(text.uses_your_batch(batch.source, batch.x.shape))

for q in QUESTIONS:
    box = st.expander(f"**{q.number}.** {q.title}", expanded=False, key=f"q_open_{q.number}", bind=BIND)
    if not box.open:  # only an open question runs its experiment
        continue
    with box:
        if q.key in PREDICTS and classroom_on():
            # The class predicts first; the written answer and the self-check, which would give the
            # result away, follow the experiment once it has.
            if not predicted_question(q, batch):
                st.caption(text.AFTER_PREDICTION)
                continue
            st.markdown(q.answer)
        else:
            st.markdown(q.answer)
            st.markdown(f"**{q.experiment}**")
            experiment(q.key, batch.x)
        links(q)
        self_check(q)
        st.caption(text.cite(q.sources))

sources()
