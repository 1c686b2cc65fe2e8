"""What the /network page says about the three networks, beyond the figures' own titles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bnviz.experiments.jolt import ARMS, DEFAULT_LR, WINDOW, Jolt, Undo
from bnviz.experiments.mlp import NetworkSettings, Run, Sweep
from bnviz.figures.network import NAMES, PANEL, outcome
from bnviz.notation import MU_B, MU_RUN, RECOVER_GAMMA, VAR_RUN
from bnviz.numbers import fixed, percent, places, sig
from content.common import CLAIM_SEEDS, LAST_DIGITS, Prediction

# What "saturated" means for each activation, as bnviz.experiments.mlp.saturated_share counts it:
# there its derivative is about 0 (below 0.06 for tanh, 0.03 for sigmoid), so almost no gradient
# flows back through the unit.
SATURATION = {
    "tanh": "|tanh| > 0.97",
    "sigmoid": "sigmoid ≤ 0.03 or ≥ 0.97",
    "ReLU": "the unit outputs 0 for every example of the mini-batch (a dead unit)",
}

INTRO = (
    "Three copies of one small network start from **the same weights** and see **the same "
    "mini-batches**. Two have a BatchNorm layer after every hidden linear layer, before the "
    "activation: one with its learned γ and β, the other without them (γ = 1 and β = 0, fixed: "
    "PyTorch's `affine=False`). The third has no BN. Train them and compare."
)

TRAIN = "Train the three networks"  # the form's button
NOT_YOUR_BATCH = (
    "This page does not use your batch from “Make a batch”: it trains a classifier of 2-D points "
    "(512 points, two classes), all in NumPy."
)

# The form's controls, by their names in `?hide=` (each one's key and link parameter: net_<name>), and their help.
LABELS = {
    "dataset": "Dataset",
    "activation": "Activation",
    "depth": "Hidden layers",
    "lr": "Learning rate",
    "init_scale": "Initialisation scale",
    "steps": "Training steps",
    "width": "Units per hidden layer",
    "batch_size": "Batch size",
    "seed": "Seed (data, weights and batches)",
}
LR_HELP = "On a log scale. The sweep below shows at which rates each network trains."
INIT_SCALE_HELP = (
    "Multiplies the standard initial weights (PyTorch's gain / √fan_in). "
    "Below 1 the signal shrinks layer by layer, above 1 it grows."
)
BATCH_SIZE_HELP = r"BN computes $\mu_B$ and $\sigma_B^2$ on each mini-batch: small batches make them noisy."
THINGS_TO_TRY_TITLE = "Things to try"

CANNOT_TRAIN = "These settings cannot be trained: "  # then the core's message
TRAINING = "Training the three networks…"
SWEEPING = "Sweeping the learning rate…"


def progress(doing: str, done: float) -> str:
    """A progress bar's text: what it does, and the share done (0 to 1)."""
    return f"{doing} {done:.0%}"


# --- what the three trainings did ----------------------------------------------------------------------

RESULTS_HEADING = "Loss and accuracy while training"
CURVES_CAPTION = (
    "Curves: each point averages the loss (or accuracy) of a few consecutive mini-batches, in "
    "training mode. The final numbers above are on all 512 points in eval mode (BN uses its "
    "running mean and variance), as is the map below. “Diverged”: the loss or a weight stopped "
    "being a finite number, so training stopped there. " + LAST_DIGITS
)
BOUNDARY_CAPTION = "Colour: the predicted probability of class 1; the line is where it is 50 %, the decision boundary."
INSIDE_LABEL = "Inside the network: which units saturate, and how large are the gradients?"
GAMMA_BETA_CAPTION = (
    "BN alone forces every layer's pre-activations to mean 0 and variance 1, as in the network "
    "“BN without γ, β”. γ and β, learned like the weights, let each unit choose its own scale and "
    "offset instead."
)


def run_box(run: Run, settings: NetworkSettings) -> str:
    """One network's box above the curves: its name, settings and outcome."""
    return (
        f"**{PANEL[run.norm]}** ({settings.activation}, learning rate {run.lr:g}, {settings.steps} steps): "
        f"{outcome(run)}"
    )


def learned_heading(dataset: str) -> str:
    return f"What each network learned on the {dataset}"


