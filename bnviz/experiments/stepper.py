"""What the /steps page shows besides the steps themselves: worked numbers, running
statistics after k training batches, and what each kind of normalization averages together.

The steps come from bnviz.steps.batch_norm_steps and are never recomputed here: the worked
numbers read their inputs (x, mu, var, gamma, beta) and their results from the Step arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.norms import KINDS, norm_statistics
from bnviz.core.steps import Step
from bnviz.numbers import decimals, eps_text, fixed, operand

KIND_NAMES = {"batch": "BatchNorm", "layer": "LayerNorm", "instance": "InstanceNorm", "group": "GroupNorm"}

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
# How a learner names each array, in plain text.
ARRAY_LABEL = {"x": "x", "centre": "x − μ", "normalize": "x̂", "scale": "γ·x̂", "shift": "y = γ·x̂ + β"}

# One or two sentences per step: what it does and why. Eval mode replaces mean and var.
EXPLAIN = {
    "mean": (
        "Average this channel's values: every sample of the mini-batch, at every position. "
        "One number per channel, recomputed for every mini-batch; nothing here is learned."
    ),
    "centre": (
        "Subtract the channel's mean from each of its values: the whole distribution slides "
        "until it is centred on 0. Its shape and spread do not change."
    ),
    "var": (
        "Average the squared distances to the mean (divide by m, as PyTorch does to normalize): "
        "one number per channel that says how spread out the channel is."
    ),
    "std": (
        "The square root brings the spread back to the units of x. ε = 1e-5 keeps the division "
        "safe when a channel barely varies (a dead channel has σ² = 0)."
    ),
    "normalize": (
        "Divide the centred values by the standard deviation: every channel now has mean 0 and "
        "variance 1 (up to ε), whatever its scale was before."
    ),
    "scale": (
        "Multiply by γ, a learned parameter, one per channel: the network chooses the spread it "
        "wants this channel to have."
    ),
    "shift": (
        "Add β, also learned, one per channel: the network chooses the mean. With γ = √(σ² + ε) "
        "and β = μ, y gives back x exactly; training moves γ and β only if that lowers the loss."
    ),
}
EXPLAIN_EVAL = {
    "centre": (
        "Subtract the running mean. The distribution is centred on 0 only as far as this batch's own "
        "mean matches the running mean: compare the two means in the figure."
    ),
    "normalize": (
        "Divide by the running standard deviation. Unlike in training, the result has mean 0 and "
        "variance 1 only as far as the running statistics match this batch: the figure shows how close it comes."
    ),
    "mean": (
        "Eval mode: the mean is not computed from this batch. It is running_mean, an average of "
        "the batch means seen during training, kept fixed so that one input gives one output."
    ),
    "var": (
        "Eval mode: the variance is not computed from this batch either. It is running_var, an "
        "average of the (unbiased) batch variances seen during training."
    ),
}


def explanation(key: str, eval_mode: bool = False, gamma: float = 1.0, beta: float = 0.0) -> str:
    """The sentences the page shows under a step's formula (γ, β: the values in use)."""
    text = EXPLAIN_EVAL.get(key, EXPLAIN[key]) if eval_mode else EXPLAIN[key]
    if key == "scale" and gamma == 1:
        text += " With γ = 1, its value before training, this step changes nothing: set another γ above."
    if key == "shift" and beta == 0:
        text += " With β = 0, its value before training, this step changes nothing: set another β above."
    return text


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


def element_label(where: tuple[int, ...], channel: int) -> str:
    """NumPy's name for one value: x[12, 1] or x[12, 1, 3, 5]."""
    index = (where[0], channel) + tuple(where[1:])
    return "x[" + ", ".join(str(i) for i in index) + "]"


def _at(array: np.ndarray, where: tuple[int, ...], channel: int) -> float:
    return float(array[(where[0], channel) + tuple(where[1:])])


@dataclass(frozen=True)
class Worked:
    """The numbers of one step for one channel.

    summary: the channel-wide computation (a statistic, or the statistics a value step uses).
    rows: one row per sample value, columns "value" (its NumPy name), "x", "worked" (the
      arithmetic as text) and "result" (the step's own number, unrounded); empty for std.
    """

    summary: str
    rows: pd.DataFrame


