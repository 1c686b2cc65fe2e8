"""Classroom mode's stage for a question with a prediction: the prompt and the experiment's controls beside its
result (and the reveal), all on one screen."""

import hashlib

import numpy as np
import streamlit as st

from content.questions import PREDICTS, Question, anchor
from sections.questions.experiments import predicted
from ui.classroom import predict_first, stage


def predicted_question(q: Question, batch) -> bool:
    """Question q's stage, on the learner's batch (ui.state.Batch); whether the class has predicted."""
    ask = PREDICTS[q.key]
    prompt, controls, result = stage(ask.key, f"{q.number}. {q.title}", anchor(q.number))
    # What question 2's experiment runs on: a prediction about one batch is not one about another.
    about = (batch.source, hashlib.sha256(np.ascontiguousarray(batch.x).tobytes()).hexdigest())
    with prompt:
        ready = predict_first(ask.key, ask.question, ask.choices, about=about if q.key == "undo" else None)
        st.markdown(f"**{q.experiment}**")
    predicted(q.key, batch.x, ready, controls, result)
    return ready
