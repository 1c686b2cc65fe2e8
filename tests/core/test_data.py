"""bnviz.make_batch and presets: reproducible batches with one distribution per channel."""

import numpy as np
import pytest

from bnviz import DISTRIBUTIONS, PRESETS, ChannelSpec, make_batch, preset

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)


@pytest.mark.parametrize("dist", [d for d in DISTRIBUTIONS if d != "relu"])
def test_each_family_has_the_requested_mean_and_std(dist):
    x = make_batch([ChannelSpec(dist, 3.0, 2.0)], 200_000, seed=1)
    assert abs(x.mean() - 3.0) < 0.03
    assert abs(x.std() - 2.0) < 0.05 if dist != "heavy-tailed" else abs(x.std() - 2.0) < 0.3


def test_relu_channel_is_a_rectified_normal():
    x = make_batch([ChannelSpec("relu", 0.0, 1.0)], 100_000, seed=0)
    assert x.min() == 0.0
    assert abs((x == 0).mean() - 0.5) < 0.01
    assert abs(x.mean() - 1 / np.sqrt(2 * np.pi)) < 0.01


def test_same_seed_same_batch_and_other_channels_unchanged_when_one_is_edited():
    specs = preset("every shape", 4)
    a = make_batch(specs, 64, seed=7)
    np.testing.assert_array_equal(a, make_batch(specs, 64, seed=7))
    edited = specs[:2] + [ChannelSpec("uniform", 5.0, 1.0)] + specs[3:]
    b = make_batch(edited, 64, seed=7)
    np.testing.assert_array_equal(a[:, [0, 1, 3]], b[:, [0, 1, 3]])
    assert not np.array_equal(a[:, 2], b[:, 2])
    assert not np.array_equal(a, make_batch(specs, 64, seed=8))


def test_conv_batch_keeps_each_images_values_but_arranges_them_smoothly():
    spec = [ChannelSpec("normal", 0.0, 1.0)]
    x = make_batch(spec, 8, spatial=(16, 16), seed=3)
    assert x.shape == (8, 1, 16, 16)
    # smooth: neighbouring pixels are strongly correlated, unlike independent noise
    a, b = x[:, 0, :, :-1].ravel(), x[:, 0, :, 1:].ravel()
    assert np.corrcoef(a, b)[0, 1] > 0.5  # independent pixels would give about 0


def test_zero_std_makes_a_constant_channel():
    x = make_batch(preset("one dead channel with zero variance", 3), 32, seed=0)
    np.testing.assert_array_equal(x[:, 1], 0.0)


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("channels", [1, 4, 16])
def test_every_preset_gives_one_spec_per_channel(name, channels):
    assert len(preset(name, channels)) == channels


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(dist="cauchy"), "distribution must be one of"),
        (dict(std=-1.0), "std must be ≥ 0"),
        (dict(mean=float("nan")), "mean must be finite"),
    ],
)
def test_bad_channel_specs_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ChannelSpec(**kwargs)


def test_bad_batch_size_is_refused():
    with pytest.raises(ValueError, match="batch size must be a whole number ≥ 1"):
        make_batch([ChannelSpec()], 0)
