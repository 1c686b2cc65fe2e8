"""/learning's trainings, cached: every section of the page reads the same run (one per batch and settings)."""

import numpy as np
import streamlit as st

from bnviz.experiments.training import loop
from bnviz.experiments.training.data import make_experiment
from bnviz.experiments.training.landscape import landscape, optimum
from bnviz.experiments.training.modes import train_vs_eval
from bnviz.experiments.training.settings import TrainingSettings
from bnviz.figures.learning import history_curves, history_figure, replay_arrays, replay_curves, replay_stride
from content.learning import BETA_STAR, GAMMA_STAR, channel_places, channel_table, training_progress

GRID = 61  # landscape resolution per axis


@st.cache_data(show_spinner=False, max_entries=24)
def run_training(specs, x, settings: TrainingSettings):
    """The experiment, its training record, the optimum and the loss landscape, for these settings."""
    bar = st.progress(0.0, text=training_progress())
    exp = make_experiment(specs, x, settings)
    # loop.train, looked up at each run: a test counts the trainings by replacing it
    hist = loop.train(exp, on_progress=lambda f: bar.progress(f, text=training_progress(f)))
    bar.empty()
    return exp, hist, optimum(exp), landscape(exp)


@st.cache_data(show_spinner=False, max_entries=24)
def channels_of(specs, x, settings: TrainingSettings) -> tuple[dict, dict]:
    """Where every channel ends up (content.learning.channel_table) and the decimals of each of its
    quantities, which every mention of γ, β, μ and σ on the page takes."""
    exp, hist, (gamma_star, beta_star), _ = run_training(specs, x, settings)
    table = channel_table(exp, hist, gamma_star, beta_star)
    return table, channel_places(table)


@st.cache_data(show_spinner=False, max_entries=24)
def history_of(specs, x, settings: TrainingSettings, channel: int) -> dict:
    """The time-axis figure as a dict: built once per training and channel, then only re-marked."""
    exp, hist, (gamma_star, beta_star), _ = run_training(specs, x, settings)
    _, places = channels_of(specs, x, settings)
    star_places = (places[GAMMA_STAR], places[BETA_STAR])
    return history_figure(exp, hist, channel, gamma_star[channel], beta_star[channel], places=star_places).to_dict()


@st.cache_data(show_spinner=False, max_entries=24)
def replay_of(specs, x, settings: TrainingSettings, channel: int) -> dict:
    """What the browser replays: the recorded numbers (every step, or every k-th of a long training) and the
    time axis' curves, which it draws up to the step."""
    exp, hist, _, _ = run_training(specs, x, settings)
    curves = replay_curves(history_curves(exp, hist, channel))
    return replay_arrays(hist, channel, replay_stride(hist.steps)) | {"curves": curves}


@st.cache_data(show_spinner=False, max_entries=24)
def loss_grid(specs, x, settings: TrainingSettings, channel: int, box: tuple):
    """The loss of `channel` over a GRID × GRID grid of (γ, β) in box (γ_min, γ_max, β_min, β_max)."""
    exp, hist, _, land = run_training(specs, x, settings)
    gammas, betas = np.linspace(box[0], box[1], GRID), np.linspace(box[2], box[3], GRID)
    return gammas, betas, land.grid(channel, gammas, betas)


@st.cache_data(show_spinner=False, max_entries=24)
def compare_modes(specs, x, settings: TrainingSettings):
    """The experiment of these settings and its held-out batch in training mode against eval mode."""
    exp, hist, _, _ = run_training(specs, x, settings)
    return exp, train_vs_eval(exp, hist)
