"""What the three trainings did: each network's test accuracy and the curves; in classroom mode only after the
class has predicted which network reads the fewest digits right, with the answer."""

from contextlib import nullcontext

import streamlit as st

from bnviz.experiments.cnn import NORMS, CNNResult
from bnviz.figures import cnn as figures
from content import real_network as words
from ui import classroom
from ui.classroom import predict_first, shared_chart


def results(result: CNNResult) -> None:
    """The three boxes and the accuracy and loss curves."""
    for column, norm in zip(st.columns(len(NORMS)), NORMS):
        with column.container(border=True):
            st.markdown(words.arm_box(result[norm]))
    shared_chart(figures.curves_figure, result, by=result.settings, key="cnn_curves")
    st.caption(words.CURVES_CAPTION)


def revealed_results(result: CNNResult, ask_at=None, result_at=None) -> bool:
    """In classroom mode (ask_at, result_at: the stage's places) the class predicts, the teacher trains, and the
    accuracy curves appear with the answer; asked again when the settings change. Elsewhere the results at once,
    under their heading. Returns whether the rest of the page may show the trainings."""
    settings = result.settings
    if ask_at is None:
        st.subheader(words.RESULTS_HEADING, anchor=words.RESULTS_ANCHOR)
        results(result)
        return True
    ask = words.prediction(settings)
    with ask_at:
        ready = predict_first(ask.key, ask.question, ask.choices, about=settings)
    if st.session_state.pop("cnn_pressed", False) and ready:
        st.session_state["cnn_trained_for"] = settings
    if not (ready and st.session_state.get("cnn_trained_for") == settings):
        return False
    with result_at if result_at is not None else nullcontext():
        shared_chart(figures.curves_figure, result, height=300, loss=False, by=settings, key="cnn_stage_curves")
        classroom.reveal(words.PREDICT_KEY, words.worst(result), words.final_accuracies(result))
    return True
