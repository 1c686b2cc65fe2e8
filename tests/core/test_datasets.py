"""bnviz.datasets: two moons, spirals and circles, reproducible from a seed."""

import numpy as np
import pytest

from bnviz.core.datasets import DATASETS, _moons, _spirals, make_dataset

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)


@pytest.mark.parametrize("name", DATASETS)
def test_the_same_seed_gives_the_same_points_and_another_seed_other_points(name):
    X, y = make_dataset(name, 200, seed=7)
    X2, y2 = make_dataset(name, 200, seed=7)
    X3, _ = make_dataset(name, 200, seed=8)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.allclose(X, X3)


@pytest.mark.parametrize("name", DATASETS)
def test_each_dataset_has_both_classes_in_halves_and_shuffled(name):
    X, y = make_dataset(name, 101, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert np.sum(y == 0) == 50 and np.sum(y == 1) == 51
    assert 0 < np.sum(y[:50]) < 50  # not sorted by class


@pytest.mark.parametrize("name", DATASETS)
def test_points_are_standardized_per_coordinate(name):
    X, _ = make_dataset(name, 300, seed=1)
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1, atol=1e-12)


def test_noise_free_moons_lie_on_their_half_circles():
    t = np.array([0.0, 0.5, 1.0, 0.0, 0.5])
    label = np.array([0, 0, 0, 1, 1])
    expected = [[1, 0], [0, 1], [-1, 0], [0, 0.5], [1, -0.5]]  # (cos πt, sin πt) or (1 - cos, 0.5 - sin)
    np.testing.assert_allclose(_moons(t, label), expected, atol=1e-15)


def test_the_second_spiral_is_the_first_turned_half_a_turn():
    t = np.linspace(0, 1, 7)
    arm0 = _spirals(t, np.zeros(7, int))
    arm1 = _spirals(t, np.ones(7, int))
    np.testing.assert_allclose(arm1, -arm0, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(arm0, axis=1), 0.15 + 0.85 * t)


def test_noise_free_circles_put_class_1_inside_class_0():
    X, y = make_dataset("circles", 400, seed=2, noise=0.0)
    r = np.linalg.norm(X, axis=1)
    assert r[y == 1].max() < r[y == 0].min()


def test_noise_moves_points_off_the_noise_free_shape():
    clean, _ = make_dataset("two moons", 200, seed=3, noise=0.0)
    noisy, _ = make_dataset("two moons", 200, seed=3, noise=0.3)
    assert 0.1 < np.abs(noisy - clean).mean() < 1.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(name="squares"), "dataset must be one of two moons, spirals, circles"),
        (dict(name="spirals", n=3), "at least 4"),
        (dict(name="spirals", n=10.5), "whole number"),
        (dict(name="spirals", noise=-0.1), "noise must be a finite number ≥ 0"),
        (dict(name="spirals", noise=float("nan")), "noise must be a finite number ≥ 0"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_that_names_them(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_dataset(**kwargs)
