"""The average loss over every mini-batch as a function of (γ, β): its map, its optimum γ*, β* (closed
form, or Newton's method for the classifier), the reference values, and the box the map shows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.activations import sigmoid
from bnviz.experiments.training.data import Experiment
from bnviz.experiments.training.loop import History
from bnviz.experiments.training.settings import EPS, SHIFT, SLOPE


def batch_x_hat(exp: Experiment, eps: float = EPS) -> np.ndarray:
    """x̂ of every value of every mini-batch, shape (steps, B, C), as BN computes it in training."""
    xs = exp.x[exp.batches]
    mu = xs.mean(axis=1, keepdims=True)
    var = ((xs - mu) ** 2).mean(axis=1, keepdims=True)
    return (xs - mu) / np.sqrt(var + eps)


@dataclass(frozen=True)
class Landscape:
    """The average loss over every mini-batch of the training, as a function of (γ, β), per channel.

    Squared error: J = γ² a + 2γβ b + β² - 2γ c - 2β d + e with a = mean x̂², b = mean x̂,
    c = mean x̂ t, d = mean t, e = mean t² (exact).
    Cross-entropy: J = mean softplus(γ x̂ + β) - γ c - β d, the softplus term summed over
    1,024 bins of x̂ at each bin's mean (error well below 1e-3 of the loss).
    Each field is (C,) (or (C, bins) for centres and weights).
    """

    kind: str  # "squared" or "cross_entropy"
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray
    e: np.ndarray
    centres: np.ndarray | None = None
    weights: np.ndarray | None = None

    def loss(self, channel: int, gamma, beta) -> np.ndarray:
        """J(γ, β) for one channel; gamma and beta broadcast against each other."""
        g, b_ = np.asarray(gamma, dtype=float), np.asarray(beta, dtype=float)
        k = channel
        if self.kind == "squared":
            return (
                g * g * self.a[k]
                + 2 * g * b_ * self.b[k]
                + b_ * b_
                - 2 * g * self.c[k]
                - 2 * b_ * self.d[k]
                + self.e[k]
            )
        y = g[..., None] * self.centres[k] + b_[..., None]
        return np.logaddexp(0.0, y) @ self.weights[k] - g * self.c[k] - b_ * self.d[k]

    def grid(self, channel: int, gammas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """J on a grid: shape (len(betas), len(gammas)), rows follow β, columns γ."""
        gg, bb = np.meshgrid(gammas, betas)
        return self.loss(channel, gg, bb)


def landscape(exp: Experiment, bins: int = 1024) -> Landscape:
    """The average loss J(γ, β) of every channel over every mini-batch of exp."""
    x_hat = batch_x_hat(exp).reshape(-1, exp.channels)
    t = exp.t[exp.batches].reshape(-1, exp.channels)
    a, b = np.mean(x_hat**2, axis=0), np.mean(x_hat, axis=0)
    c, d, e = np.mean(x_hat * t, axis=0), np.mean(t, axis=0), np.mean(t * t, axis=0)
    if exp.settings.task != "classify":
        return Landscape("squared", a, b, c, d, e)
    centres = np.empty((exp.channels, bins))
    weights = np.zeros((exp.channels, bins))
    for k in range(exp.channels):
        v = x_hat[:, k]
        lo, hi = v.min(), v.max()
        idx = (
            np.zeros(len(v), dtype=int) if hi == lo else np.minimum(((v - lo) / (hi - lo) * bins).astype(int), bins - 1)
        )
        counts = np.bincount(idx, minlength=bins)
        sums = np.bincount(idx, weights=v, minlength=bins)
        centres[k] = np.divide(sums, counts, out=np.full(bins, lo), where=counts > 0)
        weights[k] = counts / len(v)
    return Landscape("cross_entropy", a, b, c, d, e, centres, weights)


def optimum(exp: Experiment) -> tuple[np.ndarray, np.ndarray]:
    """γ*, β* (C,) minimizing the average loss over every mini-batch the training sees.

    Squared error (reconstruct, target): solve [[a, b], [b, 1]] [γ, β] = [c, d] (see
    Landscape). For "reconstruct" this gives β* = μ and γ* = Σ_B σ²_B/√(σ²_B+ε) / Σ_B σ²_B/(σ²_B+ε),
    a weighted mean of the batch standard deviations: close to √(σ² + ε) for large batches,
    smaller for small ones (a batch of 2 of a normal channel gives σ/√π).
    Cross-entropy: Newton's method on the exact average (convex in γ, β).
    A constant channel has x̂ = 0: γ has no effect there and γ* is NaN.
    """
    x_hat = batch_x_hat(exp).reshape(-1, exp.channels)
    t = exp.t[exp.batches].reshape(-1, exp.channels)
    a, b = np.mean(x_hat**2, axis=0), np.mean(x_hat, axis=0)
    c, d = np.mean(x_hat * t, axis=0), np.mean(t, axis=0)
    flat = a < 1e-12  # x̂ is 0 in every batch: a constant channel
    if exp.settings.task != "classify":
        det = np.where(flat, 1.0, a - b * b)
        gamma = np.where(flat, np.nan, (c - b * d) / det)
        beta = np.where(flat, d, (a * d - b * c) / det)
        return gamma, beta
    gamma = np.empty(exp.channels)
    beta = np.empty(exp.channels)
    for k in range(exp.channels):
        gamma[k], beta[k] = _newton_cross_entropy(x_hat[:, k], t[:, k], flat[k])
    return gamma, beta


def _newton_cross_entropy(x_hat: np.ndarray, labels: np.ndarray, flat: bool, iters: int = 100):
    """Minimize mean softplus(γ x̂ + β) - label (γ x̂ + β) by Newton's method with backtracking."""

    def loss(p):
        y = p[0] * x_hat + p[1]
        return np.mean(np.logaddexp(0.0, y) - labels * y)

    p = np.array([0.0 if flat else 1.0, 0.0])
    for _ in range(iters):
        y = p[0] * x_hat + p[1]
        r = sigmoid(y) - labels
        w = np.maximum(sigmoid(y) * sigmoid(-y), 1e-12)
        grad = np.array([np.mean(r * x_hat), np.mean(r)])
        hess = np.array([[np.mean(w * x_hat**2), np.mean(w * x_hat)], [np.mean(w * x_hat), np.mean(w)]])
        if flat:  # only β matters
            grad[0], hess[0, 1], hess[1, 0], hess[0, 0] = 0.0, 0.0, 0.0, 1.0
        step = np.linalg.solve(hess, grad)
        f0, size = loss(p), 1.0
        while loss(p - size * step) > f0 + 1e-12 and size > 1e-6:
            size *= 0.5
        p = p - size * step
        if np.max(np.abs(size * step)) < 1e-12:
            break
    return (np.nan if flat else p[0]), p[1]


