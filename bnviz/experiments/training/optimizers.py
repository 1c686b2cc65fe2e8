"""The optimizers: each returns a direction d, and the update is p <- p - lr * d."""

from __future__ import annotations

import numpy as np

MOMENTUM_SGD = 0.9  # the velocity's decay in "SGD with momentum"
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


class SGD:
    """d = g."""

    def direction(self, g: np.ndarray) -> np.ndarray:
        return g.copy()


class Momentum:
    """v <- 0.9 v + g; d = v (PyTorch's SGD with momentum, no dampening)."""

    def __init__(self, mu: float = MOMENTUM_SGD):
        self.mu = mu
        self.v = None

    def direction(self, g: np.ndarray) -> np.ndarray:
        self.v = g.copy() if self.v is None else self.mu * self.v + g
        return self.v


class Adam:
    """m <- β1 m + (1 - β1) g; v <- β2 v + (1 - β2) g²; d = m̂ / (√v̂ + ε), m̂ and v̂ bias-corrected."""

    def __init__(self, betas=ADAM_BETAS, eps: float = ADAM_EPS):
        self.b1, self.b2 = betas
        self.eps = eps
        self.m = self.v = 0.0
        self.t = 0

    def direction(self, g: np.ndarray) -> np.ndarray:
        self.t += 1
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g * g
        m_hat = self.m / (1 - self.b1**self.t)
        v_hat = self.v / (1 - self.b2**self.t)
        return m_hat / (np.sqrt(v_hat) + self.eps)


def make_optimizer(name: str):
    return {"sgd": SGD, "momentum": Momentum, "adam": Adam}[name]()
