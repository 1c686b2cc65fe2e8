"""What γ and β do, as numbers: the experiments of the "Drag γ and β" page.

Every output here goes through bnviz.batchnorm (batch_statistics, batch_norm_forward):
y = gamma * (x - mu_B) / sqrt(var_B + eps) + beta, per channel, batch statistics.
A channel of a batch x (N, C, *spatial) is its m = N * prod(spatial) values x[:, c].
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from bnviz.core.activations import NAMES, activate
from bnviz.core.batchnorm import batch_norm_forward, batch_statistics, per_channel, reduce_axes
from bnviz.core.data import ChannelSpec, make_batch
from bnviz.core.validation import check_batch, check_channel_param, check_eps, check_training_batch

EPS = 1e-5


def prepare(x) -> np.ndarray:
    """Validate a batch for BN with batch statistics: float64, finite, > 1 value per channel."""
    x = check_batch(x)
    check_training_batch(x.shape)
    return x


def channel_values(a: np.ndarray, c: int) -> np.ndarray:
    """The m values of channel c of a (N, C, *spatial) array, as one flat (m,) vector."""
    return np.ravel(a[:, c])


# --- what γ and β are --------------------------------------------------------------


def recovery(x, eps: float = EPS) -> tuple[np.ndarray, np.ndarray]:
    """The γ and β that give back the input exactly: gamma = sqrt(var_B + eps), beta = mu_B.

    x: (N, C, *spatial). Returns gamma (C,), beta (C,).
    Then y = sqrt(var + eps) * (x - mu) / sqrt(var + eps) + mu = x: BN is the identity
    on this batch (and only on this batch: another batch has other mu_B, var_B).
    """
    mu, _, var = batch_statistics(prepare(x))
    return np.sqrt(var + check_eps(eps)), mu


def toward_recovery(x, t: float, eps: float = EPS) -> tuple[np.ndarray, np.ndarray]:
    """γ and β a fraction t of the way from the start (1, 0) to the recovery values.

    x: (N, C, *spatial); t in [0, 1]. Returns gamma (C,) = 1 + t * (sqrt(var_B + eps) - 1)
    and beta (C,) = t * mu_B: plain normalization at t = 0, y = x (up to rounding) at t = 1.
    """
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be between 0 (γ = 1, β = 0) and 1 (the identity values); got {t}.")
    gamma_rec, beta_rec = recovery(x, eps)
    return 1.0 + t * (gamma_rec - 1.0), t * beta_rec


# A largest |y − x| below this is float64's rounding: y and x agree (the page's "recovered").
ROUNDING = 1e-9


def recovery_error(x, eps: float = EPS) -> float:
    """The largest |y − x| over the batch x (N, C, *spatial) at the recovering γ = √(σ²_B + ε), β = μ_B:
    0 up to float64's rounding (below ROUNDING), its exact size depending on the batch and the machine."""
    x = prepare(x)
    y = batch_norm_forward(x, *recovery(x, eps), eps)[0]
    return max_abs_difference(y, x)


# What a class may guess gives the input back (the lesson's prediction on /gamma-beta), each γ and β per channel:
# the start (1, 0), the variance for the spread, the recovery, and the normalization's own inverse mixed up.
GUESSES = ("start", "variance", "recover", "inverse")


def guessed(x, guess: str, eps: float = EPS) -> tuple[np.ndarray, np.ndarray]:
    """The γ and β (C,) each of GUESSES sets for the batch x (N, C, *spatial): "start" γ = 1, β = 0;
    "variance" γ = σ²_B, β = μ_B; "recover" γ = √(σ²_B + ε), β = μ_B; "inverse" γ = 1/σ_B, β = −μ_B/σ_B
    (infinite for a constant channel)."""
    mu, _, var = batch_statistics(prepare(x))
    if guess == "start":
        return np.ones_like(mu), np.zeros_like(mu)
    if guess == "variance":
        return var, mu
    if guess == "recover":
        return recovery(x, eps)
    if guess == "inverse":
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 / np.sqrt(var), -mu / np.sqrt(var)
    raise ValueError(f"guess must be one of {', '.join(GUESSES)}; got {guess!r}.")


