"""What the /learning page says: the names of the tasks and optimizers, the LaTeX of the losses
and updates, the explanation of each task with the training's own numbers, and the column names
of its tables. The numbers come from bnviz.experiments.training; only their wording is here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnviz.experiments.training.data import Experiment
from bnviz.experiments.training.ends import last_epoch_mean, last_epoch_range
from bnviz.experiments.training.landscape import reference
from bnviz.experiments.training.loop import History, StepDetail
from bnviz.experiments.training.modes import CONVENTIONS, TrainEval, convention_value
from bnviz.experiments.training.optimizers import ADAM_BETAS, MOMENTUM_SGD
from bnviz.experiments.training.settings import EPS, SHIFT, SLOPE
from bnviz.notation import MU_B, STD_B, VAR_B
from bnviz.numbers import MINUS, exact_places, fixed, fixed_cells, latex, places, sig
from content.common import LAST_DIGITS, Prediction

TASK_NAMES = {
    "reconstruct": "Reconstruct the input",
    "target": "A different target",
    "classify": "Feed a classifier",
}
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}
# The page's numbers are written to about four significant digits, as the live replay's readouts write a
# step's (ui/live/kinds.js, bnviz.numbers.sig): a table's column, and every mention of one quantity, with
# one number of decimals (bnviz.numbers.places(..., DIGITS)).
DIGITS = 4

# The running mean's update in each convention (the variance's is the same with σ²_B).
CONVENTION_FORMULAS = {
    "PyTorch": r"\text{running} \leftarrow (1 - m)\,\text{running} + m\,\mu_B",
    "Keras": r"\text{moving} \leftarrow m\,\text{moving} + (1 - m)\,\mu_B",
    "cs231n": r"\text{running} \leftarrow m\,\text{running} + (1 - m)\,\mu_B",
}


# --- the losses and the update of one step, in LaTeX -----------------------------------------


def loss_formula(task: str) -> str:
    """LaTeX of one channel's loss on a mini-batch of B values."""
    if task == "classify":
        return (
            r"L = \frac{1}{B}\sum_i -\,\text{label}_i \log \sigma(y_i) - (1 - \text{label}_i)\log(1 - \sigma(y_i)),"
            r"\quad \sigma(y) = \frac{1}{1 + e^{-y}}"
        )
    target = "x_i" if task == "reconstruct" else "t_i"
    return rf"L = \frac{{1}}{{B}}\sum_i (y_i - {target})^2"


def dy_formula(task: str) -> str:
    """LaTeX of ∂L/∂y_i for the task's loss (a mean over the B values of the batch)."""
    if task == "classify":
        return r"\frac{\partial L}{\partial y_i} = \frac{\sigma(y_i) - \text{label}_i}{B}"
    return r"\frac{\partial L}{\partial y_i} = \frac{2\,(y_i - t_i)}{B}"


def _latex_fixed(value: float, places: int, paren: bool = False) -> str:
    """fixed() for a LaTeX formula (an ASCII minus); a negative number in parentheses if `paren`."""
    text = fixed(value, places, minus="-")
    return f"({text})" if paren and text.startswith("-") else text


