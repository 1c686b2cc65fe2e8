"""The 8 × 8 handwritten digits (UCI, CC BY 4.0; bnviz/data/README.md): read, checked, split once.

Each row of bnviz/data/digits.csv.gz is 64 pixels, row by row, integers from 0 to 16, then the digit 0..9.
The split is fixed for every machine and session: a permutation drawn from one seed, the first TEST_SIZE
images kept for testing, the rest for training.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import NamedTuple

import numpy as np

PATH = Path(__file__).resolve().parent.parent / "data" / "digits.csv.gz"
IMAGES, SIDE, CLASSES, INK = 1797, 8, 10, 16  # what the file holds: 1,797 images, 8 × 8, digits 0..9, ink 0..16
TEST_SIZE = 512  # 1,285 images to train on, 512 to test on: whole batches of 1, 2 and 64 (the train-mode mistake)
SPLIT_SEED = 0


class Digits(NamedTuple):
    """Images x (N, 1, 8, 8) float64 in [0, 1] (the ink count / 16), and their digits y (N,) int64."""

    x: np.ndarray
    y: np.ndarray


class Split(NamedTuple):
    train: Digits
    test: Digits


def parse(text: str) -> Digits:
    """The images and digits of the file's text; ValueError saying which row is wrong, and how."""
    rows = [line for line in text.splitlines() if line.strip()]
    if len(rows) != IMAGES:
        raise ValueError(f"the digits file must have {IMAGES} rows; it has {len(rows)}.")
    values = np.empty((IMAGES, SIDE * SIDE + 1), dtype=np.int64)
    for i, line in enumerate(rows):
        fields = line.split(",")
        if len(fields) != SIDE * SIDE + 1:
            raise ValueError(
                f"row {i + 1} of the digits file must have {SIDE * SIDE + 1} numbers; it has {len(fields)}."
            )
        try:
            values[i] = [int(f) for f in fields]
        except ValueError:
            raise ValueError(f"row {i + 1} of the digits file holds something that is not a whole number.") from None
    pixels, digits = values[:, :-1], values[:, -1]
    if pixels.min() < 0 or pixels.max() > INK:
        raise ValueError(f"every pixel of the digits file must be from 0 to {INK}.")
    if digits.min() < 0 or digits.max() >= CLASSES:
        raise ValueError(f"every label of the digits file must be a digit from 0 to {CLASSES - 1}.")
    return Digits((pixels / INK).reshape(IMAGES, 1, SIDE, SIDE), digits)


@functools.cache
def load_digits() -> Digits:
    """Every image of the shipped file, checked (parse). Read once per process; do not write to the arrays."""
    with gzip.open(PATH, "rt", encoding="ascii") as f:
        digits = parse(f.read())
    digits.x.flags.writeable = digits.y.flags.writeable = False
    return digits


@functools.cache
def split() -> Split:
    """The fixed split: TEST_SIZE images to test on, the other 1,285 to train on, drawn once from SPLIT_SEED."""
    x, y = load_digits()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    test, train = order[:TEST_SIZE], order[TEST_SIZE:]
    return Split(Digits(x[train], y[train]), Digits(x[test], y[test]))
