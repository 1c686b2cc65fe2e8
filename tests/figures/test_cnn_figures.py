"""The figures of /real-network: what each draws, from a small training."""

import numpy as np
import pytest

from bnviz.core.digits import split
from bnviz.experiments import cnn
from bnviz.experiments.cnn import NORMS
from bnviz.figures import cnn as figures
from helpers.cnn_runs import trained

pytestmark = pytest.mark.numerical
SMALL = dict(lr=0.1, epochs=2, batch_size=128, seed=3)


def by_meta(fig, meta: str):
    (trace,) = [t for t in fig.data if t.meta == meta]
    return trace


def test_the_curves_give_each_networks_test_accuracy_per_epoch_and_its_smoothed_loss():
    result = trained(**SMALL)
    fig = figures.curves_figure(result)
    for norm in NORMS:
        np.testing.assert_allclose(by_meta(fig, f"accuracy {norm}").y, result[norm].test_accuracy, rtol=1e-6)
        loss = by_meta(fig, f"loss {norm}").y
        assert loss[0] == pytest.approx(result[norm].loss[0], rel=1e-6)
        assert loss[-1] == pytest.approx(result[norm].loss[-figures.SMOOTH :].mean(), rel=1e-6)
    assert fig.layout.annotations[-1].text == "guessing (10 %)"
    alone = figures.curves_figure(result, loss=False)
    assert {t.meta.split()[0] for t in alone.data} == {"accuracy"}


def test_the_colorful_dimension_draws_every_step_and_bin_on_one_colour_scale():
    result = trained(**SMALL)
    fig = figures.colorful_figure(result, 2)
    for norm in NORMS:
        trace = by_meta(fig, f"colorful {norm}")
        np.testing.assert_array_equal(trace.customdata, result[norm].hist[1].T)
        assert trace.coloraxis == "coloraxis" and trace.zmin == 0
    assert len({by_meta(fig, f"colorful {n}").zmax for n in NORMS}) == 1


def test_the_statistics_figure_draws_mean_spread_and_share_near_zero():
    result = trained(**SMALL)
    fig = figures.activation_stats_figure(result, 1)
    np.testing.assert_allclose(by_meta(fig, "stat 3 bn").y, result["bn"].near_zero[0], rtol=1e-6)
    np.testing.assert_allclose(by_meta(fig, "stat 2 none").y, result["none"].act_std[0], rtol=1e-6)


def test_the_channels_figure_sorts_by_gamma_and_pairs_each_with_its_running_statistic():
    facts = cnn.channel_facts(trained(**SMALL)["bn"].net, 2)
    fig = figures.channels_figure(facts)
    gamma = by_meta(fig, "channels gamma").y
    assert list(gamma) == sorted(gamma, reverse=True)
    first = int(facts.by_gamma[0])
    assert by_meta(fig, "channels gamma").x[0] == f"ch {first}"
    assert by_meta(fig, "channels sigma").y[0] == pytest.approx(facts.sigma[first], rel=1e-6)


def test_the_running_mean_starts_at_zero_and_follows_the_batch_means():
    arm = trained(**SMALL)["bn"]
    means, _ = cnn.replay_running(arm, 1.0)
    fig = figures.running_figure(arm, means, 1, 0, 1.0)
    line = by_meta(fig, "running line").y
    assert line[0] == 0.0
    np.testing.assert_allclose(line[1:], by_meta(fig, "running batch").y, rtol=1e-6)  # momentum 1: the last batch


def test_the_digits_figure_draws_each_image_with_its_top_row_on_top():
    train = split().train
    fig = figures.digits_figure(train.x[:3], train.y[:3])
    assert [a.text for a in fig.layout.annotations] == [str(d) for d in train.y[:3]]
    np.testing.assert_allclose(by_meta(fig, "digit 1").z[-1], train.x[0, 0, 0], rtol=1e-6)
