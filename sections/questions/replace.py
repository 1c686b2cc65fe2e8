"""Question 3 (do γ and β replace W and b?): the layer's w·x + b before BN, and what b and w change after it."""

import streamlit as st

from bnviz.experiments import questions
from bnviz.figures import questions as question_figures
from bnviz.numbers import sig
from content import questions as text
from sections.questions.common import BIND, channel_table, readouts, rebuilt
from ui.classroom import chart
from ui.guard import attempt
from ui.links import control

W_OPTIONS = (0.5, 1.0, 2.0, 5.0, 10.0)


@st.cache_data(show_spinner=False, max_entries=64)
def _bias_view(x, w, b):
    res = questions.bias_and_scale(x, w, b)
    figure = question_figures.before_after_figure(res.z, res.y, x, res.y_ref)
    return res._replace(z=None, y=None, y_ref=None)._asdict(), figure


bias_view = rebuilt(_bias_view, questions.BiasAndScale)


@st.fragment
def experiment(x):
    """x: the learner's batch, (N, C) or (N, C, H, W)."""
    left, right = st.columns(2)
    with control("w", where=left):
        # sig: the link reads `?q_w=2`, as the label shows it, not "2.0"
        w = st.select_slider(text.W_LABEL, options=W_OPTIONS, value=1.0, format_func=sig, key="q_w", bind=BIND)
    with control("b", where=right):
        b = st.slider(text.B_LABEL, -20.0, 20.0, 0.0, step=1.0, key="q_b", bind=BIND)
    if (view := attempt(bias_view, x, w, b, failed=text.CANNOT_RUN)) is None:
        return
    res, figure = view
    readouts((text.CHANGE_BY_B, f"{res.change_b.max():.1e}"), (text.CHANGE_BY_W, f"{res.change_w.max():.1e}"))
    channel_table(dict(zip(text.MOMENTS, (res.z_mean, res.z_std, res.y_mean, res.y_std))))
    chart(figure, key="q_bias")
    st.caption(text.bias_caption(w, b))
