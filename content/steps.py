"""What the /steps page says: why each step of BatchNorm is there, its arithmetic worked out for a
few values, the running statistics and the pooled blocks in words, and the column names of its
tables. The numbers come from bnviz.experiments.stepper; only their wording is here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bnviz.core.norms import KIND_NAMES, KINDS, norm_statistics
from bnviz.core.steps import Step, batch_norm_steps
from bnviz.experiments.stepper import (
    CLOSE,
    eval_closeness,
    initial_weight,
    norm_pairs,
    normalized_moments,
    running_gap,
    statistic_places,
    step_places,
    worked_values,
)
from bnviz.notation import MU_B, VAR_B
from bnviz.numbers import decimals, eps_text, fixed, fixed_cells, operand, sig
from content.common import Prediction

__all__ = ["KIND_NAMES"]  # the layers' names, for the page's radio (defined beside KINDS)

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
        "safe when a channel barely varies (a dead channel has $\\sigma_B^2 = 0$)."
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
        "Add β, also learned, one per channel: the network chooses the mean. With γ = $\\sqrt{\\sigma_B^2 + \\epsilon}$ "
        "and β = $\\mu_B$, y gives back x exactly; training moves γ and β only if that lowers the loss."
    ),
}
# In classroom mode the lesson asks next, on /gamma-beta, which γ and β give back x: not answered here.
SHIFT_CLASSROOM = (
    "Add β, also learned, one per channel: the network chooses the mean. Can γ and β give back x itself? "
    "The class predicts it on *Drag γ and β*."
)
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
        "average of the batch variances seen during training, each divided by m − 1 instead of m (the "
        "“unbiased” variance, which on average matches the true variance)."
    ),
}


def explanation(
    key: str, eval_mode: bool = False, gamma: float = 1.0, beta: float = 0.0, classroom: bool = False
) -> str:
    """The sentences the page shows under a step's formula (γ, β: the values in use; classroom: the lesson's
    mode, where the shift step leaves /gamma-beta's question open)."""
    text = EXPLAIN_EVAL.get(key, EXPLAIN[key]) if eval_mode else EXPLAIN[key]
    if key == "shift" and classroom:
        text = SHIFT_CLASSROOM
    if key == "scale" and gamma == 1:
        text += " With γ = 1, its value before training, this step changes nothing: set another γ above."
    if key == "shift" and beta == 0:
        text += " With β = 0, its value before training, this step changes nothing: set another β above."
    return text


# ----------------------------------------------------------------------- worked numbers


def element_label(where: tuple[int, ...], channel: int) -> str:
    """NumPy's name for one value: x[12, 1] or x[12, 1, 3, 5]."""
    index = (where[0], channel) + tuple(where[1:])
    return "x[" + ", ".join(str(i) for i in index) + "]"


def _list_terms(values: np.ndarray, show) -> str:
    """'a + b + … + z' over a channel's values (all of them when there are at most four)."""
    if values.size <= 4:
        return " + ".join(show(v) for v in values)
    return f"{show(values[0])} + {show(values[1])} + … + {show(values[-1])}"


@dataclass(frozen=True)
class Worked:
    """The numbers of one step for one channel, as a learner writes them.

    summary: the channel-wide computation (a statistic, or the statistics a value step uses).
    rows: one row per sample value, columns "value" (its NumPy name), "x", "worked" (the
      arithmetic as text) and "result" (the step's own number, unrounded); empty for std.
    """

    summary: str
    rows: pd.DataFrame


