"""What a training of γ and β depends on: the tasks, the optimizers' names, the limits, and
`TrainingSettings`, checked once where the settings enter (`check_settings`)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from bnviz.core.activations import NAMES

TASKS = ("reconstruct", "target", "classify")  # their names on screen: content.learning.TASK_NAMES
OPTIMIZERS = ("sgd", "momentum", "adam")  # content.learning.OPTIMIZER_NAMES
# A learning rate with which plain SGD settles within the default 30 epochs: small enough that
# γ and β move smoothly, except for the classifier, whose flat sigmoid tails give small gradients.
SUGGESTED_LR = {"reconstruct": 0.03, "target": 0.03, "classify": 0.3}
EPS = 1e-5  # BatchNorm's ε (PyTorch's default)
N_TRAIN = 1024  # activations per channel in the training set
N_HOLDOUT = 256  # values per channel in the held-out batch
MAX_STEPS = 20_000
HOLDOUT_SEED = 7919  # the held-out batch is drawn with seed + this, never from the training draw
# The classifier's labels: P(label = 1 | x) = sigmoid(SLOPE * (z - SHIFT)), z = (x - μ) / σ.
# A slope of 4 makes the labels almost certain two standard deviations from the boundary,
# which only a steep sigmoid (large γ) reproduces; the boundary at z = 0.5 needs β ≠ 0.
SLOPE = 4.0
SHIFT = 0.5


@dataclass(frozen=True)
class TrainingSettings:
    """Everything a training depends on; hashable, so a page can cache on it."""

    task: str = "reconstruct"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 32
    epochs: int = 30
    momentum: float = 0.1  # BN's running-average momentum, PyTorch's convention
    gamma0: float = 1.0
    beta0: float = 0.0
    seed: int = 0
    target_mean: float = 2.0  # task "target" only
    target_std: float = 0.5  # task "target" only
    n_train: int = N_TRAIN
    affine: bool = True  # False: γ = 1 and β = 0 fixed (PyTorch's affine=False)
    head: str | None = None  # a nonlinearity and a learned next layer after BN (see the module's docstring)

    def replace(self, **changes) -> TrainingSettings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return TrainingSettings(**values)

    @property
    def steps_per_epoch(self) -> int:
        return self.n_train // self.batch_size

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch


def check_settings(s: TrainingSettings) -> TrainingSettings:
    """Raise ValueError, in words a learner can act on, for a setting training cannot use."""
    if s.task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {s.task!r}.")
    if s.optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {s.optimizer!r}.")
    if not (np.isfinite(s.lr) and s.lr > 0):
        raise ValueError(f"The learning rate must be a positive number; got {s.lr}.")
    if not 2 <= s.batch_size <= s.n_train:
        raise ValueError(
            f"The batch size must be between 2 and {s.n_train} (BN in training mode needs at least "
            f"2 values per channel); got {s.batch_size}."
        )
    if s.epochs < 1:
        raise ValueError(f"Train for at least 1 epoch; got {s.epochs}.")
    if s.steps > MAX_STEPS:
        raise ValueError(
            f"{s.epochs} epochs of {s.steps_per_epoch} mini-batches of {s.batch_size} is {s.steps:,} steps; "
            f"at most {MAX_STEPS:,} are allowed here. Choose fewer epochs or a larger batch."
        )
    if not 0.0 <= s.momentum <= 1.0:
        raise ValueError(f"BN momentum must be between 0 and 1 (PyTorch's convention); got {s.momentum}.")
    for name in ("gamma0", "beta0", "target_mean", "target_std"):
        if not np.isfinite(getattr(s, name)):
            raise ValueError(f"{name} must be a finite number; got {getattr(s, name)}.")
    if s.target_std < 0:
        raise ValueError(f"The target spread must be ≥ 0; got {s.target_std}.")
    if s.head is not None:
        if s.head not in NAMES:
            raise ValueError(f"head must be None or one of {', '.join(NAMES)}; got {s.head!r}.")
        if s.task == "classify":
            raise ValueError(
                "A next layer after BN is trained with the squared error: choose task reconstruct or target."
            )
    return s
