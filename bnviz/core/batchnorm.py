"""Batch Normalization in NumPy with PyTorch's BatchNorm1d/2d semantics.

Conventions, the same everywhere in bnviz:
- statistics are per channel (axis 1), pooled over the batch axis and every spatial axis;
- the batch variance used to normalize is biased (divides by m), the one folded into
  ``running_var`` is unbiased (divides by m - 1), as in PyTorch;
- momentum is PyTorch's: running = (1 - momentum) * running + momentum * batch_statistic
  (Keras' momentum=0.99 and cs231n's 0.9 weigh the *old* value instead).

One deliberate difference: a batch rejected with an error (one value per channel in
training) changes nothing here, while PyTorch has already counted it in
num_batches_tracked when it raises.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bnviz.core.validation import (
    check_batch,
    check_channel_param,
    check_eps,
    check_training_batch,
    per_channel_count,
)


def reduce_axes(ndim: int) -> tuple[int, ...]:
    """The axes one channel's statistics pool over: the batch axis and every spatial axis."""
    return (0,) + tuple(range(2, ndim))


def per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """Reshape a (C,) vector so that it broadcasts against a (N, C, ...) batch."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def batch_statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-channel mean and biased variance, computed in two passes.

    x: float64 array of shape (N, C, *spatial).
    Returns mu (C,), the centred values x - mu (same shape as x), and var (C,), with
    var = mean((x - mu)^2): subtracting the mean first avoids the cancellation of
    E[x^2] - E[x]^2 when the mean is large against the spread (mean 1e8, std 1).
    """
    m = per_channel_count(x.shape)
    mu = np.add.reduce(x, axis=reduce_axes(x.ndim)) / m  # x.mean(axis=...), the same sum, without its wrapper
    centred = x - per_channel(mu, x.ndim)
    # einsum sums the squares without a temporary array as large as the batch.
    flat = centred.reshape(centred.shape[0], centred.shape[1], -1)
    var = np.einsum("ncs,ncs->c", flat, flat) / m
    # A constant channel can leave rounding noise of the order of ulp(mu) in x - mu;
    # zero it so that such a channel gives exactly x_hat = 0 and y = beta.
    noise = (8 * np.finfo(np.float64).eps * np.abs(mu)) ** 2
    for c in np.flatnonzero(var <= noise):
        channel = x[:, c]
        if channel.min() == channel.max():
            mu[c] = channel.flat[0]
            centred[:, c] = 0.0
            var[c] = 0.0
    return mu, centred, var


class Cache(NamedTuple):
    """What the backward pass needs from the forward pass."""

    x_hat: np.ndarray  # (N, C, ...) normalized input
    gamma: np.ndarray  # (C,)
    inv_std: np.ndarray  # (C,) 1 / sqrt(var + eps)
    batch_stats: bool  # True if mu and var came from this batch (training mode)


def batch_norm_forward(x, gamma, beta, eps=1e-5, mean=None, var=None):
    """y = gamma * (x - mu) / sqrt(var + eps) + beta, per channel.

    x: float64 array of shape (N, C, *spatial), already validated.
    gamma, beta: (C,).
    mean, var: (C,) statistics to use instead of the batch's (eval mode); both or neither.
    Returns y (same shape as x), cache for batch_norm_backward, and the batch's own
    (mu, var) as a pair, or None when given statistics were used.
    """
    if mean is None:
        mu, centred, var = batch_statistics(x)
        used = (mu, var)
    else:
        centred = x - per_channel(mean, x.ndim)
        used = None
    # var + eps is 0 only for a constant channel with eps = 0: x - mu is 0 there, keep x_hat 0.
    denom = np.sqrt(var + eps)
    inv_std = 1.0 / denom if eps > 0 else np.divide(1.0, denom, out=np.zeros_like(denom), where=denom > 0)
    x_hat = centred  # a fresh array in both branches: normalize it in place
    x_hat *= per_channel(inv_std, x.ndim)
    y = x_hat * per_channel(gamma, x.ndim)
    y += per_channel(beta, x.ndim)
    return y, Cache(x_hat, gamma, inv_std, mean is None), used


def batch_norm_backward(dy: np.ndarray, cache: Cache):
    """Gradients of the loss with respect to x, gamma and beta.

    dy: dL/dy, same shape as the forward input.
    Returns dx (shape of dy), dgamma (C,) = sum(dy * x_hat), dbeta (C,) = sum(dy).
    With batch statistics, mu and var depend on every x of the channel, so
    dx = inv_std / m * (m * dx_hat - sum(dx_hat) - x_hat * sum(dx_hat * x_hat))
    with dx_hat = dy * gamma and m values per channel; with fixed (running)
    statistics, x_hat is an affine function of x alone and dx = dy * gamma * inv_std.
    """
    x_hat, gamma, inv_std, batch_stats = cache
    ndim = dy.ndim
    axes = reduce_axes(ndim)
    n, c = dy.shape[:2]
    dgamma = np.einsum("ncs,ncs->c", dy.reshape(n, c, -1), x_hat.reshape(n, c, -1))
    dbeta = np.add.reduce(dy, axis=axes)  # np.sum(dy, axis=axes), without its wrapper
    scale = per_channel(gamma * inv_std, ndim)
    if not batch_stats:
        return dy * scale, dgamma, dbeta
    m = per_channel_count(dy.shape)
    # dx = gamma * inv_std * (dy - mean(dy) - x_hat * mean(dy * x_hat)): shifting a channel
    # (direction 1) or scaling it (direction x_hat) leaves BN's output unchanged, so dx has
    # no component along either. Built in one array, updated in place.
    dx = x_hat * per_channel(-dgamma / m, ndim)
    dx += dy
    dx -= per_channel(dbeta / m, ndim)
    dx *= scale
    return dx, dgamma, dbeta