def worked_numbers(
    x, steps: list[Step], index: int, channel: int, gamma, beta, eps: float = 1e-5, count: int = 5, places=None
) -> Worked:
    """The arithmetic of step `index` for a few values of one channel, as a learner writes it.

    x, steps, gamma, beta: as for bnviz.experiments.stepper.worked_values, which reads every
    number from the steps; here each is rounded for display; "result" holds the step's exact value.
    places: bnviz.experiments.stepper.step_places of the batch, the decimals of each quantity on the page
    (computed from x, gamma and eps when not given).
    """
    w = worked_values(x, steps, index, channel, gamma, beta, count)
    key, c, values, m = w.key, w.channel, w.values, w.values.size
    mu, var, std, g, b = w.mu, w.var, w.std, w.gamma, w.beta
    p = places if places is not None else step_places(batch_norm_steps(x, gamma, beta, eps), gamma)
    # One rounding per quantity, every channel alike: x and μ to the channels' spreads, σ² and σ to their
    # sizes, γ·x̂ and y to γ's.
    dx, dv, ds, dy = p["x"], p["var"], p["std"], p["shift"]
    # Plain text (a code box): μ and σ² in training, PyTorch's names for the running statistics in eval.
    mu_sym, var_sym = ("running_mean", "running_var") if w.running else ("μ", "σ²")
    root = f"√({fixed(var, dv)} + {eps_text(eps)})"

    if key == "mean" and w.running:
        summary = f"running_mean[{c}] = {fixed(mu, dx)}"
    elif key == "mean":
        summary = f"μ = ({_list_terms(values, lambda v: operand(v, dx))}) / {m} = {fixed(mu, dx)}"
    elif key == "var" and w.running:
        summary = f"running_var[{c}] = {fixed(var, dv)}"
    elif key == "var":
        squares = _list_terms(values, lambda v: f"({fixed(v, dx)} − {operand(mu, dx)})²")
        summary = f"σ² = ({squares}) / {m} = {fixed(var, dv)}"
    elif key == "std":
        summary = f"√({var_sym} + ε) = {root} = {fixed(std, ds)}"
    elif key in ("centre", "normalize"):
        summary = f"{mu_sym} = {fixed(mu, dx)}" + (f", {var_sym} = {fixed(var, dv)}" if key == "normalize" else "")
    elif key == "scale":
        summary = f"γ = {fixed(g, dy)} for channel {c}"
    else:
        summary = f"β = {fixed(b, dy)} for channel {c}"

    def line(i: int) -> str:
        """This step's arithmetic for the i-th sampled value."""
        xi, xc, xh, sc, y, r = w.x[i], w.centre[i], w.x_hat[i], w.scale[i], w.y[i], w.result[i]
        if key == "mean":  # μ = Σ x_i / m: each value adds x_i / m, whatever its sample or position
            return f"{operand(xi, dx)} / {m} = {fixed(r, decimals((values.std() or abs(mu) or 1.0) / m))}"
        if key == "centre":
            return f"{fixed(xi, dx)} − {operand(mu, dx)} = {fixed(xc, dx)}"
        if key == "var":
            return f"({fixed(xi, dx)} − {operand(mu, dx)})² = {fixed(r, dv)}"
        if key == "normalize":
            return f"({fixed(xi, dx)} − {operand(mu, dx)}) / {root} = {fixed(xh, p['normalize'])}"
        if key == "scale":
            return f"{operand(g, dy)} × {operand(xh, p['normalize'])} = {fixed(sc, dy)}"
        return f"{fixed(sc, dy)} + {operand(b, dy)} = {fixed(y, dy)}"

    rows = [
        {"value": element_label(where, c), "x": fixed(w.x[i], dx), "worked": line(i), "result": float(w.result[i])}
        for i, where in enumerate(w.where)
    ]
    return Worked(summary, pd.DataFrame(rows, columns=["value", "x", "worked", "result"]))


def norm_places(x, kind: str, groups: int | None = None) -> dict[str, int]:
    """The decimals of norm_table's "mean" and "variance" columns, chosen from every pair `kind` computes on
    x, listed or not (bnviz.experiments.stepper.statistic_places): for BatchNorm, those of the step's table."""
    mu, var = norm_statistics(x, kind, groups)  # checks x, or trusts a batch checked where it entered
    p = statistic_places(mu, var)
    return {"mean": p["mean"], "variance": p["var"]}


