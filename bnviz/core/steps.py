"""The BatchNorm forward pass as an ordered list of named steps, for pages to render."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.batchnorm import batch_statistics, per_channel
from bnviz.core.validation import check_batch, check_channel_param, check_eps

HIGHLIGHT = "#d62728"

# The whole formula; each step colours its own term (the {…} slots).
_FULL = r"y = {gamma}\,\frac{{{centre}}}{{{std}}} {beta}"


@dataclass(frozen=True)
class Step:
    """One step of the forward pass: what it is called, its maths, its code and its result."""

    key: str  # stable identifier: mean, centre, var, std, normalize, scale, shift
    name: str  # what a learner reads: "Batch mean"
    formula: str  # LaTeX of this step alone
    highlighted: str  # LaTeX of the whole BN formula with this step's term coloured
    numpy: str  # the one line of NumPy that performs the step
    array: np.ndarray  # its result: (C,) for a statistic, the shape of x otherwise

    @property
    def is_statistic(self) -> bool:
        """True for the per-channel numbers (mean, variance, std), False for per-value arrays."""
        return self.array.ndim == 1


def _colour(tex: str) -> str:
    return rf"\textcolor{{{HIGHLIGHT}}}{{{tex}}}"


def _full_formula(focus: str, mu: str, var: str) -> str:
    terms = {
        "mu": mu,
        "var": var,
        "centre": rf"x - {mu}",
        "std": rf"\sqrt{{{var} + \epsilon}}",
        "gamma": r"\gamma",
        "beta": r"+ \beta",
    }
    if focus in ("mu", "var"):
        terms[focus] = _colour(terms[focus])
        terms["centre"] = rf"x - {terms['mu']}"
        terms["std"] = rf"\sqrt{{{terms['var']} + \epsilon}}"
    elif focus == "fraction":
        terms["centre"] = _colour(terms["centre"])
        terms["std"] = _colour(terms["std"])
    else:
        terms[focus] = _colour(terms[focus])
    return _FULL.format(**terms)


def _numpy_axes(ndim: int) -> tuple[str, str]:
    """How the code names the pooled axes and a per-channel broadcast, for this rank."""
    axes = "0" if ndim == 2 else str((0,) + tuple(range(2, ndim)))
    bcast = "[:" + ", None" * (ndim - 2) + "]" if ndim > 2 else ""
    return axes, bcast


def batch_norm_steps(x, gamma, beta, eps=1e-5, mean=None, var=None) -> list[Step]:
    """The forward pass y = gamma * (x - mu) / sqrt(var + eps) + beta, one step at a time.

    x: array of shape (N, C), (N, C, L) or (N, C, H, W).
    gamma, beta: shape (C,) (a scalar is broadcast to every channel).
    mean, var: (C,) running statistics to use instead of the batch's (eval mode);
    give both or neither.
    Returns seven Steps: mean, centre, var, std, normalize, scale, shift; the last
    array equals BatchNorm's output for the same inputs.
    """
    x = check_batch(x)
    c = x.shape[1]
    gamma = check_channel_param(gamma, c, "gamma")
    beta = check_channel_param(beta, c, "beta")
    eps = check_eps(eps)
    if (mean is None) != (var is None):
        raise ValueError("Give both mean and var (running statistics), or neither.")
    axes, b = _numpy_axes(x.ndim)
    if mean is None:
        mu, centred, var = batch_statistics(x)
        mu_tex, var_tex, source = r"\mu_B", r"\sigma_B^2", "Batch"
        mean_formula = r"\mu_B = \frac{1}{m}\sum_{i=1}^{m} x_i"
        var_formula = r"\sigma_B^2 = \frac{1}{m}\sum_{i=1}^{m} (x_i - \mu_B)^2"
        mean_code = f"mu = x.mean(axis={axes})"
        var_code = f"var = (xc ** 2).mean(axis={axes})"
    else:
        mu = check_channel_param(mean, c, "mean")
        var = check_channel_param(var, c, "var")
        if (var < 0).any():
            raise ValueError("var must be ≥ 0 in every channel.")
        centred = x - per_channel(mu, x.ndim)
        mu_tex, var_tex, source = r"\mu_{run}", r"\sigma_{run}^2", "Running"
        mean_formula = r"\mu_{run} = \texttt{running\_mean}"
        var_formula = r"\sigma_{run}^2 = \texttt{running\_var}"
        mean_code = "mu = running_mean"
        var_code = "var = running_var"
    std = np.sqrt(var + eps)
    inv_std = np.divide(1.0, std, out=np.zeros_like(std), where=std > 0)
    x_hat = centred * per_channel(inv_std, x.ndim)
    scaled = per_channel(gamma, x.ndim) * x_hat
    y = scaled + per_channel(beta, x.ndim)

    def full(focus):
        return _full_formula(focus, mu_tex, var_tex)

    return [
        Step("mean", f"{source} mean", mean_formula, full("mu"), mean_code, mu),
        Step("centre", "Centre", rf"x - {mu_tex}", full("centre"), f"xc = x - mu{b}", centred),
        Step("var", f"{source} variance", var_formula, full("var"), var_code, var),
        Step(
            "std",
            "Standard deviation",
            rf"\sqrt{{{var_tex} + \epsilon}}",
            full("std"),
            "std = np.sqrt(var + eps)",
            std,
        ),
        Step(
            "normalize",
            "Normalize",
            rf"\hat{{x}} = \frac{{x - {mu_tex}}}{{\sqrt{{{var_tex} + \epsilon}}}}",
            full("fraction"),
            f"x_hat = xc / std{b}",
            x_hat,
        ),
        Step("scale", "Scale by γ", r"\gamma\,\hat{x}", full("gamma"), f"scaled = gamma{b} * x_hat", scaled),
        Step("shift", "Shift by β", r"y = \gamma\,\hat{x} + \beta", full("beta"), f"y = scaled + beta{b}", y),
    ]
