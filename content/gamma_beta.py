"""What the /gamma-beta page shows as text tables: the readout of every channel and the shape
of a distribution before and after BN. The numbers come from bnviz.experiments.gamma_beta,
written with bnviz.numbers.fixed and an ASCII minus, as the page's metrics show them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bnviz.experiments import gamma_beta
from bnviz.experiments.gamma_beta import ROUNDING, Readout
from bnviz.notation import MU_B, STD_B
from bnviz.numbers import distance, fixed
from content.common import LAST_DIGITS

# The readout's two distances, named as a learner can read them; the page's caption says how
# the histogram distance (statisticians' 1-Wasserstein distance, W₁) is computed.
LARGEST = "largest |y − x|"
DISTANCE = "histogram distance y to x"
# shape_statistics' names, with what they measure in plain words.
SHAPE_ROWS = {
    "skewness": "skewness (lopsidedness)",
    "excess kurtosis": "excess kurtosis (heavy tails)",
}


def readout_table(out: Readout) -> pd.DataFrame:
    """The readout of every channel as a table of text, one row per channel.

    Statistics with 4 decimals, distances with 3 significant digits or, at float64's rounding, "below
    1e-9", each as the live readouts beside the table write it (ui/live/maths.js: fixed(·, 4), distance).
    Already text, so that showing it costs nothing per drag.
    """
    columns = {
        MU_B: out.mu,
        STD_B: np.sqrt(out.var),
        "γ": out.gamma,
        "β": out.beta,
        "mean of y": out.mean,
        "std of y": out.std,
    }
    table = {name: [fixed(v, 4, minus="-") for v in values] for name, values in columns.items()}
    table[LARGEST] = [distance(v, ROUNDING) for v in out.max_abs_diff]
    table[DISTANCE] = [distance(v, ROUNDING) for v in out.w1]
    return pd.DataFrame(table, index=pd.Index([f"channel {c}" for c in range(len(out.mu))], name="channel"))


def shape_table(before, after) -> pd.DataFrame:
    """Mean, std, skewness and excess kurtosis of x (before BN) and x_hat (after), as text, each
    shape statistic named with what it measures."""
    stats = {
        "x (before BN)": gamma_beta.shape_statistics(before),
        "x̂ (after BN)": gamma_beta.shape_statistics(after),
    }
    table = {name: {SHAPE_ROWS.get(k, k): fixed(v, 3, minus="-") for k, v in s.items()} for name, s in stats.items()}
    return pd.DataFrame(table)


# --- 6. How do γ and β fix the normalized peaks? (bnviz.experiments.peaks) -----------------------

PEAKS_TITLE = "6. How do γ and β fix the normalized peaks?"
PEAKS_INTRO = (
    "A learner read that *“the network might want some activations to be really high in order to make "
    "accurate predictions”*: how do γ and β help once BN has normalized them? Two channels on different "
    "scales, 256 values each, have three peaks each, values well above the rest of their channel. "
    "Follow one through BN."
)
PEAK_STAGES = {
    "x": "x, before BN",
    "x_hat": "x̂, after BN (γ = 1, β = 0)",
    "y": "γ·x̂ + β, with the learned γ, β",
}
PEAK_KEPT = (
    "**Kept:** its z-score, how many standard deviations it stands above its channel's mean "
    "(x̂ *is* that z-score, up to ε). **Lost:** its height and its channel's mean. After BN every "
    "channel has mean 0 and spread 1, whatever its typical size was; only γ and β set them again."
)


def peak_options(values) -> dict[str, tuple[int, int]]:
    """The picker's choices: each peak's name, as the link carries it ("9 in channel 0"), and its
    (channel, row). values: bnviz.experiments.peaks.PEAK_VALUES, one tuple of peaks per channel."""
    return {f"{v:g} in channel {c}": (c, row) for c, peaks in enumerate(values) for row, v in enumerate(peaks)}


def peak_table(stages) -> pd.DataFrame:
    """One row per stage of bnviz.experiments.peaks.follow_peak: the value, its channel's mean, its z-score."""
    return pd.DataFrame(
        {
            "the peak": [fixed(s.value, 3) for s in stages],
            "its channel's mean": [fixed(s.mean, 3) for s in stages],
            "its z-score": [fixed(s.z, 3) for s in stages],
        },
        index=pd.Index([PEAK_STAGES[s.name] for s in stages], name="stage"),
    )