def by_channel(table: pd.DataFrame, places: dict[str, int], formats: dict | None = None):
    """A pandas Styler of `table` with each column's numbers to its one number of decimals, places[column]
    (never "-0.000"; NaN as "—"); formats: other columns' formatters ({"values averaged": "{:,}"})."""
    cells = {column: fixed_cells(int(p)) for column, p in places.items()}
    return table.style.format(cells | (formats or {}), na_rep="—")


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


# ----------------------------------------------------------------------- predictions

# Asked in classroom mode on a skewed channel, before the normalize step (the Next button waits for it).
SHAPE = Prediction(
    "steps_predict_shape",
    "After normalizing, is the skewed channel Gaussian?",
    (
        "Yes: normalizing makes it Gaussian",
        "Closer to Gaussian: less skewed",
        "No: still skewed, now with mean 0 and variance 1",
    ),
)
SKEWED = 0.5  # a channel whose sample skewness is at least this far from 0 is "skewed": the page asks SHAPE


def is_skewed(skewness: float) -> bool:
    return abs(skewness) >= SKEWED


def shape_answer(skew_x: float, skew_x_hat: float) -> str:
    """SHAPE's right choice from the skewness of x and of x̂ (bnviz.experiments.stepper.skewness_before_after)."""
    yes, less, kept = SHAPE.choices
    if not is_skewed(skew_x_hat):
        return yes
    return less if abs(skew_x_hat) < abs(skew_x) - 1e-6 * max(1.0, abs(skew_x)) else kept


def shape_why(skew_x: float, skew_x_hat: float) -> str:
    """The reveal's reason, with the numbers of the run: the skewness before and after."""
    return (
        f"Skewness of x: {fixed(skew_x, 2)}, of x̂: {fixed(skew_x_hat, 2)} (a Gaussian's: 0). Subtracting one number "
        "and dividing by another keeps the histogram's shape."
    )


EVAL_CHOICES = ("Yes, exactly as in training", "Close, but not exactly", "No, far from it")


def eval_prediction(batches: int, channel: int) -> Prediction:
    """The eval-mode prompt, about `batches` training batches and channel `channel`."""
    return Prediction(
        "steps_predict_eval",
        f"In eval mode, after {batches} training batches, will channel {channel}'s normalized values x̂ still "
        "have mean 0 and variance 1?",
        EVAL_CHOICES,
    )


def eval_answer(mean: float, var: float) -> str:
    """eval_prediction's right choice from x̂'s mean and variance in eval mode (normalized_moments)."""
    return dict(zip(("exact", "close", "far"), EVAL_CHOICES))[eval_closeness(mean, var)]


def eval_why(mean: float, var: float, places: int = 2) -> str:
    """The reveal's reason: the run's mean and variance of x̂, and what "close" means."""
    return (
        f"With the running statistics x̂ has mean {fixed(mean, places)} and variance {fixed(var, places)} "
        f"(close: within {CLOSE:g} of 0 and of 1). In training they are exactly 0 and 1 (up to ε), whatever the batch."
    )


# ------------------------------------------------------------------- running statistics


def initial_weight_sentence(momentum: float, batches: int) -> str:
    """How much the initial running values (mean 0, variance 1) still weigh after k batches: (1 − m)^k."""
    return (
        f"With momentum {sig(momentum, 6)}, each batch moves the running statistics {momentum:.0%} of the way "
        f"to its own. After {batches} batch{'es' if batches != 1 else ''} the starting values (mean 0, "
        f"variance 1) still weigh (1 − {sig(momentum, 6)})^{batches} = {sig(initial_weight(momentum, batches), 3)}; "
        "the rest is an average of the batches seen, recent ones weighing most."
    )


def eval_outcome(steps: list[Step], channel: int, places: int = 2) -> str:
    """What eval mode does to this batch's x̂ in one channel: its mean and variance, in words.

    steps: batch_norm_steps with the running statistics (mean=, var=); places: the decimals of x̂
    (step_places' "normalize"), as the step's figure writes x̂'s mean.
    """
    mean, var = normalized_moments(steps, channel)
    return (
        f"With the running statistics, this batch's x̂ in channel {channel} has mean {fixed(mean, places)} and "
        f"variance {fixed(var, places)}. In training it is exactly 0 and 1 (up to ε), whatever the batch."
    )


