"""Finite differences: the gradient every backward pass of the core is checked against."""

import numpy as np


def numeric_gradient(f, v: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """dL/dv of the scalar f() by central differences, each entry of v changed in place and restored."""
    grad = np.zeros_like(v)
    for i in np.ndindex(v.shape):
        old = v[i]
        v[i] = old + h
        up = f()
        v[i] = old - h
        down = f()
        v[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