def uses_running_statistics(steps: list[Step]) -> bool:
    """True for steps computed with given (running) statistics, i.e. eval mode."""
    return steps[0].name.startswith("Running")


def _list_terms(values: np.ndarray, show) -> str:
    """'a + b + … + z' over a channel's values (all of them when there are at most four)."""
    if values.size <= 4:
        return " + ".join(show(v) for v in values)
    return f"{show(values[0])} + {show(values[1])} + … + {show(values[-1])}"


def worked_numbers(
    x, steps: list[Step], index: int, channel: int, gamma, beta, eps: float = 1e-5, count: int = 5
) -> Worked:
    """The arithmetic of step `index` for a few values of one channel, as a learner writes it.

    x: the batch (N, C, *spatial) the steps were computed from.
    steps: batch_norm_steps(x, gamma, beta, eps[, mean, var]); every number shown is read
      from them, rounded for display; "result" holds the step's exact value.
    gamma, beta: (C,) or scalars, as given to batch_norm_steps.
    """
    x = np.asarray(x, dtype=float)
    a = {s.key: s.array for s in steps} | {"x": x}
    key, c = steps[index].key, channel
    running = uses_running_statistics(steps)
    mu, var, std = a["mean"][c], a["var"][c], a["std"][c]
    g = float(np.broadcast_to(gamma, (x.shape[1],))[c])
    b = float(np.broadcast_to(beta, (x.shape[1],))[c])
    values = x[:, c].ravel()
    m = values.size
    # Decimals per quantity: the channel's spread for x, the variance's size, γ's size for γ·x̂.
    dx, dv, dy = decimals(values.std() or mu or 1.0), decimals(var or 1.0), max(2, decimals(g or 1.0))
    mu_sym, var_sym = ("μ_run", "σ²_run") if running else ("μ", "σ²")
    root = f"√({fixed(var, dv)} + {eps_text(eps)})"

    if key == "mean" and running:
        summary = f"μ_run = running_mean[{c}] = {fixed(mu, dx)}"
    elif key == "mean":
        summary = f"μ = ({_list_terms(values, lambda v: operand(v, dx))}) / {m} = {fixed(mu, dx)}"
    elif key == "var" and running:
        summary = f"σ²_run = running_var[{c}] = {fixed(var, dv)}"
    elif key == "var":
        squares = _list_terms(values, lambda v: f"({fixed(v, dx)} − {operand(mu, dx)})²")
        summary = f"σ² = ({squares}) / {m} = {fixed(var, dv)}"
    elif key == "std":
        summary = f"√({var_sym} + ε) = {root} = {fixed(std, decimals(std or 1.0))}"
    elif key in ("centre", "normalize"):
        summary = f"{mu_sym} = {fixed(mu, dx)}" + (f", {var_sym} = {fixed(var, dv)}" if key == "normalize" else "")
    elif key == "scale":
        summary = f"γ = {fixed(g, dy)} for channel {c}"
    else:
        summary = f"β = {fixed(b, dy)} for channel {c}"

    def line(w) -> tuple[str, float]:
        """This step's arithmetic for the value at w, and its exact result."""
        xi, xc, xh, sc, y = (_at(a[k], w, c) for k in ("x", "centre", "normalize", "scale", "shift"))
        if key == "mean":  # μ = Σ x_i / m: each value adds x_i / m, whatever its sample or position
            return f"{operand(xi, dx)} / {m} = {fixed(xi / m, decimals((values.std() or abs(mu) or 1.0) / m))}", xi / m
        if key == "centre":
            return f"{fixed(xi, dx)} − {operand(mu, dx)} = {fixed(xc, dx)}", xc
        if key == "var":
            return f"({fixed(xi, dx)} − {operand(mu, dx)})² = {fixed(xc**2, dv)}", xc**2
        if key == "normalize":
            return f"({fixed(xi, dx)} − {operand(mu, dx)}) / {root} = {fixed(xh, 2)}", xh
        if key == "scale":
            return f"{operand(g, dy)} × {operand(xh, 2)} = {fixed(sc, dy)}", sc
        return f"{fixed(sc, dy)} + {operand(b, dy)} = {fixed(y, dy)}", y

    # std has no per-value arithmetic; running statistics are read, not computed from these values.
    has_rows = key != "std" and not (key in ("mean", "var") and running)
    rows = []
    for w in sample_elements(x.shape, count) if has_rows else []:
        worked, result = line(w)
        rows.append({"value": element_label(w, c), "x": fixed(_at(x, w, c), dx), "worked": worked, "result": result})
    return Worked(summary, pd.DataFrame(rows, columns=["value", "x", "worked", "result"]))


