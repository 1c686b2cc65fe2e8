"""What the /network page says about the two networks, beyond the figures' own titles."""

from __future__ import annotations

import math

from bnviz.experiments.mlp import Run

# What "saturated" means for each activation, as bnviz.experiments.mlp.saturated_share counts it:
# there its derivative is about 0 (below 0.06 for tanh, 0.03 for sigmoid), so almost no gradient
# flows back through the unit.
SATURATION = {
    "tanh": "|tanh| > 0.97",
    "sigmoid": "sigmoid ≤ 0.03 or ≥ 0.97",
    "ReLU": "the unit outputs 0 for every example of the mini-batch (a dead unit)",
}


def lower_loss(plain: Run, bn: Run, rel: float = 0.1) -> str:
    """Which run ended with the lower final loss: "with BN", "without BN", "about the same"
    (within `rel` of each other, or both diverged)."""
    a = math.inf if plain.diverged else plain.final_loss
    b = math.inf if bn.diverged else bn.final_loss
    if a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= rel * max(a, b)):
        return "about the same"
    return "with BN" if b < a else "without BN"
