"""Figures of the "Make a batch" page: pure functions (data, options) -> plotly Figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.figures.common import COLORS, channel_grid, style


def channel_heatmaps(x, channel: int, samples: int = 4) -> go.Figure:
    """One channel of the first few images of a conv batch, as heatmaps on one colour scale.

    x: (N, C, H, W). The colour scale spans the channel's min and max over the whole batch,
    the very values BatchNorm pools into this channel's μ_B and σ²_B, so equal colours mean
    equal values in every panel.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 4:
        raise ValueError(f"Heatmaps need a convolutional batch (N, C, H, W); got shape {x.shape}.")
    if not 0 <= channel < x.shape[1]:
        raise ValueError(f"channel must be between 0 and {x.shape[1] - 1}; got {channel}.")
    k = min(samples, x.shape[0])
    values = x[:, channel]
    lo, hi = float(values.min()), float(values.max())
    if hi == lo:  # a constant channel: one flat colour, not a division by zero in plotly
        lo, hi = lo - 0.5, hi + 0.5
    fig = make_subplots(rows=1, cols=k, subplot_titles=[f"sample {i}" for i in range(k)], horizontal_spacing=0.03)
    fig.add_traces(
        [
            go.Heatmap(
                z=np.round(values[i], 4),
                zmin=lo,
                zmax=hi,
                colorscale="Viridis",
                showscale=i == k - 1,
                colorbar=dict(title=dict(text="value"), thickness=14),
                hovertemplate=f"sample {i}, channel {channel}<br>h %{{y}}, w %{{x}}: %{{z:.3g}}<extra></extra>",
            )
            for i in range(k)
        ],
        rows=[1] * k,
        cols=list(range(1, k + 1)),
    )
    axes = {}
    for i in range(k):
        name = "" if i == 0 else str(i + 1)
        axes[f"xaxis{name}"] = dict(showticklabels=False, constrain="domain")
        # Image convention: row 0 at the top; square pixels.
        axes[f"yaxis{name}"] = dict(
            showticklabels=False, autorange="reversed", constrain="domain", scaleanchor=f"x{name}"
        )
    fig.update_layout(**axes)
    fig.update_layout(title=f"Channel {channel} in the first {k} images of the batch")
    style(fig, height=300)
    return fig.update_layout(margin=dict(l=20, r=20, t=80, b=20))


def draws_figure(values, truth, band=None, statistic: str = "mean", seeds=None) -> go.Figure:
    """Small multiples, one per channel: a batch statistic, draw after draw.

    values: (k, C), the statistic of each of k draws (the last is the current batch).
    truth: (C,), the channel's true value, what an infinitely large batch would give.
    band: (C,) or None; if given, truth ± band is shaded (for the mean, σ/√m).
    seeds: the k seeds, shown on hover.
    """
    values = np.asarray(values, dtype=np.float64)
    k, c = values.shape
    truth = np.asarray(truth, dtype=np.float64)
    seeds = list(seeds) if seeds is not None else list(range(k))
    draws = np.arange(1, k + 1)
    fig, rows, cols = channel_grid(c, horizontal_spacing=0.06)
    fig.add_traces(
        [
            go.Scatter(
                x=draws,
                y=values[:, j],
                mode="lines+markers",
                line=dict(color=COLORS["x_hat"], width=1),
                marker=dict(size=6, color=[COLORS["x"]] * (k - 1) + [COLORS["y"]]),
                customdata=seeds,
                name=f"channel {j}",
                hovertemplate=f"draw %{{x}} (seed %{{customdata}})<br>batch {statistic}: %{{y:.4g}}<extra></extra>",
            )
            for j in range(c)
        ],
        rows=[j // cols + 1 for j in range(c)],
        cols=[j % cols + 1 for j in range(c)],
    )
    # The band and the true value as plain shape dicts, set once: fig.add_hrect per panel
    # costs a full layout validation each time (seconds for 16 channels).
    shapes = []
    for j in range(c):
        axis = "" if j == 0 else str(j + 1)
        across = dict(xref=f"x{axis} domain", yref=f"y{axis}", x0=0, x1=1)
        if band is not None:
            shapes.append(
                dict(
                    type="rect",
                    y0=float(truth[j] - band[j]),
                    y1=float(truth[j] + band[j]),
                    fillcolor=COLORS["target"],
                    opacity=0.15,
                    line_width=0,
                    layer="below",
                    **across,
                )
            )
        shapes.append(
            dict(
                type="line",
                y0=float(truth[j]),
                y1=float(truth[j]),
                line=dict(color=COLORS["target"], dash="dash", width=1.5),
                **across,
            )
        )
    fig.update_layout(shapes=shapes)
    fig.update_xaxes(tickmode="linear", dtick=max(1, k // 6), range=[0.5, k + 0.5])
    fig.update_xaxes(title_text="draw", row=rows)
    fig.update_layout(showlegend=False)
    return style(fig, height=150 + 150 * rows)
