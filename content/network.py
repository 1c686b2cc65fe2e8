"""What the /network page says about the three networks, beyond the figures' own titles."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bnviz.experiments.mlp import NetworkSettings, Run
from bnviz.figures.network import NAMES

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


# Each item's numbers are checked by tests/test_mlp.py (test_the_things_to_try_on_the_page_do_what_the_page_says).
THINGS_TO_TRY = """
- **Learning rate 0.3**: all three train. Without BN and BN with γ, β reach 100 %, BN without
  γ, β about 98 %. At small rates BN brings no advantage here.
- **Circles**, **tanh**, learning rate 0.3: here γ and β matter. Without BN (final loss 0.000987)
  and BN with γ, β (0.0124) reach 100 %; BN without γ, β stays near guessing (final loss 0.684,
  56 %). The same with **sigmoid**, where the network without BN does not train either. With
  **ReLU** all three reach 100 %. Why: see “So why does BN help?” at the foot of the page.
- **Learning rate 10**: now BN with γ, β fails (final loss 37.8, 50 %): its γ and β grow into
  the hundreds and hold almost every tanh in saturation (see “Saturated outputs per layer”). BN
  without γ, β cannot leave the middle of the tanh and still reaches 96 %.
- **ReLU**, learning rate 3: the network without BN diverges within ten steps; both BN
  networks reach 100 %.
- **Sigmoid**, initialisation 0.1×, learning rate 1: without BN the signal fades layer by layer
  and the network stays at 50 %; BN with γ, β reaches over 99 %, BN without γ, β about 93 %.
- **ReLU**, initialisation 5×, learning rate 0.3: without BN the outputs are far too large and
  training gets stuck; BN divides the scale away, with or without γ and β.
- **Spirals**, batch size 8, learning rate 0.3: now BN does worse. Its $\\mu_B$ and $\\sigma_B^2$ come from
  only 8 points and change a lot from batch to batch. At batch size 64 BN with γ, β does well
  again; BN without γ, β reaches only about 77 %.
"""

WHY = """
**What you can see here.** With BN, with or without γ and β, this network trains at learning
rates where the plain one stalls or diverges, and from initial weights that are far too small or
too large. A BN layer divides by the batch's own standard deviation, so scaling a layer's
weights up or down does not change what the next layer receives: a large step cannot push the
next layer into saturation, and a bad initial scale is undone at once.

**Why that is, exactly, is still debated.**
- Ioffe & Szegedy (2015), who introduced BN, argued that it reduces *internal covariate shift*:
  each layer's inputs keep changing as the layers before it learn, and BN holds their mean and
  variance fixed.
- Santurkar et al. (2018) found that BN networks train just as well when noise is added after
  BN to bring the shift back, and argued instead that BN makes the loss landscape smoother, so
  that gradients stay reliable over larger steps.

**Why γ and β.** Without them every unit's input to the activation is held at mean 0 and
variance 1 over the batch; the network “BN without γ, β” shows what that costs. With ReLU, little
here: it trains as well as BN with γ, β. With tanh or sigmoid on the circles it stays near
guessing. Without β no hidden unit has an offset of its own, and tanh is symmetric about 0
(tanh(−z) = −tanh(z); the sigmoid is too, about its middle ½, which the next BN subtracts). So,
for points centred on 0 as these are, this network's answer at −x is nearly the opposite of its
answer at x (exactly, on a batch that holds both). On the circles, x and −x belong to the same
class: no such network can separate them. On the two moons they belong to opposite classes, and
at the page's first settings the network without γ and β reaches 94 %, against 100 % for BN
with γ, β. γ and β give each unit back its own scale and offset, and even let it undo the
normalization if that is best. They have a price too: they are learned like any weight, and BN
does not make them safe from a step too large. At learning rate 10 they grow into the hundreds
and saturate the units, while the network without them still trains.

**Not magic.** At small learning rates the plain network often does as well or better, and
with small batches BN's $\\mu_B$ and $\\sigma_B^2$ are noisy enough to hurt (see “Things to try”).
"""
