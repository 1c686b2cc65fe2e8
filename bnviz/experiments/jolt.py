"""What normalizing buys when γ and β could undo it: one layer's weights jolted mid-training, and the
learned γ, β beside the statistics that would undo BN.

The jolt: two copies of the /network network, one without BN and one with BN (γ, β learned), each
trained twice from the same weights on the same mini-batches (mlp.MLP's copies): copy 0 as usual,
copy 1 jolted: after `at` steps its hidden layer `layer`'s weights are multiplied by `factor`.
With BN that layer's output does not change, BN(factor·z) = BN(z) (to ε), and the gradient on W
shrinks by the factor: dL/d(factor·W) = dL/dW / factor. So the relative step of plain SGD,
‖ΔW‖/‖W‖ = lr·‖dL/dW‖/‖W‖, shrinks by factor²: the layer's effective learning rate.

The undo: γ = √(σ²_run + ε) and β = μ_run give back a unit's input exactly in eval mode, since
y = γ·(z - μ_run)/√(σ²_run + ε) + β. How far a unit is from that, as a share of its input's spread:
d = √((γ - √(σ²_run + ε))² + (β - μ_run)²) / √(σ²_run + ε), the root mean square of y - z over
inputs z of mean μ_run and variance σ²_run + ε, divided by their standard deviation (0: undone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.experiments.mlp import MLP, NetworkSettings, batch_schedule, bce_with_logits, experiment_data

FACTORS = (10.0, 0.1)  # what the page offers: weights ten times larger, or ten times smaller
LAYERS = (1, 2, 3)  # the hidden layer jolted, from 1; every network of the page has at least 3
WINDOW = 10  # steps averaged just before and just after the jolt, and at the end
ARMS = ("none", "bn")  # without BN, and BN with γ, β (mlp.NORMS' names)
# The jolt's own learning rate: every network of the page trains at it (content.network's "Things to try").
DEFAULT_LR = 0.3


@dataclass
class Undo:
    """The BN network's learned γ, β beside the running statistics of each unit's input, after training.

    gamma, beta, running_mean, running_var: (depth, width), hidden layer l's unit i at [l, i]
    (running_var unbiased, as PyTorch keeps it); eps: BN's ε.
    """

    gamma: np.ndarray
    beta: np.ndarray
    running_mean: np.ndarray
    running_var: np.ndarray
    eps: float

    @property
    def gamma_undo(self) -> np.ndarray:
        """The γ that gives each unit's input back: √(σ²_run + ε), (depth, width)."""
        return np.sqrt(self.running_var + self.eps)

    @property
    def beta_undo(self) -> np.ndarray:
        """The β that gives each unit's input back: μ_run, (depth, width)."""
        return self.running_mean

    @property
    def distance(self) -> np.ndarray:
        """d per unit (depth, width): RMS of (output - input) over the input's standard deviation; 0 = undone."""
        scale = self.gamma_undo
        return np.hypot(self.gamma - scale, self.beta - self.beta_undo) / scale

    def closest(self) -> tuple[int, int]:
        """(layer, unit), both from 1, of the unit whose γ, β come closest to undoing BN."""
        l, i = np.unravel_index(np.argmin(self.distance), self.distance.shape)
        return int(l) + 1, int(i) + 1

    def median_distance(self) -> np.ndarray:
        """The median d of each hidden layer's units, (depth,)."""
        return np.median(self.distance, axis=1)


