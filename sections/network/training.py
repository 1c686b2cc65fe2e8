"""The three networks (without BN, BN, BN without γ and β) trained on the form's settings."""

from typing import NamedTuple

import numpy as np
import streamlit as st

from bnviz.experiments import mlp
from bnviz.experiments.mlp import NetworkSettings, Run
from content import network as words
from sections.network.form import chosen


class Trained(NamedTuple):
    settings: NetworkSettings
    runs: list[Run]  # one per network, from the same weights on the same batches
    X: np.ndarray  # the dataset's points, (512, 2)
    y: np.ndarray  # their classes, (512,)


# The progress bar is made inside the cached function: on a cache hit Streamlit replays it
# (created, filled, emptied) in an instant instead of training again.
@st.cache_data(show_spinner=False, max_entries=16)
def train(settings: NetworkSettings):
    """The three networks (without BN, BN, BN without γ and β) trained from the same weights on
    the same batches, and their dataset."""
    bar = st.progress(0.0, text=words.TRAINING)
    runs = mlp.train_networks(settings, progress=lambda f: bar.progress(f, text=words.progress(words.TRAINING, f)))
    bar.empty()
    X, y, _ = mlp.experiment_data(settings)
    return runs, X, y


def train_chosen() -> Trained:
    """The form's settings, and the three networks trained on them."""
    settings = chosen()
    return Trained(settings, *train(settings))