def reference(exp: Experiment) -> tuple[np.ndarray, np.ndarray]:
    """(γ, β) the task would want if every batch had the training set's own μ and σ, (C,) each.

    reconstruct: √(σ² + ε) and μ (undo the normalization exactly); target: target_std and
    target_mean; classify: SLOPE and -SLOPE·SHIFT (the labels' own sigmoid).
    The optimum differs from these by how much mini-batch statistics differ from μ, σ.
    """
    s = exp.settings
    ones = np.ones(exp.channels)
    if s.task == "reconstruct":
        return np.sqrt(exp.std**2 + EPS), exp.mu.copy()
    if s.task == "target":
        return s.target_std * ones, s.target_mean * ones
    return SLOPE * ones, -SLOPE * SHIFT * ones


def nice_step(span: float, parts: int = 100) -> float:
    """A round step (1, 2 or 5 times a power of ten) close to span / parts."""
    raw = max(span / parts, 1e-12)
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda v: abs(np.log(v / raw))))


def landscape_box(gammas, betas, pad: float = 0.2) -> tuple[float, float, float, float]:
    """(γ_lo, γ_hi, β_lo, β_hi): a range with round ends around every point given, padded,
    at least 1 wide (so a path that barely moves still shows the bowl around it)."""
    out = []
    for values in (gammas, betas):
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        lo, hi = float(v.min()), float(v.max())
        span = max(hi - lo, 1.0, 0.1 * max(abs(lo), abs(hi)))
        centre = 0.5 * (lo + hi)
        lo, hi = min(lo, centre - span / 2), max(hi, centre + span / 2)
        step = nice_step((hi - lo) * (1 + 2 * pad), 10)
        out += [
            round(float(np.floor((lo - pad * span) / step) * step), 10),
            round(float(np.ceil((hi + pad * span) / step) * step), 10),
        ]
    return tuple(out)


def landscape_view(hist: History, channel: int, gamma_star: float, beta_star: float):
    """The (γ, β) box the map shows for `channel`, around the optimizer's path and the optimum,
    and the start of the learner's path: the optimizer's start, kept inside the box."""
    k = channel
    box = landscape_box(
        np.append(hist.gamma[:, k], [gamma_star, hist.final_gamma[k]]),
        np.append(hist.beta[:, k], [beta_star, hist.final_beta[k]]),
    )
    start = (float(np.clip(hist.gamma[0, k], box[0], box[1])), float(np.clip(hist.beta[0, k], box[2], box[3])))
    return box, start


def optimizer_path(hist: History, channel: int) -> tuple[np.ndarray, np.ndarray]:
    """γ and β of `channel` at every step, and after the last update: (steps + 1,) each."""
    return np.append(hist.gamma[:, channel], hist.final_gamma[channel]), np.append(
        hist.beta[:, channel], hist.final_beta[channel]
    )
