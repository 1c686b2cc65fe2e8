"""bnviz.gamma_beta_figures: each figure plots the statistics of the data it is given, binned."""

import numpy as np
import pytest

from bnviz import make_batch, preset
from bnviz.experiments import gamma_beta
from bnviz.figures import gamma_beta as gamma_beta_figures
from bnviz.figures.common import COLORS


def bar_mean(trace) -> float:
    """Mean of the distribution a pre-binned density bar trace draws."""
    x, y, w = (np.asarray(v, dtype=float) for v in (trace.x, trace.y, trace.width))
    return float(np.sum(x * y * w) / np.sum(y * w))


def bars(fig):
    return [t for t in fig.data if t.type == "bar"]


def scatters(fig, mode: str):
    return [t for t in fig.data if t.type == "scatter" and t.mode == mode]


def channel(n=4096, name="channels on very different scales", c=3, spatial=None):
    x = make_batch(preset(name, 4), n, spatial=spatial, seed=0)
    return gamma_beta.channel_values(x, c)


def stages(x, gamma, beta):
    x_hat, y = gamma_beta.standardized(x, gamma, beta)
    return x_hat, y, gamma_beta_figures.stages_figure(x, x_hat, y)


def test_stages_figure_draws_x_x_hat_and_y_with_their_means_and_spreads():
    x = channel()
    x_hat, y, fig = stages(x, 3.0, -7.0)
    rows = bars(fig)
    assert [t.marker.color for t in rows] == [COLORS["x"], COLORS["x_hat"], COLORS["y"]]
    bin_width = [float(np.max(t.width)) for t in rows]
    for trace, values, width in zip(rows, (x, x_hat, y), bin_width):
        assert bar_mean(trace) == pytest.approx(values.mean(), abs=width / 2)
    markers = scatters(fig, "markers")
    np.testing.assert_allclose([m.x[0] for m in markers], [x.mean(), 0.0, -7.0], atol=1e-9)
    np.testing.assert_allclose([m.error_x.value for m in markers], [x.std(), x_hat.std(), 3 * x_hat.std()], rtol=1e-12)


def test_stages_figure_shares_one_x_axis_covering_all_three_stages():
    x = channel()
    x_hat, y, fig = stages(x, 3.0, -7.0)
    lo, hi = fig.layout.xaxis.range
    assert lo < min(x.min(), y.min(), x_hat.min()) and hi > max(x.max(), y.max(), x_hat.max())
    assert {t.xaxis for t in fig.data} == {None} and "xaxis2" not in fig.to_dict()[
        "layout"
    ]  # one x axis for the three rows
    assert [t.yaxis for t in bars(fig)] == ["y", "y2", "y3"]


def test_at_the_recovery_the_output_bars_fill_the_input_outline_exactly():
    x = channel()
    gamma, beta = gamma_beta.recovery(x[:, None])
    _, y, fig = stages(x, gamma[0], beta[0])
    y_bars = bars(fig)[2]
    (outline,) = scatters(fig, "lines")
    np.testing.assert_allclose(np.asarray(outline.y)[1:-1], y_bars.y, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(outline.x)[1:-1] + y_bars.width / 2, y_bars.x, rtol=1e-12)


def test_figures_stay_small_whatever_the_batch_size():
    small, large = channel(n=64), channel(n=1024, spatial=(16, 16))  # 64 and 262144 values
    for values in (small, large):
        x_hat, y, fig = stages(values, 2.0, 1.0)
        assert len(fig.to_json()) < 30_000
        assert len(gamma_beta_figures.nonlinearity_figure(y, "sigmoid").to_json()) < 30_000
        assert len(gamma_beta_figures.target_figure(y, y + 1).to_json()) < 15_000
        assert (
            len(gamma_beta_figures.shape_figure(values, x_hat, gamma_beta.quantile_comparison(values)).to_json())
            < 30_000
        )


def test_a_constant_channel_draws_without_error():
    x = np.zeros(50)
    x_hat, y, fig = stages(x, 2.0, 1.0)
    assert np.all(y == 1.0)
    assert all(np.isfinite(t.y).all() for t in bars(fig))


def test_target_figure_draws_the_target_as_bars_and_the_learners_y_as_an_outline():
    values = channel()
    _, goal = gamma_beta.standardized(values, 2.0, 1.5)
    _, y = gamma_beta.standardized(values, 1.0, 0.0)
    fig = gamma_beta_figures.target_figure(y, goal)
    (target,) = bars(fig)
    assert target.marker.color == COLORS["target"]
    assert bar_mean(target) == pytest.approx(1.5, abs=float(np.max(target.width)) / 2)
    (outline,) = scatters(fig, "lines")
    assert outline.line.color == COLORS["y"]
    # the outline uses the same bins as the target: its steps start at the bar edges
    np.testing.assert_allclose(np.asarray(outline.x)[1:-1] + target.width / 2, target.x, rtol=1e-12)


@pytest.mark.parametrize("name", gamma_beta.NONLINEARITIES)
def test_nonlinearity_figure_draws_the_curve_the_region_and_the_output(name):
    z = np.random.default_rng(0).normal(0.5, 2.0, 5000)
    fig = gamma_beta_figures.nonlinearity_figure(z, name)
    (curve,) = scatters(fig, "lines")
    np.testing.assert_allclose(curve.y, gamma_beta.nonlinearity(name, np.asarray(curve.x)))
    assert curve.x[0] <= min(-6, z.min()) and curve.x[-1] >= max(6, z.max())
    (region,) = fig.layout.shapes
    lo, hi = gamma_beta.linear_region(name)
    assert region.x0 == pytest.approx(max(lo, curve.x[0])) and region.x1 == pytest.approx(min(hi, curve.x[-1]))
    z_bars, out_bars = bars(fig)
    assert bar_mean(z_bars) == pytest.approx(z.mean(), abs=float(np.max(z_bars.width)) / 2)
    out = gamma_beta.nonlinearity(name, z)
    assert bar_mean(out_bars) == pytest.approx(out.mean(), abs=float(np.max(out_bars.width)) / 2)


