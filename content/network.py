"""What the /network page says about the two networks, beyond the figures' own titles."""

# What "saturated" means for each activation, as bnviz.experiments.mlp.saturated_share counts it:
# there its derivative is about 0 (below 0.06 for tanh, 0.03 for sigmoid), so almost no gradient
# flows back through the unit.
SATURATION = {
    "tanh": "|tanh| > 0.97",
    "sigmoid": "sigmoid ≤ 0.03 or ≥ 0.97",
    "ReLU": "the unit outputs 0 for every example of the mini-batch (a dead unit)",
}