def strips_caption(activation: str) -> str:
    """Under the activation strips: how to read them."""
    return (
        "One strip per hidden layer: time runs left to right, the output value bottom to top, and "
        "brightness shows how many of the mini-batch's outputs have that value (log scale, as in "
        "fastai's activation plots). "
        + ("ReLU outputs above 4 are counted in the top row. " if activation == "ReLU" else "")
        + "A bright band at the top or bottom edge means saturated units, which pass almost no gradient back."
    )


def gradients_caption(activation: str) -> str:
    """Under the saturation and gradient charts: what saturated (or dead) means, and the gradient's size."""
    return (
        f"{'Dead' if activation == 'ReLU' else 'Saturated'} here means {SATURATION[activation]}. "
        "Gradient size: the root mean square of dL/dW of each layer's weights, on that step's mini-batch."
    )


# The predictions offered before the reveal: one per network, and a tie.
PREDICTIONS = [NAMES["none"], NAMES["bn"], NAMES["bn_no_affine"], "about the same"]


def lowest_loss(runs: Sequence[Run], rel: float = 0.1) -> tuple[str, ...]:
    """Which network ended with the lowest final loss, as choices of PREDICTIONS that are right.

    Its name ("without BN", "BN with γ, β", "BN without γ, β"); when others ended within `rel` of it
    (|a - b| ≤ rel · max(a, b)), the names of all of them (each a right choice); "about the same" when every
    network did, or every one diverged.
    """
    losses = [math.inf if r.diverged else r.final_loss for r in runs]
    best = min(losses)
    if math.isinf(best):
        return ("about the same",)
    close = [r for r, loss in zip(runs, losses) if math.isfinite(loss) and loss - best <= rel * loss]
    if len(close) == len(runs):
        return ("about the same",)
    return tuple(NAMES[r.norm] for r in close)


TRAIN_KEY = "net_predict_train"
TRAIN_HEADING, TRAIN_ANCHOR = "Which network ends with the lowest loss?", "three-networks"  # the lesson's section


def train_prediction(settings: NetworkSettings) -> Prediction:
    """The class's prediction before the three trainings are shown, in the words of PREDICTIONS."""
    return Prediction(
        TRAIN_KEY,
        f"Same start, same batches, {settings.steps} steps at learning rate {settings.lr:g}: which network ends with "
        "the lowest loss?",
        tuple(PREDICTIONS),
    )


def final_losses(runs: Sequence[Run]) -> str:
    """The reveal's reason: each network's final loss, as the boxes under the curves write it."""
    return "In eval mode, on every point: " + "; ".join(f"{NAMES[r.norm]}, {outcome(r)}" for r in runs) + "."


SWEEP_KEY = "net_predict_sweep"
SWEEP_CHOICES = ("all of them", "only the small ones", "only the large ones", "none of them")
SWEEP_PREDICTION = Prediction(
    SWEEP_KEY, "At which learning rates will the network without BN still train?", SWEEP_CHOICES
)


def sweep_answer(trained: Sequence[float], rates: Sequence[float]) -> str:
    """The right choice of SWEEP_PREDICTION: which of the swept `rates` the network without BN `trained` at
    (reached 90 % accuracy): all, none, or whether the largest rates fail (the small ones) or not."""
    if len(trained) == len(rates):
        return SWEEP_CHOICES[0]
    if not trained:
        return SWEEP_CHOICES[3]
    return SWEEP_CHOICES[1] if max(trained) < max(rates) else SWEEP_CHOICES[2]


SWEEP_HEADING = "Which learning rates work?"
SWEEP_TOGGLE = "Run the learning-rate sweep"
SWEEP_FAILED = "The sweep could not run: "  # then the core's message
SWEEP_CAPTION = (
    "Final loss on all 512 points in eval mode; lower is better, and the dotted line is a "
    "network that always answers 50 %. The dashed line marks the learning rate of the run above."
)


def sweep_intro(rates: Sequence[float]) -> str:
    return (
        f"The same experiment at {len(rates)} learning rates from {rates[0]:g} to "
        f"{rates[-1]:g}, for the three networks (all other settings as above)."
    )


