"""What the /gamma-beta page says: its sections, their texts and their tables (the readout of every channel,
the shape of a distribution before and after BN, the peaks). The numbers come from bnviz.experiments
(gamma_beta, peaks), tables written with bnviz.numbers.fixed and an ASCII minus, as the page's metrics show them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bnviz.experiments import gamma_beta, peaks
from bnviz.experiments.gamma_beta import ROUNDING, Readout
from bnviz.notation import MU_B, RECOVER_GAMMA, STD_B, VAR_B, X_HAT
from bnviz.numbers import distance, eps_text, fixed, percent
from content.common import LAST_DIGITS, Prediction
from content.registry import to_section

# --- the page's sections: one numbering, one anchor each ----------------------------------------------


@dataclass(frozen=True)
class Section:
    anchor: str  # the heading's anchor, and what a link carries to open the page there (`?section=peaks`)
    title: str


SECTIONS = (
    Section("spread-and-mean", "γ sets the spread, β sets the mean"),
    Section("nonlinearity", "Why not stay at mean 0, variance 1?"),
    Section("w-and-b", "Do γ and β replace W and b?"),
    Section("peaks", "How do γ and β fix the normalized peaks?"),
)


def number(anchor: str) -> int:
    """The section's number on the page, from 1."""
    for n, section in enumerate(SECTIONS, start=1):
        if section.anchor == anchor:
            return n
    raise ValueError(
        f"/gamma-beta has no section {anchor!r}; its sections are {', '.join(s.anchor for s in SECTIONS)}."
    )


def heading(anchor: str) -> str:
    """The section's heading, numbered: "5. How do γ and β fix the normalized peaks?"."""
    return f"{number(anchor)}. {SECTIONS[number(anchor) - 1].title}"


def section_link(anchor: str) -> dict[str, str]:
    """The parameters of a link that opens /gamma-beta at this section."""
    number(anchor)  # it exists
    return to_section(anchor)


# The readout's two distances, named as a learner can read them; the page's caption says how
# the histogram distance (statisticians' 1-Wasserstein distance, W₁) is computed.
LARGEST = "largest |y − x|"
DISTANCE = "histogram distance y to x"
# shape_statistics' names, with what they measure in plain words.
SHAPE_ROWS = {
    "skewness": "skewness (lopsidedness)",
    "excess kurtosis": "excess kurtosis (heavy tails)",
}


INTRO = (
    "BatchNorm first normalizes each channel: $\\hat x$ has mean 0 and variance ≈ 1, whatever the "
    "layer before produced. Then $\\gamma$ and $\\beta$, one pair per channel, shared by every "
    "batch and learned by gradient descent, give the output any spread and any mean."
)

# The page's top: a batch the page cannot use, and the channel every section shows.
BATCH_REFUSED = "This page cannot use the current batch: "  # then the core's message
ANOTHER_BATCH = "Make another batch"
CHANNEL = "Channel"


def batch_caption(source: str, shape: tuple, channels: int, m: int) -> str:
    """Which batch the page uses: its source, shape (N, C, …), C channels of m values each."""
    return f"Uses your batch ({source}): shape {shape}, {channels} channels of m = {m:,} values each. Make another on *Make a batch*."


def channel_caption(channel: int, mu: float, std: float) -> str:
    """The channel's μ_B and σ_B, with the 4 decimals of the readout table: one rounding per number."""
    return f"Channel {channel} of your batch: {MU_B} = {fixed(mu, 4)}, {STD_B} = {fixed(std, 4)}."


# --- §1: the live chart's controls and readouts, the buttons, what the numbers mean ----------------------

GAMMA_SCALE, BETA_SHIFT = "γ (scale)", "β (shift)"  # the live controls
EXACT_GAMMA, EXACT_BETA = "exact γ", "exact β"  # the boxes for exact values
RESET = "Reset to γ = 1, β = 0"
RESET_HELP = "In every channel."
RECOVER_BUTTON = "Recover the original"
RECOVER_SETS = f"Set γ = {RECOVER_GAMMA} and β = {MU_B} in every channel."  # its help outside classroom mode
TABLE_TITLE = "The numbers behind the readouts, for every channel, and the sliders' ranges"


def drag_readouts(c: int, distance: bool = True) -> list[tuple[str, str]]:
    """The live chart's readouts of channel c, (name, label); the histogram distance only when `distance`."""
    return [
        ("mean", f"Mean of y, channel {c}:"),
        ("std", f"Std of y, channel {c}:"),
        ("largest", f"Largest |y − x|, channel {c}:"),
        *([("w1", f"Histogram distance from y to x, channel {c}:")] if distance else []),
    ]


