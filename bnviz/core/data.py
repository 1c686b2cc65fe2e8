"""Activation batches where every channel has its own distribution, reproducible from a seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Each family draws z with population mean 0 and standard deviation 1; a channel is
# mean + std * z. "relu" is the exception: max(0, mean + std * z) for a normal z, so
# mean and std describe the pre-activation, as a ReLU layer's input would.
DISTRIBUTIONS = ("normal", "uniform", "skewed", "bimodal", "heavy-tailed", "relu")


def _standard(dist: str, rng: np.random.Generator, size: int) -> np.ndarray:
    if dist in ("normal", "relu"):
        return rng.standard_normal(size)
    if dist == "uniform":
        return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size)
    if dist == "skewed":  # Gamma(2, 1) has mean 2 and variance 2
        return (rng.gamma(2.0, 1.0, size) - 2.0) / np.sqrt(2.0)
    if dist == "bimodal":  # two bumps at ±0.9 of spread 0.436: variance 0.81 + 0.19 = 1
        side = np.where(rng.random(size) < 0.5, -0.9, 0.9)
        return side + np.sqrt(1.0 - 0.81) * rng.standard_normal(size)
    if dist == "heavy-tailed":  # Student t with 3 degrees of freedom has variance 3
        return rng.standard_t(3.0, size) / np.sqrt(3.0)
    raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}; got {dist!r}.")


@dataclass(frozen=True)
class ChannelSpec:
    """One channel's distribution: its family, mean and standard deviation."""

    dist: str = "normal"
    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self):
        if self.dist not in DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {', '.join(DISTRIBUTIONS)}; got {self.dist!r}.")
        for name in ("mean", "std"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise TypeError(f"{name} must be a number; got {value!r}.")
            if not np.isfinite(value):
                raise ValueError(f"{name} must be finite; got {value}.")
        if self.std < 0:
            raise ValueError(f"std must be ≥ 0 (0 makes a constant channel); got {self.std}.")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        values = self.mean + self.std * _standard(self.dist, rng, size)
        return np.maximum(values, 0.0) if self.dist == "relu" else values


def _smooth_fields(rng: np.random.Generator, n: int, spatial: tuple[int, ...]) -> np.ndarray:
    """n random smooth fields of shape spatial: a few low-frequency waves, like feature maps."""
    grids = np.meshgrid(*[np.linspace(0.0, 1.0, s) for s in spatial], indexing="ij")
    field = np.zeros((n,) + tuple(spatial))
    for _ in range(3):
        freq = rng.uniform(0.5, 2.5, (n, len(spatial)))
        phase = rng.uniform(0, 2 * np.pi, n)
        arg = sum(freq[:, i, None].reshape((n,) + (1,) * len(spatial)) * g for i, g in enumerate(grids))
        field += np.sin(2 * np.pi * arg + phase.reshape((n,) + (1,) * len(spatial)))
    return field


def make_batch(specs, n: int, spatial=None, seed: int = 0) -> np.ndarray:
    """Draw a batch of activations, one distribution per channel.

    specs: sequence of ChannelSpec, one per channel (C = len(specs)).
    n: batch size N ≥ 1.
    spatial: None for a fully connected batch (N, C), or (L,) / (H, W) for a
      convolutional one (N, C, L) / (N, C, H, W).
    seed: each channel draws from its own stream (seed, channel), so editing one channel
      leaves the others unchanged.
    In a convolutional batch, each image's values are laid out along a smooth random
    field (rank by rank), so heatmaps look like feature maps while the values drawn, and
    so the channel's distribution, are exactly those of the family.
    """
    specs = list(specs)
    if not specs:
        raise ValueError("A batch needs at least one channel.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"The batch size must be a whole number ≥ 1; got {n!r}.")
    spatial = tuple(int(s) for s in (spatial or ()))
    if any(s < 1 for s in spatial) or len(spatial) > 2:
        raise ValueError(f"spatial must be None, (L,) or (H, W) with sizes ≥ 1; got {spatial}.")
    per_image = int(np.prod(spatial, dtype=np.int64))
    x = np.empty((n, len(specs)) + spatial)
    for c, spec in enumerate(specs):
        rng = np.random.default_rng([int(seed), c])
        values = spec.sample(rng, n * per_image).reshape((n, per_image))
        if per_image > 1:
            order = np.argsort(_smooth_fields(rng, n, spatial).reshape(n, per_image), axis=1)
            arranged = np.empty_like(values)
            np.put_along_axis(arranged, order, np.sort(values, axis=1), axis=1)
            values = arranged
        x[:, c] = values.reshape((n,) + spatial)
    return x


_SCALES = [(0.0, 1.0), (8.0, 10.0), (-3.0, 0.2), (50.0, 40.0), (2.0, 3.0), (-20.0, 5.0), (0.5, 0.05), (100.0, 1.0)]


def preset(name: str, channels: int) -> list[ChannelSpec]:
    """The channel specs of a named preset for a layer with `channels` channels."""
    if channels < 1:
        raise ValueError(f"channels must be ≥ 1; got {channels}.")
    if name == "all standard normal":
        return [ChannelSpec("normal", 0.0, 1.0) for _ in range(channels)]
    if name == "channels on very different scales":
        return [ChannelSpec("normal", *_SCALES[c % len(_SCALES)]) for c in range(channels)]
    if name == "ReLU outputs":
        return [ChannelSpec("relu", 0.5 * (c % 4) - 0.5, 1.0 + 0.5 * (c % 3)) for c in range(channels)]
    if name == "one dead channel with zero variance":
        specs = [ChannelSpec("normal", float(c % 3), 1.0) for c in range(channels)]
        specs[min(1, channels - 1)] = ChannelSpec("relu", 0.0, 0.0)  # a ReLU that never fires
        return specs
    if name == "every shape":
        return [ChannelSpec(DISTRIBUTIONS[c % len(DISTRIBUTIONS)], 2.0 * c, 1.0 + c) for c in range(channels)]
    raise ValueError(f"preset must be one of {', '.join(PRESETS)}; got {name!r}.")


PRESETS = (
    "all standard normal",
    "channels on very different scales",
    "ReLU outputs",
    "one dead channel with zero variance",
    "every shape",
)
