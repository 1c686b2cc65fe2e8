"""Small figures for the experiments of the learners' questions: pure functions -> plotly Figure.

They reuse the common look and the server-side binning of bnviz.figures, so each figure
sends a few dozen bars per trace whatever the batch size.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.core.activations import sigmoid
from bnviz.experiments.questions import FLAT, STRAIGHT
from bnviz.figures.common import COLORS, default_bins, histogram_bar, histogram_edges, legend_on_top, style

# One colour per channel where channels are drawn as lines (plotly's default sequence).
CHANNEL_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")


def _legend_on_top(fig: go.Figure, top: int = 80) -> go.Figure:
    """The legend at the very top of the figure, above the subplot titles instead of on them."""
    fig.update_layout(margin=dict(t=top), legend=legend_on_top())
    return fig


def sigmoid_figure(y, bins: int | None = None) -> go.Figure:
    """The sigmoid, its nearly straight middle and flat ends shaded, and the histogram of y under it.

    y: the values fed to the sigmoid (any shape). The x axis always shows at least [-8, 8],
    so the shaded zones stay put while γ and β move the histogram.
    """
    y = np.ravel(y)
    reach = max(8.0, float(np.max(np.abs(y))) * 1.05)
    edges = histogram_edges([y], bins or min(40, default_bins(y.size)))
    grid = np.linspace(-reach, reach, 241)
    zones = [(-STRAIGHT, STRAIGHT, COLORS["target"]), (-reach, -FLAT, COLORS["x_hat"]), (FLAT, reach, COLORS["x_hat"])]
    labels = [(0.0, "nearly straight"), (-(FLAT + reach) / 2, "flat"), ((FLAT + reach) / 2, "flat")]
    # The layout is given whole: make_subplots and add_vrect validate shape by shape and
    # cost most of a slider's rerun.
    fig = go.Figure(
        [
            histogram_bar(y, edges, "your values y = γ·x̂ + β", COLORS["y"], opacity=0.5, yaxis="y2"),
            go.Scatter(x=grid, y=sigmoid(grid), name="sigmoid(y)", line=dict(color="black", width=2), hoverinfo="skip"),
        ],
        layout=dict(
            shapes=[
                dict(
                    type="rect",
                    xref="x",
                    yref="paper",
                    x0=lo,
                    x1=hi,
                    y0=0,
                    y1=1,
                    fillcolor=color,
                    opacity=0.12,
                    line_width=0,
                    layer="below",
                )
                for lo, hi, color in zones
            ],
            annotations=[
                dict(x=x, y=1.0, yref="paper", yanchor="bottom", text=text, showarrow=False, font=dict(color="#555"))
                for x, text in labels
            ],
            xaxis=dict(title_text="y = γ·x̂ + β, the sigmoid's input", range=[-reach, reach]),
            yaxis=dict(title_text="sigmoid(y)", range=[-0.02, 1.02]),
            yaxis2=dict(
                title_text="how many values",
                overlaying="y",
                side="right",
                showticklabels=False,
                showgrid=False,
                rangemode="tozero",
            ),
        ),
    )
    return _legend_on_top(style(fig, height=340), top=64)


def input_output_figure(x, y, bins: int = 40, channels: int | None = None) -> go.Figure:
    """One panel per channel: the input x and BN's output y overlaid, each panel on its own axis.

    x, y: (N, C, ...). Channels can be on very different scales, so unlike
    channel_histograms the panels do not share an axis; within a panel x and y share bins.
    """
    x, y = np.asarray(x), np.asarray(y)
    c = x.shape[1] if channels is None else min(channels, x.shape[1])
    cols = min(c, 4)
    rows = -(-c // cols)
    titles = [f"channel {k}" for k in range(c)]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.05, vertical_spacing=0.16)
    for k in range(c):
        xs, ys = x[:, k].ravel(), y[:, k].ravel()
        edges = histogram_edges([xs, ys], bins)
        row, col = k // cols + 1, k % cols + 1
        first = k == 0
        x_bar = histogram_bar(xs, edges, "input x", COLORS["x"], legendgroup="x", showlegend=first)
        y_bar = histogram_bar(ys, edges, "output y", COLORS["y"], opacity=0.5, legendgroup="y", showlegend=first)
        fig.add_trace(x_bar, row=row, col=col)
        fig.add_trace(y_bar, row=row, col=col)
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(showticklabels=False)
    return _legend_on_top(style(fig, height=150 + 170 * rows))


def before_after_figure(z, y, x, y_ref, channel: int = 0, bins: int = 40) -> go.Figure:
    """Two panels for one channel: BN's input before/after changing w and b, and BN's output.

    Left: x (w = 1, b = 0) and z = w·x + b on shared bins. Right: BN(x) and BN(z) on shared
    bins, which coincide when w and b have no effect.
    """
    pick = lambda a: np.asarray(a)[:, channel].ravel()  # noqa: E731
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"BN's input, channel {channel}", f"BN's output, channel {channel}"],
        horizontal_spacing=0.08,
    )
    left = histogram_edges([pick(x), pick(z)], bins)
    fig.add_trace(histogram_bar(pick(x), left, "x (w = 1, b = 0)", COLORS["x_hat"]), row=1, col=1)
    fig.add_trace(histogram_bar(pick(z), left, "w·x + b", COLORS["x"], opacity=0.5), row=1, col=1)
    right = histogram_edges([pick(y_ref), pick(y)], bins)
    fig.add_trace(histogram_bar(pick(y_ref), right, "BN(x)", COLORS["x_hat"]), row=1, col=2)
    fig.add_trace(histogram_bar(pick(y), right, "BN(w·x + b)", COLORS["y"], opacity=0.5), row=1, col=2)
    fig.update_layout(barmode="overlay")
    fig.update_yaxes(showticklabels=False)
    return _legend_on_top(style(fig, height=320))


def running_mean_figure(running_mean, population_mean, momentum: float) -> go.Figure:
    """running_mean of each channel against the number of training batches; dotted: the true means.

    running_mean: (k + 1, C) from RunningPath; population_mean: (C,) the distributions' means.
    """
    running_mean = np.asarray(running_mean)
    steps = np.arange(running_mean.shape[0])
    fig = go.Figure()
    for c in range(running_mean.shape[1]):
        color = CHANNEL_COLORS[c % len(CHANNEL_COLORS)]
        fig.add_trace(
            go.Scatter(
                x=steps,
                y=running_mean[:, c],
                mode="lines+markers" if len(steps) <= 30 else "lines",
                name=f"channel {c}: running_mean",
                line=dict(color=color),
                hovertemplate=f"channel {c}<br>after %{{x}} batches: %{{y:.3f}}<extra></extra>",
            )
        )
        fig.add_hline(y=float(population_mean[c]), line=dict(color=color, dash="dot", width=1))
    fig.update_layout(xaxis_title="training batches seen", yaxis_title=f"running_mean (momentum {momentum:g})")
    fig.update_xaxes(range=[0, max(1, steps[-1])])
    return _legend_on_top(style(fig, height=340), top=60)


def learning_figure(run, target_gamma: float, target_beta: float) -> go.Figure:
    """Two rows on one step axis: the batch statistics (computed) above, γ and β (learned) below.

    run: a LearningRun (batch_mean, batch_std of each step; gamma, beta after each step).
    """
    steps = np.arange(1, len(run.batch_mean) + 1)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=["Computed from each batch, never learned", "Learned by SGD, shared by every batch"],
    )
    line = dict(mode="lines+markers", marker=dict(size=4))
    rows = (
        (1, run.batch_mean, "μ<sub>B</sub>", COLORS["x"]),
        (1, run.batch_std, "σ<sub>B</sub>", COLORS["x_hat"]),
        (2, run.gamma[1:], "γ", COLORS["y"]),
        (2, run.beta[1:], "β", COLORS["running"]),
    )
    for row, values, name, color in rows:
        fig.add_trace(go.Scatter(x=steps, y=values, name=name, line=dict(color=color), **line), row=row, col=1)
    # γ settles just under its target and β just over it: each label goes on its free side.
    targets = ((target_gamma, "γ the loss asks for", "top right"), (target_beta, "β the loss asks for", "bottom right"))
    for value, name, side in targets:
        fig.add_hline(
            y=value,
            row=2,
            col=1,
            line=dict(color=COLORS["target"], dash="dot", width=1),
            annotation_text=name,
            annotation_position=side,
            annotation_font_color=COLORS["target"],
        )
    fig.update_xaxes(title_text="SGD step (a new mini-batch each step)", row=2, col=1)
    return _legend_on_top(style(fig, height=480))


def train_eval_figure(result, height: int = 340) -> go.Figure:
    """One sample's BN output in training mode inside each of several batches, and in eval mode.

    result: a TrainEval. Dots: training mode (batch statistics); line: eval mode (running statistics).
    """
    batches = np.arange(1, len(result.train_outputs) + 1)
    fig = go.Figure(
        go.Scatter(
            x=batches,
            y=result.train_outputs,
            mode="markers",
            name="training mode: its batch's μ<sub>B</sub>, σ²<sub>B</sub>",
            marker=dict(color=COLORS["y"], size=9),
            hovertemplate="batch %{x}: %{y:.3f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.5, batches[-1] + 0.5],
            y=[result.eval_output] * 2,
            mode="lines",
            name="eval mode: running_mean, running_var",
            line=dict(color=COLORS["running"], width=3),
            hovertemplate=f"eval: {result.eval_output:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title="the same sample inside training batch number …",
        yaxis_title=f"BN output for the sample {result.sample:g}",
    )
    fig.update_xaxes(range=[0.5, batches[-1] + 0.5], dtick=1 if len(batches) <= 20 else None)
    return _legend_on_top(style(fig, height=height))