def running_vs_batch(running_mean, running_var, batch_mean, batch_var) -> pd.DataFrame:
    """Per channel: the running statistics against this batch's, and how far apart they are
    (bnviz.experiments.stepper.running_gap): "mean gap (in batch stds)" and "variance ratio"."""
    gap, ratio = running_gap(running_mean, running_var, batch_mean, batch_var)
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


RATIO_PLACES = 2  # the running table's gap (in batch stds) and variance ratio


def running_places(places: dict[str, int]) -> dict[str, int]:
    """running_vs_batch's decimals per column: the means' and the variances' of step_places (`places`),
    RATIO_PLACES for the gap and the ratio."""
    mean, var = places["mean"], places["var"]
    return {
        "batch mean": mean,
        "running mean": mean,
        "mean gap (in batch stds)": RATIO_PLACES,
        "batch variance": var,
        "running variance": var,
        "variance ratio": RATIO_PLACES,
    }


def distance_sentence(table: pd.DataFrame, channel: int, batches: int, places: dict[str, int]) -> str:
    """In words: how far channel's running statistics are from this batch's (a row of running_vs_batch),
    with the running table's decimals (running_places(places); places: step_places)."""
    r, p = table.loc[channel], running_places(places)
    plural = "es" if batches != 1 else ""
    after = "Before any training batch" if batches == 0 else f"After {batches} training batch{plural}"
    text = (
        f"{after}, channel {channel}'s running mean is {fixed(r['running mean'], p['running mean'])} against "
        f"this batch's {fixed(r['batch mean'], p['batch mean'])}"
    )
    if np.isnan(r["mean gap (in batch stds)"]):
        text += " (the channel is constant in this batch)"
    else:
        text += f": {fixed(r['mean gap (in batch stds)'], RATIO_PLACES)} of the batch's standard deviation apart"
    text += (
        f". Its running variance is {fixed(r['running variance'], p['running variance'])} against "
        f"{fixed(r['batch variance'], p['batch variance'])}"
    )
    if np.isnan(r["variance ratio"]):
        text += (
            " (0 in this batch: the normalized values are $(x - \\mu_{run})/\\sqrt{\\sigma_{run}^2 + \\epsilon}$, "
            "not 0)."
        )
    else:
        text += f" ({fixed(r['variance ratio'], RATIO_PLACES)} times the batch's)."
    return text


# ------------------------------------------------------------ what is averaged together


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
    """One row per mean/variance pair that `kind` computes on x (bnviz.experiments.stepper.norm_pairs),
    which values it pools, and its value; the pair x[sample, channel] uses is marked "●" in
    column "in diagram". Returns the table and the total number of pairs."""
    n, c = np.shape(x)[:2]
    pairs, total = norm_pairs(x, kind, groups, sample, channel, max_rows)
    rows = [
        {
            "in diagram": "●" if p.mine else "",
            "sample": f"all {n}" if p.sample is None else str(p.sample),
            "channels": (
                f"all {c}"
                if p.channels is None
                else str(p.channels[0])
                if p.channels[0] == p.channels[1]
                else f"{p.channels[0]}–{p.channels[1]}"
            ),
            "values averaged": p.count,
            "mean": p.mean,
            "variance": p.var,
        }
        for p in pairs
    ]
    return pd.DataFrame(rows), total


# --- the page's words around its numbers: title, controls, headings, captions, messages ------------

TITLE = "Step through BatchNorm"
MAKE_BATCH = "Make your own batch"


def your_batch(source: str, shape: tuple[int, ...]) -> str:
    """The batch the page steps through: where it comes from, its shape and the layer it fits."""
    layer = "convolutional (N, C, H, W)" if len(shape) > 2 else "fully connected (N, C)"
    return f"Your batch: {source}, shape {tuple(shape)}, {layer}."


