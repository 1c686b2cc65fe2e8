"""/network's sections, one module each, in screen order: form (the settings), training (the three networks
trained), results (curves, boundaries, the inside view, the lesson's first reveal), sweep (the learning
rates), jolt (do γ and β just undo BN?)."""
