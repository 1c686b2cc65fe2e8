"""Where a training ends: γ, β and the loss over the last epoch, and whether γ and β have settled."""

from __future__ import annotations

import numpy as np

from bnviz.experiments.training.data import Experiment
from bnviz.experiments.training.loop import History


def last_epoch_mean(exp: Experiment, hist: History, name: str = "gamma") -> np.ndarray:
    """The mean of a recorded quantity over the last epoch, (C,): where SGD hovers at the end."""
    start = max(0, hist.steps - exp.settings.steps_per_epoch)
    return getattr(hist, name)[start:].mean(axis=0)


def settled(exp: Experiment, hist: History, gamma_star, beta_star, channel: int, tol: float = 0.05) -> bool:
    """Whether γ and β (their mean over the last epoch) are within tol of γ*, β* on `channel`,
    measured against the channel's own scale (the largest of 1, |γ*|, |β*| and σ)."""
    k = channel
    g_end, b_end = last_epoch_mean(exp, hist, "gamma")[k], last_epoch_mean(exp, hist, "beta")[k]
    scale = max(1.0, abs(gamma_star[k]), abs(beta_star[k]), exp.std[k])
    return max(abs(g_end - gamma_star[k]), abs(b_end - beta_star[k])) <= tol * scale


def last_epoch_range(exp: Experiment, hist: History, name: str = "loss") -> tuple[np.ndarray, np.ndarray]:
    """The least and the largest value of a recorded quantity over the last epoch, (C,) each."""
    start = max(0, hist.steps - exp.settings.steps_per_epoch)
    values = getattr(hist, name)[start:]
    return values.min(axis=0), values.max(axis=0)


def settled_but_noisy(exp: Experiment, hist: History, gamma_star, beta_star, channel: int, ratio: float = 10.0) -> bool:
    """Whether γ and β have settled on `channel` (settled) while the loss of one batch still varies: over the
    last epoch the loss's range, against its mean, is at least `ratio` times γ's range against |γ| and β's
    range against |γ| (the spread of the output it shifts)."""
    if not settled(exp, hist, gamma_star, beta_star, channel):
        return False
    k = channel
    spread = {name: np.subtract(*last_epoch_range(exp, hist, name)[::-1])[k] for name in ("loss", "gamma", "beta")}
    loss, gamma = last_epoch_mean(exp, hist, "loss")[k], abs(last_epoch_mean(exp, hist, "gamma")[k])
    if not (loss > 0 and gamma > 0):
        return False
    return bool(spread["loss"] / loss >= ratio * max(spread["gamma"], spread["beta"]) / gamma)