def sweep_help(rates: Sequence[float]) -> str:
    return f"Trains {3 * len(rates)} networks: a few seconds at the default size, up to a minute at the largest."


def sweep_why(result: Sweep) -> str:
    """The sweep's reveal: the rates at which each network reached 90 % accuracy."""
    rates = {norm: ", ".join(f"{lr:g}" for lr in result.trained(norm)) or "none" for norm in result.runs}
    return (
        f"Reaching 90 % accuracy, the network without BN trained at learning rates {rates['none']}; BN with γ, β "
        f"at {rates['bn']}; BN without γ, β at {rates['bn_no_affine']}."
    )


def trained_with(settings: NetworkSettings) -> str:
    """The settings the results on screen belong to, as one line above them.

    The controls sit in a form: a changed control reaches the page only when the learner
    presses the button, so until then the results are those of the last press.
    """
    return (
        f"**These results are for:** the {settings.dataset}, {settings.activation}, "
        f"{settings.depth} hidden layers of {settings.width} units, learning rate {settings.lr:g}, "
        f"initialisation {settings.init_scale:g}×, batch size {settings.batch_size}, "
        f"{settings.steps} steps, seed {settings.seed}. A control changed above applies "
        f"only when you press “{TRAIN}”."
    )


# --- Things to try: claims that hold for every seed and on every machine -----------------------
#
# A training's last digits depend on the processor (numpy picks its SIMD kernels per machine) and a
# chaotic training turns them into a different final loss, so the page states no result from one
# run. Each line below claims bounds that tests/content/test_claims.py checks for every seed in CLAIM_SEEDS
# at three SIMD levels (scripts/test.sh): the bounds are the data, the words are made from them.

GUESSING = math.log(2)  # the loss of a network that always answers 50 %


@dataclass(frozen=True)
class Outcome:
    """How one network's training ends at a Try's settings, on every seed and machine.

    Its final accuracy (every point, eval mode) is above `over` and below `under` (either may be
    None); `may_diverge`: the run may also diverge (stop on a non-finite loss or weight) within
    `diverges_within` steps. `words` is how the page says it.
    """

    over: float | None = None
    under: float | None = None
    may_diverge: bool = False
    diverges_within: int = 20

    def holds(self, run: Run) -> bool:
        if run.diverged:
            return self.may_diverge and run.diverged_at <= self.diverges_within
        accuracy = run.final_accuracy
        return (self.over is None or accuracy > self.over) and (self.under is None or accuracy < self.under)

    @property
    def words(self) -> str:
        bounds = " and ".join(
            f"{word} {percent(v)}" for word, v in (("over", self.over), ("under", self.under)) if v is not None
        )
        if self.may_diverge:
            return f"diverges within its first {self.diverges_within} steps or ends {bounds}"
        return bounds


@dataclass(frozen=True)
class Try:
    """One of the page's "Things to try": settings (NetworkSettings' fields that differ from the
    page's first ones), what each network does there (`outcomes`, by norm), and the sentence.

    `text` names each outcome by its norm, "{none}", "{bn}", "{bn_no_affine}"; `markdown` fills them in.
    """

    key: str
    settings: dict
    outcomes: dict[str, Outcome]
    text: str

    @property
    def markdown(self) -> str:
        words = {norm: o.words for norm, o in self.outcomes.items()}
        facts = dict(loss_above=LR_10_LOSS_ABOVE, guessing=GUESSING, gamma_past=LR_10_GAMMA_GROWS_PAST)
        return "- " + self.text.format(**words, **facts)