def statistic_table(steps: list[Step], index: int, batch_steps: list[Step] | None = None) -> pd.DataFrame:
    """A statistic step's value for every channel; in eval mode next to this batch's own value.

    steps: the steps shown (batch or running statistics); batch_steps: the batch-statistics
    steps of the same batch, given in eval mode only.
    """
    step = steps[index]
    if not step.is_statistic:
        raise ValueError(f"Step {step.key!r} is not a per-channel statistic.")
    table = pd.DataFrame({step.name.lower(): step.array})
    if batch_steps is not None:
        own = batch_steps[index]
        table[f"this batch's {own.name.lower().removeprefix('batch ')}"] = own.array
        table["difference"] = step.array - own.array
    table.index = pd.Index(range(len(step.array)), name="channel")
    return table


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
        rng = np.random.default_rng([int(seed), 7919])
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


def initial_weight_sentence(momentum: float, batches: int) -> str:
    """How much the initial running values (mean 0, variance 1) still weigh after k batches: (1 − m)^k."""
    weight = (1.0 - momentum) ** batches
    return (
        f"With momentum {momentum:g}, each batch moves the running statistics {momentum:.0%} of the way "
        f"to its own. After {batches} batch{'es' if batches != 1 else ''} the starting values (mean 0, "
        f"variance 1) still weigh (1 − {momentum:g})^{batches} = {weight:.3g}; the rest is an average of "
        "the batches seen, recent ones weighing most."
    )


def eval_outcome(steps: list[Step], channel: int) -> str:
    """What eval mode does to this batch's x̂ in one channel: its mean and variance, in words.

    steps: batch_norm_steps with the running statistics (mean=, var=).
    """
    x_hat = steps[4].array[:, channel]
    mean, var = float(x_hat.mean()), float(x_hat.var())
    return (
        f"With the running statistics, this batch's x̂ in channel {channel} has mean {fixed(mean, 2)} and "
        f"variance {fixed(var, 2)}. In training it is exactly 0 and 1 (up to ε), whatever the batch."
    )


def running_vs_batch(running_mean, running_var, batch_mean, batch_var) -> pd.DataFrame:
    """Per channel: the running statistics against this batch's, and how far apart they are.

    "mean gap (in batch stds)": |running_mean − batch mean| / batch std, NaN for a constant
    channel; "variance ratio": running_var / batch variance, NaN when the batch variance is 0.
    """
    batch_std = np.sqrt(batch_var)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(batch_std > 0, np.abs(running_mean - batch_mean) / batch_std, np.nan)
        ratio = np.where(batch_var > 0, running_var / batch_var, np.nan)
    table = pd.DataFrame(
        {
            "batch mean": batch_mean,
            "running mean": running_mean,
            "mean gap (in batch stds)": gap,
            "batch variance": batch_var,
            "running variance": running_var,
            "variance ratio": ratio,
        }
    )
    table.index = pd.Index(range(len(batch_mean)), name="channel")
    return table


def distance_sentence(table: pd.DataFrame, channel: int, batches: int) -> str:
    """In words: how far channel's running statistics are from this batch's (a row of running_vs_batch)."""
    r = table.loc[channel]
    dx = decimals(math.sqrt(r["batch variance"]) or r["batch mean"] or 1.0)
    dv = decimals(r["batch variance"] or 1.0)
    plural = "es" if batches != 1 else ""
    after = "Before any training batch" if batches == 0 else f"After {batches} training batch{plural}"
    text = (
        f"{after}, channel {channel}'s running mean is {fixed(r['running mean'], dx)} against this batch's "
        f"{fixed(r['batch mean'], dx)}"
    )
    if np.isnan(r["mean gap (in batch stds)"]):
        text += " (the channel is constant in this batch)"
    else:
        text += f": {r['mean gap (in batch stds)']:.2f} of the batch's standard deviation apart"
    text += f". Its running variance is {fixed(r['running variance'], dv)} against {fixed(r['batch variance'], dv)}"
    if np.isnan(r["variance ratio"]):
        text += " (0 in this batch: the normalized values are (x − μ_run)/√(σ²_run + ε), not 0)."
    else:
        text += f" ({r['variance ratio']:.2f} times the batch's)."
    return text


