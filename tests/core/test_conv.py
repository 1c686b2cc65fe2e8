"""The convolutional network's layers: each backward checked by finite differences, each forward by hand."""

import numpy as np
import pytest

from bnviz.core.conv import (
    col2im,
    conv2d_backward,
    conv2d_forward,
    im2col,
    max_pool_backward,
    max_pool_forward,
    softmax_cross_entropy,
)
from helpers.gradients import numeric_gradient

pytestmark = pytest.mark.numerical


def test_a_convolution_is_a_cross_correlation_with_zero_padding_as_pytorchs_conv2d():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    weight = np.zeros((1, 1, 3, 3))
    weight[0, 0, 0, 2] = 1.0  # the top-right tap: y[i, j] = x[i - 1, j + 1] (no flip), 0 outside the image
    y, _ = conv2d_forward(x, weight, np.array([0.5]))
    expected = np.zeros((4, 4))
    expected[1:, :3] = x[0, 0, :3, 1:]
    np.testing.assert_array_equal(y[0, 0], expected + 0.5)


def test_a_convolution_sums_over_the_input_channels_and_keeps_height_and_width():
    rng = np.random.default_rng(0)
    x, weight = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((4, 3, 3, 3))
    y, _ = conv2d_forward(x, weight)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    n, o, i, j = 1, 2, 4, 5  # one output value, written out as the definition's sum
    assert y.shape == (2, 4, 5, 6)
    assert y[n, o, i, j] == pytest.approx(np.sum(padded[n, :, i : i + 3, j : j + 3] * weight[o]), rel=1e-12)


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4, 4))
    cols = rng.standard_normal((2 * 4 * 4, 3 * 9))
    assert np.sum(im2col(x, 3) * cols) == pytest.approx(np.sum(x * col2im(cols, x.shape, 3)), rel=1e-12)


def test_the_convolutions_backward_matches_finite_differences():
    rng = np.random.default_rng(2)
    x, weight, bias = rng.standard_normal((2, 2, 4, 4)), rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    dy = rng.standard_normal((2, 3, 4, 4))

    def loss():
        return float(np.sum(conv2d_forward(x, weight, bias)[0] * dy))

    _, cache = conv2d_forward(x, weight, bias)
    dx, dweight, dbias = conv2d_backward(dy, cache)
    for analytic, value in [(dx, x), (dweight, weight), (dbias, bias)]:
        np.testing.assert_allclose(analytic, numeric_gradient(loss, value), rtol=1e-6, atol=1e-8)
    assert conv2d_backward(dy, cache, input_grad=False)[0] is None


def test_max_pooling_keeps_each_windows_largest_value_and_sends_its_gradient_there_only():
    x = np.array([[[[1.0, 5.0, 2.0, 2.0], [3.0, 4.0, 0.0, 1.0], [7.0, 7.0, -1.0, -2.0], [7.0, 0.0, -3.0, -4.0]]]])
    y, cache = max_pool_forward(x)
    np.testing.assert_array_equal(y[0, 0], [[5.0, 2.0], [7.0, -1.0]])
    dx = max_pool_backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]), cache)
    # Ties (2, 2 and 7, 7, 7) send it to the first of the window, row by row, as PyTorch's MaxPool2d does.
    np.testing.assert_array_equal(
        dx[0, 0], [[0.0, 10.0, 20.0, 0.0], [0.0, 0.0, 0.0, 0.0], [30.0, 0.0, 40.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    )


def test_max_poolings_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    x, dy = rng.standard_normal((2, 3, 4, 6)), rng.standard_normal((2, 3, 2, 3))
    _, cache = max_pool_forward(x)
    np.testing.assert_allclose(
        max_pool_backward(dy, cache),
        numeric_gradient(lambda: float(np.sum(max_pool_forward(x)[0] * dy)), x),
        atol=1e-8,
    )


def test_the_cross_entropy_is_pytorchs_and_its_gradient_matches_finite_differences():
    logits, y = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 3.0]]), np.array([0, 1])
    loss, dlogits, accuracy = softmax_cross_entropy(logits, y)
    by_hand = np.mean([-np.log(np.exp(2) / np.exp([2, 1, 0]).sum()), -np.log(1 / np.exp([0, 0, 3]).sum())])
    assert loss == pytest.approx(by_hand, rel=1e-12) and accuracy == 0.5
    np.testing.assert_allclose(
        dlogits, numeric_gradient(lambda: softmax_cross_entropy(logits, y)[0], logits), rtol=1e-6, atol=1e-9
    )


def test_the_cross_entropy_stays_finite_for_huge_logits():
    loss, dlogits, _ = softmax_cross_entropy(np.array([[1e300, -1e300, 0.0]]), np.array([1]))
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
