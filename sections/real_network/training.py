"""The three networks trained on the form's settings: once per server for each settings, shared by every
session (st.cache_data), with a progress bar while it runs."""

import streamlit as st

from bnviz.experiments import cnn
from bnviz.experiments.cnn import CNNResult, CNNSettings
from content import real_network as words
from sections.real_network.form import chosen


# The progress bar is made inside the cached function: on a cache hit Streamlit replays it (created, filled,
# emptied) in an instant instead of training again. A class of 30 opening the page trains it once.
@st.cache_data(show_spinner=False, max_entries=16)
def train(settings: CNNSettings) -> CNNResult:
    """The three networks (without BN, BN, BN without γ and β) from the same weights on the same batches."""
    bar = st.progress(0.0, text=words.TRAINING)
    result = cnn.train(settings, progress=lambda f: bar.progress(f, text=words.progress(f)))
    bar.empty()
    return result


def train_chosen() -> CNNResult:
    """The form's settings, and the three networks trained on them."""
    return train(chosen())
