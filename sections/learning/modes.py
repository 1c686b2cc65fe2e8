"""After training: the same held-out batch through the layer in training mode and in eval mode, for a layer
trained with very small batches against one trained with large ones."""

import pandas as pd
import streamlit as st

from bnviz.experiments.training.modes import compare_settings
from bnviz.figures.learning import train_eval_figure
from content import learning as say
from content.learning import MODES_KEY, by_row, modes_answer, modes_places, modes_prediction, modes_table, modes_why
from sections.learning.runs import compare_modes
from ui import classroom
from ui.classroom import predict_first
from ui.guard import attempt
from ui.links import control
from ui.live import chart

SMALL_BATCHES, LARGE_BATCHES = [2, 4], [16, 32, 64, 128, 256]


def _batch_sizes() -> list[int]:
    """The small and the large batch size, side by side."""
    left, right, _ = st.columns([1, 1, 2])
    for name, label, sizes, default, where in (
        ("small_batch", say.SMALL_BATCH, SMALL_BATCHES, 2, left),
        ("large_batch", say.LARGE_BATCH, LARGE_BATCHES, 64, right),
    ):
        with control(name, where=where):
            st.select_slider(
                label, sizes, value=default, key=f"learn_{name}", bind="query-params", persist_state="page"
            )
    return [st.session_state["learn_small_batch"], st.session_state["learn_large_batch"]]


def _trainings(data, settings, sizes: list[int], steps: int) -> list:
    """(experiment, TrainEval) of a layer trained with each batch size for about `steps` steps."""
    return [compare_modes(*data, compare_settings(settings, b, steps)) for b in sizes]


def train_vs_eval(data, settings, steps: int, channel: int, batch_id: tuple) -> None:
    """The comparison of `channel`, once the class has predicted how far apart the two modes will be."""
    st.markdown(say.MODES_INTRO)
    sizes = _batch_sizes()
    modes = modes_prediction(sizes[0])
    if not predict_first(modes.key, modes.question, modes.choices, about=(settings, *sizes, channel, batch_id)):
        return
    results = attempt(_trainings, data, settings, sizes, steps, failed=say.MODES_FAILED)
    if results is None:
        return
    chart(train_eval_figure(results, channel), key="learn_train_eval")
    small = results[0][1]
    classroom.reveal(MODES_KEY, modes_answer(small, channel), modes_why(small, channel))
    compared = [te for _, te in results]
    columns = pd.Index([say.trained_with(te.batch_size) for te in compared], name=say.TRAINED_WITH)
    frame = pd.DataFrame(modes_table(compared, channel), index=columns).T
    st.table(by_row(frame, modes_places(compared, channel)))  # one rounding per quantity, both trainings
    st.caption(say.MODES_CAPTION)
