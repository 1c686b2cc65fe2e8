"""What the three trainings did: the loss curves, the decision boundaries, the inside of each network (closed);
in classroom mode only after the class has predicted which network learns, with the answer."""

from contextlib import nullcontext

import streamlit as st

from bnviz.figures import network as figures
from content import network as words
from ui import classroom
from ui.classroom import predict_first, shared_chart


def inside(settings, runs) -> None:
    """Which units saturate, how large the gradients are, and BN's learned γ and β, per layer."""
    shared_chart(figures.activation_strips, runs, settings.activation, by=settings, key="net_strips")
    st.caption(words.strips_caption(settings.activation))
    shared_chart(figures.saturation_figure, runs, settings.activation, by=settings, key="net_saturation")
    shared_chart(figures.gradient_figure, runs, by=settings, key="net_gradients")
    st.caption(words.gradients_caption(settings.activation))
    bn = next(run for run in runs if run.norm == "bn")
    if bn.gamma is not None:
        shared_chart(figures.gamma_beta_figure, bn, by=settings, key="net_gamma_beta")
        st.caption(words.GAMMA_BETA_CAPTION)


def results(settings, runs, X, y) -> None:
    """settings: a NetworkSettings, runs: its three Runs, X (512, 2) and y (512,): the dataset."""
    st.subheader(words.RESULTS_HEADING)
    for column, run in zip(st.columns(len(runs)), runs):
        with column.container(border=True):
            st.markdown(words.run_box(run, settings))
    shared_chart(figures.curves_figure, runs, by=settings, key="net_curves")
    st.caption(words.CURVES_CAPTION)

    st.subheader(words.learned_heading(settings.dataset))
    shared_chart(figures.boundary_figure, runs, X, y, by=settings, key="net_boundary")
    st.caption(words.BOUNDARY_CAPTION)

    # A side topic, closed so that the question "which network learns?" and the sweep stay in view; bound to
    # the link and built only while it is open (Streamlit reruns when it is opened).
    opened = st.expander(words.INSIDE_LABEL, key="net_open_inside", bind="query-params")
    if opened.open:
        with opened:
            inside(settings, runs)


def revealed_results(settings, runs, X, y, ask_at, curves_at) -> None:
    """The first reveal: in classroom mode (ask_at, curves_at: the stage's places for the prompt and the curves)
    the class predicts, then the teacher trains (the form's button), and the curves and the answer appear; asked
    again when the settings change. Elsewhere (both None) the results at once."""
    ask = words.train_prediction(settings)
    with ask_at if ask_at is not None else nullcontext():
        ready = predict_first(ask.key, ask.question, ask.choices, about=settings)
    if st.session_state.pop("net_train_pressed", False) and ready:
        st.session_state["net_trained_for"] = settings
    if ready and curves_at is not None and st.session_state.get("net_trained_for") == settings:
        with curves_at:
            shared_chart(figures.curves_figure, runs, height=300, accuracy=False, by=settings, key="net_loss_curves")
            classroom.reveal(words.TRAIN_KEY, words.lowest_loss(runs), words.final_losses(runs))
        results(settings, runs, X, y)
    elif ready and curves_at is None:
        results(settings, runs, X, y)
