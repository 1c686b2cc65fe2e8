"""Input checks at the entries of the core, with messages a learner can act on."""

from __future__ import annotations

import math

import numpy as np

SHAPES = "(N, C), (N, C, L) or (N, C, H, W)"
# Above this, squared deviations overflow float64 (about 1.8e308): the variance would be inf.
MAX_ABS = 1e150


class ValidBatch(np.ndarray):
    """A batch that check_batch has accepted: float64, finite, no larger than MAX_ABS. Read-only, so that it
    stays so: a batch validated where it entered (an upload, a link, a drawing, an edited table) goes through
    every experiment of every rerun without its values being looked at again. Anything computed from it
    (arithmetic, a reduction) is a plain array; a view of it (a slice, a channel) still holds checked values.
    """

    def __array_wrap__(self, out, context=None, return_scalar=False):
        out = out.view(np.ndarray)  # x - μ is not the batch that was checked
        return out[()] if return_scalar else out


def valid(x: np.ndarray) -> ValidBatch:
    """A read-only ValidBatch view of a float64 array whose values check_batch has just checked."""
    out = x.view(ValidBatch)
    out.flags.writeable = False  # the view only: the caller's own array stays writeable
    return out


def check_batch(x, num_features: int | None = None, name: str = "x") -> ValidBatch:
    """Validate a batch of activations and return it as a read-only float64 ValidBatch.

    x: array-like of shape (N, C), (N, C, L) or (N, C, H, W), real numbers.
    num_features: if given, the channel count C that axis 1 must have.
    Raises TypeError for non-numeric data, ValueError for a wrong shape or
    for NaN / infinity. A ValidBatch (checked where it entered) has only its shape checked again.
    """
    if type(x) is ValidBatch and not x.flags.writeable:
        _check_shape(x, num_features, name)
        return x
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(
            f"{name} must hold real numbers (float32 or float64); got dtype "
            f"'{arr.dtype}'. Convert it with np.asarray({name}, dtype=np.float64) "
            "after removing any text or missing entries."
        )
    _check_shape(arr, num_features, name)
    arr = arr.astype(np.float64, copy=False)
    # min and max propagate NaN and show infinity: two passes, no temporary array.
    lo, hi = float(arr.min()), float(arr.max())
    if not (np.isfinite(lo) and np.isfinite(hi)):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s); BatchNorm needs finite "
            "numbers. Remove or replace them (for example with np.nan_to_num)."
        )
    _check_magnitude(max(-lo, hi), name)
    return valid(arr)


def _check_shape(arr: np.ndarray, num_features: int | None, name: str) -> None:
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            f"{name} must have shape {SHAPES}; got a {arr.ndim}-D array of shape "
            f"{arr.shape}. Put the samples on axis 0 and the channels on axis 1."
        )
    if arr.shape[0] == 0 or arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); give at least one sample.")
    if num_features is not None and arr.shape[1] != num_features:
        raise ValueError(
            f"{name} has {arr.shape[1]} channels on axis 1 but the layer was built "
            f"with num_features={num_features}. Use BatchNorm({arr.shape[1]}) or "
            f"pass a batch of shape (N, {num_features}, ...)."
        )


def _check_magnitude(largest: float, name: str) -> None:
    if largest > MAX_ABS:
        raise ValueError(
            f"{name} has values as large as {largest:.3g}; beyond {MAX_ABS:.0e} their squares "
            "overflow and the variance would be infinite. Rescale the data (divide it by a "
            "large constant: normalization does not change)."
        )


def check_channel_param(value, num_features: int, name: str) -> np.ndarray:
    """Validate a per-channel parameter (γ, β, a running statistic): shape (C,), finite."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(num_features, arr)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must hold real numbers; got dtype '{arr.dtype}'.")
    if arr.shape != (num_features,):
        raise ValueError(f"{name} must have shape ({num_features},), one value per channel; got shape {arr.shape}.")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; every channel needs a finite value.")
    _check_magnitude(float(np.max(np.abs(arr))), name)
    return arr


def check_eps(eps) -> float:
    """ε must be a finite number ≥ 0 (PyTorch's default is 1e-5)."""
    try:
        eps = float(eps)
    except (TypeError, ValueError):
        raise TypeError(f"eps must be a number such as 1e-5; got {eps!r}.") from None
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a finite number ≥ 0 (the default is 1e-5); got {eps}.")
    return eps


def per_channel_count(shape: tuple[int, ...]) -> int:
    """How many values one channel's statistics average: N · (product of spatial sizes)."""
    return int(shape[0] * math.prod(shape[2:]))  # math.prod: a tuple of ints, called at every step of /network


def check_training_batch(shape: tuple[int, ...]) -> None:
    """PyTorch's rule: a batch statistic needs more than one value per channel."""
    if per_channel_count(shape) <= 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input of shape "
            f"{tuple(shape)}. A batch of one value per channel has variance 0 and x̂ = 0 "
            "for every input. Use a batch of at least 2 samples, or call eval() to "
            "normalize with the running statistics."
        )