@dataclass
class Jolt:
    """One jolt experiment: per arm (ARMS), the two copies' records at every step.

    loss[arm] (2, steps): mini-batch loss in training mode, copy 0 (no jolt) and copy 1 (jolted); NaN
    from the step a copy diverged (its loss or a weight stopped being finite). grad_norm[arm],
    weight_norm[arm] (2, steps): ‖dL/dW‖ and ‖W‖ (Frobenius) of the jolted layer at each step, W
    before the step's update, NaN where not finite. diverged_at[arm] (2,): the step (from 1), 0 if never.
    undo: the BN reference's γ, β and running statistics after training (None if it diverged).
    """

    settings: NetworkSettings  # its lr is the experiment's
    layer: int  # from 1
    factor: float
    at: int  # the jolt comes after this many steps
    loss: dict[str, np.ndarray]
    grad_norm: dict[str, np.ndarray]
    weight_norm: dict[str, np.ndarray]
    diverged_at: dict[str, np.ndarray]
    undo: Undo | None

    @property
    def steps(self) -> int:
        return self.settings.steps

    def step_size(self, arm: str) -> np.ndarray:
        """‖ΔW‖/‖W‖ = lr·‖dL/dW‖/‖W‖ of the jolted layer at every step, (2, steps): its effective learning rate."""
        return self.settings.lr * self.grad_norm[arm] / self.weight_norm[arm]

    def first_after(self, values: np.ndarray) -> np.ndarray:
        """values (2, steps) at the first step after the jolt (step at + 1), (2,)."""
        return values[:, self.at]

    def mean_loss(self, arm: str, where: str) -> np.ndarray:
        """Mean loss of each copy (2,) over the WINDOW steps "before" the jolt, "after" it, or at the "end"; NaN
        if a copy diverged by then."""
        span = {
            "before": slice(self.at - WINDOW, self.at),
            "after": slice(self.at, self.at + WINDOW),
            "end": slice(self.steps - WINDOW, self.steps),
        }[where]
        return self.loss[arm][:, span].mean(axis=1)

    def window_ends(self) -> np.ndarray:
        """Ends (steps from 1) of the windows the curves average over: about 30 before the jolt and 30 after,
        one of them ending exactly at the jolt, so that no window mixes steps before and after it."""
        before = np.unique(np.round(np.linspace(0, self.at, min(self.at, 30) + 1)).astype(int))[1:]
        rest = self.steps - self.at
        after = self.at + np.unique(np.round(np.linspace(0, rest, min(rest, 30) + 1)).astype(int))[1:]
        return np.concatenate([before, after])

    def windowed(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Means of values (steps,) over window_ends(); returns (ends, means), windows holding a NaN left out."""
        ends = self.window_ends()
        starts = np.concatenate([[0], ends[:-1]])
        means = np.add.reduceat(values, starts) / (ends - starts)
        keep = np.isfinite(means)
        return ends[keep], means[keep]


def check_jolt(settings: NetworkSettings, layer: int, factor: float) -> None:
    """The jolt's own settings, checked once, with what to change."""
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 1 <= layer <= settings.depth:
        raise ValueError(f"layer must be a hidden layer from 1 to {settings.depth}; got {layer!r}.")
    if not np.isfinite(factor) or factor <= 0:
        raise ValueError(f"factor must be a positive number; got {factor}.")
    if settings.steps < 4 * WINDOW:
        raise ValueError(f"the jolt needs at least {4 * WINDOW} training steps; got {settings.steps}.")


def jolt(settings: NetworkSettings, layer: int = 1, factor: float = 10.0) -> Jolt:
    """Train each arm (without BN, BN with γ, β) twice from the same weights on the same batches as
    mlp.train_networks, the second copy jolted (W_layer <- factor · W_layer) after steps // 2 steps.

    settings.lr is the rate of every copy. Returns the Jolt with every step's loss and the jolted
    layer's ‖dL/dW‖ and ‖W‖.
    """
    check_jolt(settings, layer, factor)
    X, y, weights = experiment_data(settings)
    schedule = batch_schedule(len(X), settings.batch_size, settings.steps, settings.seed + 2)
    at, l = settings.steps // 2, layer - 1
    records = {name: {} for name in ("loss", "grad_norm", "weight_norm", "diverged_at")}
    undo = None
    for arm in ARMS:
        net = MLP(weights, settings.activation, arm, copies=2)
        loss = np.full((2, settings.steps), np.nan)
        grad_norm, weight_norm = np.full_like(loss, np.nan), np.full_like(loss, np.nan)
        diverged_at = np.zeros(2, dtype=np.int64)
        lr = np.full(2, settings.lr)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for step, idx in enumerate(schedule, start=1):
                if step == at + 1:
                    net.W[l][1] *= factor  # copy 1 only
                batch_loss, dlogits, _ = bce_with_logits(net.forward(X[idx]), y[idx])
                bad = (~np.isfinite(batch_loss) | net.overflowed) & (diverged_at == 0)
                if bad.any():  # stopped as mlp.train_copies stops a copy: no update, weights set to 0
                    diverged_at[bad], lr[bad], dlogits[bad] = step, 0.0, 0.0
                    net.freeze(bad)
                alive = diverged_at == 0
                loss[alive, step - 1] = batch_loss[alive]
                grad = net.backward(dlogits)["W" + str(layer)]
                norms = np.sqrt(np.sum(grad**2, axis=(1, 2))), np.sqrt(np.sum(net.W[l] ** 2, axis=(1, 2)))
                for record, value in zip((grad_norm, weight_norm), norms):
                    ok = alive & np.isfinite(value)
                    record[ok, step - 1] = value[ok]
                net.sgd_step(lr)
        for name, value in zip(records, (loss, grad_norm, weight_norm, diverged_at)):
            records[name][arm] = value
        if arm == "bn" and diverged_at[0] == 0:
            # Copy 0's channels of each BN layer (copy k's d units sit at k·d ... (k + 1)·d - 1), one row per layer.
            kept = [
                np.stack([np.reshape(getattr(bn, name), (2, -1))[0] for bn in net.bn])
                for name in ("gamma", "beta", "running_mean", "running_var")
            ]
            if all(np.isfinite(v).all() for v in kept):
                undo = Undo(*kept, eps=net.bn[0].eps)
    return Jolt(settings, layer, float(factor), at, **records, undo=undo)
