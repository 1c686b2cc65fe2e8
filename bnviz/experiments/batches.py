"""What the "Make a batch" page computes: the settings' bounds, the per-channel table the learner
edits, the batch statistics, and how much they move from one draw to the next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bnviz.core.batchnorm import batch_statistics
from bnviz.core.data import DISTRIBUTIONS, ChannelSpec, make_batch, preset
from bnviz.core.data import PRESETS as PRESET_NAMES
from bnviz.core.validation import per_channel_count
from bnviz.notation import MU_B, STD_B, VAR_B

KINDS = ("fully connected", "convolutional")
MAX_CHANNELS = 16
# Batch sizes on a roughly logarithmic scale: small batches, where the statistics move most,
# get as many stops as large ones.
N_OPTIONS = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096)
MAX_N = {"fully connected": 4096, "convolutional": 128}
# The largest conv batch, 128 × 16 × 16 × 16 = 2**19 values (eight times the largest fully
# connected one, 4096 × 16), was chosen by measurement: drawing it takes ~60 ms, its statistics
# ~5 ms, its 16 histograms ~0.1 s and all seven steps of BatchNorm ~5 ms on one core, and its
# CSV export (~11 MB) still fits under the upload limit of bnviz.io, so it can be loaded back.
# Twice the size doubles every figure's server time and no longer round-trips through CSV.
SIZE_RANGE = (2, 16)
MAX_ABS_SPEC = 1e6  # a channel's mean and spread: far beyond any activation, far from overflow
MAX_SEED = 1_000_000
MOVES_KEPT = 30

# Column labels of the table the learner edits. For a relu channel, mean and spread are those
# of the normal before max(0, ·), as in bnviz.data; the two "comes out" columns say what the
# channel itself has.
FAMILY, MEAN, SPREAD = "family", "mean (pre-ReLU if relu)", "spread σ (pre-ReLU if relu)"
OUT_MEAN, OUT_STD = "mean that comes out", "std that comes out"
EDITABLE = (FAMILY, MEAN, SPREAD)

# Columns of the statistics table, and the headers a learner reads (bnviz.notation's KaTeX).
STATS = ("mean", "variance", "std", "min", "max")
STAT_HEADERS = {"mean": f"mean {MU_B}", "variance": f"variance {VAR_B}", "std": f"std {STD_B}"}


@dataclass(frozen=True)
class BatchRecipe:
    """Everything a drawn batch depends on: equal settings draw the same batch."""

    kind: str
    n: int
    size: int
    seed: int
    specs: tuple[ChannelSpec, ...]

    @property
    def spatial(self) -> tuple[int, int] | None:
        return (self.size, self.size) if self.kind == "convolutional" else None

    @property
    def family(self) -> tuple:
        """The settings without the seed: draws with the same family are comparable."""
        return (self.kind, self.n, self.size, self.specs)

    def draw(self) -> np.ndarray:
        """The batch: (N, C) or (N, C, size, size)."""
        return make_batch(self.specs, self.n, self.spatial, self.seed)


def clamp_n(n, kind: str) -> int:
    """The allowed batch size nearest to n (on a log scale) for this layer kind."""
    options = [v for v in N_OPTIONS if v <= MAX_N[kind]]
    try:
        n = float(n)
    except (TypeError, ValueError):
        return 256 if 256 in options else options[-1]
    n = min(max(n, options[0]), options[-1])
    return min(options, key=lambda v: abs(math.log(v) - math.log(n)))


def shape_text(shape: tuple[int, ...]) -> str:
    """'256 samples × 4 channels' or '32 samples × 4 channels × 8 × 8 pixels'."""
    text = f"{shape[0]:,} samples × {shape[1]} channel{'s' if shape[1] != 1 else ''}"
    if len(shape) == 4:
        text += f" × {shape[2]} × {shape[3]} pixels"
    return text


def pooled_text(shape: tuple[int, ...]) -> str:
    """How many values one channel's statistics average, with the product spelled out."""
    m = per_channel_count(shape)
    if len(shape) == 2:
        return f"m = N = {m:,}"
    return f"m = N·H·W = {shape[0]}·{shape[2]}·{shape[3]} = {m:,}"


# ---------------------------------------------------------------------------------------------
# The per-channel table