CHANNEL = "Channel to follow"
CHANNEL_HELP = "Every statistic of BatchNorm is per channel: pick the one whose numbers you want to see."
STEP = "Step"
GAMMA, BETA = "γ (scale)", "β (shift)"
EVAL = "Eval mode (running statistics)"
EVAL_HELP = f"model.eval() in PyTorch: BatchNorm stops using the batch's own {MU_B} and {VAR_B}."
BATCHES = "Training batches seen before eval"
MOMENTUM, MOMENTUM_HELP = "momentum", "PyTorch's default is 0.1."
BY_HAND = (
    "In a network, γ and β are learned by gradient descent, one pair per channel, starting at "
    "γ = 1 and β = 0 (watch it on “Watch them learned”). Here you set them by hand, the same for "
    "every channel; only the last two steps use them."
)
STEP_FAILED = "This batch cannot be stepped through: "


def no_running_statistics(err: Exception) -> str:
    return f"No running statistics can be trained on batches like this one; its own are shown. {err}"


def step_heading(index: int, total: int, name: str) -> str:
    """The heading of step `index` (from 0) of `total`."""
    return f"Step {index + 1} of {total}: {name}"


PREVIOUS, NEXT = "◀ Previous", "Next ▶"


def channel_title(channel: int) -> str:
    return f"Channel {channel}"


WAITING = "This step's chart appears once the class has predicted."
THIS_STEP, NUMPY_LINE = "**This step alone**", "**The one line of NumPy**"


def worked_heading(channel: int) -> str:
    return f"**Worked numbers, channel {channel}**"


WORKED_CAPTION = "A few of the channel's values, spread over the batch; rounded here, exact in the computation."


def every_channel(name: str, samples: int, convolutional: bool) -> str:
    """What a statistic's table shows: one number per channel, shared by every sample (and position)."""
    everywhere = f"all {samples} samples" + (" and all their positions" if convolutional else "")
    return f"**{name}, every channel:** one number per channel, shared by {everywhere}."


TRAIN_VS_EVAL = "Train vs eval"
IN_TRAINING = (
    f"In training, every step above uses **this mini-batch's own** {MU_B} and {VAR_B}, and the layer keeps "
    "running averages of them on the side: running = (1 − momentum)·running + momentum·batch. "
    "In eval mode (testing, deployment) it normalizes with those running averages instead, so an "
    "input's output no longer depends on the other inputs of its batch. Turn on **Eval mode** above "
    "to see the same step with them."
)


def running_caption(has_specs: bool) -> str:
    """Where the running statistics' training batches come from."""
    source = "drawn from your batch's channel distributions" if has_specs else "resampled from your batch's samples"
    return f"Training batches of the same size as yours, {source}; the slider says how many the layer has seen."


AVERAGED = "What is averaged together"
AVERAGED_INTRO = (
    "**For BatchNorm, one channel's mean and variance average that channel's values over every sample "
    "of the mini-batch (and over every position of a feature map, for a convolutional layer); values of "
    "other channels are never mixed in.** Other normalizations pool other blocks of the same N × C × (H·W) "
    "values; pick one to see which."
)
NORMALIZATION = "Normalization"
GROUPS, GROUPS_HELP = "groups G", "G must divide the number of channels."
SAMPLE = "sample n"


def not_applicable(kind: str, err: Exception) -> str:
    return f"{KIND_NAMES[kind]} does not apply to this batch. {err}"


def statistics_heading(kind: str, listed: int, total: int) -> str:
    """Above the pooled statistics' table: which norm, and how many of its mean/variance pairs it lists."""
    shown = f"{listed} of {total:,}" if total > listed else f"all {total}"
    return f"**The statistics {KIND_NAMES[kind]} computes on your batch** ({shown} mean/variance pairs; ● marks the red block):"


TRAINING_RUNNING = "Training a BatchNorm layer on mini-batches…"