THINGS_TO_TRY = (
    Try(
        "small_lr",
        dict(lr=0.3),
        dict(none=Outcome(over=0.98), bn=Outcome(over=0.98), bn_no_affine=Outcome(over=0.9)),
        "**Learning rate 0.3**: all three train. Without BN: {none}; BN with γ, β: {bn}; BN without "
        "γ, β: {bn_no_affine}. At this rate BN brings no advantage: the network without BN does at least "
        "as well.",
    ),
    Try(
        "circles_tanh",
        dict(dataset="circles", activation="tanh", lr=0.3),
        dict(none=Outcome(over=0.99), bn=Outcome(over=0.9), bn_no_affine=Outcome(under=0.6)),
        "**Circles**, **tanh**, learning rate 0.3: here γ and β matter. Without BN ({none}) and BN with "
        "γ, β ({bn}) learn the circles; BN without γ, β stays near guessing ({bn_no_affine}). Why: see "
        "“So why does BN help?” at the foot of the page.",
    ),
    Try(
        "circles_sigmoid",
        dict(dataset="circles", activation="sigmoid", lr=0.3),
        dict(none=Outcome(under=0.6), bn=Outcome(over=0.85), bn_no_affine=Outcome(under=0.65)),
        "The same with **sigmoid**: BN with γ, β learns the circles ({bn}), BN without γ, β does not "
        "({bn_no_affine}), and here the network without BN does not train either ({none}).",
    ),
    Try(
        "circles_relu",
        dict(dataset="circles", activation="ReLU", lr=0.3),
        dict(none=Outcome(over=0.99), bn=Outcome(over=0.99), bn_no_affine=Outcome(over=0.99)),
        "With **ReLU** on the circles all three learn them (without BN {none}, BN with γ, β {bn}, BN "
        "without γ, β {bn_no_affine}): ReLU is not symmetric about 0, so BN without γ, β is not stuck.",
    ),
    Try(
        "lr_10",
        dict(lr=10.0),
        dict(bn_no_affine=Outcome(over=0.8)),
        "**Learning rate 10**: now BN with γ, β fails: its final loss ends above {loss_above:g}, worse than "
        "guessing (a network that answers 50 % for every point has {guessing:.2f}); some of its γ and β grow "
        "past {gamma_past} and keep almost every tanh unit saturated, its output near ±1 and its gradient near 0 "
        "(see “Saturated outputs per layer”). BN without γ, β keeps every tanh input at mean 0 and variance 1, "
        "in the tanh's responsive middle, and still trains ({bn_no_affine}).",
    ),
    Try(
        "relu_lr_3",
        dict(activation="ReLU", lr=3.0),
        dict(none=Outcome(under=0.6, may_diverge=True), bn=Outcome(over=0.99), bn_no_affine=Outcome(over=0.99)),
        "**ReLU**, learning rate 3: the network without BN {none}; both BN networks train (with γ, β "
        "{bn}, without them {bn_no_affine}).",
    ),
    Try(
        "sigmoid_small_init",
        dict(activation="sigmoid", init_scale=0.1, lr=1.0),
        dict(none=Outcome(under=0.6), bn=Outcome(over=0.85), bn_no_affine=Outcome(over=0.8)),
        "**Sigmoid**, initialisation 0.1×, learning rate 1: without BN the signal fades layer by layer "
        "and the network stays near guessing ({none}); BN with γ, β trains ({bn}), and so does BN "
        "without γ, β ({bn_no_affine}).",
    ),
    Try(
        "relu_large_init",
        dict(activation="ReLU", init_scale=5.0, lr=0.3),
        dict(none=Outcome(under=0.6, may_diverge=True), bn=Outcome(over=0.99), bn_no_affine=Outcome(over=0.99)),
        "**ReLU**, initialisation 5×, learning rate 0.3: without BN the outputs are far too large and "
        "the network {none}; BN divides by the batch's standard deviation and cancels the oversized scale, "
        "with γ and β ({bn}) or without them ({bn_no_affine}).",
    ),
    Try(
        "spirals_batch_8",
        dict(dataset="spirals", batch_size=8, lr=0.3),
        # Without BN ended at 66 % on seed 3 with numpy's SSE kernels on an AMD EPYC (over 92 % at its AVX2 and
        # AVX-512 levels): its bound is what holds there; that BN does worse than it holds everywhere (test_claims).
        dict(none=Outcome(over=0.6), bn=Outcome(under=0.9), bn_no_affine=Outcome(under=0.65)),
        "**Spirals**, batch size 8, learning rate 0.3: now BN does worse. Without BN: {none}; BN with γ, "
        "β: {bn}; BN without γ, β: {bn_no_affine}. BN's $\\mu_B$ and $\\sigma_B^2$ come from only 8 "
        "points and change a lot from batch to batch. At batch size 64 BN with γ, β does better again.",
    ),
)
TRIES = {t.key: t for t in THINGS_TO_TRY}
LR_10_GAMMA_GROWS_PAST = 100  # "some of its γ and β grow past 100"
LR_10_LOSS_ABOVE = 1.0  # "its final loss ends above 1"