def update_equations(d: StepDetail, optimizer: str) -> list[str]:
    """The gradient and the update of one step as LaTeX lines, with the step's real numbers: ∂L/∂γ and
    ∂L/∂β as the step's table writes its sums (gradient_places), γ and β as the replay's readouts (sig)."""
    p_gamma, p_beta = gradient_places(d)
    lines = [
        rf"\frac{{\partial L}}{{\partial \gamma}} = \sum_i \frac{{\partial L}}{{\partial y_i}}\,\hat{{x}}_i = {_latex_fixed(d.grad_gamma, p_gamma)}",
        rf"\frac{{\partial L}}{{\partial \beta}} = \sum_i \frac{{\partial L}}{{\partial y_i}} = {_latex_fixed(d.grad_beta, p_beta)}",
    ]
    lr = latex(d.lr)
    if optimizer == "sgd":
        for p, grad, old, new, digits in (
            ("gamma", d.grad_gamma, d.gamma, d.gamma_next, p_gamma),
            ("beta", d.grad_beta, d.beta, d.beta_next, p_beta),
        ):
            lines.append(
                rf"\{p} \leftarrow \{p} - \eta\,\frac{{\partial L}}{{\partial \{p}}}"
                rf" = {latex(old)} - {lr} \times {_latex_fixed(grad, digits, True)} = {latex(new)}"
            )
        return lines
    if optimizer == "momentum":
        name, rule = "v", rf"v \leftarrow {latex(MOMENTUM_SGD)}\,v + \frac{{\partial L}}{{\partial p}}"
    else:
        b1, b2 = ADAM_BETAS
        name, rule = (
            r"\frac{\hat m}{\sqrt{\hat v} + \epsilon}",
            (
                rf"m \leftarrow {latex(b1)}\,m + {latex(1 - b1)}\,g,\quad v \leftarrow {latex(b2)}\,v + {latex(1 - b2)}\,g^2,"
                rf"\quad \hat m = \frac{{m}}{{1 - {latex(b1)}^t}},\quad \hat v = \frac{{v}}{{1 - {latex(b2)}^t}}"
            ),
        )
    lines.append(rule)
    for p, direction, old, new in (
        ("gamma", d.dir_gamma, d.gamma, d.gamma_next),
        ("beta", d.dir_beta, d.beta, d.beta_next),
    ):
        lines.append(
            rf"\{p} \leftarrow \{p} - \eta\,{name}_\{p} = {latex(old)} - {lr} \times {latex(direction, True)} = {latex(new)}"
        )
    return lines


# --- the task, in words and the training's numbers -----------------------------------------------


def quoted(value: float, places: int, minus: str = MINUS) -> str:
    """A number of the page's tables as the page quotes it elsewhere: fixed() to the quantity's decimals
    (channel_places), "any" for NaN (γ* of a constant channel). minus="-" for a metric, as the tables."""
    return "any" if np.isnan(value) else fixed(value, places, minus)


def explain_task(
    exp: Experiment, gamma_star, beta_star, channel: int, places: dict[str, int]
) -> tuple[str, str | None]:
    """What the task asks and where γ, β should go on `channel`, in words and real numbers
    (markdown), and for "reconstruct" why γ* is a little below √(σ² + ε) (or None).
    places: channel_places, the decimals the table "every channel" writes μ, σ, γ* and β* with."""
    s, k = exp.settings, channel
    ref_gamma, ref_beta = reference(exp)
    p_mu, p_sigma, p_gamma, p_beta = (places[c] for c in (MU, SIGMA, GAMMA_STAR, BETA_STAR))
    g, b = f"γ* = **{quoted(gamma_star[k], p_gamma)}**", f"β* = **{quoted(beta_star[k], p_beta)}**"
    mu, std = fixed(exp.mu[k], p_mu), fixed(exp.std[k], p_sigma)  # as the table, beside γ* and β*
    if s.task == "reconstruct":
        text = (
            f"The output should give back the input. On channel {k} (μ = {mu}, σ = {std}) "
            f"that means undoing the normalization: {g} (√(σ²+ε) = {fixed(ref_gamma[k], p_sigma)}) and {b} "
            f"(μ = {fixed(ref_beta[k], p_mu)}). Here the network *does* learn to undo BN, because the loss asks for it."
        )
        why = None
        if np.isfinite(gamma_star[k]) and ref_gamma[k] > 0:
            why = (
                f"Why is γ* {fixed(gamma_star[k] / ref_gamma[k], 3)} × √(σ²+ε) and not exactly √(σ²+ε)? Every batch "
                f"is normalized by its own {STD_B}, and with B = {s.batch_size} values {STD_B} is on average a little "
                f"smaller than σ; γ* is the average {STD_B}. The smaller the batch, the larger the gap (try B = 2)."
            )
        return text, why
    if s.task == "target":
        t_mean, t_std = sig(s.target_mean, 6), sig(s.target_std, 6)
        return (
            f"The loss asks for an output with mean {t_mean} and spread {t_std}: "
            f"t = {t_mean} + {t_std}·(x − μ)/σ. γ and β settle at {g}, {b}, not at "
            f"σ = {std} and μ = {mu}: they serve the loss, not the normalization."
        ), None
    return (
        "BN's output y goes through a sigmoid σ(y) to predict a 0/1 label. The labels were drawn with "
        f"P(label = 1) = σ({sig(SLOPE, 6)}·((x − μ)/σ − {sig(SHIFT, 6)})): far from the boundary they are almost "
        "certain, which only a steep, shifted sigmoid can match. With γ = 1, β = 0 it is too flat. γ and β move "
        f"away from 1 and 0, to {g}, {b}."
    ), None