def test_shape_figure_plots_the_quantiles_it_is_given_against_the_normal_ones():
    values = gamma_beta.shape_example("bimodal")
    x_hat, _ = gamma_beta.standardized(values, 1.0, 0.0)
    q = gamma_beta.quantile_comparison(values)
    fig = gamma_beta_figures.shape_figure(values, x_hat, q)
    (points,) = scatters(fig, "markers")
    np.testing.assert_allclose(points.x, q["normal"])
    np.testing.assert_allclose(points.y, q["x_hat"])
    x_bars, x_hat_bars = bars(fig)
    assert bar_mean(x_bars) == pytest.approx(values.mean(), abs=float(np.max(x_bars.width)) / 2)
    assert bar_mean(x_hat_bars) == pytest.approx(0.0, abs=float(np.max(x_hat_bars.width)) / 2)
    normal = [t for t in scatters(fig, "lines") if t.xaxis == "x2"][0]
    assert np.trapezoid(normal.y, normal.x) == pytest.approx(1.0, abs=0.05)  # a density, over x_hat's range


def by_meta(fig, meta: str):
    (trace,) = [t for t in fig.data if t.meta == meta]
    return trace


def test_chain_figure_compares_each_stage_now_with_the_start_on_shared_bins():
    u = gamma_beta.linear_inputs()
    now = gamma_beta.chain(u, gamma_beta.weights(1.0, 30.0), 5.0, 1.0, 0.0)
    start = gamma_beta.chain(u, gamma_beta.weights(1.0, 30.0), 0.0, 1.0, 0.0)
    fig = gamma_beta_figures.chain_figure(now, start)
    z_bars, y_bars = by_meta(fig, "z_now"), by_meta(fig, "y_now")
    assert bar_mean(z_bars) == pytest.approx(now.z.mean(), abs=float(np.max(z_bars.width)) / 2)
    assert bar_mean(z_bars) - 5.0 == pytest.approx(start.z.mean(), abs=float(np.max(z_bars.width)))
    # b changed nothing after BN: the bars are the outline of the start
    np.testing.assert_allclose(np.asarray(by_meta(fig, "y_start").y)[1:-1], y_bars.y, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(by_meta(fig, "x_hat_start").y)[1:-1], by_meta(fig, "x_hat_now").y, rtol=1e-12)


def test_chain_figure_titles_give_each_stages_mean_and_std_and_the_arrows_who_acts():
    u = gamma_beta.linear_inputs()
    now = gamma_beta.chain(u, gamma_beta.weights(2.0, 30.0), 5.0, 2.0, 1.5, "sigmoid")
    start = gamma_beta.chain(u, gamma_beta.weights(1.0, 30.0), 0.0, 1.0, 0.0, "sigmoid")
    texts = [a.text for a in gamma_beta_figures.chain_figure(now, start).layout.annotations]
    assert f"y = γ·x̂ + β<br>mean 1.50, std {np.std(now.y):.2f}" in texts
    assert f"z = w·u + b<br>mean {np.mean(now.z):.2f}, std {np.std(now.z):.2f}" in texts
    assert any(t.startswith("out = w′·sigmoid(y) + b′<br>") for t in texts)
    assert [t for t in texts if t in gamma_beta_figures.CHAIN_ARROWS] == list(gamma_beta_figures.CHAIN_ARROWS)
    fig = gamma_beta_figures.chain_figure(now, start)
    alone, bars_out = by_meta(fig, "out_alone"), by_meta(fig, "out_now")
    assert np.max(np.abs(np.asarray(alone.y)[1:-1] - bars_out.y)) > 0.1  # through a sigmoid: off the bars


def test_every_figure_passes_plotlys_validation_and_has_the_common_style():
    from plotly import graph_objects as go

    from bnviz.figures.common import TEMPLATE, style

    values = channel()
    x_hat, y = gamma_beta.standardized(values, 2.0, 1.0)
    u = gamma_beta.linear_inputs()
    unit = gamma_beta.chain(u, gamma_beta.weights(1.0, 30.0), 0.0, 1.0, 0.0, "sigmoid")
    moved = gamma_beta.chain(u, gamma_beta.weights(2.0, 30.0), 3.0, 2.0, -1.0, "sigmoid")
    figs = [
        gamma_beta_figures.stages_figure(values, x_hat, y),
        gamma_beta_figures.target_figure(y, y + 1),
        gamma_beta_figures.nonlinearity_figure(y, "tanh"),
        gamma_beta_figures.shape_figure(values, x_hat, gamma_beta.quantile_comparison(values)),
        gamma_beta_figures.chain_figure(moved, unit),
    ]
    reference = style(go.Figure(), height=300).layout
    for fig in figs:
        sent = fig.to_dict()
        checked = go.Figure(sent)  # raises on any invalid property
        # and validating changes nothing: no shorthand such as title_text, which only
        # validation expands and the browser would ignore
        assert checked.to_dict() == sent
        assert (
            checked.layout.template == reference.template == go.Figure(layout=dict(template=TEMPLATE)).layout.template
        )
        assert checked.layout.margin == reference.margin and checked.layout.bargap == 0