def things_to_try() -> str:
    """The "Things to try" list as the page shows it."""
    return (
        "A percentage is a network's final accuracy: the share of the dataset's points it classifies "
        f"correctly after training. Every bound holds for each seed from {CLAIM_SEEDS[0]} to {CLAIM_SEEDS[-1]}; "
        "the exact numbers of a run differ from seed to seed, and their last digits from machine to machine.\n\n"
        + "\n".join(t.markdown for t in THINGS_TO_TRY)
    )


# What "So why does BN help?" says BN without γ, β does on the circles.
TRIES_WORDS = {key: TRIES[key].outcomes["bn_no_affine"].words for key in ("circles_tanh", "circles_sigmoid")}

# The page's first settings (NetworkSettings' defaults): what "So why does BN help?" says of them.
FIRST_SETTINGS = dict(bn=Outcome(over=0.9), bn_no_affine=Outcome(over=0.9))

WHY_HEADING = "So why does BN help?"
WHY = f"""
**What you can see here.** In the sweep, BN with γ, β trains at as many of the learning rates
as the plain network or more, and BN without γ, β at more; in “Things to try” both BN networks
train from initial weights far too small or too large, where the plain one stalls or diverges.
A BN layer divides by the batch's own standard deviation, so scaling a layer's weights up or
down does not change what the next layer receives: a large step in the weights alone cannot push
the next layer into saturation, and a bad initial scale is undone at once.

**Why that is, exactly, is still debated.**
- Ioffe & Szegedy (2015), who introduced BN, argued that it reduces *internal covariate shift*:
  each layer's inputs keep changing as the layers before it learn, and BN holds their mean and
  variance fixed.
- Santurkar et al. (2018) found that BN networks train just as well when noise is added after
  BN to bring the shift back, and argued instead that BN makes the loss landscape smoother, so
  that gradients stay reliable over larger steps.

**Why γ and β.** Without them every unit's input to the activation is held at mean 0 and
variance 1 over the batch; the network “BN without γ, β” shows what that costs. With ReLU it
costs little here: on the circles it trains as well as BN with γ, β. With tanh it stays near
guessing on the circles ({TRIES_WORDS["circles_tanh"]}), and with sigmoid too
({TRIES_WORDS["circles_sigmoid"]}). Without β no hidden unit has an offset of its own, and tanh is
symmetric about 0 (tanh(−z) = −tanh(z); the sigmoid is too, about its middle ½, which the next BN
subtracts). So,
for points centred on 0 as these are, this network's answer at −x is nearly the opposite of its
answer at x (exactly, on a batch that holds both). On the circles, x and −x belong to the same
class: no such network can separate them. On the two moons they belong to opposite classes, and
at the page's first settings the network without γ and β still trains
({FIRST_SETTINGS["bn_no_affine"].words}). γ and β give each unit back its own scale and offset,
and even let it undo the normalization if that is best. They have a price too: they are learned like any weight, and BN
does not make them safe from a step too large. At learning rate 10 some of them grow past
{LR_10_GAMMA_GROWS_PAST} and saturate the units, while the network without them still trains.

**Not magic.** At small learning rates the plain network often does as well or better, and
with small batches BN's $\\mu_B$ and $\\sigma_B^2$ are noisy enough to hurt (see “Things to try”).
"""


# --- Do γ and β just undo BN? A jolt to one layer's weights, and γ, β beside what would undo BN ----------
#
# What the section says of a run is made from that run (jolt_verdict, jolt_lines, undo_text); the bounds
# below decide its words. tests/content/test_claims.py checks, for every seed of CLAIM_SEEDS, what the page says at
# its first settings: with BN the loss carries on after ×10, without BN it jumps and does not recover, and
# no layer undoes BN.

JOLT_TITLE = "Do γ and β just undo BN? Then what does normalizing buy?"
JOLT_ANCHOR = "undo"  # the section's heading: `?section=undo` opens the page there
JOLT_FACTOR = "Multiply by"
JOLT_LAYER = "Hidden layer"
JOLT_FAILED = "The jolt could not run: "  # then the core's message