# --- the predictions: where γ and β end, and training vs eval mode ---------------------------------

END_KEY = "learn_predict_end"
END_HEADING, END_ANCHOR = "Where will training take γ and β?", "where-they-end"  # the lesson's section
END_UNDO = "yes: γ ≈ σ, β ≈ μ (BN undone)"
END_ELSEWHERE = "no: somewhere else"
NEAR = 0.1  # "ends at" a point: within this fraction of the channel's scale (settled's)


def end_choices(gamma0: float = 1.0, beta0: float = 0.0) -> tuple[str, str, str]:
    return END_UNDO, f"no: they stay near {gamma0:g} and {beta0:g}", END_ELSEWHERE


def end_prediction(task: str, channel: int, gamma0: float = 1.0, beta0: float = 0.0) -> Prediction:
    """The class's prediction before the training is shown: does γ, β end at σ, μ (does BN get undone)?"""
    return Prediction(
        END_KEY,
        f"On the task “{TASK_NAMES[task]}”, will γ and β end at σ and μ of channel {channel}?",
        end_choices(gamma0, beta0),
    )


def _near(gamma: float, beta: float, to: tuple[float, float]) -> bool:
    """Whether (γ, β) is within NEAR of the point `to`, against the output's scale there (the largest of 1 and
    |γ|, |β| of `to`): γ and β are in the units of BN's output."""
    scale = max(1.0, abs(to[0]), abs(to[1]))
    return bool(max(abs(gamma - to[0]), abs(beta - to[1])) <= NEAR * scale)


def where_they_end(exp: Experiment, hist: History, channel: int) -> str:
    """The right choice of end_prediction, from the training: where γ and β hover over the last epoch."""
    k, s = channel, exp.settings
    gamma, beta = last_epoch_mean(exp, hist, "gamma")[k], last_epoch_mean(exp, hist, "beta")[k]
    undo, start, elsewhere = end_choices(s.gamma0, s.beta0)
    if _near(gamma, beta, (float(np.sqrt(exp.std[k] ** 2 + EPS)), float(exp.mu[k]))):
        return undo
    if _near(gamma, beta, (s.gamma0, s.beta0)):
        return start
    return elsewhere


def end_why(exp: Experiment, hist: History, channel: int, places: dict[str, int]) -> str:
    """The reveal's reason: where γ and β ended beside σ and μ, written as the page's table writes them."""
    k = channel
    gamma, beta = last_epoch_mean(exp, hist, "gamma")[k], last_epoch_mean(exp, hist, "beta")[k]
    return (
        f"γ = {quoted(gamma, places[GAMMA_LEARNED])} and β = {quoted(beta, places[BETA_LEARNED])} (the last epoch's "
        f"mean); σ = {fixed(exp.std[k], places[SIGMA])}, μ = {fixed(exp.mu[k], places[MU])}. "
        + ("The loss asks for the input back." if exp.settings.task == "reconstruct" else "They serve the loss.")
    )


MODES_KEY = "learn_predict_modes"
MODES_CHOICES = ("the same", "slightly different", "very different")
SAME, SLIGHTLY = 0.01, 0.2  # the gap against the output's spread, for "the same" and "slightly different"


def modes_prediction(batch_size: int) -> Prediction:
    return Prediction(
        MODES_KEY,
        f"After training with batches of {batch_size}, do training mode and eval mode give the same outputs?",
        MODES_CHOICES,
    )


def modes_answer(result: TrainEval, channel: int) -> str:
    """The right choice of modes_prediction: the mean gap between the modes, against the output's spread."""
    gap = result.relative_gap[channel]
    return MODES_CHOICES[0] if gap < SAME else MODES_CHOICES[1] if gap < SLIGHTLY else MODES_CHOICES[2]


def modes_why(result: TrainEval, channel: int) -> str:
    return (
        f"With batches of {result.batch_size} the two modes' outputs differ by "
        f"{percent_of(result.relative_gap[channel])} of the output's spread on average (the table's last row)."
    )


def percent_of(fraction: float) -> str:
    return "an undefined share" if not np.isfinite(fraction) else f"{sig(100 * fraction, 2)}\u00a0%"