def peaks_task(level: float) -> str:
    """Why the height matters, and what the two networks are."""
    return (
        "**Does the lost height matter?** Not to a linear layer right after BN (its own weight and bias can "
        "do γ's and β's job), but through a nonlinearity it does. Suppose this layer's bias "
        f"−{level:g} once put a sigmoid's switch at x = {level:g}: the next layer received "
        f"sigmoid(x − {level:g}), off for channel 0's typical values, on for its peaks and for most of "
        "channel 1. BN cancels that bias. Below, BN → sigmoid → next layer (w·h + b, one w and b per "
        f"channel) is trained by gradient descent to give sigmoid(x − {level:g}) again, twice: learning "
        "γ, β, w and b, and learning only w and b (γ = 1, β = 0)."
    )


def learned_table(result) -> pd.DataFrame:
    """γ and β learned against the values the task needs, one column per channel (peaks.PeaksRun)."""
    gamma, beta, _, _ = result.learned(True)
    rows = {
        "γ learned": gamma,
        "γ needed: √(batch variance + ε)": result.gamma_needed,
        "β learned": beta,
        f"β needed: batch mean − {result.level:g}": result.beta_needed,
    }
    return pd.DataFrame(
        [[fixed(v, 3) for v in values] for values in rows.values()],
        index=pd.Index(list(rows), name=""),
        columns=[f"channel {c}" for c in range(len(gamma))],
    )


def small(value: float) -> str:
    """A loss that can be tiny, as 6.6e-8 (not 6.6e-08)."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def peaks_summary(result, channel: int, row: int) -> str:
    """What the training shows, with its numbers, and what it gives the learner's peak."""
    value = result.x[row, channel]
    needed, with_, without = result.peak_outputs(channel, row)
    return (
        f"**Without γ and β** the loss stops at {result.final_loss(False):.3g}, the least any w and b "
        "reach: the sigmoid now switches at each channel's own mean, gently, and the next layer can "
        f"only stretch and shift that curve. Your peak, x = {value:g}, gets {fixed(without, 3)} where "
        f"{fixed(needed, 3)} is needed.\n\n"
        f"**With γ and β learned** the loss falls to {small(result.final_loss(True))} and your peak gets "
        f"{fixed(with_, 3)}. γ and β end near the values that make γ·x̂ + β = x − {result.level:g} again: "
        "they put back each channel's spread and offset, as far as the next layer needs them."
    )


PEAKS_CAPTION = (
    "Left: the loss of both networks at every step, summed over the two channels. Right: what the next "
    "layer outputs for each value x of the batch (ticks): what the task needs (green band), with γ, β "
    "learned (red) and with γ = 1, β = 0 (grey, dashed); the vertical line is θ. " + LAST_DIGITS
)


def peaks_details(level: float, n: int, lr: float, steps: int) -> str:
    """The side material: why a nonlinearity, the needed values, the floor, the training."""
    return (
        "**A linear next layer needs no γ and β.** w·(γ·x̂ + β) + b = (wγ)·x̂ + (wβ + b): its own weight "
        "and bias do their job. What BN takes away is lost only through a nonlinearity between BN and the "
        "next layer.\n\n"
        "**BN cancels the bias before it** (section 5). So without β a ReLU after BN passes exactly the "
        "values above their channel's batch mean (x̂ > 0 exactly when x > $\\mu_B$), and a sigmoid switches at that mean "
        "and, with a spread of 1, stays mostly in its middle.\n\n"
        f"**The needed values.** γ = $\\sqrt{{\\sigma_B^2 + \\epsilon}}$ and β = $\\mu_B$ − {level:g} give "
        f"γ·x̂ + β = (x − $\\mu_B$) + $\\mu_B$ − {level:g} = x − {level:g} for every value of the batch: the identity "
        f"values of section 1, with β moved by the old bias. With w = 1 and b = 0 the next layer then gets "
        f"sigmoid(x − {level:g}) exactly: loss 0.\n\n"
        "**The floor.** With γ = 1, β = 0 the sigmoid's output is fixed, and the loss is a quadratic in w "
        "and b. Least squares gives its minimum, the dotted line: training w and b reaches it and cannot "
        "go below.\n\n"
        f"**The training.** Both networks: the training loop of *Watch them learned*, with BN's forward and "
        f"backward passes, on one batch of {n} values per channel (every step sees all of them), Adam with "
        f"learning rate {lr:g}, {steps} steps, from γ = 1, β = 0, w = 1, b = 0. The loss is "
        f"mean((w·sigmoid(y) + b − sigmoid(x − {level:g}))²) per channel, summed over the two channels."
    )