JOLT_INTRO = (
    f"γ = {RECOVER_GAMMA} and β = {MU_B} would give each unit's input back, so why normalize? Because BN's "
    "output ignores the scale of the weights before it. Each network trains twice from the same start "
    f"(learning rate {DEFAULT_LR:g}), the second time with one hidden layer's weights multiplied halfway:"
)

CARRIES_ON = 0.05  # the jolted loss within this of the loss without the jolt: "carries on"
RECOVERED = 0.05  # and at the end: "recovers"
UNDONE = 0.1  # a unit whose d is below this comes "within 10 %" of undoing BN

JOLT_PREDICTIONS = ["only without BN", "only BN with γ, β", "both", "neither"]


def jolt_question(layer: int, factor: float) -> str:
    """The predict-first question of classroom mode, in the words of JOLT_PREDICTIONS."""
    return f"Halfway through training, hidden layer {layer}'s weights are multiplied by {factor:g}. Whose loss jumps?"


def jolt_verdict(jolt: Jolt, arm: str) -> str:
    """How the jolted copy's loss goes on over the WINDOW steps after the jolt, against the copy without it:
    "diverges" (stopped on a non-finite loss or weight), "jumps" (its mean more than CARRIES_ON above),
    "drops" (more than CARRIES_ON below), "carries on"; "cannot be compared" if the copy without the jolt
    diverged."""
    without, jolted = jolt.mean_loss(arm, "after")
    if not np.isfinite(jolted):
        return "diverges"
    if not np.isfinite(without):
        return "cannot be compared"
    if jolted - without > CARRIES_ON:
        return "jumps"
    if without - jolted > CARRIES_ON:
        return "drops"
    return "carries on"


def recovered(jolt: Jolt, arm: str) -> bool | None:
    """Whether the jolted copy's loss over the last WINDOW steps is within RECOVERED of the copy's without the
    jolt (None if either diverged)."""
    without, jolted = jolt.mean_loss(arm, "end")
    if not (np.isfinite(without) and np.isfinite(jolted)):
        return None
    return bool(jolted - without <= RECOVERED)


def _times(ratio: float) -> str:
    """A ratio of two sizes in words: "100 times smaller", "2.7 times larger"."""
    return f"{sig(1 / ratio, 3)} times smaller" if ratio < 1 else f"{sig(ratio, 3)} times larger"


ARM_WORDS = {"none": "Without BN", "bn": "With BN"}  # each arm at the start of a sentence


def step_change(jolt: Jolt, arm: str) -> tuple[float, float] | None:
    """The jolted layer's ‖ΔW‖/‖W‖ at the first step after the jolt, without and with it (None if not finite)."""
    without, jolted = jolt.first_after(jolt.step_size(arm))
    if not (np.isfinite(without) and np.isfinite(jolted) and without > 0 and jolted > 0):
        return None
    return float(without), float(jolted)


def jolt_sentence(jolt: Jolt, arm: str, first: bool = True) -> str:
    """What the jolt did to one arm's loss, in one sentence with its numbers (markdown). first: the sentence
    that says what the numbers are (the second one only gives them)."""
    verdict = jolt_verdict(jolt, arm)
    k = int(jolt.diverged_at[arm][1])
    text = f"**{ARM_WORDS[arm]}**"
    if verdict == "diverges":
        return f"{text} the jolted network diverges at step {k}: its loss or a weight stopped being a finite number."
    without, jolted = jolt.mean_loss(arm, "after")
    text += f" the loss {verdict}: {sig(jolted, 3)}"
    if first:
        text += f" over the {WINDOW} steps after the jolt"
    if np.isfinite(without):
        text += f", against {sig(without, 3)} without it" if first else f" against {sig(without, 3)}"
    else:
        text += ", while the run without it diverged"
    end = recovered(jolt, arm)
    without_end, jolted_end = jolt.mean_loss(arm, "end")
    if end is False:
        text += f", and it is still higher at the end: {sig(jolted_end, 3)} against {sig(without_end, 3)}"
    elif end and verdict != "carries on":
        text += f", and it recovers by the end: {sig(jolted_end, 3)} against {sig(without_end, 3)}"
    elif k:
        text += f", and it diverges later, at step {k}"
    change = step_change(jolt, arm)
    if arm == "bn" and change is not None:
        text += f"; layer {jolt.layer}'s steps ‖ΔW‖/‖W‖ become {_times(change[1] / change[0])}, as 1/{jolt.factor:g}² predicts"
    return text + "."