def recovered(largest: float) -> str:
    """y = x on the whole batch: largest, the largest |y − x|, float64's rounding."""
    return (
        f"y = x for every value of the batch (largest difference {largest:.1e}, the rounding of float64). "
        f"With γ = {RECOVER_GAMMA} and β = {MU_B}, BatchNorm is the identity on this batch."
    )


def y_explained(out: Readout, c: int) -> str:
    """Channel c's mean and std of y, from the readout: β, and γ times x̂'s spread (0 for a constant channel)."""
    beta = fixed(out.beta[c], 4)
    if out.var[c] > 0:
        return (
            f"The mean of y is β = {beta}. The std of y is "
            r"$\gamma\,\sigma_B/\sqrt{\sigma_B^2 + \epsilon}$ = "
            f"{fixed(out.gamma[c], 4)} × {fixed(out.x_hat_std[c], 6)} = {fixed(out.predicted_std[c], 4)}: "
            "γ times x̂'s spread, just below 1 (ε)."
        )
    return f"This channel is constant ({STD_B} = 0), so x̂ = 0 and y = β = {beta} for every value, whatever γ: its std is 0."


def ranges(gamma_max: float, gamma_rec: float, beta_max: float, mu: float) -> str:
    """The sliders' ranges, chosen from the channel so that the recovering γ and β fit."""
    return (
        f"Ranges chosen from this channel of your batch: γ from 0 to {gamma_max:g} (room for "
        f"{RECOVER_GAMMA} = {fixed(gamma_rec, 4)}), β from −{beta_max:g} to {beta_max:g} "
        f"(room for {MU_B} = {fixed(mu, 4)}). Type in the boxes for exact values. Training may "
        "also make γ negative (it flips the channel); this page keeps γ ≥ 0."
    )


def undo(recovery_error: str) -> str:
    """Do γ and β just undo the normalization? recovery_error: the recovery's largest |y − x| on this batch, written."""
    return (
        "**Do γ and β just undo the normalization?** They *can*: with γ = $\\sqrt{\\sigma_B^2 + \\epsilon}$ and "
        "β = $\\mu_B$ (*Recover the original*) BN gives back its input, up to "
        f"{recovery_error}, float64's rounding. But nothing puts them there: gradient descent moves them "
        "wherever the loss is lowest. And the identity holds for *this* batch only: the next one brings its own "
        "$\\mu_B$ and $\\sigma_B^2$."
    )


# --- the lesson's prediction: which γ and β give back the input? ----------------------------------------

# The choices, one per guess of bnviz.experiments.gamma_beta.GUESSES (Markdown: Streamlit draws a radio's
# options, and the reveal that names one, with their formulas).
GUESS_LABELS = {
    "start": "γ = 1, β = 0",
    "variance": f"γ = {VAR_B}, β = {MU_B}",
    "recover": f"γ = {RECOVER_GAMMA}, β = {MU_B}",
    "inverse": "γ = $1/\\sigma_B$, β = $-\\mu_B/\\sigma_B$",
}
RECOVER = Prediction("gb_predict_recover", "Which γ and β give back the original batch?", tuple(GUESS_LABELS.values()))
# Before the class has chosen, "Recover the original" says what it does, not which values it sets.
RECOVER_HELP = "Sets γ and β in every channel to the values that give back the original batch."


def recover_answer(errors: dict[str, float]) -> str:
    """RECOVER's right choice: the guess whose largest |y − x| (gamma_beta.guess_errors) is float64's rounding."""
    (right,) = [GUESS_LABELS[g] for g, e in errors.items() if e < ROUNDING]
    return right


def recover_why(errors: dict[str, float], said: str | None = None) -> str:
    """The reveal's reason, with the run's numbers: y = x up to rounding, and how far the class's guess (`said`,
    one of GUESS_LABELS' labels) leaves y from x when it is another."""
    text = f"y = x for every value (largest |y − x| {distance(min(errors.values()), ROUNDING)}, float64's rounding)"
    miss = {GUESS_LABELS[g]: e for g, e in errors.items() if e >= ROUNDING}
    return text + (f"; with {said}, up to {distance(miss[said], ROUNDING)}." if said in miss else ".")


# --- practice: match a hidden target -------------------------------------------------------------------