# --- the replay: what to watch, and why the loss stays noisy ---------------------------------------

REPLAY_CUE = f"Press Play and watch {MU_B} jump from batch to batch while γ and β settle."
REPLAY_KEY = (
    f"**Computed for every batch, never learned:** {MU_B} and {VAR_B} (grey): they jump from one batch to the next. "
    "**Learned, one value shared by every batch:** γ and β (orange, brown): they move a little at each step, "
    "pushed by the gradient, and settle at the dashed γ*, β*. **Running averages, kept for eval mode:** "
    f"running_mean and running_var (purple) follow {MU_B} and {VAR_B} with BN momentum; no gradient touches them."
)
THE_LEARNING = (
    "The same γ and β are used by every batch, so every batch nudges them: that is the learning. "
    "Open the arithmetic below to follow one nudge."
)
ARITHMETIC = "The arithmetic of this step: ∂L/∂γ, ∂L/∂β and the update of γ and β"
GRADIENT_SUMS = "The gradient of γ adds up each value's ∂L/∂y weighted by its x̂; the gradient of β adds up ∂L/∂y."


def loss_noise(exp: Experiment, hist: History, channel: int, places: dict[str, int]) -> str:
    """Why the loss of `channel` stays noisy once γ and β have settled (markdown), with the last epoch's
    ranges of γ and β (to the decimals of the every-channel table, channel_places) and of the loss (sig).
    Says they have settled: for a training where bnviz.experiments.training.settled_but_noisy holds."""
    k = channel
    (g_lo, g_hi), (b_lo, b_hi), (l_lo, l_hi) = (
        (lo[k], hi[k]) for lo, hi in (last_epoch_range(exp, hist, name) for name in ("gamma", "beta", "loss"))
    )
    p_gamma, p_beta = places[GAMMA_LEARNED], places[BETA_LEARNED]
    return (
        "**Why the loss stays noisy once γ and β have settled:** each mini-batch is a different sample of the data. "
        f"Its {MU_B} and {STD_B} differ from the last batch's, and so does its own loss. In the last epoch γ stayed "
        f"between {fixed(g_lo, p_gamma)} and {fixed(g_hi, p_gamma)} and β between {fixed(b_lo, p_beta)} and "
        f"{fixed(b_hi, p_beta)}, while the loss of one batch went from {sig(l_lo)} to {sig(l_hi)}: the parameters "
        "have settled, the batch has not."
    )


# --- the tables: column names over the training's numbers -------------------------------------


def _step_columns(d: StepDetail, task: str) -> dict[str, tuple[np.ndarray, float]]:
    """The step table's columns: all B values of each, and its sum (NaN where the table shows none)."""
    return {
        "x": (d.x, np.nan),
        "x̂": (d.x_hat, np.nan),
        "y = γ·x̂ + β": (d.y, np.nan),
        "label" if task == "classify" else "target t": (d.t, np.nan),
        "∂L/∂y": (d.dy, d.grad_beta),
        "∂L/∂y · x̂": (d.dy_x_hat, d.grad_gamma),
    }


def _column_places(values: np.ndarray, total: float) -> int:
    """One column of the step's table: its values told apart to four digits of their spread (an x̂ near 0
    asks for no more), its sum to its own size."""
    values = np.asarray(values, dtype=float)
    spread = float(np.std(values[np.isfinite(values)])) if np.isfinite(values).any() else 0.0
    return places([spread, total], DIGITS)


def step_rows(d: StepDetail, task: str, rows: int = 8) -> dict[str, list]:
    """The first `rows` values of the step's mini-batch and the sums over all B of them:
    columns x, x̂, y, target (or label), ∂L/∂y, ∂L/∂y·x̂ (a dict of lists, last row the sum)."""
    n = min(rows, len(d.x))
    total = f"Σ (all {len(d.x)})" if n < len(d.x) else "Σ"
    out = {"i": [f"{i + 1}" for i in range(n)] + [total]}
    for name, (values, sum_row) in _step_columns(d, task).items():
        out[name] = list(values[:n]) + [sum_row]
    return out


def step_places(d: StepDetail, task: str) -> dict[str, int]:
    """step_rows' decimals, one per column, chosen from all B values of the step's mini-batch and the
    column's sum; the labels (0 and 1) written exactly."""
    return {
        name: exact_places(values) if name == "label" else _column_places(values, total)
        for name, (values, total) in _step_columns(d, task).items()
    }