def guess_errors(x, eps: float = EPS) -> dict[str, float]:
    """For each of GUESSES, the largest |y − x| over the batch x (N, C, *spatial) when BN uses its γ and β:
    below ROUNDING for the guess that gives the input back (infinite where a guess has no finite γ, β)."""
    x = prepare(x)
    errors = {}
    for guess in GUESSES:
        gamma, beta = guessed(x, guess, eps)
        finite = np.isfinite(gamma).all() and np.isfinite(beta).all()
        errors[guess] = max_abs_difference(batch_norm_forward(x, gamma, beta, eps)[0], x) if finite else np.inf
    return errors


@dataclass(frozen=True)
class ChannelSummary:
    """Per channel (C,): the batch statistics, the recovery γ and β, and the slider ranges; and the
    recovery's largest |y − x| over the batch (recovery_error)."""

    mu: np.ndarray
    var: np.ndarray
    gamma_rec: np.ndarray
    beta_rec: np.ndarray
    ranges: list
    recovery_error: float


def channel_summary(x, eps: float = EPS) -> ChannelSummary:
    """What the page needs to know about a batch x (N, C, *spatial) before any γ, β is set."""
    mu, _, var = batch_statistics(prepare(x))
    gamma_rec, beta_rec = recovery(x, eps)
    return ChannelSummary(mu, var, gamma_rec, beta_rec, slider_ranges(mu, var, eps), recovery_error(x, eps))


def max_abs_difference(a, b) -> float:
    """The largest |a - b| over every value (the sup distance); a and b of one shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"Compare arrays of one shape; got {a.shape} and {b.shape}.")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def wasserstein_1(a, b) -> float:
    """1-Wasserstein distance between two samples of equal size: mean |sort(a) - sort(b)|.

    a, b: any shape, flattened, same number of values. It is the average distance each
    value of one distribution must travel to become the other; 0 iff the two samples
    hold the same values (in any order).
    """
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    if a.size != b.size or a.size == 0:
        raise ValueError(f"W1 here compares two non-empty samples of equal size; got {a.size} and {b.size} values.")
    return float(np.mean(np.abs(a - b)))


@dataclass(frozen=True)
class Readout:
    """Per channel (C,): what the output y is, and how far it is from the input x.

    mean, std: of y over the channel's m values (std is the population one, / m, like var_B).
    x_hat_std = sqrt(var_B / (var_B + eps)), the standard deviation of x_hat: just below 1
    because of eps, and 0 for a constant channel.
    predicted_mean = beta; predicted_std = |gamma| * x_hat_std.
    max_abs_diff: largest |y - x| in the channel; w1: 1-Wasserstein distance of y and x.
    """

    mu: np.ndarray
    var: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    x_hat_std: np.ndarray
    predicted_mean: np.ndarray
    predicted_std: np.ndarray
    max_abs_diff: np.ndarray
    w1: np.ndarray

    @property
    def batch_max_abs_diff(self) -> float:
        """The largest |y - x| over the whole batch, every channel."""
        return float(np.max(self.max_abs_diff))


def output_readout(x, gamma, beta, eps: float = EPS, x_sorted=None) -> tuple[np.ndarray, np.ndarray, Readout]:
    """Run BN on x with the given γ, β and measure its output against the input.

    x: (N, C, *spatial); gamma, beta: (C,) or scalars.
    x_sorted: optional (C, m) array of each channel's values already sorted (a cache: x does
    not change while γ and β are dragged).
    Returns y and x_hat (shape of x) and a Readout.
    """
    x = prepare(x)
    c = x.shape[1]
    gamma = check_channel_param(gamma, c, "gamma")
    beta = check_channel_param(beta, c, "beta")
    eps = check_eps(eps)
    y, cache, (mu, var) = batch_norm_forward(x, gamma, beta, eps)
    axes = reduce_axes(x.ndim)
    mean = y.mean(axis=axes)
    std = np.sqrt(np.mean((y - per_channel(mean, y.ndim)) ** 2, axis=axes))
    if x_sorted is None:
        x_sorted = sorted_channels(x)
    if np.all(gamma >= 0):
        # With gamma >= 0, BN maps each channel by an increasing function, and its statistics
        # ignore the order of the values: so the sorted output is BN of the sorted input, one
        # forward pass instead of a sort of every output value.
        y_sorted = batch_norm_forward(x_sorted.T, gamma, beta, eps)[0].T
    else:
        y_sorted = sorted_channels(y)
    x_hat_std = np.sqrt(np.divide(var, var + eps, out=np.zeros_like(var), where=var + eps > 0))
    return (
        y,
        cache.x_hat,
        Readout(
            mu=mu,
            var=var,
            gamma=gamma,
            beta=beta,
            mean=mean,
            std=std,
            x_hat_std=x_hat_std,
            predicted_mean=beta,
            predicted_std=np.abs(gamma) * x_hat_std,
            max_abs_diff=np.max(np.abs(y - x), axis=axes),
            w1=np.mean(np.abs(y_sorted - x_sorted), axis=1),
        ),
    )


def sorted_channels(a: np.ndarray) -> np.ndarray:
    """(C, m): each channel's m values in increasing order (for the W1 distance)."""
    return np.sort(np.moveaxis(a, 1, 0).reshape(a.shape[1], -1), axis=1)


