"""The home page's experiment: a batch multiplied by a scale, then BatchNorm with the learner's γ and β on
one channel (1 and 0 on the others), as ui/live/kinds.js (kind before_after) computes it in the browser."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bnviz.core.batchnorm import batch_norm_forward


class BeforeAfter(NamedTuple):
    """before: (N, C) the batch times the scale; y: (N, C) BatchNorm's output (train mode)."""

    before: np.ndarray
    y: np.ndarray


def before_after(x, scale: float, gamma: float, beta: float, channel: int = 0, eps: float = 1e-5) -> BeforeAfter:
    """before = scale · x; y = γ_c · (before − μ_B) / √(σ²_B + ε) + β_c per channel c, with γ_c, β_c = gamma,
    beta for `channel` and 1, 0 for the others.

    x: (N, C) a validated batch at scale 1.
    """
    before = scale * np.asarray(x, dtype=float)
    c = before.shape[1]
    gammas, betas = np.ones(c), np.zeros(c)
    gammas[channel], betas[channel] = gamma, beta
    y, _, _ = batch_norm_forward(before, gammas, betas, eps)
    return BeforeAfter(before, y)


def spread_ratio(x, factor: float, eps: float = 1e-5) -> np.ndarray:
    """(C,) how many times wider BatchNorm's output (γ = 1, β = 0) is when every activation is multiplied by
    `factor`: std(y of factor · x) / std(y of x) per channel. 1 up to ε: μ_B and σ_B grow with x and cancel.

    x: (N, C) a validated batch whose channels vary (a constant channel's output is 0 at any factor).
    """
    y1 = before_after(x, 1.0, 1.0, 0.0, eps=eps).y
    yf = before_after(x, factor, 1.0, 0.0, eps=eps).y
    return yf.std(axis=0) / y1.std(axis=0)