def gradient_places(d: StepDetail) -> tuple[int, int]:
    """The decimals of ∂L/∂γ and ∂L/∂β: those of the step table's last two columns, whose sums they are."""
    return _column_places(d.dy_x_hat, d.grad_gamma), _column_places(d.dy, d.grad_beta)


MU, SIGMA, GAMMA_STAR, GAMMA_LEARNED = "μ of the data", "σ of the data", "γ*", "γ learned"
BETA_STAR, BETA_LEARNED = "β*", "β learned"


def channel_table(exp: Experiment, hist: History, gamma_star, beta_star) -> dict[str, np.ndarray]:
    """Columns of the every-channel summary: the data's μ, σ, and γ*, β* beside where the
    optimizer ends (the mean of the last epoch)."""
    return {
        MU: exp.mu,
        SIGMA: exp.std,
        GAMMA_STAR: gamma_star,
        GAMMA_LEARNED: last_epoch_mean(exp, hist, "gamma"),
        BETA_STAR: beta_star,
        BETA_LEARNED: last_epoch_mean(exp, hist, "beta"),
    }


def channel_places(table: dict[str, np.ndarray]) -> dict[str, int]:
    """channel_table's decimals, one per quantity for every channel, wherever the page quotes it (the
    metrics, the task's explanation, the time axis' γ* and β*). A spread to DIGITS digits of its size: σ;
    γ, optimum and learned alike. A mean or a shift to one digit fewer of the spread it sits in, as
    /steps writes a mean (a mean near 0 then asks for no more digits than its spread): the data's μ to its
    σ; β, optimum and learned alike, to γ, the spread of the output it shifts. NaN (γ* of a constant
    channel) and ∞ count for nothing."""
    mu, sigma = np.asarray(table[MU], dtype=float), np.asarray(table[SIGMA], dtype=float)
    gamma = np.abs(np.concatenate([np.ravel(table[GAMMA_STAR]), np.ravel(table[GAMMA_LEARNED])]))
    p_mu = places(np.where(sigma > 0, sigma, np.where(mu != 0, np.abs(mu), 1.0)), DIGITS - 1)
    p_gamma, p_beta = places(gamma, DIGITS), places(gamma, DIGITS - 1)
    return {
        MU: p_mu,
        SIGMA: places(sigma, DIGITS),
        GAMMA_STAR: p_gamma,
        GAMMA_LEARNED: p_gamma,
        BETA_STAR: p_beta,
        BETA_LEARNED: p_beta,
    }


def table_formats(places: dict) -> dict:
    """pandas Styler formatters writing each column (or row) to its decimals, with the tables' ASCII minus."""
    return {name: fixed_cells(p) for name, p in places.items()}


def modes_table(results: list[TrainEval], channel: int) -> dict[str, list[float]]:
    """Rows of the training-vs-eval comparison for `channel`, one value per training."""
    k = channel
    return {
        "mean of the held-out batch": [te.holdout_mean[k] for te in results],
        "running_mean after training": [te.running_mean[k] for te in results],
        "variance of the held-out batch": [te.holdout_var[k] for te in results],
        "running_var after training": [te.running_var[k] for te in results],
        "loss in training mode": [te.loss_train[k] for te in results],
        "loss in eval mode": [te.loss_eval[k] for te in results],
        "mean |y_train − y_eval|": [te.gap[k] for te in results],
        "… as a fraction of the output's spread": [te.relative_gap[k] for te in results],
    }


def modes_places(results: list[TrainEval], channel: int) -> dict[str, int]:
    """modes_table's decimals, one per quantity (its rows): both means to the held-out batch's spread,
    both variances, both losses, the gap, its fraction, each to DIGITS digits of its values."""
    table, k = modes_table(results, channel), channel
    groups = [
        (["mean of the held-out batch", "running_mean after training"], [np.sqrt(te.holdout_var[k]) for te in results]),
        (["variance of the held-out batch", "running_var after training"], None),
        (["loss in training mode", "loss in eval mode"], None),
        (["mean |y_train − y_eval|"], None),
        (["… as a fraction of the output's spread"], None),
    ]
    out = {}
    for rows, scales in groups:
        p = places(scales if scales is not None else [table[r] for r in rows], DIGITS - 1 if scales else DIGITS)
        out |= dict.fromkeys(rows, p)
    return out


