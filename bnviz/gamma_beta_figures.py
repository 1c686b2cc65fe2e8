"""Figures of the "Drag γ and β" page: pure functions (data, options) -> plotly Figure.

Every histogram is binned here (bnviz.figures), so a figure is a few hundred numbers
whatever the batch size.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .figures import COLORS, default_bins, density, histogram_bar, histogram_edges, style
from .gamma_beta import linear_region, nonlinearity

INK = "#222222"


def histogram_outline(values, edges: np.ndarray, name: str, color: str, dash: str = "dot", **kwargs) -> go.Scatter:
    """A pre-binned density histogram drawn as its outline only (a step line), to compare over bars."""
    d = density(values, edges)
    return go.Scatter(
        x=np.r_[edges[0], edges],
        y=np.r_[0.0, d, 0.0],
        mode="lines",
        line=dict(shape="hv", color=color, width=2, dash=dash),
        name=name,
        hoverinfo="skip",
        **kwargs,
    )


def mean_std_marker(values, height: float, color: str, name: str, **kwargs) -> go.Scatter:
    """A dot at the mean with a horizontal bar of ± one standard deviation, at a given height."""
    v = np.ravel(values)
    mean, std = float(v.mean()), float(v.std())
    return go.Scatter(
        x=[mean],
        y=[height],
        mode="markers",
        marker=dict(color=color, size=9, symbol="diamond"),
        error_x=dict(type="constant", value=std, color=color, thickness=2, width=6),
        name=name,
        hovertemplate=f"{name}<br>mean %{{x:.4g}}, std {std:.4g}<extra></extra>",
        showlegend=False,
        **kwargs,
    )


def _bins(values, bins: int | None) -> np.ndarray:
    return histogram_edges([values], bins or default_bins(np.size(values)))


def stages_figure(x, x_hat, y, bins: int | None = None, height: int = 520) -> go.Figure:
    """The input x, the normalized x_hat and the output y of one channel, on one shared x axis.

    x, x_hat, y: (m,) the channel's values at each stage. Each row is binned over its own
    range (x_hat is narrow, x may be wide); the axis is shared so the widths compare.
    The y row repeats the outline of x: when y = x (recovery) the bars fill it exactly.
    A diamond with a bar marks each row's mean ± one standard deviation.
    """
    rows = [
        ("x: this channel of your batch", x, COLORS["x"]),
        ("x̂ = (x − μ_B) / √(σ²_B + ε): mean 0, spread ≈ 1", x_hat, COLORS["x_hat"]),
        ("y = γ·x̂ + β: what the next layer receives", y, COLORS["y"]),
    ]
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.11, subplot_titles=[r[0] for r in rows])
    x_edges = _bins(x, bins)
    for i, (name, values, color) in enumerate(rows, start=1):
        edges = x_edges if i == 1 else _bins(values, bins)
        bar = histogram_bar(values, edges, name.split(":")[0].split(" =")[0], color, opacity=0.75, showlegend=False)
        fig.add_trace(bar, row=i, col=1)
        top = float(np.max(bar.y)) if len(bar.y) else 1.0
        if i == 3:
            fig.add_trace(histogram_outline(x, x_edges, "x (the input), for comparison", COLORS["x"], showlegend=True), row=3, col=1)
            top = max(top, float(np.max(density(x, x_edges))))
        fig.add_trace(mean_std_marker(values, 1.1 * top, color, "mean ± std"), row=i, col=1)
        fig.update_yaxes(range=[0, 1.2 * top], row=i, col=1)
    lo = min(float(np.min(v)) for _, v, _ in rows)
    hi = max(float(np.max(v)) for _, v, _ in rows)
    pad = 0.04 * (hi - lo) if hi > lo else 1.0
    fig.update_xaxes(range=[lo - pad, hi + pad])
    fig.update_xaxes(title_text="value", row=3, col=1)
    fig.update_yaxes(title_text="density", showticklabels=False)
    fig.update_layout(barmode="overlay")
    style(fig, height=height)
    # the legend explains the outline of the last row: put it there, clear of the row titles
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=0.27, xanchor="right", x=1.0, bgcolor="rgba(255,255,255,0.7)"))
    return fig


def target_figure(y, target, bins: int | None = None, height: int = 320) -> go.Figure:
    """The target distribution as bars and the learner's output y as an outline, on shared bins."""
    edges = histogram_edges([y, target], bins or default_bins(np.size(y)))
    fig = go.Figure(
        [
            histogram_bar(target, edges, "target", COLORS["target"], opacity=0.55),
            histogram_outline(y, edges, "your y = γ·x̂ + β", COLORS["y"], dash="solid"),
        ]
    )
    fig.update_layout(xaxis_title="value", yaxis_title="density", barmode="overlay")
    return style(fig, height=height)


