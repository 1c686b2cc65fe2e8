"""The tasks' losses, per channel, and dL/dy; and the optional next layer after BN."""

from __future__ import annotations

import numpy as np

from bnviz.core.activations import activate, activate_backward, sigmoid


def squared_error(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """L = mean_i (y_i - t_i)^2 per channel: (B, C) -> (C,)."""
    return np.sum((y - t) ** 2, axis=0) / len(y)


def squared_error_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dy_i = 2 (y_i - t_i) / B, shape of y."""
    return 2.0 * (y - t) / len(y)


def cross_entropy(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """L = mean_i [softplus(y_i) - label_i * y_i] per channel, the cross-entropy of p = sigmoid(y)."""
    return np.sum(np.logaddexp(0.0, y) - labels * y, axis=0) / len(y)


def cross_entropy_grad(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """dL/dy_i = (sigmoid(y_i) - label_i) / B, shape of y."""
    return (sigmoid(y) - labels) / len(y)


LOSSES = {
    "reconstruct": (squared_error, squared_error_grad),
    "target": (squared_error, squared_error_grad),
    "classify": (cross_entropy, cross_entropy_grad),
}


def next_layer(name: str, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """h = f(y) and out = w·h + b per channel: y (B, C), w and b (C,); returns h and out, both (B, C)."""
    h = activate(name, y)
    return h, w * h + b


def next_layer_loss(name: str, y: np.ndarray, t: np.ndarray, w: np.ndarray, b: np.ndarray):
    """L = mean((w·f(y) + b - t)^2) per channel, and its gradients, forward and backward side by side.

    y, t: (B, C); w, b: (C,). Returns L (C,), dL/dy (B, C), dL/dw = Σ dL/dout · h (C,)
    and dL/db = Σ dL/dout (C,), with dL/dout = 2 (out - t) / B and dL/dy = f'(y) · w · dL/dout.
    """
    h, out = next_layer(name, y, w, b)
    dout = squared_error_grad(out, t)
    dy = activate_backward(name, dout * w, h)
    return squared_error(out, t), dy, np.sum(dout * h, axis=0), np.sum(dout, axis=0)
