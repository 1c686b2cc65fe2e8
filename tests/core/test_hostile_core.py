"""Hostile input to the core: every case gives a correct result or raises the documented error.

Random shapes and dtypes, NaN and infinity, magnitudes from 1e-30 to 1e30 and beyond,
zero-variance channels and one-sample batches, through BatchNorm (train and eval),
batch_norm_steps and normalize. Never a silent NaN, never another exception.
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from bnviz import BatchNorm, batch_norm_steps, normalize
from bnviz.core.validation import MAX_ABS

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

DTYPES = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int32, np.int64])
SHAPES = st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple)


@st.composite
def hostile_batches(draw):
    """Arrays of a random dtype and shape; elements anywhere from ±1e-30 to ±1e30, maybe NaN/inf,
    maybe whole channels constant."""
    dtype, shape = draw(DTYPES), draw(SHAPES)
    if np.issubdtype(dtype, np.integer):
        elements = st.integers(int(np.iinfo(dtype).min), int(np.iinfo(dtype).max))
        x = draw(arrays(dtype, shape, elements=elements))
    else:  # drawn in float64, then cast: a float16 cast of 1e30 is inf, hostile too
        scale = draw(st.sampled_from([1e-30, 1e-5, 1.0, 1e5, 1e30]))
        elements = st.floats(-scale, scale)
        if draw(st.booleans()):
            elements = elements | st.sampled_from([np.nan, np.inf, -np.inf])
        with np.errstate(over="ignore"):
            x = draw(arrays(np.float64, shape, elements=elements)).astype(dtype)
    if draw(st.booleans()) and shape[1] > 1:
        x[:, 0] = x.flat[0]  # a zero-variance channel
    return x


def assert_documented(error: Exception) -> None:
    assert isinstance(error, (ValueError, TypeError))
    assert len(str(error)) > 20  # a sentence, not a bare code


def channel_axes(x):
    return (0,) + tuple(range(2, x.ndim))


def reference_var(x64):
    """Per-channel variance, exactly 0 for a constant channel (numpy's var is not: at 1.8e15 its
    mean rounds, leaving a spurious 0.0625, the very cancellation the core avoids)."""
    axes = channel_axes(x64)
    constant = x64.min(axis=axes) == x64.max(axis=axes)
    return np.where(constant, 0.0, x64.var(axis=axes))


@given(hostile_batches(), st.booleans())
@example(np.full((1, 1, 2, 3), 1801439850948198.5), True)  # found by hypothesis: a constant channel
def test_batchnorm_gives_a_correct_finite_result_or_the_documented_error(x, training):
    bn = BatchNorm(x.shape[1]).train(training)
    try:
        y = bn(x)
    except (ValueError, TypeError) as error:
        assert_documented(error)
        x64 = x.astype(np.float64)
        count = x.shape[0] * int(np.prod(x.shape[2:]))
        assert not np.isfinite(x64).all() or (training and count == 1) or np.abs(x64).max() > MAX_ABS
        return
    assert y.dtype == np.float64 and y.shape == x.shape and np.isfinite(y).all()
    x64 = x.astype(np.float64)
    if training:
        var = reference_var(x64)
        np.testing.assert_allclose(y.mean(axis=channel_axes(x)), 0, atol=1e-6)
        np.testing.assert_allclose(y.var(axis=channel_axes(x)), var / (var + 1e-5), rtol=1e-6, atol=1e-9)
    else:  # running statistics are still (0, 1): y = x / sqrt(1 + eps)
        np.testing.assert_allclose(y, x64 / np.sqrt(1 + 1e-5), rtol=1e-12)
    assert np.isfinite(bn.running_mean).all() and np.isfinite(bn.running_var).all()


@given(hostile_batches())
def test_steps_and_normalize_never_return_nan(x):
    for call in (lambda: batch_norm_steps(x, 1.0, 0.0)[-1].array, lambda: normalize(x, "layer")):
        try:
            out = call()
        except (ValueError, TypeError) as error:
            assert_documented(error)
            continue
        assert np.isfinite(out).all()


@pytest.mark.parametrize("x", [np.full((3, 2), 1e160), np.array([[1e300, 0.0], [-1e300, 1.0]])])
def test_values_whose_squares_overflow_are_refused_with_the_fix(x):
    with pytest.raises(ValueError, match="Rescale the data"):
        BatchNorm(2)(x)


def test_gamma_so_large_the_output_would_overflow_is_refused():
    with pytest.raises(ValueError, match="Rescale"):
        BatchNorm(2).gamma = [1e300, 1.0]


@pytest.mark.parametrize("dtype", [bool, complex, object, "U3", "datetime64[s]"])
def test_non_real_dtypes_are_refused_with_a_type_error(dtype):
    with pytest.raises(TypeError, match="must hold real numbers"):
        BatchNorm(2)(np.zeros((3, 2), dtype=dtype))
