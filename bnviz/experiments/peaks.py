"""How do γ and β fix the normalized peaks? One high activation followed through BN, and a task that
needs what BN takes away: settings in, arrays out.

The batch: two channels on different scales (typical values 2 ± 1 and 8 ± 2), each with a few
planted peaks, unusually high values. Statistics are BN's: μ_B, and the biased σ²_B (divides by m).

1. Follow a peak. Its z-score (x - μ_B) / σ_B, its standing within its channel, survives BN:
   x̂ = (x - μ_B) / √(σ²_B + ε) is the same number up to ε. Its height x and its channel's mean μ_B
   do not: after BN every channel has mean 0 and spread ≈ 1, and γ, β set them again.

2. The task. Before BN was added, this layer fed a sigmoid with the bias -θ, so the next layer
   received t = sigmoid(x - θ): off below the level θ = 5, on above it, in both channels. Put BN
   in front of the sigmoid and the bias is gone (BN subtracts the mean). The network is
       y = BN(x),  h = sigmoid(y),  out = w·h + b   (one w and one b per channel),
   with L = mean((out - t)²) per channel, summed over the channels. It is trained twice by the core's
   loop (train: full batch, Adam, the same steps), with γ, β learned and with them fixed at
   γ = 1, β = 0 (PyTorch's affine=False); the next layer's w and b are learned in both.

   Needed: γ = √(σ²_B + ε) and β = μ_B - θ make γ·x̂ + β = x - θ exactly, so with w = 1, b = 0,
   out = t and L = 0 (the identity values of /gamma-beta, with β moved by the old bias -θ).
   Without γ and β, h = sigmoid(x̂) switches at each channel's mean, and no w, b move that switch:
   L is a quadratic in (w, b), and its minimum, found by least squares, is the floor no training
   of the next layer gets below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.activations import sigmoid
from bnviz.core.batchnorm import batch_norm_forward, batch_statistics
from bnviz.core.data import ChannelSpec, make_batch
from bnviz.experiments.training.data import full_batch_experiment
from bnviz.experiments.training.loop import History, train
from bnviz.experiments.training.losses import next_layer
from bnviz.experiments.training.settings import EPS, TrainingSettings

EPS = EPS
N = 256  # values per channel, the planted peaks included
CHANNELS = (ChannelSpec("normal", 2.0, 1.0), ChannelSpec("normal", 8.0, 2.0))  # typical values
PEAK_VALUES = ((6.5, 7.5, 9.0), (15.0, 16.5, 18.0))  # per channel, in rows 0, 1, 2
DEFAULT_PEAK = (0, 2)  # (channel, row): channel 0's highest peak, the farthest above its channel's mean
LEVEL = 5.0  # θ: before BN, the bias -θ put the sigmoid's switch at x = θ
SEED = 0
# Adam with these moves γ, β within 1 % of the needed values in both channels; both trainings
# together take about 0.3 s of CPU time (bench/training.py).
OPTIMIZER, LR, STEPS = "adam", 0.25, 400
NONLINEARITY = "sigmoid"


def peak_batch(seed: int = SEED) -> np.ndarray:
    """The batch x, (N, 2): CHANNELS drawn with `seed` (the page's: SEED), rows 0-2 of each channel
    replaced by its peaks."""
    x = make_batch(CHANNELS, N, seed=seed)
    for c, values in enumerate(PEAK_VALUES):
        x[: len(values), c] = values
    return x


def peaks() -> list[tuple[int, int]]:
    """Every planted peak as (channel, row) of peak_batch(), channel by channel."""
    return [(c, row) for c, values in enumerate(PEAK_VALUES) for row in range(len(values))]


# --- 1. follow a peak --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One value seen inside its channel: the value, the channel's mean and spread (std, / m), z-score."""

    name: str
    value: float
    mean: float
    std: float

    @property
    def z(self) -> float:
        """(value - mean) / std: how many standard deviations above its channel's mean."""
        return (self.value - self.mean) / self.std


def follow_peak(x, channel: int, row: int, gamma: float, beta: float, eps: float = EPS) -> list[Stage]:
    """The value x[row, channel] before BN, after BN with γ = 1, β = 0, and after BN with gamma, beta.

    x: (N, C). Returns three Stages named "x", "x_hat", "y". x̂'s z-score is x's (up to ε:
    std(x̂) = σ_B/√(σ²_B + ε)); its value is that z-score and its channel's mean is 0. With
    γ > 0, y = γ·x̂ + β keeps the z-score too, and has mean β.
    """
    x = np.asarray(x, dtype=np.float64)
    c = channel
    x_hat = batch_norm_forward(x, np.ones(x.shape[1]), np.zeros(x.shape[1]), eps)[1].x_hat
    y = gamma * x_hat[:, c] + beta
    return [
        Stage(name, float(v[row]), float(v.mean()), float(v.std()))
        for name, v in (("x", x[:, c]), ("x_hat", x_hat[:, c]), ("y", y))
    ]


# --- 2. the task, trained with and without γ and β ------------------------------------------------


def targets(x, level: float = LEVEL) -> np.ndarray:
    """t = sigmoid(x - θ), shape of x: what the next layer received before BN was added."""
    return sigmoid(np.asarray(x, dtype=np.float64) - level)


def needed(x, level: float = LEVEL, eps: float = EPS) -> tuple[np.ndarray, np.ndarray]:
    """γ = √(σ²_B + ε) and β = μ_B - θ, (C,) each: then γ·x̂ + β = x - θ for every value of the batch."""
    mu, _, var = batch_statistics(np.asarray(x, dtype=np.float64))
    return np.sqrt(var + eps), mu - level


def best_without_affine(x, t, eps: float = EPS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lowest loss any next layer reaches with γ = 1, β = 0, and its w, b: (C,) each.

    h = sigmoid(x̂) is fixed, and L(w, b) = mean((w·h + b - t)²) is a quadratic in (w, b): its
    minimum is the least-squares fit of t by w·h + b, channel by channel.
    """
    x = np.asarray(x, dtype=np.float64)
    c = x.shape[1]
    h = sigmoid(batch_norm_forward(x, np.ones(c), np.zeros(c), eps)[0])
    floor, w, b = np.empty(c), np.empty(c), np.empty(c)
    for k in range(c):
        design = np.stack([h[:, k], np.ones(len(h))], axis=1)
        (w[k], b[k]), *_ = np.linalg.lstsq(design, t[:, k], rcond=None)
        floor[k] = np.mean((design @ (w[k], b[k]) - t[:, k]) ** 2)
    return floor, w, b


def settings(affine: bool, steps: int = STEPS, lr: float = LR) -> TrainingSettings:
    """The training of one arm: full batch, the squared error of the next layer's output."""
    return TrainingSettings(
        task="target",
        optimizer=OPTIMIZER,
        lr=lr,
        batch_size=N,
        epochs=steps,
        n_train=N,
        affine=affine,
        head=NONLINEARITY,
    )


@dataclass(frozen=True)
class PeaksRun:
    """Both trainings on peak_batch(), and what they are measured against.

    x, t: (N, C) the batch and the targets. mu, sigma: (C,) μ_B and σ_B = √σ²_B.
    with_affine, without: History of the two arms (γ, β learned; γ = 1, β = 0 fixed).
    gamma_needed, beta_needed: (C,), see needed(). floor, floor_w, floor_b: (C,), see best_without_affine().
    """

    x: np.ndarray
    t: np.ndarray
    level: float
    mu: np.ndarray
    sigma: np.ndarray
    with_affine: History
    without: History
    gamma_needed: np.ndarray
    beta_needed: np.ndarray
    floor: np.ndarray
    floor_w: np.ndarray
    floor_b: np.ndarray

    def loss(self, affine: bool) -> np.ndarray:
        """The summed loss at every step, (steps,)."""
        return (self.with_affine if affine else self.without).loss.sum(axis=1)

    def final_loss(self, affine: bool) -> float:
        """The summed loss after the last update (the network as it ends)."""
        out = self.outputs(self.x, affine)
        return float(np.sum(np.mean((out - self.t) ** 2, axis=0)))

    def learned(self, affine: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """γ, β, w, b (C,) each at the end of training."""
        h = self.with_affine if affine else self.without
        return h.final_gamma, h.final_beta, h.final_next_w, h.final_next_b

    def outputs(self, values, affine: bool) -> np.ndarray:
        """The next layer's output for raw values (n, C), normalized with this batch's μ_B and σ²_B."""
        gamma, beta, w, b = self.learned(affine)
        values = np.asarray(values, dtype=np.float64)
        y = batch_norm_forward(values, gamma, beta, EPS, mean=self.mu, var=self.sigma**2)[0]
        return next_layer(NONLINEARITY, y, w, b)[1]

    def peak_outputs(self, channel: int, row: int) -> tuple[float, float, float]:
        """What the next layer gives the value x[row, channel]: (needed t, with γ and β learned, without)."""
        x = self.x[row : row + 1]
        return (
            float(self.t[row, channel]),
            float(self.outputs(x, True)[0, channel]),
            float(self.outputs(x, False)[0, channel]),
        )

    def largest_error(self, affine: bool) -> float:
        """The largest |out - t| over the batch, after training."""
        return float(np.max(np.abs(self.outputs(self.x, affine) - self.t)))


def run(steps: int = STEPS, lr: float = LR, seed: int = SEED) -> PeaksRun:
    """Train both arms on peak_batch(seed) with train, and compute what they are measured against."""
    x = peak_batch(seed)
    t = targets(x)
    mu, _, var = batch_statistics(x)
    arms = [train(full_batch_experiment(x, t, settings(a, steps, lr))) for a in (True, False)]
    gamma_needed, beta_needed = needed(x)
    floor, floor_w, floor_b = best_without_affine(x, t)
    return PeaksRun(x, t, LEVEL, mu, np.sqrt(var), *arms, gamma_needed, beta_needed, floor, floor_w, floor_b)


def switch_curves(result: PeaksRun, points: int = 200) -> dict[str, np.ndarray]:
    """The next layer's output against the raw value, per channel, over each channel's range.

    Returns "x" (points, C), "target" sigmoid(x - θ), "with" and "without" (points, C): the two
    trained networks, normalizing with the batch's own μ_B and σ²_B.
    """
    lo, hi = result.x.min(axis=0), result.x.max(axis=0)
    pad = 0.05 * (hi - lo)
    grid = np.linspace(lo - pad, hi + pad, points)
    return {
        "x": grid,
        "target": targets(grid, result.level),
        "with": result.outputs(grid, True),
        "without": result.outputs(grid, False),
    }