TARGET_TITLE = "Practice: match a hidden target"
TARGET_INTRO = (
    "The light blue histogram is γ·x̂ + β for a hidden γ and β, on this channel's x̂. Drag your own "
    "γ and β until your red-orange outline traces it: read its centre and its width off the chart."
)
YOUR_GAMMA, YOUR_BETA = "your γ", "your β"
SHOW_ANSWER = "Show the answer"
NEW_TARGET = "New target"
CLOSENESS = "Closeness"
CLOSENESS_HELP = (
    "100 % × max(0, 1 − d/s), with d the histogram distance between your y and the target (how "
    "far, on average, your values must move to match the target's histogram) and s the target's "
    "standard deviation: 100 % when they coincide, 0 % when values are on average a whole target "
    "spread apart."
)
CLOSE = "Close. Fine-tune with the arrow keys on a slider."
TARGET_CONSTANT = "This channel is constant, so x̂ = 0 for every value: γ has no effect, only β moves the output."


def matched(gamma: float, beta: float) -> str:
    """The target found: its γ and β."""
    return (
        f"Matched: γ = {gamma:g}, β = {beta:g}. The target's mean is β and its "
        "spread is γ (times the spread of x̂, ≈ 1)."
    )


# What the readout table's two distances are (under the table).
DISTANCES = (
    "Largest |y − x|: the biggest difference between an output and its own input. Histogram distance: "
    "how far, on average, the values must move to turn the histogram of x into the histogram of y "
    "(the mean of |sort(y) − sort(x)|; statisticians call it the Wasserstein distance). Both are 0 "
    "only when the two agree."
)


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


# --- Why not stay at mean 0, variance 1? ----------------------------------------------------------

NONLINEARITY_INTRO = (
    "BN's output usually feeds a nonlinearity. Ioffe and Szegedy, who introduced BatchNorm, wrote: "
    "*“normalizing the inputs of a sigmoid would constrain them to the linear regime of the nonlinearity. "
    "To address this, we make sure that the transformation inserted in the network can represent the "
    "identity transform”*, hence γ and β ([Ioffe & Szegedy, 2015](https://arxiv.org/abs/1502.03167), section 3). "
    "Here is this channel's x̂, "
    "scaled and shifted by γ and β, going into a nonlinearity."
)
NEARLY_LINEAR = (
    "With γ = 1, β = 0 most values fall where a sigmoid is nearly straight, and nearly linear layers stack into "
    "nearly one linear layer. Raise γ or move β to reach the bends; for ReLU, β decides how many values pass "
    "(at β = 0 about half)."
)
NONLINEARITY = "Nonlinearity"
NL_GAMMA, NL_BETA = "γ before the nonlinearity", "β before the nonlinearity"
NEARLY_LINEAR_TITLE = "The nearly linear region, precisely"


def share_in_region(nonlinearity: str) -> str:
    """The live readout: the share of z = γ·x̂ + β where the nonlinearity is (nearly) linear."""
    region = "on the active side z ≥ 0" if nonlinearity == "ReLU" else "in the nearly linear region"
    return f"Share of the values {region}:"


def nearly_linear_precisely(a_sigmoid: float, a_tanh: float) -> str:
    """What "nearly linear" means, with the bounds bnviz.experiments.gamma_beta.linear_region computes."""
    return (
        "For sigmoid and tanh: the inputs z where the curve stays within 5 % of its output range of its "
        f"tangent line at z = 0, that is |z| ≤ {a_sigmoid:.2f} for the sigmoid (within 0.05 of ½ + z/4) and "
        f"|z| ≤ {a_tanh:.2f} for tanh (within 0.1 of z). For ReLU: z ≥ 0, where ReLU(z) = z exactly; every "
        "value below 0 becomes 0."
    )


# --- Do γ and β replace W and b? (bnviz.experiments.gamma_beta.chain) -------------------------------

WB_INTRO = (
    "Don't γ and β do what W and b already do? Follow one unit z = w·u + b = w₁u₁ + w₂u₂ + b (u₁ skewed, u₂ "
    "with two bumps) through BN, γ and β to the next layer w′·h + b′ (w′ = 1, b′ = 0)."
)
WB_LABELS = {  # the knobs, by their names in `?hide=`
    "w_scale": "length ‖w‖",
    "w_angle": "direction θ of w",
    "b": "bias b",
    "wb_gamma": "γ after BN",
    "wb_beta": "β after BN",
}
BETWEEN_LABEL = "Between BN and the next layer"


def wb_caption(w, reference_angle: float) -> str:
    """Under the chain figure: the weights w (2,), what its lines are, and what Δy measures."""
    return (
        f"w = ({fixed(w[0], 3)}, {fixed(w[1], 3)}). "
        "Δy: the most a knob moves BN's output y, over 1000 samples, against the start (‖w‖ = 1, b = 0, γ = 1, "
        f"β = 0; θ against {reference_angle:g}°); below {eps_text(ROUNDING)}, float64's rounding: zero. ‖w‖ moves y "
        "only through ε (1e-5): √(σ² + ε) would grow exactly as ‖w‖ with ε = 0, so its Δy is ε's small share. "
        "Bars: now; "
        "dotted: at the start; last panel, solid: the next layer alone, with γ = 1, β = 0 and its best w″, b″."
    )


