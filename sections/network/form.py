"""The settings of the three networks, in a form: every control bound to the link under its key
(`?net_activation=ReLU&net_lr=10`), written when the learner trains."""

from contextlib import nullcontext

import streamlit as st

from bnviz.core.datasets import DATASETS
from bnviz.experiments.mlp import ACTIVATIONS, SWEEP_LRS, NetworkSettings
from content import network as words
from ui import classroom
from ui.links import control

LEARNING_RATES = list(SWEEP_LRS)  # the sweep's rates, so your run is one of its points
# Up to 64 units and 64 examples: each matrix product stays under OpenBLAS's threading
# threshold (its threads stall a busy server), and the largest run trains in seconds.
WIDTHS = [8, 16, 32, 64]
BATCH_SIZES = [8, 16, 32, 64]
INIT_SCALES = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]
STEPS = [100, 200, 300, 600, 1000]
DEFAULT = NetworkSettings()  # each control's default: the page opens on this run


def pressed():
    st.session_state["net_train_pressed"] = True


def chosen() -> NetworkSettings:
    """The settings the form sent last (it sends its controls only when pressed)."""
    ss = st.session_state
    return NetworkSettings(
        dataset=ss.net_dataset,
        depth=int(ss.net_depth),
        width=int(ss.net_width),
        activation=ss.net_activation,
        lr=float(ss.net_lr),
        batch_size=int(ss.net_batch_size),
        init_scale=float(ss.net_init_scale),
        steps=int(ss.net_steps),
        seed=int(ss.net_seed),
    )


def radio(name: str, options, default) -> None:
    """The control `name` as a row of choices, labelled content.network.LABELS[name], bound as net_<name>."""
    with control(name):
        st.radio(
            words.LABELS[name],
            options,
            index=options.index(default),
            key=f"net_{name}",
            bind="query-params",
            horizontal=True,
        )


def slider(name: str, options, default, essential: bool = True, **kwargs) -> None:
    """The control `name` as a slider over `options`, labelled content.network.LABELS[name], bound as net_<name>."""
    with control(name, essential=essential):
        st.select_slider(words.LABELS[name], options, value=default, key=f"net_{name}", bind="query-params", **kwargs)


def short(v: float) -> str:
    """A rate or a scale as its slider and the link write it: `net_lr=0.3`, `net_init_scale=0.1`."""
    return f"{v:g}"


def settings_form() -> None:
    """Three columns of controls and the Train button; in classroom mode one above the other, beside the prompt."""
    with st.form("net_settings"):
        # No container of their own in classroom mode, which would keep empty gaps when the link hides every control.
        left, middle, right = (nullcontext(),) * 3 if classroom.enabled() else st.columns(3)
        with left:
            radio("dataset", DATASETS, DEFAULT.dataset)
            radio("activation", ACTIVATIONS, DEFAULT.activation)
            with control("depth", essential=False):
                st.slider(words.LABELS["depth"], 3, 6, value=DEFAULT.depth, key="net_depth", bind="query-params")
        with middle:
            slider("lr", LEARNING_RATES, DEFAULT.lr, format_func=short, help=words.LR_HELP)
            slider("init_scale", INIT_SCALES, DEFAULT.init_scale, format_func=short, help=words.INIT_SCALE_HELP)
            slider("steps", STEPS, DEFAULT.steps, essential=False)
        with right:
            slider("width", WIDTHS, DEFAULT.width, essential=False)
            slider("batch_size", BATCH_SIZES, DEFAULT.batch_size, essential=False, help=words.BATCH_SIZE_HELP)
            with control("seed", essential=False):
                st.number_input(words.LABELS["seed"], 0, 10_000, DEFAULT.seed, 1, key="net_seed", bind="query-params")
        st.form_submit_button(words.TRAIN, type="primary", on_click=pressed)
