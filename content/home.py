"""The home page's sentences: what to try first, the formula's parts, and what the first figure shows."""

from __future__ import annotations

import math

from bnviz.experiments.home import spread_ratio
from bnviz.numbers import fixed
from content.common import Prediction

TITLE = "Batch Normalization, and why γ and β exist"
SCALE = "Multiply every activation by"
SCALE_HELP = "As if the layer before BN had larger or smaller weights."
FORMULA_INTRO = "For each channel of a layer's activations, over a mini-batch *B* of *m* values:"
FORMULA = r"y = \gamma \cdot \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta"
TRY = (
    "**Try this:** move the scale, and every channel *before* BN grows or shrinks while *after* BN stays "
    "put; then move γ and β, and channel 0 after BN stretches and shifts. Grey bands: where each channel "
    "lies at ×1 (top), and where γ = 1, β = 0 puts channel 0 (bottom)."
)
FORMULA_PARTS = r"""
- $\mu_B$ and $\sigma_B^2$ are the mean and variance of **this mini-batch**, computed anew for
  every batch: nothing about them is learned.
- $\epsilon$ (1e-5) keeps the division safe when a channel barely varies.
- $\gamma$ (scale) and $\beta$ (shift) are **learned parameters**, one pair per channel, shared by
  every batch and updated by gradient descent like any weight.
"""
CHANNEL = 0  # the channel whose γ and β the learner moves
FIGURE_CAPTION = (
    "A batch of four very different channels, before BN (top) and after it (bottom). Before BN the panels "
    "share one x axis, so the spread you see is the real spread; after BN, channels 1 to 3 share a fixed one "
    "and channel 0 has its own, which widens only when γ and β take it out. Only each channel's mean and "
    "spread change; its shape does not."
)
GAMMA = f"γ of channel {CHANNEL} (scale after BN)"
BETA = f"β of channel {CHANNEL} (shift after BN)"
STD_BEFORE = "std of each channel before:"
MEAN_AFTER = f"channel {CHANNEL} after BN: mean"
STD_AFTER = "std"
TABLE = "Each channel's mean and standard deviation, before and after BN, at the values above:"
TABLE_COLUMNS = ("mean before", "std before", "mean after", "std after")
QUESTIONS = "The questions learners ask, and where this app answers them"


def answered_by(label: str) -> str:
    return f"Answered by experiment: {label}"


ALL_QUESTIONS = "All the questions, each with a small experiment and a self-check"
ROUTE = "The route, one idea per page"


def route_stop(title: str, idea: str) -> str:
    return f"{title}: {idea}"


# The lesson's first prediction (content.teach's step 1): asked before the scale moves, in classroom mode.
FACTOR = 4
SCALE_PREDICTION = Prediction(
    "home_predict_scale",
    f"If every activation is multiplied by {FACTOR}, what happens to BN's output?",
    (f"{FACTOR} times larger", "Unchanged", f"{FACTOR} times smaller"),
)
LOCKED = "Choose a prediction, then move the scale."
CLASSROOM_CAPTION = (
    "Each row is one channel of the batch: before BN (left, all on one x axis) and after BN (right). "
    "Grey bands: where each channel lies at ×1."
)


def scale_answer(x, eps: float = 1e-5) -> str:
    """The choice of SCALE_PREDICTION that BatchNorm's output at FACTOR · x gives: the one whose factor (FACTOR,
    1, 1 / FACTOR) is nearest, on a log scale, to how many times wider the output became (spread_ratio)."""
    ratio = float(spread_ratio(x, FACTOR, eps).mean())
    larger, same, smaller = SCALE_PREDICTION.choices
    factors = {larger: FACTOR, same: 1.0, smaller: 1 / FACTOR}
    return min(factors, key=lambda choice: abs(math.log(ratio / factors[choice])))


def scale_why(stds_now, scale: float) -> str:
    """Why, with the numbers on screen: each channel's std after BN at the scale moved to."""
    stds = ", ".join(fixed(s, 3) for s in stds_now)
    return (
        f"At ×{scale:g}, $\\mu_B$ and $\\sigma_B$ grow by ×{scale:g} too and cancel: each channel's std "
        f"after BN is {stds} (ε aside)."
    )
