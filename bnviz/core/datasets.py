"""Two-class 2-D toy datasets (two moons, spirals, circles), reproducible from a seed.

Every dataset returns points X of shape (n, 2), standardized so that each coordinate has
mean 0 and standard deviation 1 (the network's first layer then sees inputs on the scale
its initialisation assumes), and labels y of shape (n,) in {0, 1}, half of each class.
"""

from __future__ import annotations

import numpy as np

# Gaussian noise added to every coordinate, in the units of the raw shapes below
# (moons and circles of radius 1, spirals of radius up to 1).
NOISE = {"two moons": 0.12, "spirals": 0.04, "circles": 0.08}
DATASETS = tuple(NOISE)
SPIRAL_TURNS = 1.25  # more turns make the task harder for a small network


def _moons(t: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Two interleaved half circles: (cos t, sin t) and (1 - cos t, 0.5 - sin t), t in [0, π]."""
    angle = np.pi * t
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    return np.where(label[:, None] == 0, upper, lower)


def _spirals(t: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Two arms r = t, θ = 2π·turns·t + π·label, for t in [0.15, 1] (no crowding at the centre)."""
    r = 0.15 + 0.85 * t
    angle = 2 * np.pi * SPIRAL_TURNS * r + np.pi * label
    return r[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def _circles(t: np.ndarray, label: np.ndarray) -> np.ndarray:
    """Two concentric circles: radius 1 for class 0, radius 0.5 for class 1."""
    angle = 2 * np.pi * t
    r = np.where(label == 0, 1.0, 0.5)
    return r[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)


_SHAPES = {"two moons": _moons, "spirals": _spirals, "circles": _circles}


def make_dataset(name: str, n: int = 512, seed: int = 0, noise: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Draw n labelled points of the dataset `name`.

    name: one of DATASETS ("two moons", "spirals", "circles").
    n: number of points, at least 4; classes get n // 2 and n - n // 2 points.
    noise: standard deviation of the Gaussian noise, ≥ 0; NOISE[name] by default.
    Returns X float64 (n, 2), standardized per coordinate, and y int64 (n,) in {0, 1},
    in random order. The same (name, n, seed, noise) always gives the same arrays.
    """
    if name not in _SHAPES:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {name!r}.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 4:
        raise ValueError(f"n must be a whole number of points, at least 4; got {n!r}.")
    noise = NOISE[name] if noise is None else float(noise)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number ≥ 0; got {noise}.")
    rng = np.random.default_rng(seed)
    label = np.repeat(np.array([0, 1]), [n // 2, n - n // 2])
    rng.shuffle(label)
    X = _SHAPES[name](rng.random(n), label) + noise * rng.standard_normal((n, 2))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, label.astype(np.int64)