def by_row(frame, places: dict[str, int]):
    """A pandas Styler of `frame` (one row per quantity) with each row's numbers to its decimals."""
    styler = frame.style
    for row, p in places.items():
        styler = styler.format(fixed_cells(p), subset=pd.IndexSlice[[row], :])
    return styler


def conventions_table(momentum: float) -> dict[str, dict[str, float]]:
    """Per convention: its default momentum and the learner's (PyTorch) momentum written its way."""
    return {
        name: {"default m": default, "your setting, written this way": convention_value(momentum, name)}
        for name, default in CONVENTIONS.items()
    }


def momentum_places(momentum: float) -> int:
    """The decimals of every momentum the conventions show (their defaults and the learner's, each
    convention's way): the fewest that write them all exactly, as settings ("0.10", "0.99", "0.90")."""
    return exact_places([v for row in conventions_table(momentum).values() for v in row.values()])


def conventions_latex(momentum: float) -> list[str]:
    """One LaTeX line per convention: its name, its default momentum (written as the table beside writes
    it, with the learner's `momentum`) and its update rule."""
    p = momentum_places(momentum)
    return [
        rf"\text{{{name}}} \;(\text{{default }} m = {fixed(default, p, minus='-')}):\quad {CONVENTION_FORMULAS[name]}"
        for name, default in CONVENTIONS.items()
    ]


def conventions_caption(momentum: float) -> str:
    """The momentum in PyTorch's words and in Keras' and cs231n's, with the table's decimals."""
    p = momentum_places(momentum)
    return (
        "PyTorch's m is the weight of the new batch; Keras' and cs231n's m is the weight of the old running value. "
        f"So PyTorch's {fixed(momentum, p)} is Keras' and cs231n's {fixed(convention_value(momentum, 'Keras'), p)}."
    )


# --- the page's words around its numbers: title, controls, headings, captions, messages ------------

TITLE = "Watch γ and β learned"
INTRO = (
    f"If {MU_B} and {VAR_B} are recomputed for every mini-batch, **where is the learning?** "
    "And does the network just learn to undo the normalization? Train a BatchNorm layer's γ and β "
    "below and watch both kinds of numbers on one time axis."
)
MAKE_BATCH = "Make your own batch"


def training_data(source: str, shape: tuple[int, ...], has_specs: bool) -> str:
    """Where the training's activations come from: the learner's batch (its source and shape)."""
    drawn = "its channel distributions" if has_specs else "its own values, resampled"
    conv = " Each value of a feature map counts as one sample, as BN pools them." if len(shape) > 2 else ""
    return (
        f"Training data: 1,024 activations per channel drawn from your batch ({source}, shape "
        f"{tuple(shape)}) using {drawn}, cut into mini-batches and reshuffled every epoch.{conv}"
    )


def training_progress(fraction: float | None = None) -> str:
    """The progress bar's text while γ and β train (fraction done, or None before the first step)."""
    return "Training γ and β…" if fraction is None else f"Training γ and β… {fraction:.0%}"


# The training's controls
TASK = "Task: what the loss asks of BN's output"
TASK_HELP = "Choosing a task also sets a learning rate that suits it."
TARGET_MEAN, TARGET_STD = "Target mean", "Target spread (std)"
OPTIMIZER, LEARNING_RATE, BATCH_SIZE, EPOCHS = "Optimizer", "Learning rate η", "Batch size B", "Epochs"
MOMENTUM = "BN momentum m (PyTorch's)"
MOMENTUM_HELP = "running = (1 − m)·running + m·batch statistic. Only the running statistics use it."
GAMMA0, BETA0, SEED = "Initial γ", "Initial β", "Seed"
CHANNEL = "Channel to watch"
TRAIN_FAILED = "These settings cannot be trained: "

# The task, and where γ and β end
OPTIMUM_COMPUTED = (
    "γ*, β* are computed, not typed in: they minimize the average loss over every mini-batch this training sees. "
    + LAST_DIGITS
)


def diverged(step: int, lr: float) -> str:
    """The warning of a training whose γ, β grew without bound at `step` (counted from 1)."""
    return (
        f"Training diverged at step {step}: with η = {lr:g} each update overshoots and γ, β "
        "grow without bound. Choose a smaller learning rate."
    )


