"""bnviz.normalize / norm_statistics / pooled_mask: what each kind of normalization pools."""

import numpy as np
import pytest

from bnviz import BatchNorm, norm_statistics, normalize, pooled_mask

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

X = np.random.default_rng(0).normal(size=(3, 4, 2, 2)) * np.array([1, 2, 3, 4]).reshape(1, 4, 1, 1) + 1


def test_batch_kind_is_batchnorm_without_gamma_and_beta():
    np.testing.assert_allclose(normalize(X, "batch"), BatchNorm(4)(X))


def test_layer_kind_pools_each_sample_over_channels_and_positions():
    mu, var = norm_statistics(X, "layer")
    np.testing.assert_allclose(mu, X.mean(axis=(1, 2, 3)))
    np.testing.assert_allclose(var, X.var(axis=(1, 2, 3)))
    np.testing.assert_allclose(normalize(X, "layer").mean(axis=(1, 2, 3)), 0, atol=1e-12)


def test_instance_kind_pools_each_sample_and_channel_over_positions():
    mu, var = norm_statistics(X, "instance")
    assert mu.shape == (3, 4)
    np.testing.assert_allclose(mu, X.mean(axis=(2, 3)))
    np.testing.assert_allclose(var, X.var(axis=(2, 3)))


def test_group_kind_pools_groups_of_channels():
    mu, var = norm_statistics(X, "group", groups=2)
    assert mu.shape == (3, 2)
    np.testing.assert_allclose(mu[:, 1], X[:, 2:4].mean(axis=(1, 2, 3)))
    np.testing.assert_allclose(var[:, 0], X[:, 0:2].var(axis=(1, 2, 3)))


def test_group_norm_with_one_group_is_layer_norm_and_with_c_groups_is_instance_norm():
    np.testing.assert_allclose(normalize(X, "group", groups=1), normalize(X, "layer"))
    np.testing.assert_allclose(normalize(X, "group", groups=4), normalize(X, "instance"))


@pytest.mark.parametrize(
    "kind, groups, count, where",
    [
        ("batch", None, 3 * 4, (slice(None), 2)),
        ("layer", None, 4 * 4, (1,)),
        ("instance", None, 4, (1, 2)),
        ("group", 2, 2 * 4, (1, slice(2, 4))),
    ],
)
def test_pooled_mask_marks_the_values_of_one_statistic(kind, groups, count, where):
    mask = pooled_mask(X.shape, kind, sample=1, channel=2, groups=groups)
    assert mask.shape == (3, 4, 4)
    assert mask.sum() == count
    assert mask[where].all()


def test_instance_norm_of_a_fully_connected_batch_is_explained():
    with pytest.raises(ValueError, match="need spatial positions"):
        normalize(np.ones((4, 3)), "instance")


def test_groups_that_do_not_divide_the_channels_are_refused():
    with pytest.raises(ValueError, match=r"choose one of \[1, 2, 4\], got 3"):
        normalize(X, "group", groups=3)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of batch, layer, instance, group"):
        normalize(X, "weight")
