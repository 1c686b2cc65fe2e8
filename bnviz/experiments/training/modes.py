"""Training mode against eval mode: the held-out batch through the trained layer both ways, the same
training at another batch size, and the running average's momentum in three conventions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.batchnorm import BatchNorm
from bnviz.experiments.training.data import Experiment
from bnviz.experiments.training.loop import History
from bnviz.experiments.training.losses import LOSSES
from bnviz.experiments.training.settings import EPS, TrainingSettings


@dataclass(frozen=True)
class TrainEval:
    """The held-out batch through the trained layer in both modes.

    x, t: (N_HOLDOUT, C) held-out values and targets. y_train: training mode, the values
    cut into mini-batches of the training's size, each normalized by its own μ_B, σ²_B.
    y_eval: eval mode, every value normalized by running_mean and running_var.
    loss_train, loss_eval: (C,) the task's loss of each.
    """

    batch_size: int
    x: np.ndarray
    t: np.ndarray
    y_train: np.ndarray
    y_eval: np.ndarray
    loss_train: np.ndarray
    loss_eval: np.ndarray
    running_mean: np.ndarray
    running_var: np.ndarray

    @property
    def holdout_mean(self) -> np.ndarray:
        return self.x.mean(axis=0)

    @property
    def holdout_var(self) -> np.ndarray:
        """Unbiased, as running_var estimates it."""
        return self.x.var(axis=0, ddof=1)

    @property
    def gap(self) -> np.ndarray:
        """Mean |y_train - y_eval| per channel (C,): how differently the two modes treat one value."""
        return np.mean(np.abs(self.y_train - self.y_eval), axis=0)

    @property
    def relative_gap(self) -> np.ndarray:
        """gap divided by the spread (std) of the eval-mode output, (C,); NaN for a constant output."""
        spread = self.y_eval.std(axis=0)
        return np.divide(self.gap, spread, out=np.full_like(spread, np.nan), where=spread > 0)


def both_modes(x, batch_size: int, gamma, beta, running_mean, running_var, eps: float = EPS):
    """x through one BN layer in eval mode and in training mode; returns y_train, y_eval (shape of x).

    x: (n * B, C), B = batch_size; gamma, beta, running_mean, running_var: (C,).
    y_eval: every value normalized by running_mean and running_var. y_train: x cut in order
    into n mini-batches of B values, each normalized by its own μ_B and σ²_B.
    """
    x = np.asarray(x, dtype=np.float64)
    bn = BatchNorm(x.shape[1], eps=eps)
    bn.gamma, bn.beta = gamma, beta
    bn.running_mean = np.array(running_mean, dtype=np.float64)
    bn.running_var = np.array(running_var, dtype=np.float64)
    y_eval = bn.eval()(x)
    # After eval: a forward pass in training mode also updates the running statistics.
    bn.train()
    y_train = np.concatenate([bn(chunk) for chunk in np.split(x, len(x) // batch_size)])
    return y_train, y_eval


def train_vs_eval(exp: Experiment, hist: History) -> TrainEval:
    """Pass exp's held-out batch through the trained layer in training mode and in eval mode."""
    s = exp.settings
    x = exp.holdout_x
    usable = len(x) // s.batch_size * s.batch_size
    x, t = x[:usable], exp.holdout_t[:usable]
    y_train, y_eval = both_modes(
        x, s.batch_size, hist.final_gamma, hist.final_beta, hist.final_running_mean, hist.final_running_var
    )
    loss_fn = LOSSES[s.task][0]
    return TrainEval(
        s.batch_size,
        x,
        t,
        y_train,
        y_eval,
        loss_fn(y_train, t),
        loss_fn(y_eval, t),
        hist.final_running_mean,
        hist.final_running_var,
    )


# --- running averages: three conventions for the same thing ---------------------------------

# Each convention's default momentum. PyTorch's m weighs the new batch statistic,
# Keras' and cs231n's the old running value (their update rules: content.learning).
CONVENTIONS = {"PyTorch": 0.1, "Keras": 0.99, "cs231n": 0.9}


def convention_value(pytorch_momentum: float, name: str) -> float:
    """The same running average written in another convention: Keras and cs231n weigh the old value."""
    return pytorch_momentum if name == "PyTorch" else 1.0 - pytorch_momentum


COMPARE_STEPS = 2000  # enough for γ, β and the running statistics to settle at any batch size


def compare_settings(s: TrainingSettings, batch_size: int, steps: int) -> TrainingSettings:
    """The same training with another batch size, for about `steps` steps (at most COMPARE_STEPS):
    a batch of 2 and one of 64 then get about as many updates."""
    per_epoch = s.n_train // batch_size
    return s.replace(batch_size=batch_size, epochs=max(1, -(-min(steps, COMPARE_STEPS) // per_epoch)))
