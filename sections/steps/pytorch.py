"""Do it in PyTorch: the lines that do what the stepper shows, for the step, channel, γ, β and mode on screen."""

import streamlit as st

from content.pytorch import steps_snippet
from sections.steps.state import MOMENTUM, Stepped
from ui.pytorch import do_it_in_pytorch


def in_pytorch(batch, shown: Stepped, channel: int, gamma: float, beta: float) -> None:
    momentum = st.session_state.get("steps_momentum", MOMENTUM)
    do_it_in_pytorch(
        batch,
        lambda: steps_snippet(batch, shown.steps, channel, gamma, beta, momentum, shown.batches, shown.places),
        key="steps_open_pytorch",
    )
