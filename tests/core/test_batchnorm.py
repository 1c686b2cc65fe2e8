"""bnviz.BatchNorm: PyTorch's BatchNorm1d/2d semantics, by hand-computed values and properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bnviz import BatchNorm, batch_norm_backward, batch_norm_forward
from helpers.gradients import numeric_gradient

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

EPS = 1e-5


# --- hand-computed values -------------------------------------------------------------


def test_training_forward_normalizes_each_channel_with_biased_variance():
    # channel 0: 1, 3 -> mean 2, biased var 1; channel 1: 2, 6 -> mean 4, var 4
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    y = BatchNorm(2)(x)
    expected = np.array([[-1 / np.sqrt(1 + EPS), -2 / np.sqrt(4 + EPS)], [1 / np.sqrt(1 + EPS), 2 / np.sqrt(4 + EPS)]])
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-15)


def test_running_statistics_use_momentum_and_unbiased_variance():
    bn = BatchNorm(2)
    bn(np.array([[1.0, 2.0], [3.0, 6.0]]))
    # running = 0.9 * (0, 1) + 0.1 * (mean (2, 4), unbiased var (2, 8))
    np.testing.assert_allclose(bn.running_mean, [0.2, 0.4], atol=1e-15)
    np.testing.assert_allclose(bn.running_var, [0.9 + 0.2, 0.9 + 0.8], atol=1e-15)
    assert bn.num_batches_tracked == 1
    np.testing.assert_allclose(bn.last_batch_mean, [2.0, 4.0])
    np.testing.assert_allclose(bn.last_batch_var, [1.0, 4.0])


def test_momentum_none_keeps_the_cumulative_average_of_batch_statistics():
    bn = BatchNorm(1, momentum=None)
    bn(np.array([[0.0], [2.0]]))  # mean 1, unbiased var 2
    bn(np.array([[4.0], [10.0]]))  # mean 7, unbiased var 18
    bn(np.array([[1.0], [1.0]]))  # mean 1, unbiased var 0
    np.testing.assert_allclose(bn.running_mean, [(1 + 7 + 1) / 3])
    np.testing.assert_allclose(bn.running_var, [(2 + 18 + 0) / 3])


def test_momentum_one_keeps_only_the_last_batch():
    bn = BatchNorm(1, momentum=1.0)
    bn(np.array([[0.0], [2.0]]))
    bn(np.array([[4.0], [10.0]]))
    np.testing.assert_allclose(bn.running_mean, [7.0])
    np.testing.assert_allclose(bn.running_var, [18.0])


def test_eval_mode_uses_running_statistics_and_does_not_update_them():
    bn = BatchNorm(2)
    bn.gamma, bn.beta = [2.0, 0.5], [1.0, -1.0]
    bn.running_mean, bn.running_var = np.array([1.0, -2.0]), np.array([4.0, 0.25])
    bn.eval()
    x = np.array([[3.0, -2.0], [1.0, -1.0], [5.0, 0.0]])
    y = bn(x)
    expected = np.array([2.0, 0.5]) * (x - [1.0, -2.0]) / np.sqrt(np.array([4.0, 0.25]) + EPS) + [1.0, -1.0]
    np.testing.assert_allclose(y, expected, atol=1e-14)
    np.testing.assert_array_equal(bn.running_mean, [1.0, -2.0])
    assert bn.num_batches_tracked == 0


def test_eval_mode_accepts_a_batch_of_one():
    bn = BatchNorm(3).eval()
    np.testing.assert_allclose(bn(np.array([[1.0, 2.0, 3.0]])), [[1.0, 2.0, 3.0]] / np.sqrt(1 + EPS))


def test_without_tracked_statistics_eval_still_uses_the_batch():
    bn = BatchNorm(2, track_running_stats=False).eval()
    assert bn.running_mean is None and bn.running_var is None and bn.num_batches_tracked is None
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    np.testing.assert_allclose(bn(x), BatchNorm(2)(x))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(np.array([[1.0, 2.0]]))


def test_affine_false_fixes_gamma_one_and_beta_zero():
    bn = BatchNorm(2, affine=False)
    np.testing.assert_array_equal(bn.gamma, [1.0, 1.0])
    np.testing.assert_array_equal(bn.beta, [0.0, 0.0])
    with pytest.raises(ValueError, match="affine=False"):
        bn.gamma = [2.0, 2.0]
    bn(np.array([[1.0, 2.0], [3.0, 6.0]]))
    bn.backward(np.ones((2, 2)))
    assert bn.grad_gamma is None and bn.grad_beta is None


# Reference values computed by torch 2.13.0 (float64) with BatchNorm1d(2), weight (2, -0.5),
# bias (0.25, 1): one training step on X1 with dy = arange(12)/10, a second on X2, eval on X1.
X1 = np.array([[[1.0, 2.0], [0.5, -1.0]], [[4.0, 0.0], [2.5, 3.0]], [[-2.0, 5.0], [1.0, 1.5]]])
X2 = np.array([[[0.0, 1.0], [2.0, 2.0]], [[3.0, -1.0], [0.0, 4.0]], [[1.0, 1.0], [-3.0, 1.0]]])
TORCH_Y1 = [
    [[-0.31568491583304303, 0.5328424579165214], [1.2851750881345427, 1.8555252644036282]],
    [[2.22989720541565, -1.1642122895826075], [0.5247081864424287, 0.3345914610194001]],
    [[-2.8612670370817366, 3.0784245791652145], [1.0950583627115142, 0.9049416372884856]],
]
TORCH_DX1 = [
    [[-0.37844321480169185, -0.2986816325051536], [0.1388083019647707, 0.03619145504825509]],
    [[-0.05430573053712076, 0.05091162715150861], [0.07283959073556114, 0.056347412928258754]],
    [[0.31565214943321446, 0.3648668012592432], [-0.1438472914347716, -0.16033946924207404]],
]
TORCH_EVAL = [
    [[1.4672852492805308, 3.05504861790731], [0.8847881842261933, 1.4858933100025764]],
    [[6.230575355160869, -0.12047811934624857], [0.08331468319101601, -0.11705369206777833]],
    [[-3.2960048565998075, 7.818338723787648], [0.684419808967399, 0.4840514337086047]],
]


def test_matches_values_computed_by_pytorch_on_n_c_l_input():
    bn = BatchNorm(2)
    bn.gamma, bn.beta = [2.0, -0.5], [0.25, 1.0]
    np.testing.assert_allclose(bn(X1), TORCH_Y1, atol=1e-13)
    np.testing.assert_allclose(bn.backward(np.arange(12.0).reshape(3, 2, 2) / 10), TORCH_DX1, atol=1e-13)
    np.testing.assert_allclose(bn.grad_gamma, [0.08485273737495629, 0.8935486094882339], atol=1e-13)
    np.testing.assert_allclose(bn.grad_beta, [2.7, 3.9], atol=1e-13)
    bn(X2)
    np.testing.assert_allclose(bn.running_mean, [0.23333333333333336, 0.21250000000000002], atol=1e-14)
    np.testing.assert_allclose(bn.running_var, [1.5866666666666667, 1.5567499999999999], atol=1e-14)
    np.testing.assert_allclose(bn.eval()(X1), TORCH_EVAL, atol=1e-13)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 3, 4, 2)])
def test_statistics_are_per_channel_over_batch_and_spatial_axes(shape):
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape) * np.arange(1, 4).reshape((1, 3) + (1,) * (len(shape) - 2)) + 5
    bn = BatchNorm(3)
    y = bn(x)
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(bn.last_batch_mean, x.mean(axis=axes))
    np.testing.assert_allclose(y.mean(axis=axes), 0, atol=1e-12)
    m = x.size // 3
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * x.var(axis=axes) * m / (m - 1))


def test_float32_input_gives_float64_output():
    x = np.array([[1.0, 2.0], [3.0, 6.0]], dtype=np.float32)
    y = BatchNorm(2)(x)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, BatchNorm(2)(x.astype(np.float64)))


# --- numerical soundness ---------------------------------------------------------------


@pytest.mark.parametrize("mean", [0.0, 1e8])
def test_large_mean_does_not_cancel_the_variance(mean):
    x = np.random.default_rng(0).normal(size=(4096, 1))
    x = (x - x.mean()) / x.std() + mean  # std exactly 1 (biased), up to rounding
    y = BatchNorm(1)(x)
    assert abs(y.std() - np.sqrt(1 / (1 + EPS))) < 1e-6


@pytest.mark.parametrize("value", [0.0, 0.1, -3.7, 1e8, 1e-300])
def test_zero_variance_channel_gives_exactly_beta(value):
    x = np.full((5, 2, 3), value)
    x[:, 1] = np.arange(15.0).reshape(5, 3)
    bn = BatchNorm(2)
    bn.beta = [0.75, 0.0]
    y = bn(x)
    np.testing.assert_array_equal(y[:, 0], 0.75)
    assert np.isfinite(y).all()


def test_zero_variance_with_zero_eps_is_not_nan():
    bn = BatchNorm(1, eps=0.0)
    y = bn(np.full((4, 1), 2.5))
    np.testing.assert_array_equal(y, 0.0)
    assert np.isfinite(bn.backward(np.ones((4, 1)))).all()


# --- gradients against central finite differences ---------------------------------------


def check_gradients(shape, seed, training):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = rng.normal(size=shape) * rng.uniform(0.5, 3, size=(1, c) + (1,) * (len(shape) - 2))
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    w = rng.normal(size=shape)  # loss = sum(w * y), so dL/dy = w
    stats = {} if training else {"mean": rng.normal(size=c), "var": rng.uniform(0.5, 2, size=c)}

    def loss():
        return float(np.sum(w * batch_norm_forward(x, gamma, beta, EPS, **stats)[0]))

    _, cache, _ = batch_norm_forward(x, gamma, beta, EPS, **stats)
    dx, dgamma, dbeta = batch_norm_backward(w, cache)
    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dgamma, numeric_gradient(loss, gamma), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(dbeta, numeric_gradient(loss, beta), rtol=1e-5, atol=1e-7)


shapes = st.sampled_from([(2, 1), (5, 3), (3, 2, 4), (2, 3, 2, 3), (4, 1, 1, 2)])


@given(shape=shapes, seed=st.integers(0, 2**16))
def test_backward_matches_finite_differences_with_batch_statistics(shape, seed):
    check_gradients(shape, seed, training=True)


@given(shape=shapes, seed=st.integers(0, 2**16))
def test_backward_matches_finite_differences_with_running_statistics(shape, seed):
    check_gradients(shape, seed, training=False)


def test_layer_backward_sets_grad_gamma_and_grad_beta():
    rng = np.random.default_rng(3)
    x, dy = rng.normal(size=(8, 2, 3)), rng.normal(size=(8, 2, 3))
    bn = BatchNorm(2)
    y = bn(x)
    bn.backward(dy)
    x_hat = (y - bn.beta[None, :, None]) / bn.gamma[None, :, None]
    np.testing.assert_allclose(bn.grad_gamma, np.sum(dy * x_hat, axis=(0, 2)))
    np.testing.assert_allclose(bn.grad_beta, np.sum(dy, axis=(0, 2)))


# --- properties (hypothesis) -------------------------------------------------------------


def batches(min_spread=1e-2):
    """Random (N, C) or (N, C, L) batches whose every channel varies by at least min_spread."""
    shape = st.tuples(st.integers(2, 12), st.integers(1, 4)) | st.tuples(
        st.integers(1, 5), st.integers(1, 3), st.integers(2, 4)
    )
    values = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)

    def spread_enough(x):
        axes = (0,) + tuple(range(2, x.ndim))
        return bool((x.std(axis=axes) >= min_spread).all())

    return shape.flatmap(lambda s: arrays(np.float64, s, elements=values)).filter(spread_enough)


def channel_axes(x):
    return (0,) + tuple(range(2, x.ndim))


@given(batches())
def test_gamma_one_beta_zero_gives_mean_zero_and_variance_var_over_var_plus_eps(x):
    y = BatchNorm(x.shape[1])(x)
    var = x.var(axis=channel_axes(x))
    np.testing.assert_allclose(y.mean(axis=channel_axes(x)), 0, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=channel_axes(x)), var / (var + EPS), rtol=1e-9)


@given(batches(min_spread=0))
def test_gamma_sqrt_var_eps_and_beta_mu_give_back_the_input(x):
    bn = BatchNorm(x.shape[1])
    axes = channel_axes(x)
    bn.gamma, bn.beta = np.sqrt(x.var(axis=axes) + EPS), x.mean(axis=axes)
    np.testing.assert_allclose(bn(x), x, rtol=1e-9, atol=1e-9 * (1 + np.abs(x).max()))


@given(batches(), st.floats(1e-3, 1e3), st.floats(-1e3, 1e3))
def test_x_hat_is_invariant_to_a_per_channel_affine_map(x, a, b):
    # eps = 0 makes the invariance exact: x_hat(a x + b) = x_hat(x) for a > 0
    c = x.shape[1]
    scale = a * np.linspace(1, 2, c).reshape((1, c) + (1,) * (x.ndim - 2))
    before = BatchNorm(c, eps=0.0)(x)
    after = BatchNorm(c, eps=0.0)(scale * x + b)
    np.testing.assert_allclose(after, before, atol=1e-6)


# --- bad input, each with a message that names the fix -------------------------------------


@pytest.mark.parametrize(
    "x, error, message",
    [
        (np.zeros(4), ValueError, r"shape \(N, C\), \(N, C, L\) or \(N, C, H, W\); got a 1-D array"),
        (np.zeros((2, 3, 1, 1, 1)), ValueError, "got a 5-D array"),
        (np.zeros((4, 2)), ValueError, r"2 channels on axis 1 but the layer was built with num_features=3"),
        (np.array([[1.0, np.nan, 2.0], [0.0, 1.0, 2.0]]), ValueError, "1 NaN or infinite value"),
        (np.array([[1.0, np.inf, 2.0], [0.0, -np.inf, 2.0]]), ValueError, "2 NaN or infinite value"),
        (np.array([["a", "b", "c"], ["d", "e", "f"]]), TypeError, "must hold real numbers"),
        (np.array([[1, 2, 3], [None, 1, 2]], dtype=object), TypeError, "must hold real numbers"),
        (np.zeros((1, 3)), ValueError, "Expected more than 1 value per channel when training"),
        (np.zeros((0, 3)), ValueError, "empty"),
    ],
)
def test_bad_input_gets_a_message_naming_the_fix(x, error, message):
    with pytest.raises(error, match=message):
        BatchNorm(3)(x)


def test_negative_eps_is_refused():
    with pytest.raises(ValueError, match=r"eps must be a finite number ≥ 0"):
        BatchNorm(3, eps=-1e-5)


@pytest.mark.parametrize("momentum", [-0.1, 1.5])
def test_momentum_outside_zero_one_is_refused(momentum):
    with pytest.raises(ValueError, match="momentum must be between 0 and 1"):
        BatchNorm(3, momentum=momentum)


@pytest.mark.parametrize("value", [np.ones(2), np.ones((3, 1)), [1.0, np.nan, 1.0]])
def test_gamma_and_beta_of_the_wrong_shape_or_not_finite_are_refused(value):
    bn = BatchNorm(3)
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)|gamma contains NaN"):
        bn.gamma = value
    with pytest.raises(ValueError, match=r"beta must have shape \(3,\)|beta contains NaN"):
        bn.beta = value


def test_num_features_must_be_a_positive_whole_number():
    with pytest.raises(ValueError, match="at least 1"):
        BatchNorm(0)
    with pytest.raises(TypeError, match="whole number"):
        BatchNorm(2.5)


def test_backward_before_forward_is_explained():
    with pytest.raises(RuntimeError, match=r"Call forward\(x\) before backward"):
        BatchNorm(2).backward(np.zeros((2, 2)))


def test_rejected_batch_leaves_the_layer_unchanged():
    bn = BatchNorm(2)
    with pytest.raises(ValueError):
        bn(np.zeros((1, 2)))
    assert bn.num_batches_tracked == 0
    np.testing.assert_array_equal(bn.running_var, [1.0, 1.0])
