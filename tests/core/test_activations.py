"""bnviz.core.activations: the one sigmoid, tanh and ReLU of the app, forward and backward."""

import numpy as np
import pytest

from bnviz.core.activations import NAMES, activate, activate_backward, sigmoid

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)


@pytest.mark.parametrize("name", NAMES)
def test_activation_backward_matches_central_differences(name):
    z = np.array([-3.0, -0.7, 0.2, 1.3, 4.0])
    h = activate(name, z)
    numeric = (activate(name, z + 1e-6) - activate(name, z - 1e-6)) / 2e-6
    np.testing.assert_allclose(activate_backward(name, np.ones_like(z), h), numeric, rtol=1e-8, atol=1e-10)


def test_sigmoid_is_one_over_one_plus_exp_and_does_not_overflow():
    z = np.array([-5.0, 0.0, 2.0])
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(sigmoid(np.array([-1e4, 1e4])), [0.0, 1.0])


def test_an_unknown_nonlinearity_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="must be one of sigmoid, tanh, ReLU; got 'softplus'"):
        activate("softplus", np.zeros(2))