def jolt_summary(jolt: Jolt) -> str:
    """What the jolt did, one sentence per arm (ARMS' order), and which network was ahead before it, as the
    page shows it under the figure."""
    return " ".join([*(jolt_sentence(jolt, arm, first=i == 0) for i, arm in enumerate(ARMS)), before_jolt(jolt)])


def before_jolt(jolt: Jolt) -> str:
    """Which network had the lower loss before the jolt (the copy without it, WINDOW steps before), and, when
    BN's loss carried on, that BN's gain here is not a lower loss: the chart may show the plain network ahead."""
    loss = {arm: float(jolt.mean_loss(arm, "before")[0]) for arm in ARMS}
    if not all(np.isfinite(v) for v in loss.values()):
        return ""
    ahead, behind = sorted(ARMS, key=lambda arm: loss[arm])
    if sig(loss[ahead], 3) == sig(loss[behind], 3):
        return f"Before it, both networks had a loss of {sig(loss[ahead], 3)}."
    text = (
        f"Before it, the network {ARM_WORDS[ahead].lower().replace('bn', 'BN')} was ahead "
        f"({sig(loss[ahead], 3)} against {sig(loss[behind], 3)})"
    )
    if ahead == "none" and jolt_verdict(jolt, "bn") == "carries on":
        text += ": BN buys here not a lower loss but one that the weights' scale does not move"
    return text + "."


def steps_text(jolt: Jolt) -> str:
    """The jolted layer's relative step just after the jolt, each arm (BN first) with and without it (markdown)."""
    parts = []
    for arm in reversed(ARMS):
        change = step_change(jolt, arm)
        if change is not None:
            without, jolted = change
            run = " in the run without the jolt" if not parts else ""
            parts.append(
                f"{ARM_WORDS[arm].lower().replace('bn', 'BN')}, {sig(jolted, 3)} against {sig(without, 3)}{run} "
                f"({_times(jolted / without)})"
            )
    if not parts:
        return ""
    return f"At the first step after the jolt, layer {jolt.layer}'s ‖ΔW‖/‖W‖ was, " + "; ".join(parts) + "."


def jolt_happened(jolt: Jolt) -> str:
    """Whose loss jumped (or diverged) right after the jolt, in the words of JOLT_PREDICTIONS."""
    jumped = [arm for arm in ARMS if jolt_verdict(jolt, arm) in ("jumps", "diverges")]
    if len(jumped) == 2:
        return "both"
    if not jumped:
        return "neither"
    return "only " + NAMES[jumped[0]]


JOLT_KEY = "net_predict_jolt"


def jolt_prediction(layer: int, factor: float) -> Prediction:
    return Prediction(JOLT_KEY, jolt_question(layer, factor), tuple(JOLT_PREDICTIONS))


def weight_growth(jolt: Jolt) -> tuple[float, float]:
    """‖W‖ of the BN network's jolted layer just after the jolt and WINDOW steps later (jolted copy)."""
    norms = jolt.weight_norm["bn"][1]
    return float(norms[jolt.at]), float(norms[jolt.at + WINDOW])