def nonlinearity_figure(z, name: str, bins: int | None = None, height: int = 340) -> go.Figure:
    """Left: the values z = γ·x̂ + β under the curve f(z), the nearly linear region shaded.
    Right: the distribution of f(z), what the next layer receives.

    z: (m,) inputs of the nonlinearity; name: sigmoid, tanh or ReLU.
    """
    z = np.ravel(z)
    out = nonlinearity(name, z)
    fig = make_subplots(
        rows=1,
        cols=2,
        specs=[[{"secondary_y": True}, {}]],
        column_widths=[0.6, 0.4],
        horizontal_spacing=0.14,
        subplot_titles=[f"bars: z = γ·x̂ + β; line: {name}(z)", f"{name}(z): what the next layer receives"],
    )
    lo = min(-6.0, float(z.min()))
    hi = max(6.0, float(z.max()))
    edges = _bins(z, bins)
    fig.add_trace(histogram_bar(z, edges, "z", COLORS["y"], opacity=0.6, showlegend=False), row=1, col=1, secondary_y=False)
    grid = np.linspace(lo, hi, 241)
    fig.add_trace(
        go.Scatter(x=grid, y=nonlinearity(name, grid), mode="lines", line=dict(color=INK, width=3), name=f"{name}(z)", showlegend=False),
        row=1,
        col=1,
        secondary_y=True,
    )
    a, b = linear_region(name)
    fig.add_vrect(
        x0=max(a, lo), x1=min(b, hi), fillcolor=COLORS["target"], opacity=0.12, line_width=0, row=1, col=1,
        annotation_text="nearly linear", annotation_position="top left",
    )
    fig.add_trace(histogram_bar(out, _bins(out, bins), f"{name}(z)", COLORS["running"], opacity=0.8, showlegend=False), row=1, col=2)
    fig.update_xaxes(range=[lo, hi], title_text="z", row=1, col=1)
    fig.update_xaxes(title_text=f"{name}(z)", row=1, col=2)
    fig.update_yaxes(title_text="density of z", secondary_y=False, row=1, col=1)
    curve = nonlinearity(name, np.array([lo, hi]))
    top = float(curve.max())
    bottom = float(curve.min())
    fig.update_yaxes(
        title_text=f"{name}(z)", secondary_y=True, showgrid=False, zeroline=False, row=1, col=1,
        range=[bottom - 0.05 * (top - bottom), top + 0.05 * (top - bottom)], tickmode="auto", nticks=5,
    )
    fig.update_yaxes(title_text="density", row=1, col=2)
    fig.update_layout(barmode="overlay")
    return style(fig, height=height)


def shape_figure(x, x_hat, quantiles: dict, bins: int | None = None, height: int = 340) -> go.Figure:
    """Left and middle: one channel before (x) and after BN (x_hat), each on its own axis.
    Right: the quantiles of x_hat against a standard normal's (a Q-Q plot).

    The first two panels differ only in their axis numbers; in the third, a normal
    distribution would lie on the diagonal, and x_hat does so only if x already did.
    """
    fig = make_subplots(
        rows=1,
        cols=3,
        horizontal_spacing=0.08,
        subplot_titles=["x, in its own units", "x̂ = BN(x); dashed: a normal", "quantiles: x̂ against a normal"],
    )
    fig.add_trace(histogram_bar(x, _bins(x, bins), "x", COLORS["x"], opacity=0.8), row=1, col=1)
    edges = _bins(x_hat, bins)
    fig.add_trace(histogram_bar(x_hat, edges, "x̂", COLORS["x_hat"], opacity=0.8), row=1, col=2)
    grid = np.linspace(edges[0], edges[-1], 121)
    fig.add_trace(
        go.Scatter(x=grid, y=np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi), mode="lines", line=dict(color=INK, dash="dash"), name="normal, mean 0, variance 1"),
        row=1,
        col=2,
    )
    q_n, q = quantiles["normal"], quantiles["x_hat"]
    diagonal = [min(q_n[0], q[0]), max(q_n[-1], q[-1])]
    fig.add_trace(go.Scatter(x=diagonal, y=diagonal, mode="lines", line=dict(color=INK, dash="dash"), showlegend=False, hoverinfo="skip"), row=1, col=3)
    fig.add_trace(
        go.Scatter(
            x=q_n, y=q, mode="markers", marker=dict(color=COLORS["x_hat"], size=6), name="quantiles of x̂",
            hovertemplate="normal %{x:.2f}, x̂ %{y:.2f}<extra></extra>",
        ),
        row=1,
        col=3,
    )
    fig.update_xaxes(title_text="x", row=1, col=1)
    fig.update_xaxes(title_text="x̂", row=1, col=2)
    fig.update_xaxes(title_text="standard normal quantile", row=1, col=3)
    fig.update_yaxes(title_text="density", row=1, col=1)
    fig.update_yaxes(title_text="x̂ quantile", row=1, col=3)
    fig.update_layout(showlegend=False)
    return style(fig, height=height)


def linear_figure(z, z_start, y, y_start, bins: int | None = None, height: int = 320) -> go.Figure:
    """z = w·u + b before BN and y = BN(z) after, each against its value at the start settings.

    z, z_start, y, y_start: (n,). The outlines show the start: after BN the bars cover the
    outline whatever b and the length of w, and leave it only when w turns.
    """
    fig = make_subplots(
        rows=1, cols=2, horizontal_spacing=0.08,
        subplot_titles=["before BN: z = w·u + b (dotted: at the start)", "after BN: y = BN(z) (dotted: at the start)"],
    )
    for col, (now, start, name) in enumerate([(z, z_start, "z"), (y, y_start, "y")], start=1):
        edges = histogram_edges([now, start], bins or default_bins(np.size(now)))
        fig.add_trace(histogram_bar(now, edges, f"{name} now", COLORS["y"] if col == 2 else COLORS["x"], opacity=0.7), row=1, col=col)
        fig.add_trace(histogram_outline(start, edges, f"{name} at the start", INK, showlegend=True), row=1, col=col)
        fig.update_xaxes(title_text=name, row=1, col=col)
    fig.update_yaxes(title_text="density", row=1, col=1)
    fig.update_layout(barmode="overlay", showlegend=False)
    return style(fig, height=height)
