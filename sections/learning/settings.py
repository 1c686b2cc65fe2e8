"""/learning's controls: the task, the target's inputs, the optimizer and the layer's settings, the channel.

Every control is bound to the link under its key (`?learn_task=A+different+target&learn_lr=0.1`); its default
is the training's: a link carries only what differs from it.
"""

import streamlit as st

from bnviz.experiments.training.settings import OPTIMIZERS, SUGGESTED_LR, TASKS, TrainingSettings
from bnviz.numbers import sig
from content import learning as say
from content.learning import OPTIMIZER_NAMES, TASK_NAMES
from ui.links import control

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
BATCH_SIZES = [2, 4, 8, 16, 32, 64, 128, 256]
DEFAULT = TrainingSettings()
DEFAULT_CHANNEL = 1  # the default batch's channel 0 is already near mean 0, variance 1


def _task_changed():
    st.session_state["learn_lr"] = SUGGESTED_LR[st.session_state["learn_task"]]


def task_control(where) -> str:
    """The task's radio (in `where`: the lesson's step in classroom mode), and the target's inputs."""
    with control("task", where=where):
        task = st.radio(
            say.TASK,
            list(TASKS),
            index=list(TASKS).index(DEFAULT.task),
            format_func=TASK_NAMES.get,  # static labels: the link reads `?learn_task=A+different+target`
            key="learn_task",
            bind="query-params",
            horizontal=True,
            on_change=_task_changed,
            help=say.TASK_HELP,
        )
    # The target's inputs have a place of their own, there whatever the task: inputs that appeared above the other
    # controls would move them, and Streamlit's browser side then loses their binding to the address (the old
    # element, removed after the run, unbinds the key its moved copy had just bound): `learn_batch_size` never
    # reached the link once "A different target" had been chosen.
    row = st.container()
    if task == "target":
        left, right, _ = row.columns([1, 1, 2])
        for name, label, bounds, step, where_ in (
            ("target_mean", say.TARGET_MEAN, (-100.0, 100.0), 0.5, left),
            ("target_std", say.TARGET_STD, (0.0, 100.0), 0.1, right),
        ):
            with control(name, where=where_):
                st.number_input(
                    label, *bounds, value=getattr(DEFAULT, name), step=step, key=f"learn_{name}", bind="query-params"
                )
    return task


def training_controls() -> None:
    """Two rows of four: the optimizer, η, B and the epochs; BN's momentum, the initial γ and β, the seed."""
    cols = st.columns(4)
    with control("optimizer", where=cols[0]):
        st.selectbox(
            say.OPTIMIZER,
            list(OPTIMIZERS),
            index=list(OPTIMIZERS).index(DEFAULT.optimizer),
            format_func=OPTIMIZER_NAMES.get,
            key="learn_optimizer",
            bind="query-params",
        )
    with control("lr", where=cols[1]):
        st.select_slider(  # sig: the link reads `?learn_lr=1`, as the label shows it, not "1.0"
            say.LEARNING_RATE, LEARNING_RATES, value=DEFAULT.lr, format_func=sig, key="learn_lr", bind="query-params"
        )
    with control("batch_size", where=cols[2]):
        st.select_slider(
            say.BATCH_SIZE, BATCH_SIZES, value=DEFAULT.batch_size, key="learn_batch_size", bind="query-params"
        )
    with control("epochs", where=cols[3]):
        st.slider(say.EPOCHS, 1, 30, value=DEFAULT.epochs, key="learn_epochs", bind="query-params")
    cols = st.columns(4)
    with control("momentum", essential=False, where=cols[0]):
        st.slider(
            say.MOMENTUM,
            0.0,
            1.0,
            value=DEFAULT.momentum,
            step=0.01,
            key="learn_momentum",
            bind="query-params",
            help=say.MOMENTUM_HELP,
        )
    for name, label, bound, where in (
        ("gamma0", say.GAMMA0, 10.0, cols[1]),
        ("beta0", say.BETA0, 100.0, cols[2]),
    ):
        with control(name, essential=False, where=where):
            st.number_input(
                label, -bound, bound, value=getattr(DEFAULT, name), step=0.5, key=f"learn_{name}", bind="query-params"
            )
    with control("seed", essential=False, where=cols[3]):
        st.number_input(say.SEED, 0, 10_000, value=DEFAULT.seed, step=1, key="learn_seed", bind="query-params")


def chosen_settings(task: str) -> TrainingSettings:
    """The training the controls ask for, read from their session keys."""
    ss = st.session_state
    return TrainingSettings(
        task=task,
        optimizer=ss["learn_optimizer"],
        lr=float(ss["learn_lr"]),
        batch_size=int(ss["learn_batch_size"]),
        epochs=int(ss["learn_epochs"]),
        momentum=float(ss["learn_momentum"]),
        gamma0=float(ss["learn_gamma0"]),
        beta0=float(ss["learn_beta0"]),
        seed=int(ss["learn_seed"]),
        # Drawn for the target task only; kept (with the link's value) while another task is chosen.
        target_mean=float(ss.get("learn_target_mean", DEFAULT.target_mean)),
        target_std=float(ss.get("learn_target_std", DEFAULT.target_std)),
    )


def channel_control(channels: int, where) -> int:
    """The channel to watch, of `channels`; a saved choice a new batch lacks goes back to channel 0."""
    if st.session_state.get("learn_channel", 0) >= channels:
        st.session_state["learn_channel"] = 0
    with control("channel", where=where):
        # No format_func: the link carries the channel's number (`?learn_channel=2`), not a label.
        return st.selectbox(
            say.CHANNEL,
            list(range(channels)),
            index=min(DEFAULT_CHANNEL, channels - 1),
            key="learn_channel",
            bind="query-params",
        )