def population_moments(spec: ChannelSpec) -> tuple[float, float]:
    """Mean and standard deviation of the channel's distribution (what a huge batch measures).

    Every family is mean + std·z with E[z] = 0, Var[z] = 1, except relu, max(0, m + s·z) for a
    standard normal z, whose moments with a = m/s, Φ the normal CDF and φ its density are
    E[x] = m·Φ(a) + s·φ(a) and E[x²] = (m² + s²)·Φ(a) + m·s·φ(a).
    """
    if spec.dist != "relu":
        return float(spec.mean), float(spec.std)
    m, s = float(spec.mean), float(spec.std)
    if s == 0:
        return max(m, 0.0), 0.0
    a = m / s
    cdf = 0.5 * (1.0 + math.erf(a / math.sqrt(2.0)))
    pdf = math.exp(-0.5 * a * a) / math.sqrt(2.0 * math.pi)
    mean = m * cdf + s * pdf
    second = (m * m + s * s) * cdf + m * s * pdf
    return mean, math.sqrt(max(second - mean * mean, 0.0))


def true_moments(specs) -> np.ndarray:
    """(C, 2): each channel's population mean and standard deviation (see population_moments)."""
    return np.array([population_moments(s) for s in specs], dtype=np.float64).reshape(-1, 2)


def specs_frame(specs) -> pd.DataFrame:
    """The table the learner edits: one row per channel, family, mean and spread, plus the
    mean and std that come out (they differ from the inputs only for relu)."""
    moments = [population_moments(s) for s in specs]
    return pd.DataFrame(
        {
            FAMILY: [s.dist for s in specs],
            MEAN: [float(s.mean) for s in specs],
            SPREAD: [float(s.std) for s in specs],
            OUT_MEAN: [m for m, _ in moments],
            OUT_STD: [sd for _, sd in moments],
        },
        index=pd.Index([f"channel {c}" for c in range(len(specs))], name="channel"),
    )


def _spec_from_cells(dist, mean, std) -> ChannelSpec:
    """One channel's spec from its three cells, or a ValueError saying what to type."""
    if dist not in DISTRIBUTIONS:
        raise ValueError(f"the family must be one of {', '.join(DISTRIBUTIONS)}; got {dist!r}.")
    values = []
    for label, value in ((MEAN, mean), (SPREAD, std)):
        if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
            raise ValueError(f"the cell “{label}” is empty; type a number.")
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            raise ValueError(f"the cell “{label}” must be a number; got {value!r}.") from None
    mean, std = values
    if not (math.isfinite(mean) and math.isfinite(std)):
        raise ValueError("mean and spread must be finite numbers.")
    if max(abs(mean), abs(std)) > MAX_ABS_SPEC:
        raise ValueError(f"mean and spread must be between −{MAX_ABS_SPEC:,.0f} and {MAX_ABS_SPEC:,.0f}.")
    if std < 0:
        raise ValueError(f"a spread must be ≥ 0 (0 makes every value of the channel the same); got {std:g}.")
    return ChannelSpec(str(dist), mean, std)


def specs_from_frame(frame: pd.DataFrame, specs) -> tuple[tuple[ChannelSpec, ...], list[str]]:
    """The specs an edited table describes, and a message for each edit that was refused.

    frame: the table of specs_frame, as edited (one row per channel, same order).
    A refused edit (an unknown family, an empty cell, a negative spread) keeps that channel's
    previous spec, so a batch is never drawn from an invalid distribution.
    """
    specs = list(specs)
    errors = []
    for c, (dist, mean, std) in enumerate(frame[list(EDITABLE)].itertuples(index=False)):
        if c >= len(specs):
            break
        try:
            specs[c] = _spec_from_cells(dist, mean, std)
        except ValueError as err:
            errors.append(f"Channel {c}: {err} It keeps its previous values.")
    return tuple(specs), errors


def reconcile_specs(
    preset_name: str, channels: int, previous=None, previous_preset: str | None = None
) -> tuple[ChannelSpec, ...]:
    """The table's specs after the preset or the channel count changed.

    A new preset replaces every channel. A new channel count keeps the learner's channels
    (dropping those beyond it) and fills new ones from the preset.
    """
    fresh = preset(preset_name, channels)
    if previous is None or previous_preset != preset_name:
        return tuple(fresh)
    kept = list(previous)[:channels]
    return tuple(kept + fresh[len(kept) :])


# ---------------------------------------------------------------------------------------------
# Statistics of a batch, and how they move from draw to draw


def channel_stats(x) -> pd.DataFrame:
    """Per-channel mean μ_B, biased variance σ²_B (the one BatchNorm divides by), std σ_B, min, max.

    x: (N, C) or (N, C, H, W); every statistic pools the batch axis and the spatial axes.
    """
    x = np.asarray(x, dtype=np.float64)
    mu, _, var = batch_statistics(x)
    axes = (0,) + tuple(range(2, x.ndim))
    frame = pd.DataFrame(
        dict(zip(STATS, (mu, var, np.sqrt(var), x.min(axis=axes), x.max(axis=axes)))),
        index=pd.Index([f"channel {c}" for c in range(x.shape[1])], name="channel"),
    )
    return frame


