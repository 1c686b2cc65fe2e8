"""The shipped digits: read and checked once, split the same way on every machine."""

import gzip

import numpy as np
import pytest

from bnviz.core.digits import CLASSES, IMAGES, PATH, TEST_SIZE, load_digits, parse, split


def test_the_file_holds_1797_images_of_8_by_8_pixels_in_0_to_1_and_every_digit():
    x, y = load_digits()
    assert x.shape == (IMAGES, 1, 8, 8) and y.shape == (IMAGES,)
    assert x.min() == 0.0 and x.max() == 1.0
    assert np.array_equal(np.unique(y), np.arange(CLASSES))
    assert not x.flags.writeable  # shared by every session: nobody may change it


def test_the_first_image_is_the_zero_scikit_learn_shows_first():
    x, y = load_digits()
    assert y[0] == 0
    assert (x[0, 0, 0] * 16).tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_the_split_is_fixed_disjoint_and_covers_every_image():
    train, test = split()
    assert len(test.y) == TEST_SIZE and len(train.y) + len(test.y) == IMAGES
    images = {img.tobytes() + bytes([d]) for img, d in zip(load_digits().x, load_digits().y)}
    both = {img.tobytes() + bytes([d]) for part in (train, test) for img, d in zip(part.x, part.y)}
    assert both == images
    assert test.y[:10].tolist() == [6, 6, 6, 2, 5, 6, 6, 2, 2, 1]  # the same on every machine
    assert np.bincount(test.y, minlength=CLASSES).min() >= 40  # every digit is tested


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,2,3\n", "must have 1797 rows"),
        ("\n".join(["0," * 64 + "0"] * 1796 + ["0," * 63 + "0"]), "row 1797 of the digits file must have 65 numbers"),
        ("\n".join(["0," * 64 + "0"] * 1796 + ["0," * 64 + "x"]), "row 1797 of the digits file holds something"),
        ("\n".join(["17," * 64 + "0"] * 1797), "every pixel of the digits file must be from 0 to 16"),
        ("\n".join(["0," * 64 + "10"] * 1797), "every label of the digits file must be a digit from 0 to 9"),
    ],
)
def test_a_damaged_file_is_refused_with_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


def test_the_shipped_file_is_the_one_its_readme_names():
    import hashlib

    readme = (PATH.parent / "README.md").read_text()
    assert hashlib.sha256(PATH.read_bytes()).hexdigest() in readme
    with gzip.open(PATH, "rt") as f:
        assert len(f.read().splitlines()) == IMAGES
