"""The settings of the three convolutional networks, in a form: every control bound to the link under its key
(`?cnn_lr=0.1&cnn_epochs=8`), sent when the learner trains."""

from contextlib import nullcontext

import streamlit as st

from bnviz.experiments.cnn import BATCH_SIZES, EPOCH_CHOICES, LRS, CNNSettings
from content import real_network as words
from ui.links import control

DEFAULT = CNNSettings()  # each control's default: the page opens on this run


def chosen() -> CNNSettings:
    """The settings the form sent last (it sends its controls only when pressed)."""
    ss = st.session_state
    return CNNSettings(
        lr=float(ss.cnn_lr), epochs=int(ss.cnn_epochs), batch_size=int(ss.cnn_batch_size), seed=int(ss.cnn_seed)
    )


def _slider(name: str, options, default, **kwargs) -> None:
    with control(name):
        st.select_slider(
            words.LABELS[name], list(options), value=default, key=f"cnn_{name}", bind="query-params", **kwargs
        )


def settings_form(stacked: bool = False) -> None:
    """The four controls in a row and the Train button; `stacked`: one above the other (classroom mode's stage)."""
    with st.form("cnn_settings"):
        columns = (nullcontext(),) * 4 if stacked else st.columns(4)
        with columns[0]:
            _slider("lr", LRS, DEFAULT.lr, format_func=lambda v: f"{v:g}", help=words.LR_HELP)
        with columns[1]:
            _slider("epochs", EPOCH_CHOICES, DEFAULT.epochs)
        with columns[2]:
            _slider("batch_size", BATCH_SIZES, DEFAULT.batch_size, help=words.BATCH_SIZE_HELP)
        with columns[3], control("seed"):
            st.number_input(words.LABELS["seed"], 0, 10_000, DEFAULT.seed, 1, key="cnn_seed", bind="query-params")
        st.form_submit_button(words.TRAIN, type="primary", on_click=lambda: st.session_state.update(cnn_pressed=True))