def compare_draws(history: dict) -> pd.DataFrame:
    """How much each channel's mean and std moved from the previous draw to the last one.

    history: as built by record_draw, with at least two draws.
    """
    (mu_before, mu_after), (std_before, std_after) = history["mu"][-2:], history["std"][-2:]
    return pd.DataFrame(
        {
            "mean, previous draw": mu_before,
            "mean, this draw": mu_after,
            "mean moved by": mu_after - mu_before,
            "std, previous draw": std_before,
            "std, this draw": std_after,
            "std moved by": std_after - std_before,
        },
        index=pd.Index([f"channel {c}" for c in range(len(mu_after))], name="channel"),
    )


def mean_wobble(specs, m: int) -> np.ndarray:
    """(C,) the standard error σ/√m: how far a batch mean of m values typically falls from the
    channel's true mean (σ the channel's own std, after ReLU for relu channels)."""
    return np.array([population_moments(s)[1] for s in specs]) / math.sqrt(m)


def most_moved(moves: pd.DataFrame, wobble) -> int:
    """The channel whose mean moved most, measured in its own σ/√m (a constant channel never moves)."""
    moved = np.abs(moves["mean moved by"].to_numpy())
    wobble = np.asarray(wobble, dtype=np.float64)
    relative = np.divide(moved, wobble, out=np.zeros_like(moved), where=wobble > 0)
    return int(np.argmax(relative))


def record_draw(history: dict | None, family, seed: int, stats: pd.DataFrame, keep: int = MOVES_KEPT) -> dict:
    """The draws seen so far with the same settings except the seed, the newest last.

    history: {"family": ..., "seeds": [s, ...], "mu": [(C,), ...], "std": [(C,), ...]} or None.
    A change of any other setting starts a new history; the same seed twice is one draw.
    """
    mu = stats["mean"].to_numpy()
    std = stats["std"].to_numpy()
    if history is None or history["family"] != family:
        return {"family": family, "seeds": [seed], "mu": [mu], "std": [std]}
    if history["seeds"][-1] == seed:
        return history
    return {
        "family": family,
        "seeds": (history["seeds"] + [seed])[-keep:],
        "mu": (history["mu"] + [mu])[-keep:],
        "std": (history["std"] + [std])[-keep:],
    }


def keep_channels(x: np.ndarray, limit: int = MAX_CHANNELS) -> tuple[np.ndarray, str | None]:
    """The first `limit` channels of x, and a note if some were dropped."""
    if x.shape[1] <= limit:
        return x, None
    return x[:, :limit], (
        f"The file has {x.shape[1]} channels; bnviz keeps the first {limit} (every page draws one "
        f"panel per channel). To look at others, save x[:, {limit}:{2 * limit}] as well."
    )


def valid_settings(
    kind, n, channels, size, seed, preset_name, default_preset: str = PRESET_NAMES[0]
) -> tuple[dict, list[str]]:
    """The page's settings made valid, and a note for each one that was not (e.g. from a link).

    Returns {"kind", "n", "channels", "size", "seed", "preset"} within the bounds above.
    """
    notes = []

    def whole(value, lo, hi, default, label):
        try:
            number = int(value)
            if number != value and not isinstance(value, str):
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            notes.append(f"{label} {value!r} is not a whole number; using {default}.")
            return default
        if not lo <= number <= hi:
            clamped = min(max(number, lo), hi)
            notes.append(f"{label} {number} is outside {lo}–{hi}; using {clamped}.")
            return clamped
        return number

    if kind not in KINDS:
        notes.append(f"Layer kind {kind!r} is not one of {', '.join(KINDS)}; using {KINDS[0]}.")
        kind = KINDS[0]
    fixed_n = clamp_n(n, kind)
    if fixed_n != n:
        if isinstance(n, (int, float)) and n > MAX_N[kind]:
            notes.append(f"A {kind} batch has at most {MAX_N[kind]} samples here; N is now {fixed_n}.")
        else:
            notes.append(f"Batch size {n!r} is not one of the sizes offered; using the nearest, {fixed_n}.")
    if preset_name not in PRESET_NAMES:
        notes.append(f"Preset {preset_name!r} does not exist; using {default_preset!r}.")
        preset_name = default_preset
    return {
        "kind": kind,
        "n": fixed_n,
        "channels": whole(channels, 1, MAX_CHANNELS, 4, "Channels"),
        "size": whole(size, *SIZE_RANGE, 8, "Spatial size"),
        "seed": whole(seed, 0, MAX_SEED, 0, "Seed"),
        "preset": preset_name,
    }, notes
