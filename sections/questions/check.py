"""A question's self-check: the learner's answer, and why it is right or wrong."""

import streamlit as st

from content import questions as text
from content.questions import QUESTIONS, Question

# The self-check answers are the learner's own: a link never carries them, nor answers the quiz.
CHECKS = [f"q_check_{q.number}" for q in QUESTIONS]


@st.fragment
def self_check(q: Question):
    choice = st.radio(
        text.check_prompt(q.check.prompt),
        [c.text for c in q.check.choices],
        index=None,  # unanswered until the learner answers
        key=f"q_check_{q.number}",
    )
    result = q.check.feedback(choice)
    if result is None:
        st.caption(text.CHOOSE)
    elif result[0]:
        st.success(text.feedback(*result), icon=":material/check_circle:")
    else:
        st.error(text.feedback(*result), icon=":material/cancel:")