class BatchNorm:
    """A BatchNorm layer over channel axis 1 that behaves like torch.nn.BatchNorm1d/2d."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ):
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)):
            raise TypeError(f"num_features must be a whole number of channels; got {num_features!r}.")
        if num_features < 1:
            raise ValueError(f"num_features must be at least 1; got {num_features}.")
        if momentum is not None:
            momentum = float(momentum)
            if not 0.0 <= momentum <= 1.0:
                raise ValueError(
                    f"momentum must be between 0 and 1 (PyTorch's convention, default 0.1) "
                    f"or None for a cumulative average; got {momentum}."
                )
        self.num_features = int(num_features)
        self.eps = check_eps(eps)
        self.momentum = momentum
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        self.training = True
        self._gamma = np.ones(self.num_features)
        self._beta = np.zeros(self.num_features)
        self.grad_gamma: np.ndarray | None = None
        self.grad_beta: np.ndarray | None = None
        if self.track_running_stats:
            self.running_mean: np.ndarray | None = np.zeros(self.num_features)
            self.running_var: np.ndarray | None = np.ones(self.num_features)
            self.num_batches_tracked: int | None = 0
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None
        self.last_batch_mean: np.ndarray | None = None
        self.last_batch_var: np.ndarray | None = None
        self._cache: Cache | None = None

    # γ and β: learned, shared by every batch; validated whenever they are set.
    @property
    def gamma(self) -> np.ndarray:
        return self._gamma

    @gamma.setter
    def gamma(self, value) -> None:
        self._gamma = self._check_affine_param(value, "gamma")

    @property
    def beta(self) -> np.ndarray:
        return self._beta

    @beta.setter
    def beta(self, value) -> None:
        self._beta = self._check_affine_param(value, "beta")

    def _check_affine_param(self, value, name: str) -> np.ndarray:
        if not self.affine:
            raise ValueError(f"This layer has affine=False: {name} is fixed (γ = 1, β = 0).")
        return check_channel_param(value, self.num_features, name)

    def train(self, mode: bool = True) -> BatchNorm:
        self.training = bool(mode)
        return self

    def eval(self) -> BatchNorm:
        return self.train(False)

    def __call__(self, x) -> np.ndarray:
        return self.forward(x)

    def forward(self, x) -> np.ndarray:
        """Normalize x of shape (N, C), (N, C, L) or (N, C, H, W); returns float64, same shape.

        Training mode, or no running statistics tracked: batch statistics, and in training
        running_mean/var <- (1 - m) * running + m * batch (unbiased variance), with
        m = momentum, or 1 / num_batches_tracked when momentum is None.
        Eval mode with tracked statistics: running_mean and running_var.
        """
        x = check_batch(x, self.num_features)
        use_batch_stats = self.training or not self.track_running_stats
        if use_batch_stats:
            check_training_batch(x.shape)
            y, self._cache, (mu, var) = batch_norm_forward(x, self._gamma, self._beta, self.eps)
            self.last_batch_mean, self.last_batch_var = mu, var
            if self.training and self.track_running_stats:
                self._update_running(mu, var, per_channel_count(x.shape))
        else:
            y, self._cache, _ = batch_norm_forward(
                x, self._gamma, self._beta, self.eps, self.running_mean, self.running_var
            )
        return y

    def _update_running(self, mu: np.ndarray, var: np.ndarray, m: int) -> None:
        self.num_batches_tracked += 1
        factor = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
        unbiased = var * (m / (m - 1))
        self.running_mean = (1.0 - factor) * self.running_mean + factor * mu
        self.running_var = (1.0 - factor) * self.running_var + factor * unbiased

    def backward(self, dy) -> np.ndarray:
        """Given dL/dy (shape of the last input), return dL/dx and set grad_gamma, grad_beta."""
        if self._cache is None:
            raise RuntimeError("Call forward(x) before backward(dy).")
        dy = np.asarray(dy, dtype=np.float64)
        if dy.shape != self._cache.x_hat.shape:
            raise ValueError(f"dy must have the shape of the last input, {self._cache.x_hat.shape}; got {dy.shape}.")
        dx, dgamma, dbeta = batch_norm_backward(dy, self._cache)
        if self.affine:
            self.grad_gamma, self.grad_beta = dgamma, dbeta
        return dx

    def __repr__(self) -> str:
        return (
            f"BatchNorm({self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats})"
        )
