"""“Draw another batch”, and in classroom mode the lesson's second step on one screen: the class predicts, then
the teacher draws, and the two batches' μ_B stand side by side (right), the reveal under them."""

import numpy as np
import pandas as pd
import streamlit as st

from bnviz.core.validation import per_channel_count
from bnviz.experiments import batches
from bnviz.numbers import fixed_cells
from content import batch as text
from sections.batch.state import draw_another
from ui import classroom
from ui.classroom import predict_first, reveal

ss = st.session_state


def draw(settings: batches.BatchRecipe, x: np.ndarray, stats: pd.DataFrame, uploaded: bool) -> tuple[dict | None, bool]:
    """settings: what drew the batch x; stats: its statistics. Returns the draws so far (None for an upload) and
    whether the class may see the next draw (always, outside classroom mode)."""
    room = classroom.enabled()
    ask, result = st.columns([2, 3], gap="medium") if room else (st.container(), st.container())
    p = text.DRAW_PREDICTION
    with ask:
        # The comparison starts from the batch the class predicts about; a new family of settings asks again.
        ready = uploaded or predict_first(p.key, p.question, p.choices, about=settings.family)
    if uploaded:
        ask.info(text.UPLOAD_IS_ONE)
    else:
        ss.bt_history = batches.record_draw(
            ss.get("bt_history") if ready else None, settings.family, settings.seed, stats
        )
    history = None if uploaded else ss.bt_history
    with ask, classroom.part(p.key, "control"):
        st.button(
            text.DRAW, on_click=draw_another, type="primary", key="bt_draw", help=text.DRAW_HELP, disabled=not ready
        )
    if room and history is not None and len(history["seeds"]) >= 2:
        m = per_channel_count(x.shape)
        wobble = batches.mean_wobble(settings.specs, m)
        moves = batches.compare_draws(history)
        before, after = moves["mean, previous draw"], moves["mean, this draw"]
        with result, classroom.part(p.key, "result"):
            st.table(
                pd.DataFrame(
                    dict(zip(text.mu_columns(history["seeds"]), (before, after)))
                    | {"moved by": after - before, "σ/√m": wobble},
                    index=moves.index,
                ).style.format(fixed_cells(3))
            )
        with result:
            reveal(p.key, text.draw_answer(before, after, wobble), text.draw_why(before, after, wobble, m))
    return history, ready
