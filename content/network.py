"""What the /network page says about the three networks, beyond the figures' own titles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bnviz.experiments.mlp import NetworkSettings, Run
from bnviz.figures.network import NAMES
from bnviz.numbers import percent
from content.common import CLAIM_SEEDS

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

# The predictions offered before the reveal: one per network, and a tie.
PREDICTIONS = [NAMES["none"], NAMES["bn"], NAMES["bn_no_affine"], "about the same"]


def lowest_loss(runs: Sequence[Run], rel: float = 0.1) -> str:
    """Which network ended with the lowest final loss, in the words of PREDICTIONS.

    Its name ("without BN", "BN with γ, β", "BN without γ, β"); when others ended within
    `rel` of it (|a - b| ≤ rel · max(a, b)), the names of all of them, "…, about the same";
    "about the same" when every network did, or every one diverged.
    """
    losses = [math.inf if r.diverged else r.final_loss for r in runs]
    best = min(losses)
    if math.isinf(best):
        return "about the same"
    close = [r for r, loss in zip(runs, losses) if math.isfinite(loss) and loss - best <= rel * loss]
    if len(close) == len(runs):
        return "about the same"
    if len(close) == 1:
        return NAMES[close[0].norm]
    return " and ".join(NAMES[r.norm] for r in close) + ", about the same"


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
# run. Each line below claims bounds that tests/test_claims.py checks for every seed in CLAIM_SEEDS
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
        dict(none=Outcome(over=0.9), bn=Outcome(under=0.9), bn_no_affine=Outcome(under=0.65)),
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
