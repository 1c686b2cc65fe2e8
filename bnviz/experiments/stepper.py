"""The experiments of the /steps page besides the steps themselves: the numbers of a worked
step, running statistics after k training batches, and what each kind of normalization
averages together. Numbers in, numbers out; their wording is content.steps.

The steps come from bnviz.core.steps.batch_norm_steps and are never recomputed here: the worked
values read their inputs (x, mu, var, gamma, beta) and their results from the Step arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.norms import norm_statistics
from bnviz.core.steps import Step
from bnviz.core.validation import check_batch
from bnviz.numbers import places

# The array each step starts from ("x" is the input itself): the "before" of its figure.
STEP_INPUT = {
    "mean": "x",
    "centre": "x",
    "var": "centre",
    "std": "centre",
    "normalize": "centre",
    "scale": "normalize",
    "shift": "scale",
}

RESAMPLE_STREAM = 7919  # the random stream, default_rng([seed, 7919]), that resamples a batch given as data

# ----------------------------------------------------------------------- worked numbers


def sample_elements(shape: tuple[int, ...], count: int = 5) -> list[tuple[int, ...]]:
    """Positions (n, *spatial) of a handful of one channel's values, spread over the batch.

    shape: the batch shape (N, C, *spatial). Returns up to `count` index tuples, without the
    channel, in different samples and, for a convolutional batch, at different positions,
    because a channel's statistics pool both.
    """
    n, spatial = shape[0], tuple(shape[2:])
    s = int(np.prod(spatial, dtype=np.int64))
    k = min(count, n * s)
    samples = np.linspace(0, n - 1, k).round().astype(int)
    positions = ((2 * np.arange(k) + 1) * s) // (2 * k)
    pairs = sorted(set(zip(samples.tolist(), positions.tolist())))
    if len(pairs) < k:  # a tiny batch: evenly spaced in the flat (sample, position) order
        pairs = [divmod(int(f), s) for f in np.linspace(0, n * s - 1, k).round()]
    return [(i,) + tuple(int(v) for v in np.unravel_index(p, spatial)) for i, p in pairs]


def _at(array: np.ndarray, where: tuple[int, ...], channel: int) -> float:
    return float(array[(where[0], channel) + tuple(where[1:])])


def uses_running_statistics(steps: list[Step]) -> bool:
    """True for steps computed with given (running) statistics, i.e. eval mode."""
    return steps[0].name.startswith("Running")


@dataclass(frozen=True)
class WorkedValues:
    """The numbers of one step for one channel, read from the steps (nothing recomputed).

    key: the step; running: eval mode (the statistics were given, not computed).
    values: (m,) every value of the channel, x[:, channel] flattened.
    mu, var, std: the statistics the steps used; gamma, beta: the channel's.
    where: up to `count` positions (n, *spatial) from sample_elements, [] for a step without
      per-value arithmetic (std, and the running statistics, read from the layer).
    x, centre, x_hat, scale, y: (len(where),) each array of the forward pass at those positions.
    result: (len(where),) the step's own number for each value: x/m for the mean (each value's
      share of the sum), (x − μ)² for the variance, else the step's array.
    """

    key: str
    channel: int
    running: bool
    values: np.ndarray
    mu: float
    var: float
    std: float
    gamma: float
    beta: float
    where: list[tuple[int, ...]]
    x: np.ndarray
    centre: np.ndarray
    x_hat: np.ndarray
    scale: np.ndarray
    y: np.ndarray
    result: np.ndarray


def worked_values(x, steps: list[Step], index: int, channel: int, gamma, beta, count: int = 5) -> WorkedValues:
    """The numbers the arithmetic of step `index` shows for a few values of one channel.

    x: the batch (N, C, *spatial) the steps were computed from.
    steps: batch_norm_steps(x, gamma, beta, eps[, mean, var]); every number is read from them.
    gamma, beta: (C,) or scalars, as given to batch_norm_steps.
    """
    x = np.asarray(x, dtype=float)
    a = {s.key: s.array for s in steps} | {"x": x}
    key, c = steps[index].key, channel
    running = uses_running_statistics(steps)
    values = x[:, c].ravel()
    # std has no per-value arithmetic; running statistics are read, not computed from these values.
    has_rows = key != "std" and not (key in ("mean", "var") and running)
    where = sample_elements(x.shape, count) if has_rows else []
    at = {k: np.array([_at(a[k], w, c) for w in where]) for k in ("x", "centre", "normalize", "scale", "shift")}
    result = {"mean": at["x"] / values.size, "var": at["centre"] ** 2}.get(key, at.get(key, np.array([])))
    return WorkedValues(
        key=key,
        channel=c,
        running=running,
        values=values,
        mu=float(a["mean"][c]),
        var=float(a["var"][c]),
        std=float(a["std"][c]),
        gamma=float(np.broadcast_to(gamma, (x.shape[1],))[c]),
        beta=float(np.broadcast_to(beta, (x.shape[1],))[c]),
        where=where,
        x=at["x"],
        centre=at["centre"],
        x_hat=at["normalize"],
        scale=at["scale"],
        y=at["shift"],
        result=result,
    )


# ------------------------------------------------------------------- one rounding per quantity


def statistic_places(mu, var, std=None) -> dict[str, int]:
    """The decimals of a set of means, variances and standard deviations, one number each for all of them
    (bnviz.numbers.places): a mean to its block's spread √var (its own size for a constant block, 1 for a
    constant block at 0), a variance and a standard deviation to their own sizes.

    mu, var: the same shape, one pair per channel or per pooled block; std: their √(var + ε), default √var.
    Returns {"mean": int, "var": int, "std": int}.
    """
    mu, var = np.ravel(np.asarray(mu, dtype=float)), np.ravel(np.asarray(var, dtype=float))
    spread = np.sqrt(np.maximum(var, 0.0))
    std = spread if std is None else np.ravel(np.asarray(std, dtype=float))
    scale = np.where(spread > 0, spread, np.where(mu != 0, np.abs(mu), 1.0))
    return {"mean": places(scale), "var": places(var), "std": places(std)}


def step_places(batch_steps: list[Step], gamma=1.0) -> dict[str, int]:
    """The decimals /steps writes each quantity with, the same for every channel and wherever it appears
    (the step's figure, the worked numbers, the tables, the sentences and the PyTorch snippet's prints).

    batch_steps: batch_norm_steps with the batch's own statistics (eval mode's running statistics are
    written with the decimals of the batch's own, which they estimate and stand beside).
    gamma: the γ in use, scalar or (C,).
    Keyed by the arrays' and steps' keys: "x", "mean" and "centre" to the channels' spreads; "var";
    "std"; "normalize" 2 (x̂ has variance 1); "scale" and "shift" to |γ| (y = γ·x̂ + β spreads by γ).
    """
    a = {s.key: s.array for s in batch_steps}
    stats = statistic_places(a["mean"], a["var"], a["std"])
    y = places(np.abs(np.ravel(gamma)))
    return {
        "x": stats["mean"],
        "mean": stats["mean"],
        "centre": stats["mean"],
        "var": stats["var"],
        "std": stats["std"],
        "normalize": 2,
        "scale": y,
        "shift": y,
    }


# ------------------------------------------------------------------- running statistics


@dataclass(frozen=True)
class RunningHistory:
    """Running statistics of a BatchNorm layer after each of k training batches.

    running_mean, running_var: (k + 1, C); row j is after j batches (row 0: 0 and 1, the
      initial values). batch_mean, batch_var: (k, C), each training batch's own statistics.
    """

    running_mean: np.ndarray
    running_var: np.ndarray
    batch_mean: np.ndarray
    batch_var: np.ndarray
    momentum: float


def _mini_batches(x: np.ndarray, specs, seed: int, count: int):
    """`count` mini-batches like x: drawn from specs, or resampled from x's own samples.

    With specs, batch i uses seed `seed + 1 + i`, the batches /batch would draw next. A
    convolutional batch is drawn as its N·H·W values per channel, laid out as (N·H·W, C):
    BatchNorm pools exactly those values for each channel, so its statistics are the same,
    and skipping the image layout makes long training runs fast.
    """
    n = x.shape[0]
    m = n * int(np.prod(x.shape[2:], dtype=np.int64))
    if specs is not None:
        from bnviz.core.data import make_batch

        for i in range(count):
            yield make_batch(specs, m, None, seed=seed + 1 + i)
    else:
        rng = np.random.default_rng([int(seed), RESAMPLE_STREAM])
        for _ in range(count):
            yield x[rng.integers(0, n, size=n)]


def running_statistics(batches, channels: int, momentum: float = 0.1) -> RunningHistory:
    """Train one BatchNorm(channels) layer on the batches in order and record its running statistics.

    batches: an iterable of (N, C, *spatial) arrays, C = channels (none: the initial values only).
    Update rule (PyTorch): running = (1 - momentum) * running + momentum * batch statistic,
    with the unbiased batch variance, from running_mean = 0 and running_var = 1.
    """
    bn = BatchNorm(channels, momentum=momentum).train()
    means, variances = [bn.running_mean.copy()], [bn.running_var.copy()]
    batch_mean, batch_var = [], []
    for mini in batches:
        bn(mini)
        means.append(bn.running_mean.copy())
        variances.append(bn.running_var.copy())
        batch_mean.append(bn.last_batch_mean)
        batch_var.append(bn.last_batch_var)
    return RunningHistory(
        np.array(means),
        np.array(variances),
        np.array(batch_mean).reshape(-1, channels),
        np.array(batch_var).reshape(-1, channels),
        float(momentum),
    )


def running_history(x, specs, seed: int, batches: int, momentum: float = 0.1) -> RunningHistory:
    """Train a BatchNorm layer on `batches` mini-batches like x and record its running statistics.

    x: the learner's batch (N, C, *spatial); specs: its channel distributions (None for a
    batch given as data: mini-batches are then resampled from its samples, with replacement).
    The layer and its update rule: running_statistics.
    """
    x = np.asarray(x, dtype=float)
    if isinstance(batches, bool) or not isinstance(batches, (int, np.integer)) or batches < 0:
        raise ValueError(f"The number of training batches must be a whole number ≥ 0; got {batches!r}.")
    return running_statistics(_mini_batches(x, specs, seed, batches), x.shape[1], momentum)


def initial_weight(momentum: float, batches: int) -> float:
    """How much the initial running values (mean 0, variance 1) still weigh after k batches: (1 − m)^k."""
    return (1.0 - momentum) ** batches


def normalized_moments(steps: list[Step], channel: int) -> tuple[float, float]:
    """Mean and variance of x̂ in one channel; with the running statistics (eval mode) they are
    0 and 1 only as far as those match the batch.

    steps: batch_norm_steps, with the running statistics (mean=, var=) or without.
    """
    x_hat = steps[4].array[:, channel]
    return float(x_hat.mean()), float(x_hat.var())


def skewness_before_after(x, steps: list[Step], channel: int) -> tuple[float, float]:
    """The sample skewness of one channel of x and of its x̂ (the normalize step): BN subtracts one number
    and divides by another, a positive affine map, which keeps the skewness (up to float64's rounding).

    x: the batch (N, C, *spatial); steps: batch_norm_steps of x. Skewness: gamma_beta.shape_statistics.
    """
    from bnviz.experiments.gamma_beta import shape_statistics

    before = shape_statistics(np.asarray(x, dtype=float)[:, channel])["skewness"]
    after = shape_statistics(steps[4].array[:, channel])["skewness"]
    return before, after


CLOSE = 0.25  # eval mode's x̂ is "close" to mean 0 and variance 1 within this much of each


def eval_closeness(mean: float, var: float, close: float = CLOSE) -> str:
    """How near x̂'s mean and variance (normalized_moments) come to training's 0 and 1: "exact" when both
    round to them at two decimals (as the page writes them), "close" within `close` of each, else "far"."""
    if abs(mean) < 0.005 and abs(var - 1.0) < 0.005:
        return "exact"
    if abs(mean) <= close and abs(var - 1.0) <= close:
        return "close"
    return "far"


def running_gap(running_mean, running_var, batch_mean, batch_var) -> tuple[np.ndarray, np.ndarray]:
    """Per channel, (C,) each: how far the running statistics are from this batch's.

    gap: |running_mean − batch mean| / batch std, NaN for a constant channel;
    ratio: running_var / batch variance, NaN when the batch variance is 0.
    """
    batch_std = np.sqrt(batch_var)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(batch_std > 0, np.abs(running_mean - batch_mean) / batch_std, np.nan)
        ratio = np.where(batch_var > 0, running_var / batch_var, np.nan)
    return gap, ratio


# ------------------------------------------------------------ what is averaged together


def groups_choices(channels: int) -> list[int]:
    """The group counts GroupNorm accepts for C channels: the divisors of C."""
    return [g for g in range(1, channels + 1) if channels % g == 0]


@dataclass(frozen=True)
class NormPair:
    """One mean/variance pair a normalization computes, and the block of values it pools.

    sample: the sample it belongs to (None: every sample, BatchNorm); channels: the first and
    last channel pooled (None: every channel, LayerNorm); count: values averaged; mine: the
    pair that x[sample, channel] uses.
    """

    sample: int | None
    channels: tuple[int, int] | None
    count: int
    mean: float
    var: float
    mine: bool


def norm_pairs(
    x, kind: str, groups: int | None = None, sample: int = 0, channel: int = 0, max_rows: int = 12
) -> tuple[list[NormPair], int]:
    """The first max_rows mean/variance pairs that `kind` computes on x (always including the
    pair x[sample, channel] uses, last if it is not among the first), and the number of pairs.

    x: (N, C, *spatial). Raises bnviz.norms' ValueError when the kind does not apply to x.
    """
    x = check_batch(x)  # a batch checked where it entered is not looked at again
    mu, var = norm_statistics(x, kind, groups)
    n, c = x.shape[:2]
    s = int(np.prod(x.shape[2:], dtype=np.int64))
    if kind == "batch":
        keys = [(None, ch) for ch in range(c)]
        mine = (None, channel)
    elif kind == "layer":
        keys = [(i, None) for i in range(n)]
        mine = (sample, None)
    elif kind == "instance":
        keys = [(i, ch) for i in range(n) for ch in range(c)]
        mine = (sample, channel)
    else:
        keys = [(i, g) for i in range(n) for g in range(groups)]
        mine = (sample, channel // (c // groups))
    total = len(keys)
    chosen = keys[: max_rows - 1] + ([mine] if mine not in keys[: max_rows - 1] else keys[max_rows - 1 : max_rows])
    pairs = []
    for i, j in chosen:
        if kind == "batch":
            channels, count, m_, v_ = (j, j), n * s, mu[j], var[j]
        elif kind == "layer":
            channels, count, m_, v_ = None, c * s, mu[i], var[i]
        elif kind == "instance":
            channels, count, m_, v_ = (j, j), s, mu[i, j], var[i, j]
        else:
            size = c // groups
            channels, count, m_, v_ = (j * size, (j + 1) * size - 1), size * s, mu[i, j], var[i, j]
        pairs.append(NormPair(i, channels, count, float(m_), float(v_), (i, j) == mine))
    return pairs, total
