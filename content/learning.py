"""What the /learning page says: the names of the tasks and optimizers, the LaTeX of the losses
and updates, the explanation of each task with the training's own numbers, and the column names
of its tables. The numbers come from bnviz.experiments.training; only their wording is here."""

from __future__ import annotations

import numpy as np

from bnviz.experiments.training import (
    ADAM_BETAS,
    CONVENTIONS,
    MOMENTUM_SGD,
    SHIFT,
    SLOPE,
    Experiment,
    History,
    StepDetail,
    TrainEval,
    convention_value,
    last_epoch_mean,
    reference,
)
from bnviz.notation import STD_B
from bnviz.numbers import fixed, latex, sig

TASK_NAMES = {
    "reconstruct": "Reconstruct the input",
    "target": "A different target",
    "classify": "Feed a classifier",
}
OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD with momentum 0.9", "adam": "Adam"}

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


def update_equations(d: StepDetail, optimizer: str) -> list[str]:
    """The gradient and the update of one step as LaTeX lines, with the step's real numbers."""
    lines = [
        rf"\frac{{\partial L}}{{\partial \gamma}} = \sum_i \frac{{\partial L}}{{\partial y_i}}\,\hat{{x}}_i = {latex(d.grad_gamma)}",
        rf"\frac{{\partial L}}{{\partial \beta}} = \sum_i \frac{{\partial L}}{{\partial y_i}} = {latex(d.grad_beta)}",
    ]
    lr = latex(d.lr)
    if optimizer == "sgd":
        for p, grad, old, new in (
            ("gamma", d.grad_gamma, d.gamma, d.gamma_next),
            ("beta", d.grad_beta, d.beta, d.beta_next),
        ):
            lines.append(
                rf"\{p} \leftarrow \{p} - \eta\,\frac{{\partial L}}{{\partial \{p}}}"
                rf" = {latex(old)} - {lr} \times {latex(grad, True)} = {latex(new)}"
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


def explain_task(exp: Experiment, gamma_star, beta_star, channel: int) -> tuple[str, str | None]:
    """What the task asks and where γ, β should go on `channel`, in words and real numbers
    (markdown), and for "reconstruct" why γ* is a little below √(σ² + ε) (or None)."""
    s, k = exp.settings, channel
    ref_gamma, ref_beta = reference(exp)
    g, b = f"γ* = **{sig(gamma_star[k])}**", f"β* = **{sig(beta_star[k])}**"
    mu, std = sig(exp.mu[k]), sig(exp.std[k])  # 4 digits, as γ*, β*, √(σ²+ε) and the table below
    if s.task == "reconstruct":
        text = (
            f"The output should give back the input. On channel {k} (μ = {mu}, σ = {std}) "
            f"that means undoing the normalization: {g} (√(σ²+ε) = {sig(ref_gamma[k])}) and {b} "
            f"(μ = {sig(ref_beta[k])}). Here the network *does* learn to undo BN, because the loss asks for it."
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


# --- the tables: column names over the training's numbers -------------------------------------


def step_rows(d: StepDetail, task: str, rows: int = 8) -> dict[str, list]:
    """The first `rows` values of the step's mini-batch and the sums over all B of them:
    columns x, x̂, y, target (or label), ∂L/∂y, ∂L/∂y·x̂ (a dict of lists, last row the sum)."""
    n = min(rows, len(d.x))
    target = "label" if task == "classify" else "target t"
    columns = {
        "x": (d.x, np.nan),
        "x̂": (d.x_hat, np.nan),
        "y = γ·x̂ + β": (d.y, np.nan),
        target: (d.t, np.nan),
        "∂L/∂y": (d.dy, d.grad_beta),
        "∂L/∂y · x̂": (d.dy_x_hat, d.grad_gamma),
    }
    total = f"Σ (all {len(d.x)})" if n < len(d.x) else "Σ"
    out = {"i": [f"{i + 1}" for i in range(n)] + [total]}
    for name, (values, sum_row) in columns.items():
        out[name] = list(values[:n]) + [sum_row]
    return out


def channel_table(exp: Experiment, hist: History, gamma_star, beta_star) -> dict[str, np.ndarray]:
    """Columns of the every-channel summary: the data's μ, σ, and γ*, β* beside where the
    optimizer ends (the mean of the last epoch)."""
    return {
        "μ of the data": exp.mu,
        "σ of the data": exp.std,
        "γ*": gamma_star,
        "γ learned": last_epoch_mean(exp, hist, "gamma"),
        "β*": beta_star,
        "β learned": last_epoch_mean(exp, hist, "beta"),
    }


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


def conventions_latex() -> list[str]:
    """One LaTeX line per convention: its name, its default momentum and its update rule."""
    return [
        rf"\text{{{name}}} \;(\text{{default }} m = {sig(default)}):\quad {CONVENTION_FORMULAS[name]}"
        for name, default in CONVENTIONS.items()
    ]


def conventions_table(momentum: float) -> dict[str, dict[str, float]]:
    """Per convention: its default momentum and the learner's (PyTorch) momentum written its way."""
    return {
        name: {"default m": default, "your setting, written this way": convention_value(momentum, name)}
        for name, default in CONVENTIONS.items()
    }