def wb_effects(effects) -> list[str]:
    """Under each knob (‖w‖, θ, b, γ, β), how far it moves BN's output y (a gamma_beta.LinearEffects):
    3 significant digits, or "below 1e-9" at float64's rounding."""
    moves = (effects.scale, effects.direction, effects.b, effects.gamma, effects.beta)
    return [f"Δy = {text}" if (text := distance(v, ROUNDING))[0].isdigit() else f"Δy {text}" for v in moves]


def stand_in(chain) -> str:
    """Whether the next layer alone (γ = 1, β = 0, its best w″ and b″) gives what γ and β gave (a Chain)."""
    w, b = fixed(chain.w_alone, 3), fixed(chain.b_alone, 3)
    if chain.between == "nothing":
        return (
            f"**Nothing between: the next layer can stand in.** With γ = 1, β = 0 its best w″ = {w} and b″ = {b} "
            f"give the same output (largest difference {distance(chain.gap, ROUNDING)}): "
            "w′·(γ·x̂ + β) + b′ = (w′γ)·x̂ + (w′β + b′), so w″ = w′γ and b″ = w′β + b′ absorb γ and β exactly."
        )
    if chain.gap < ROUNDING:
        return (
            f"**A sigmoid between, and here the next layer can stand in:** its best w″ = {w} and b″ = {b} give the "
            f"same output (largest difference {distance(chain.gap, ROUNDING)}). At γ = 1, β = 0 there is nothing "
            "to stand in for, and at γ = 0 every value sits on one point of the curve, which b″ alone matches: "
            "move γ and β elsewhere and compare the solid line with the bars."
        )
    return (
        f"**A sigmoid between: the next layer cannot stand in.** With γ = 1, β = 0 its best w″ = {w} and b″ = {b} "
        f"still miss the output by up to {fixed(chain.gap, 3)} (the solid line against the bars): γ and β choose "
        "where on the curve the values fall, before the bend; the next layer acts only after it."
    )


WB_ANSWER = """
**The answer.** No: γ and β are extra parameters, one pair per channel, that put back the scale and the offset
that normalization removed. The bias b before BN is redundant: the mean subtraction removes it and β takes over
its role (hence `bias=False` in PyTorch for a layer followed by BN). The length of w is cancelled too, and γ
takes over the scale. But w's direction still decides which combination of the inputs the unit measures. And
the next layer's W and b can do γ's and β's job only when nothing nonlinear lies between.
"""


# --- How do γ and β fix the normalized peaks? (bnviz.experiments.peaks) ----------------------------

PEAKS_INTRO = (
    "*“The network might want some activations to be really high”*: how do γ and β help once BN has "
    "normalized them? Each of two channels (256 values, on different scales) has three peaks, values well "
    "above the rest of their channel: follow one through BN."
)
FOLLOW_PEAK = "Follow the peak"
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


