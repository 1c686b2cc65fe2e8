"""The nonlinearities that follow BatchNorm in the experiments: forward and backward side by side.

sigmoid(z) = 1 / (1 + e^-z), tanh(z), ReLU(z) = max(0, z); all elementwise on float64 arrays of any shape.
"""

from __future__ import annotations

import numpy as np

NAMES = ("sigmoid", "tanh", "ReLU")


def sigmoid(z) -> np.ndarray:
    """1 / (1 + e^-z), written with tanh so that a large |z| cannot overflow e^-z."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def activate(name: str, z) -> np.ndarray:
    """h = f(z) for f one of NAMES; ValueError naming the choices for any other name."""
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return np.tanh(np.asarray(z, dtype=np.float64))
    if name == "ReLU":
        return np.maximum(np.asarray(z, dtype=np.float64), 0.0)
    raise ValueError(f"the nonlinearity must be one of {', '.join(NAMES)}; got {name!r}.")


def activate_backward(name: str, dh: np.ndarray, h: np.ndarray) -> np.ndarray:
    """dL/dz from dL/dh, written with the output h: tanh' = 1 - h², sigmoid' = h(1 - h), ReLU' = [h > 0]."""
    if name == "tanh":
        return dh * (1.0 - h * h)
    if name == "sigmoid":
        return dh * h * (1.0 - h)
    if name == "ReLU":
        return dh * (h > 0)
    raise ValueError(f"the nonlinearity must be one of {', '.join(NAMES)}; got {name!r}.")
