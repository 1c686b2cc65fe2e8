"""Batch, layer, instance and group normalization: which values share one mean and variance.

For x of shape (N, C, *spatial), each kind pools a different block into one statistic,
as in PyTorch (and Figure 2 of Wu & He, "Group Normalization", 2018):
- batch:    one statistic per channel, over the batch and all positions   (BatchNorm)
- layer:    one per sample, over all channels and positions               (LayerNorm over C, H, W)
- instance: one per sample and channel, over positions only               (InstanceNorm)
- group:    one per sample and group of C/G channels, over those channels and positions
"""

from __future__ import annotations

import numpy as np

from bnviz.core.validation import check_batch, check_eps

KINDS = ("batch", "layer", "instance", "group")
KIND_NAMES = {"batch": "BatchNorm", "layer": "LayerNorm", "instance": "InstanceNorm", "group": "GroupNorm"}  # PyTorch's


def _layout(shape: tuple[int, ...], kind: str, groups) -> tuple[tuple[int, int, int, int], tuple[int, ...]]:
    """For a batch shape, the (N, G, C/G, S) view one kind pools over, and the pooled axes."""
    n, c = shape[:2]
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}.")
    if kind == "group":
        if groups is None or isinstance(groups, bool) or not isinstance(groups, (int, np.integer)):
            raise ValueError(f"GroupNorm needs groups, a whole number dividing C = {c}; got {groups!r}.")
        if groups < 1 or c % groups:
            divisors = [g for g in range(1, c + 1) if c % g == 0]
            raise ValueError(f"groups must divide the {c} channels; choose one of {divisors}, got {groups}.")
        g = int(groups)
    else:
        g = {"batch": c, "layer": 1, "instance": c}[kind]
    view = (n, g, c // g, int(np.prod(shape[2:], dtype=np.int64)))
    axes = {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3), "group": (2, 3)}[kind]
    if np.prod([view[a] for a in axes]) < 2:
        hint = (
            "InstanceNorm, and GroupNorm with one channel per group, need spatial positions: "
            "use a convolutional batch (N, C, H, W)."
            if kind in ("instance", "group")
            else "Use a batch with more than one value per statistic."
        )
        raise ValueError(
            f"With input of shape {tuple(shape)}, {kind} normalization would average a single "
            f"value per statistic (variance 0, every output 0). {hint}"
        )
    return view, axes


def _grouped(x: np.ndarray, kind: str, groups) -> tuple[np.ndarray, tuple[int, ...]]:
    """x viewed as (N, G, C/G, S), and the axes one statistic pools over."""
    view, axes = _layout(x.shape, kind, groups)
    return x.reshape(view), axes


def norm_statistics(x, kind: str, groups: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean and biased variance of each pooled block.

    x: array of shape (N, C), (N, C, L) or (N, C, H, W).
    Returns (mu, var), each of shape: batch (C,), layer (N,), instance (N, C), group (N, G).
    """
    x = check_batch(x)
    v, axes = _grouped(x, kind, groups)
    mu = v.mean(axis=axes, keepdims=True)
    var = np.mean((v - mu) ** 2, axis=axes, keepdims=True)
    shape = {"batch": (x.shape[1],), "layer": (x.shape[0],), "instance": x.shape[:2]}
    target = shape.get(kind, (x.shape[0], v.shape[1]))
    return mu.reshape(target), var.reshape(target)


def normalize(x, kind: str, groups: int | None = None, eps: float = 1e-5) -> np.ndarray:
    """x_hat = (x - mu) / sqrt(var + eps) with mu, var pooled as `kind` pools them (no γ, β).

    x: array of shape (N, C), (N, C, L) or (N, C, H, W); returns float64 of the same shape.
    groups: for kind="group", the number of channel groups G (must divide C).
    """
    x = check_batch(x)
    eps = check_eps(eps)
    v, axes = _grouped(x, kind, groups)
    mu = v.mean(axis=axes, keepdims=True)
    centred = v - mu
    var = np.mean(centred**2, axis=axes, keepdims=True)
    denom = np.sqrt(var + eps)
    x_hat = np.divide(centred, denom, out=np.zeros_like(centred), where=denom > 0)
    return x_hat.reshape(x.shape)


def pooled_mask(shape, kind: str, sample: int = 0, channel: int = 0, groups: int | None = None) -> np.ndarray:
    """Which values share one statistic with the value at (sample, channel, any position).

    shape: the batch shape (N, C, *spatial).
    Returns a boolean array of shape (N, C, S), S = product of the spatial sizes (1 for
    (N, C)): True where a value is pooled into the same mean and variance.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2:
        raise ValueError(f"shape must be (N, C, ...); got {shape}.")
    n, c = shape[:2]
    s = int(np.prod(shape[2:], dtype=np.int64))
    if not (0 <= sample < n and 0 <= channel < c):
        raise ValueError(f"sample must be in 0..{n - 1} and channel in 0..{c - 1}.")
    _layout(shape, kind, groups)  # the same checks as normalize
    mask = np.zeros((n, c, s), dtype=bool)
    if kind == "batch":
        mask[:, channel] = True
    elif kind == "layer":
        mask[sample] = True
    elif kind == "instance":
        mask[sample, channel] = True
    else:
        size = c // groups
        first = (channel // size) * size
        mask[sample, first : first + size] = True
    return mask
