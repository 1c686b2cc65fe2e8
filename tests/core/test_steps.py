"""bnviz.batch_norm_steps: seven named steps whose arrays are the forward pass."""

import numpy as np
import pytest

from bnviz import BatchNorm, batch_norm_steps

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

KEYS = ["mean", "centre", "var", "std", "normalize", "scale", "shift"]


def test_steps_come_in_order_with_names_formulas_and_code():
    steps = batch_norm_steps(np.array([[1.0, 2.0], [3.0, 6.0]]), [1.0, 1.0], [0.0, 0.0])
    assert [s.key for s in steps] == KEYS
    assert [s.name for s in steps] == [
        "Batch mean",
        "Centre",
        "Batch variance",
        "Standard deviation",
        "Normalize",
        "Scale by γ",
        "Shift by β",
    ]
    assert all(s.formula and s.numpy for s in steps)
    assert [s.is_statistic for s in steps] == [True, False, True, True, False, False, False]


def test_hand_computed_values_of_every_step():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    s = {step.key: step.array for step in batch_norm_steps(x, [2.0, 0.5], [1.0, -1.0], eps=0.0)}
    np.testing.assert_array_equal(s["mean"], [2.0, 4.0])
    np.testing.assert_array_equal(s["centre"], [[-1.0, -2.0], [1.0, 2.0]])
    np.testing.assert_array_equal(s["var"], [1.0, 4.0])
    np.testing.assert_array_equal(s["std"], [1.0, 2.0])
    np.testing.assert_array_equal(s["normalize"], [[-1.0, -1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(s["scale"], [[-2.0, -0.5], [2.0, 0.5]])
    np.testing.assert_array_equal(s["shift"], [[-1.0, -1.5], [3.0, -0.5]])


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (2, 3, 4, 4)])
def test_last_step_equals_batchnorm_output(shape):
    rng = np.random.default_rng(0)
    x, gamma, beta = rng.normal(size=shape) * 3 + 1, rng.normal(size=3), rng.normal(size=3)
    bn = BatchNorm(3)
    bn.gamma, bn.beta = gamma, beta
    np.testing.assert_array_equal(batch_norm_steps(x, gamma, beta)[-1].array, bn(x))


def test_running_statistics_replace_the_batch_statistics_in_eval():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    steps = batch_norm_steps(x, [1.0, 1.0], [0.0, 0.0], eps=0.0, mean=[0.0, 1.0], var=[4.0, 1.0])
    assert steps[0].name == "Running mean" and "running_mean" in steps[0].numpy
    np.testing.assert_array_equal(steps[-1].array, [[0.5, 1.0], [1.5, 5.0]])


def test_numpy_line_names_the_pooled_axes_for_each_rank():
    assert batch_norm_steps(np.ones((2, 1)) * [[1], [2]], 1.0, 0.0)[0].numpy == "mu = x.mean(axis=0)"
    conv = batch_norm_steps(np.arange(8.0).reshape(2, 1, 2, 2), 1.0, 0.0)
    assert conv[0].numpy == "mu = x.mean(axis=(0, 2, 3))"
    assert conv[1].numpy == "xc = x - mu[:, None, None]"


def test_each_step_highlights_its_own_term_in_the_full_formula():
    steps = batch_norm_steps(np.array([[1.0], [2.0]]), 1.0, 0.0)
    assert r"\textcolor{#d62728}{\mu_B}" in steps[0].highlighted
    assert r"\textcolor{#d62728}{\gamma}" in steps[5].highlighted
    assert r"\textcolor{#d62728}{+ \beta}" in steps[6].highlighted


def test_one_of_mean_and_var_alone_is_refused():
    with pytest.raises(ValueError, match="both mean and var"):
        batch_norm_steps(np.ones((2, 2)), 1.0, 0.0, mean=[0.0, 0.0])
