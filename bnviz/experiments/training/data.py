"""A training's data: activations drawn from the learner's batch, the task's targets, the mini-batches
of every epoch, a held-out batch (`Experiment`), and what the task wants BN to output."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.activations import sigmoid
from bnviz.core.data import make_batch
from bnviz.experiments.training.settings import HOLDOUT_SEED, N_HOLDOUT, SHIFT, SLOPE, TrainingSettings, check_settings


def draw_activations(specs, x, n: int, seed: int) -> np.ndarray:
    """n activations per channel, shape (n, C), from the learner's batch.

    specs: the batch's ChannelSpecs: draw fresh values from each channel's distribution.
    None (an uploaded batch): resample the batch's own values, x of shape (N, C, ...),
    where one row is every channel's value at one (sample, position), as BN pools them.
    """
    if specs is not None:
        return make_batch(specs, n, seed=seed)
    x = np.asarray(x, dtype=np.float64)
    rows = np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
    rng = np.random.default_rng([seed, 1])
    return rows[rng.integers(0, len(rows), n)]


def standardize(x: np.ndarray, mu: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(x - μ) / σ per channel; a constant channel (σ = 0) gives 0."""
    return np.divide(x - mu, std, out=np.zeros_like(x), where=std > 0)


def make_targets(task: str, x: np.ndarray, mu, std, s: TrainingSettings, rng: np.random.Generator) -> np.ndarray:
    """What the loss compares y with, shape of x (N, C): x itself, a rescaled x, or 0/1 labels."""
    if task == "reconstruct":
        return x.copy()
    z = standardize(x, mu, std)
    if task == "target":
        return s.target_mean + s.target_std * z
    return (rng.random(x.shape) < sigmoid(SLOPE * (z - SHIFT))).astype(np.float64)


def epoch_batches(n: int, batch_size: int, epochs: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices of every mini-batch, epoch after epoch: shape (epochs * (n // B), B).

    Each epoch is a fresh permutation of the n rows cut into n // B batches (the last,
    incomplete batch is dropped, so every batch has B values), so no two epochs see the
    same batches.
    """
    per_epoch = n // batch_size
    order = np.stack([rng.permutation(n)[: per_epoch * batch_size] for _ in range(epochs)])
    return order.reshape(epochs * per_epoch, batch_size)


@dataclass(frozen=True)
class Experiment:
    """A training set, its targets, its mini-batches, and a held-out batch.

    x, t: (n_train, C) activations and targets (or labels).
    mu, std: (C,) the training set's own mean and standard deviation per channel.
    batches: (steps, B) row indices of each step's mini-batch.
    holdout_x, holdout_t: (N_HOLDOUT, C), drawn apart from the training set.
    """

    settings: TrainingSettings
    x: np.ndarray
    t: np.ndarray
    mu: np.ndarray
    std: np.ndarray
    batches: np.ndarray
    holdout_x: np.ndarray
    holdout_t: np.ndarray

    @property
    def channels(self) -> int:
        return self.x.shape[1]

    @property
    def epoch_starts(self) -> np.ndarray:
        """The 0-based step at which each epoch begins."""
        return np.arange(self.settings.epochs) * self.settings.steps_per_epoch


def make_experiment(specs, x, settings: TrainingSettings) -> Experiment:
    """The training set of `settings` drawn from the learner's batch (specs, or x resampled)."""
    s = check_settings(settings)
    train_x = draw_activations(specs, x, s.n_train, s.seed)
    holdout_x = draw_activations(specs, x, N_HOLDOUT, s.seed + HOLDOUT_SEED)
    mu, std = train_x.mean(axis=0), train_x.std(axis=0)
    rng = np.random.default_rng([s.seed, 2])
    t = make_targets(s.task, train_x, mu, std, s, rng)
    holdout_t = make_targets(s.task, holdout_x, mu, std, s, rng)
    batches = epoch_batches(s.n_train, s.batch_size, s.epochs, rng)
    return Experiment(s, train_x, t, mu, std, batches, holdout_x, holdout_t)


def sequential_experiment(x, t, settings: TrainingSettings) -> Experiment:
    """An Experiment whose mini-batches are x cut in order, a fresh set of values at every step.

    x, t: (steps * B, C) activations and targets, B = settings.batch_size; one epoch
    (settings.epochs = 1, settings.n_train = steps * B), no reshuffle, no held-out batch.
    mu, std: the values' own mean and standard deviation per channel.
    """
    s = check_settings(settings)
    x, t = np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    if s.epochs != 1 or len(x) != s.n_train or len(x) % s.batch_size:
        raise ValueError(
            f"A sequential experiment is one epoch over steps · batch_size values; got {len(x)} values, "
            f"batch size {s.batch_size}, n_train {s.n_train}, {s.epochs} epochs."
        )
    batches = np.arange(len(x)).reshape(-1, s.batch_size)
    none = np.empty((0, x.shape[1]))
    return Experiment(s, x, t, x.mean(axis=0), x.std(axis=0), batches, none, none)


def full_batch_experiment(x, t, settings: TrainingSettings) -> Experiment:
    """An Experiment whose every step sees all of x, (n, C), with targets t (n, C): full-batch training.

    settings: batch_size = n_train = n, so an epoch is one step and `epochs` is the number of steps.
    mu, std: the values' own mean and standard deviation per channel; no held-out batch.
    """
    s = check_settings(settings)
    x, t = np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    if not len(x) == s.n_train == s.batch_size:
        raise ValueError(
            f"A full-batch experiment has batch_size = n_train = the number of values; got {len(x)} values, "
            f"batch size {s.batch_size}, n_train {s.n_train}."
        )
    batches = np.tile(np.arange(len(x)), (s.epochs, 1))
    none = np.empty((0, x.shape[1]))
    return Experiment(s, x, t, x.mean(axis=0), x.std(axis=0), batches, none, none)


def ideal_output(exp: Experiment, x: np.ndarray) -> np.ndarray:
    """What the task wants BN to output for values x (N, C), using the training set's μ, σ.

    reconstruct: x itself; target: target_mean + target_std·(x - μ)/σ; classify: the logit
    SLOPE·((x - μ)/σ - SHIFT) that the labels were drawn with.
    """
    s = exp.settings
    if s.task == "reconstruct":
        return np.array(x, dtype=np.float64)
    z = standardize(np.asarray(x, dtype=np.float64), exp.mu, exp.std)
    if s.task == "target":
        return s.target_mean + s.target_std * z
    return SLOPE * (z - SHIFT)
