"""Train mode at test time (the test images normalized by their own batch's statistics, in batches of 1, 2 and
64) against eval mode; and what BatchNorm's momentum does to the running statistics eval mode uses."""

import pandas as pd
import streamlit as st

from bnviz.core.digits import split
from bnviz.experiments import cnn
from bnviz.experiments.cnn import BN_MOMENTUM, MOMENTA, TRAIN_EVAL_BATCHES, CNNResult, CNNSettings
from bnviz.figures import cnn as figures
from bnviz.figures.network import NAMES
from content import real_network as words
from ui.classroom import shared_chart, table
from ui.links import control


@st.cache_data(show_spinner=False, max_entries=16)
def changed(settings: CNNSettings, _result: CNNResult) -> tuple[dict[int, int], float]:
    """The BN network's answers that train mode's way changes, per batch size; eval mode's accuracy with the
    running statistics of the last batch alone (momentum 1)."""
    arm = _result["bn"]
    return cnn.changed_answers(arm.net), cnn.with_running(arm.net, *cnn.replay_running(arm, 1.0)).accuracy(
        split().test
    )[1]


@st.cache_data(show_spinner=False, max_entries=16)
def modes_table(settings: CNNSettings, _result: CNNResult) -> dict[str, dict[str, float]]:
    """Each BN network's test accuracy in eval mode and in train mode's way per batch size, by column name."""
    found = {}
    for norm in ("bn", "bn_no_affine"):
        net = _result[norm].net
        if net is None:
            continue
        accuracies = cnn.train_eval_accuracies(net)
        found[NAMES[norm]] = {words.MODES_COLUMNS["eval"]: accuracies["eval"]} | {
            words.batch_column(b): accuracies[b] for b in TRAIN_EVAL_BATCHES
        }
    return found


@st.cache_data(show_spinner=False, max_entries=64)
def replayed(settings: CNNSettings, _result: CNNResult, momentum: float):
    """The BN network's running means with this momentum (every block), and its eval accuracy with them."""
    arm = _result["bn"]
    means, variances = cnn.replay_running(arm, momentum)
    return means, cnn.with_running(arm.net, means, variances).accuracy(split().test)[1]


def modes_section(result: CNNResult) -> None:
    st.subheader(words.MODES_HEADING, anchor=words.MODES_ANCHOR)
    st.markdown(words.MODES_INTRO)
    found = modes_table(result.settings, result)
    if not found:
        return
    table(pd.DataFrame(found).T.map(words.percent))
    arm = result["bn"]
    if arm.net is None:
        return
    st.markdown(words.modes_summary(found, *changed(result.settings, result)))
    # A side topic, closed so that the page stays short; bound to the link, built only while open.
    box = st.expander(words.MOMENTUM_HEADING, key="cnn_open_momentum", bind="query-params")
    if box.open:
        with box:
            momentum_part(result)


def momentum_part(result: CNNResult) -> None:
    """The momentum slider, one channel's running mean with it, and eval mode's accuracy with those statistics."""
    arm = result["bn"]
    with control("momentum"):
        st.select_slider(
            words.MOMENTUM_LABEL,
            list(MOMENTA),
            value=BN_MOMENTUM,
            key="cnn_momentum",
            bind="query-params",
            format_func=lambda v: f"{v:g}",
            help=words.MOMENTUM_HELP,
        )
    momentum = float(st.session_state.cnn_momentum)
    means, accuracy = replayed(result.settings, result, momentum)
    channel = int(abs(arm.batch_mean[0][-1]).argmax())  # block 1's channel whose mean is farthest from 0
    shared_chart(
        figures.running_figure,
        arm,
        means,
        1,
        channel,
        momentum,
        by=(result.settings, momentum),
        key="cnn_running",
    )
    st.markdown(words.momentum_summary(momentum, accuracy, arm.final_accuracy, arm.steps_done))