# --- slider ranges chosen from the batch ------------------------------------------------

_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(v: float) -> float:
    """The smallest 'round' number ≥ v (1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten); v > 0.

    "≥" up to one part in a million, so that 2 * sqrt(1600 + eps) = 80.0000003 gives 80.
    """
    power = 10.0 ** np.floor(np.log10(v))
    return float(next(m * power for m in _MANTISSAS if m * power >= v * (1 - 1e-6)))


def nice_step(v: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is ≤ v; v > 0."""
    power = 10.0 ** np.floor(np.log10(v))
    return float(max(m * power for m in (1.0, 2.0, 5.0) if m * power <= v * (1 + 1e-12)))


@dataclass(frozen=True)
class SliderRange:
    """The range and step of one channel's γ and β sliders."""

    gamma_max: float
    gamma_step: float
    beta_max: float  # β runs over [-beta_max, beta_max]
    beta_step: float


def slider_ranges(mu, var, eps: float = EPS) -> list[SliderRange]:
    """One SliderRange per channel, wide enough for the recovery values of that channel.

    gamma in [0, nice(max(3, 2 sqrt(var + eps)))], beta in ±nice(max(3, 1.5 |mu|)):
    the default (1, 0), the recovery (sqrt(var + eps), mu) and room around both.
    Steps give ~300 positions, so arrow keys move in small, round steps.
    """
    out = []
    for m, v in zip(np.atleast_1d(mu), np.atleast_1d(var)):
        g = nice_ceil(max(3.0, 2.0 * float(np.sqrt(v + eps))))
        b = nice_ceil(max(3.0, 1.5 * abs(float(m))))
        out.append(SliderRange(g, nice_step(g / 300), b, nice_step(2 * b / 300)))
    return out


def clamp(value: float, lo: float, hi: float) -> float:
    return float(min(max(float(value), lo), hi))


def fit_to_channels(values, channels: int, default: float) -> tuple[float, ...]:
    """Per-channel values for a batch of `channels` channels: keep the first ones, pad with default."""
    values = tuple(float(v) for v in values)[:channels]
    return values + (float(default),) * (channels - len(values))


# --- the target exercise ----------------------------------------------------------------

TARGET_STEP = 0.05  # the exercise sliders' step: a target on this grid can be hit exactly


@dataclass(frozen=True)
class Target:
    """A target output gamma * x_hat + beta: its mean is beta, its spread gamma (times std of x_hat)."""

    gamma: float
    beta: float


def draw_target(seed: int) -> Target:
    """A target with gamma in [0.5, 3] and beta in [-3, 3] on the 0.05 grid, away from (1, 0)."""
    rng = np.random.default_rng([int(seed), 5])
    while True:
        gamma = round(rng.uniform(0.5, 3.0) / TARGET_STEP) * TARGET_STEP
        beta = round(rng.uniform(-3.0, 3.0) / TARGET_STEP) * TARGET_STEP
        if abs(gamma - 1.0) >= 0.3 or abs(beta) >= 0.8:  # not already solved at the start
            return Target(round(gamma, 2), round(beta, 2))


def closeness(y, target) -> float:
    """How well the sample y matches the sample target, from 0 (far) to 1 (identical).

    closeness = max(0, 1 - W1(y, target) / s), with s the target's standard deviation
    (1 if it is 0): 1 when the values coincide, 0 when they are on average a whole
    target spread apart.
    """
    s = float(np.std(target))
    return max(0.0, 1.0 - wasserstein_1(y, target) / (s if s > 0 else 1.0))


# --- why not stay at mean 0, variance 1? --------------------------------------------------

NONLINEARITIES = NAMES
LINEAR_TOLERANCE = 0.05  # of the output range: how far from its tangent a curve may stray


def nonlinearity(name: str, z) -> np.ndarray:
    """sigmoid 1 / (1 + e^-z), tanh, or ReLU max(0, z), elementwise (bnviz.core.activations)."""
    return activate(name, z)


def _tangent_gap(name: str, z: float) -> float:
    """How far f(z) is from f's tangent line at 0, as a share of f's output range."""
    if name == "sigmoid":  # tangent 1/2 + z/4, range (0, 1)
        return abs(float(nonlinearity(name, z)) - 0.5 - z / 4)
    return abs(float(nonlinearity(name, z)) - z) / 2  # tanh: tangent z, range (-1, 1)


def linear_region(name: str) -> tuple[float, float]:
    """The inputs where the nonlinearity is nearly linear, as an interval [lo, hi].

    sigmoid and tanh: the z where f stays within LINEAR_TOLERANCE (5 %) of its output range
    of its tangent line at z = 0 (the gap grows with |z|, so this is [-a, a]).
    ReLU: z ≥ 0, where ReLU(z) = z exactly (below 0 it outputs 0 whatever z is).
    """
    if name == "ReLU":
        return 0.0, float("inf")
    nonlinearity(name, 0.0)  # validates the name
    lo, hi = 0.0, 10.0
    for _ in range(80):  # bisection on the increasing gap
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _tangent_gap(name, mid) <= LINEAR_TOLERANCE else (lo, mid)
    return -lo, lo


def share_in_linear_region(z, name: str) -> float:
    """The share of the values z that fall in the nonlinearity's nearly linear region."""
    lo, hi = linear_region(name)
    z = np.ravel(z)
    return float(np.mean((z >= lo) & (z <= hi))) if z.size else 0.0


def standardized(values, gamma: float, beta: float, eps: float = EPS) -> tuple[np.ndarray, np.ndarray]:
    """One channel through BN: x_hat and z = gamma * x_hat + beta, both (m,).

    values: (m,) the channel's values.
    """
    x = prepare(np.reshape(values, (-1, 1)))
    z, cache, _ = batch_norm_forward(x, np.array([float(gamma)]), np.array([float(beta)]), check_eps(eps))
    return np.ravel(cache.x_hat), np.ravel(z)


# --- only two numbers change --------------------------------------------------------------

SHAPES = ("skewed", "bimodal", "relu", "heavy-tailed")


def shape_example(dist: str, n: int = 2000, seed: int = 3) -> np.ndarray:
    """One channel of n values, mean 5 and spread 2 before any ReLU, of a named shape: (n,)."""
    return make_batch([ChannelSpec(dist, 5.0 if dist != "relu" else 0.5, 2.0)], n, seed=seed)[:, 0]


def shape_statistics(values) -> dict[str, float]:
    """Mean, standard deviation (/ m), skewness and excess kurtosis of a sample (m,).

    skewness = E[(v - mean)^3] / std^3; excess kurtosis = E[(v - mean)^4] / std^4 - 3
    (0 for a normal distribution). A constant sample has skewness and kurtosis 0 here.
    """
    v = np.ravel(np.asarray(values, dtype=np.float64))
    mean = v.mean()
    d = v - mean
    var = np.mean(d * d)
    std = np.sqrt(var)
    if var == 0:
        return {"mean": float(mean), "std": 0.0, "skewness": 0.0, "excess kurtosis": 0.0}
    return {
        "mean": float(mean),
        "std": float(std),
        "skewness": float(np.mean(d**3) / std**3),
        "excess kurtosis": float(np.mean(d**4) / var**2 - 3.0),
    }


def normal_quantiles(probs) -> np.ndarray:
    """Quantiles of the standard normal distribution at the given probabilities in (0, 1)."""
    inv = NormalDist().inv_cdf
    return np.array([inv(float(p)) for p in np.ravel(probs)])


QUANTILE_PROBS = np.linspace(0.01, 0.99, 99)


def quantile_comparison(values, eps: float = EPS, probs=QUANTILE_PROBS) -> dict[str, np.ndarray]:
    """Quantiles of a channel x, of its BN output x_hat, and of a standard normal, at probs.

    values: (m,). Returns probs, x, x_hat, normal (each (len(probs),)) and the largest gap
    between the x_hat quantiles and the affine map (q_x - mu) / sqrt(var + eps) of the
    x quantiles: ~1e-15, because BN is an increasing affine map per channel and
    quantiles move with it. The gap to the normal quantiles is the shape BN keeps.
    """
    x_hat, _ = standardized(values, 1.0, 0.0, eps)
    mu, _, var = batch_statistics(np.reshape(np.asarray(values, dtype=np.float64), (-1, 1)))
    q_x = np.quantile(values, probs)
    q_x_hat = np.quantile(x_hat, probs)
    affine = (q_x - mu[0]) / np.sqrt(var[0] + eps)
    return {
        "probs": np.asarray(probs, dtype=np.float64),
        "x": q_x,
        "x_hat": q_x_hat,
        "normal": normal_quantiles(probs),
        "affine_gap": np.array(np.max(np.abs(q_x_hat - affine))),
    }


# --- do γ and β replace W and b? ---------------------------------------------------------

LINEAR_INPUTS = ("skewed", "bimodal")  # two input features with different shapes


def linear_inputs(n: int = 1000, seed: int = 7) -> np.ndarray:
    """u: (n, 2), two input features of a linear layer (a skewed one and a two-bump one)."""
    return make_batch([ChannelSpec(d, 0.0, 1.0) for d in LINEAR_INPUTS], n, seed=seed)


def weights(scale: float, angle_deg: float) -> np.ndarray:
    """w (2,) = scale * (cos θ, sin θ): its length and its direction as separate knobs."""
    t = np.deg2rad(float(angle_deg))
    return float(scale) * np.array([np.cos(t), np.sin(t)])


def linear_then_bn(
    u, w, b: float, gamma: float = 1.0, beta: float = 0.0, eps: float = EPS
) -> tuple[np.ndarray, np.ndarray]:
    """One unit z = u @ w + b (u (n, k), w (k,)) followed by BN: returns z (n,) and y (n,)."""
    u = check_batch(u, name="u")
    w = check_channel_param(w, u.shape[1], "w")
    z = u @ w + float(b)
    y, _, _ = batch_norm_forward(prepare(z[:, None]), np.array([float(gamma)]), np.array([float(beta)]), check_eps(eps))
    return z, y[:, 0]


@dataclass(frozen=True)
class LinearEffects:
    """How much each knob changes the BN output y = γ·BN(w·u + b) + β, as max |Δy| over the batch.

    b: y at this b against y at b = 0 (the rest the same).
    scale: y with w against y with w / |w| (same direction, b = 0).
    direction: y with w / |w| against y with the reference direction (length 1, b = 0).
    gamma: y with this γ against y with γ = 1 (same β); beta: y with this β against β = 0 (γ = 1).
    """

    b: float
    scale: float
    direction: float
    gamma: float = 0.0
    beta: float = 0.0


def linear_effects(
    u,
    scale: float,
    angle_deg: float,
    b: float,
    reference_angle_deg: float,
    gamma: float = 1.0,
    beta: float = 0.0,
    eps: float = EPS,
) -> LinearEffects:
    """Split the change of y = γ·BN(w·u + b) + β into the parts due to b, |w|, w's direction, γ and β."""
    w = weights(scale, angle_deg)
    _, y = linear_then_bn(u, w, b, gamma, beta, eps=eps)
    _, y_no_b = linear_then_bn(u, w, 0.0, gamma, beta, eps=eps)
    _, y_unit = linear_then_bn(u, weights(1.0, angle_deg), 0.0, gamma, beta, eps=eps)
    _, y_ref = linear_then_bn(u, weights(1.0, reference_angle_deg), 0.0, gamma, beta, eps=eps)
    _, y_gamma_1 = linear_then_bn(u, weights(1.0, reference_angle_deg), 0.0, 1.0, beta, eps=eps)
    _, y_plain = linear_then_bn(u, weights(1.0, reference_angle_deg), 0.0, eps=eps)
    return LinearEffects(
        b=max_abs_difference(y, y_no_b),
        scale=max_abs_difference(y_no_b, y_unit),
        direction=max_abs_difference(y_unit, y_ref),
        gamma=max_abs_difference(y_ref, y_gamma_1),
        beta=max_abs_difference(y_gamma_1, y_plain),
    )


# --- and the next layer's W and b: can they stand in for γ and β? ----------------------------

# What lies between BN's output y and the next layer out = w′·h + b′: nothing (h = y) or a sigmoid.
BETWEEN = ("nothing", "sigmoid")


def between(name: str, y) -> np.ndarray:
    """h: y itself (nothing between BN and the next layer) or sigmoid(y), elementwise."""
    if name == "nothing":
        return np.asarray(y, dtype=np.float64)
    if name in BETWEEN:
        return nonlinearity(name, y)
    raise ValueError(f"between BN and the next layer: one of {', '.join(BETWEEN)}; got {name!r}.")


@dataclass(frozen=True)
class Chain:
    """One unit from its inputs to the next layer, every stage (n,):

        z = u·w + b  ->  x_hat = (z - mu_B) / sqrt(var_B + eps)  ->  y = gamma * x_hat + beta
          ->  h = y or sigmoid(y)  ->  out = w_next * h + b_next

    alone: the next layer's best stand-in for γ and β, out_alone = w_alone * h_plain + b_alone with
    h_plain = h at γ = 1, β = 0 and (w_alone, b_alone) the least-squares fit of out (n,). With nothing
    between, w_alone = w_next·γ and b_alone = w_next·β + b_next reproduce out exactly; through a sigmoid
    no pair does, but at γ = 1, β = 0 and at γ = 0 (every y on one point of the curve: b_alone matches it).
    gap = max |out - out_alone|.
    """

    between: str
    z: np.ndarray
    x_hat: np.ndarray
    y: np.ndarray
    out: np.ndarray
    out_alone: np.ndarray
    w_alone: float
    b_alone: float
    gap: float


def chain(
    u,
    w,
    b: float,
    gamma: float,
    beta: float,
    between_name: str = "nothing",
    w_next: float = 1.0,
    b_next: float = 0.0,
    eps: float = EPS,
) -> Chain:
    """Run the unit of linear_then_bn on to the next layer, and fit that layer alone (γ = 1, β = 0) to it."""
    z, y = linear_then_bn(u, w, b, gamma, beta, eps)
    _, x_hat = linear_then_bn(u, w, b, 1.0, 0.0, eps)
    out = float(w_next) * between(between_name, y) + float(b_next)
    design = np.stack([between(between_name, x_hat), np.ones_like(x_hat)], axis=1)
    (w_alone, b_alone), *_ = np.linalg.lstsq(design, out, rcond=None)
    out_alone = design @ (w_alone, b_alone)
    return Chain(
        between_name, z, x_hat, y, out, out_alone, float(w_alone), float(b_alone), max_abs_difference(out, out_alone)
    )