def jolt_why(jolt: Jolt) -> str:
    """Why BN's step on W shrinks by the factor squared, with this run's ‖W‖ (markdown)."""
    start, later = (sig(v, 3) for v in weight_growth(jolt))
    went = (
        f"stayed at {start} over the {WINDOW} steps after the jolt"
        if start == later
        else f"went from {start} just after the jolt to {later} {WINDOW} steps later"
    )
    return (
        "**Why the step shrinks by the square of the factor.** With BN, a unit computes "
        r"γ·(z − $\mu_B$)/√($\sigma_B^2$ + ε) + β from z = hW. Multiply W by c and z, $\mu_B$ and $\sigma_B$ are "
        "multiplied by c too: the output is the same, ε aside. The loss is the same function of cW as of W, so "
        "its gradient at cW is 1/c times its gradient at W, and a step of plain SGD, lr · dL/dW, moves cW by 1/c² "
        "as much relative to its size. Large weights learn slowly and small weights fast: the scale of W acts as "
        "the layer's own learning rate ([van Laarhoven, 2017](https://arxiv.org/abs/1706.05350); "
        "[Arora, Li & Lyu, 2019](https://arxiv.org/abs/1812.03981)). Without BN the jolt changes what the "
        f"network computes, and its gradient changes by no such rule. {steps_text(jolt)}\n\n"
        "Since the loss does not change along W, the gradient is at right angles to W, and with BN each step can "
        f"only lengthen W: here ‖W‖ of layer {jolt.layer} {went}. After "
        "×0.1 the first steps are 1/0.1² = 100 times larger relative to W: they lengthen it quickly, and so "
        "shrink again.\n\n"
        "**Even γ and β that undo BN would not undo this.** They are numbers, learned slowly; "
        r"$\mu_B$ and $\sigma_B$ are computed again from every batch. After ×10 on W those are 10 times larger, "
        "γ and β are not, and the layer still outputs what it did before the jolt, not 10 times more."
    )


JOLT_WHY_LABEL = "Why BN's step changes by the factor squared"
UNDO_LABEL = "Did γ and β undo BN here?"
UNDO_DIVERGED = "The network with BN diverged at this learning rate: it has no γ and β to show."


def undo_summary(undo: Undo) -> str:
    """One line under the jolt (markdown): whether the BN network's γ and β undid BN, by its layers' median
    unit (undo_text, in the expander, gives every number)."""
    medians = undo.median_distance()
    undone = [str(k + 1) for k in np.flatnonzero(medians < UNDONE)]
    verdict = (
        "no layer undid BN"
        if not undone
        else f"layer{'s' if len(undone) > 1 else ''} {', '.join(undone)} nearly undid BN"
    )
    return (
        f"**And γ and β?** Trained without the jolt, {verdict}: in each layer the median unit's output still "
        f"differs from its input by {spread(medians)} of the input's spread (undone: 0; every unit below)."
    )


def undo_text(undo: Undo) -> str:
    """What the BN network's γ and β did, against the values that undo BN (markdown): whether any layer
    undoes it (its median unit within UNDONE), how many units come within UNDONE, and the closest one."""
    d = undo.distance
    medians = undo.median_distance()
    close = int(np.sum(d < UNDONE))
    layer, unit = undo.closest()
    l, i = layer - 1, unit - 1
    # Enough decimals to tell the closest unit's learned γ, β from the needed ones.
    p = places([undo.gamma[l, i] - undo.gamma_undo[l, i], undo.beta[l, i] - undo.beta_undo[l, i]], digits=2)
    undone = [str(k + 1) for k in np.flatnonzero(medians < UNDONE)]
    if not undone:
        whole = "**No layer undoes BN**"
    elif len(undone) == 1:
        whole = f"**Layer {undone[0]} nearly undoes BN**"
    else:
        whole = f"**Layers {', '.join(undone)} nearly undo BN**"
    return (
        f"{whole}: call d the root mean square of a unit's output − input, over its input's standard deviation "
        f"(0: BN undone; 1: as far off as the input's own spread). In each hidden layer the median unit's d is "
        f"{spread(medians)}. {close} of the {d.size} units have d below {UNDONE:g}; the closest is layer {layer}, "
        f"unit {unit}: γ = {fixed(undo.gamma[l, i], p)} against √({VAR_RUN} + ε) = {fixed(undo.gamma_undo[l, i], p)}, "
        f"β = {fixed(undo.beta[l, i], p)} against {MU_RUN} = {fixed(undo.beta_undo[l, i], p)} "
        f"(d = {sig(d[l, i], 2)}). The statistics are the running ones that eval mode uses; the network is the "
        "one with BN, trained without the jolt."
    )


def spread(values) -> str:
    """The smallest and largest of some values with two decimals, "0.18 to 0.55" (one value: "0.18")."""
    lo, hi = (fixed(float(v), 2) for v in (np.min(values), np.max(values)))
    return lo if lo == hi else f"{lo} to {hi}"