# ------------------------------------------------------------ what is averaged together


def groups_choices(channels: int) -> list[int]:
    """The group counts GroupNorm accepts for C channels: the divisors of C."""
    return [g for g in range(1, channels + 1) if channels % g == 0]


def pooled_sentence(
    shape: tuple[int, ...], kind: str, sample: int = 0, channel: int = 0, groups: int | None = None
) -> str:
    """In words: which values share one mean and variance with x[sample, channel], and how many."""
    n, c = shape[:2]
    s = int(np.prod(shape[2:], dtype=np.int64))
    conv = len(shape) > 2
    where = f" × {s} positions" if conv else ""
    at = ", at every position" if conv else ""
    if kind == "batch":
        return (
            f"BatchNorm: channel {channel} gets one mean and one variance, averaged over {n} samples{where} "
            f"= {n * s:,} values: channel {channel} of every sample in the mini-batch{at}. No other channel "
            f"is mixed in; each of the {c} channels gets its own pair, and every sample uses it."
        )
    if kind == "layer":
        return (
            f"LayerNorm: sample {sample} gets one mean and one variance, averaged over its {c} channels{where} "
            f"= {c * s:,} values. No other sample is used, so it works the same for a batch of one; "
            f"each of the {n} samples gets its own pair."
        )
    if kind == "instance":
        return (
            f"InstanceNorm: sample {sample}, channel {channel} gets its own mean and variance, averaged over "
            f"its {s} positions only. No other sample and no other channel is mixed in: {n} × {c} = {n * c:,} pairs."
        )
    if kind == "group":
        size = c // groups
        first = (channel // size) * size
        span = f"channel {first}" if size == 1 else f"channels {first}–{first + size - 1}"
        return (
            f"GroupNorm with {groups} group{'s' if groups != 1 else ''}: sample {sample}, {span} (the group of "
            f"channel {channel}) share one mean and variance, averaged over {size} channel{'s' if size != 1 else ''}"
            f"{where} = {size * s:,} values. Each sample and group gets its own pair: {n} × {groups} = {n * groups:,}."
        )
    raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}.")


def norm_table(
    x, kind: str, groups: int | None = None, sample: int = 0, channel: int = 0, max_rows: int = 12
) -> tuple[pd.DataFrame, int]:
    """One row per mean/variance pair that `kind` computes on x, which values it pools, and its value.

    x: (N, C, *spatial). Returns the first max_rows rows (always including the pair that
    x[sample, channel] uses, marked "●" in column "in diagram") and the total number of pairs.
    Raises bnviz.norms' ValueError when the kind does not apply to x.
    """
    x = np.asarray(x, dtype=float)
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
    rows = []
    for i, j in chosen:
        if kind == "batch":
            samples, channels, count, m_, v_ = f"all {n}", str(j), n * s, mu[j], var[j]
        elif kind == "layer":
            samples, channels, count, m_, v_ = str(i), f"all {c}", c * s, mu[i], var[i]
        elif kind == "instance":
            samples, channels, count, m_, v_ = str(i), str(j), s, mu[i, j], var[i, j]
        else:
            size = c // groups
            channels = f"{j * size}" if size == 1 else f"{j * size}–{(j + 1) * size - 1}"
            samples, count, m_, v_ = str(i), size * s, mu[i, j], var[i, j]
        rows.append(
            {
                "in diagram": "●" if (i, j) == mine else "",
                "sample": samples,
                "channels": channels,
                "values averaged": count,
                "mean": float(m_),
                "variance": float(v_),
            }
        )
    return pd.DataFrame(rows), total