def constant_channel(channel: int) -> str:
    return f"Channel {channel} is constant: x̂ = 0 in every batch, so γ has no effect and only β learns."


NOT_SETTLED = (
    "γ and β have not reached γ*, β* yet on this channel: train for more epochs, raise the learning rate, "
    "or try another optimizer."
)


def learned_label(symbol: str) -> str:
    return f"{symbol}, mean of the last epoch"


LOSS_LEARNED = "loss, mean of the last epoch"


def first_step(loss: str) -> str:
    return f"first step: {loss}"


# The time axis and one step up close
REPLAY_HEADING = "On one time axis: computed per batch vs learned"
STEP_CONTROL = "Step (move it, or press Play, to replay the training; nothing is retrained)"


def step_up_close(step: int, channel: int, d: StepDetail) -> str:
    """The heading line of step `step` (counted from 1): its numbers, as the replay's readouts write them."""
    return (
        f"**Step {step} up close** (channel {channel}): {MU_B} = {sig(d.mu)}, {VAR_B} = {sig(d.var)}, "
        f"γ = {sig(d.gamma)}, β = {sig(d.beta)}, loss = {sig(d.loss)}"
    )


# Where every channel ends up
CHANNELS_HEADING = "Where every channel ends up"
CONSTANT_CELL = "any (constant channel)"
CHANNELS_CAPTION = "γ learned and β learned: the mean over the last epoch, where the optimizer hovers."


def channel_name(channel: int) -> str:
    return f"channel {channel}"


# The loss landscape, and your turn
LANDSCAPE = "The loss landscape, and your turn: can you find a lower loss than the optimizer?"


def landscape_intro(channel: int, optimizer: str) -> str:
    return (
        f"Each point of the map is the average loss of channel {channel} over every mini-batch, for one (γ, β). "
        f"The line is {OPTIMIZER_NAMES[optimizer]}'s path. **Your turn:** start where it started and move γ and β "
        "to the lowest loss you can find; each move adds a point to your path."
    )


YOUR_GAMMA, YOUR_BETA, START_AGAIN = "Your γ", "Your β", "Start again"
YOUR_LOSS, OPTIMUM_LOSS = "Your loss now", "The optimum γ*, β*"


def moves(count: int) -> str:
    return f"{count} moves"


def at_the_end(optimizer: str) -> str:
    return f"{OPTIMIZER_NAMES[optimizer]} at the end"


def steps_count(count: int) -> str:
    return f"{count} steps"


# Training mode against eval mode
MODES = "After training: do training mode and eval mode give the same outputs?"
MODES_INTRO = (
    "The same held-out batch, never seen in training, goes through the trained layer twice. **Training mode** "
    f"normalizes each mini-batch with its own {MU_B}, {VAR_B}, so a value's output depends on its batch-mates. "
    "**Eval mode** uses running_mean and running_var, the same for every value. Compare a very small batch "
    "size with a large one, each trained for about as many steps as above (at most 2,000)."
)
SMALL_BATCH, LARGE_BATCH = "Small batch", "Large batch"
MODES_FAILED = "The comparison cannot be trained: "
TRAINED_WITH = "trained with"


def trained_with(batch_size: int) -> str:
    return f"batch {batch_size}"


MODES_CAPTION = (
    "With batches of 2, x̂ is always close to −1 or +1 whatever the values are, so in training mode the output "
    "takes only two values per batch and γ learns to fit that. Eval mode then sees a smooth range of x̂ that "
    f"training never showed it: the two modes disagree. With large batches each batch's {MU_B} and {VAR_B} are close "
    "to the running averages: the training-mode points lie near the eval-mode line, and the gap, measured "
    "against the output's spread, is much smaller."
)

# Momentum's conventions
CONVENTIONS_TITLE = "One running average, three ways to write its momentum: PyTorch's, Keras' and cs231n's"
CONVENTION = "convention"


def conventions_note(momentum: float) -> str:
    """conventions_caption, then how the variance is folded in (PyTorch's unbiased variance)."""
    return conventions_caption(momentum) + (
        " The same formula updates the "
        f"variance; this app follows PyTorch, which folds into running_var the batch variance divided by B − 1 "
        f"instead of B, B/(B−1)·{VAR_B} (the “unbiased” variance: averaged over many batches it matches the true variance, which "
        f"{VAR_B} slightly underestimates)."
    )