def peaks_task(result) -> str:
    """Why the next layer's target is sigmoid(x − θ), and what the two networks are (a peaks.PeaksRun)."""
    level = f"{result.level:g}"
    below = float(np.mean(result.x[:, 0] < result.level))
    above = float(np.mean(result.x[:, 1] > result.level))
    return (
        f"**Why the target is sigmoid(x − {level}).** Before BN, this layer fed a sigmoid with the bias −{level}: "
        f"the next layer received sigmoid(x − {level}), a switch that turns on where x passes {level}, in any "
        f"channel: off for {percent(round(below, 2))} of channel 0 but on for its peaks (what a really high "
        f"activation was for), on for {percent(round(above, 2))} of channel 1. BN cancels that bias and each "
        f"channel's mean and spread. Trained to give sigmoid(x − {level}) again: BN → sigmoid → next layer "
        "(w·h + b per channel), once learning γ, β, w and b, once only w and b (γ = 1, β = 0)."
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


def peak_height(result, channel: int, row: int) -> str:
    """Why the learned γ·x̂ + β gives the peak about x − θ, not its height x (a peaks.PeaksRun)."""
    gamma, beta, _, _ = result.learned(True)
    value, level = result.x[row, channel], result.level
    *_, y = peaks.follow_peak(result.x, channel, row, gamma[channel], beta[channel])
    return (
        f"**Why your peak ends at {fixed(y.value, 3)}, not at {value:g}.** γ and β do not give the peak its height "
        f"back: they give the sigmoid what the task needs, x − {level:g}, here {value:g} − {level:g} = "
        f"{fixed(value - level, 3)}. The needed γ and β (the table) make γ·x̂ + β = x − {level:g} for every value; "
        "training ends near them, not on them. Had the task been "
        f"sigmoid(x), with no bias before BN, the needed values would be the identity of section "
        f"{number('spread-and-mean')} (γ = $\\sqrt{{\\sigma_B^2 + \\epsilon}}$, β = $\\mu_B$) and your peak would get {value:g} back."
    )


PEAKS_CAPTION = (
    "What the next layer outputs for each value x of the batch (ticks): what the task needs (green band), with "
    "γ, β learned (red) and with γ = 1, β = 0 (grey, dashed); the vertical line is θ. " + LAST_DIGITS
)
PEAKS_DETAILS_TITLE = (
    "The loss at every step, why the nonlinearity matters, and where the needed values and the floor come from"
)
LOSS_CAPTION = (
    "The loss of both networks at every step, summed over the two channels; dotted: the least any next layer "
    "reaches with γ = 1, β = 0."
)


def peaks_details(level: float, n: int, lr: float, steps: int) -> str:
    """The side material: why a nonlinearity, the needed values, the floor, the training."""
    return (
        "**A linear next layer needs no γ and β.** w·(γ·x̂ + β) + b = (wγ)·x̂ + (wβ + b): its own weight "
        "and bias do their job. What BN takes away is lost only through a nonlinearity between BN and the "
        "next layer.\n\n"
        "**BN cancels the bias before it** (section "
        + str(number("w-and-b"))
        + "). So without β a ReLU after BN passes exactly the "
        "values above their channel's batch mean (x̂ > 0 exactly when x > $\\mu_B$), and a sigmoid switches at that mean "
        "and, with a spread of 1, stays mostly in its middle.\n\n"
        f"**The needed values.** γ = $\\sqrt{{\\sigma_B^2 + \\epsilon}}$ and β = $\\mu_B$ − {level:g} give "
        f"γ·x̂ + β = (x − $\\mu_B$) + $\\mu_B$ − {level:g} = x − {level:g} for every value of the batch: the identity "
        f"values of section {number('spread-and-mean')}, with β moved by the old bias. With w = 1 and b = 0 the next layer then gets "
        f"sigmoid(x − {level:g}) exactly: loss 0.\n\n"
        "**The floor.** With γ = 1, β = 0 the sigmoid's output is fixed, and the loss is a quadratic in w "
        "and b. Least squares gives its minimum, the dotted line: training w and b reaches it and cannot "
        "go below.\n\n"
        f"**The training.** Both networks: the training loop of *Watch them learned*, with BN's forward and "
        f"backward passes, on one batch of {n} values per channel (every step sees all of them), Adam with "
        f"learning rate {lr:g}, {steps} steps, from γ = 1, β = 0, w = 1, b = 0. The loss is "
        f"mean((w·sigmoid(y) + b − sigmoid(x − {level:g}))²) per channel, summed over the two channels."
    )


# --- a side question: does BN make a channel Gaussian? ------------------------------------------------

SHAPE_TITLE = "A side question: does BN make a channel Gaussian? Only two numbers change"
SHAPE = "Shape of the channel"
SHAPE_NAMES = {  # the link carries the name shown: `?gb_shape=two+bumps`
    "skewed": "skewed",
    "bimodal": "two bumps",
    "relu": "ReLU output",
    "heavy-tailed": "heavy tails",
    "batch": "your batch, this channel",
}
SHAPE_INTRO = (
    "BN is an affine map per channel: every value of a channel goes through the same "
    f"{X_HAT}. It sets the mean and the variance, and nothing else: a skewed "
    "channel stays skewed, a two-bump channel keeps its bumps. **BN does not make activations Gaussian.**"
)


def shape_explained(affine_gap: float) -> str:
    """What the shape table and the quantile plot show; affine_gap from gamma_beta.quantile_comparison."""
    return (
        "The **mean** and the **std** change: those are the two numbers BN sets. The **skewness** (how "
        "lopsided the histogram is) and the **excess kurtosis** (how heavy its tails are, against a "
        "normal distribution) describe the shape; both are 0 for a normal distribution, and they stay.\n\n"
        "Right-hand plot: if x̂ were normal, its quantiles would lie on the dashed diagonal. They are "
        "exactly the quantiles of x moved by the same affine map (largest gap "
        f"{affine_gap:.1e}), so the bend you see is the shape of x itself."
    )
