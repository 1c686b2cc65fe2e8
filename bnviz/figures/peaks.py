"""Figures of "How do γ and β fix the normalized peaks?" (bnviz.experiments.peaks): arrays in, Figure out.

Colours: the network with γ, β learned is drawn like BN's output y (red, solid), the one with
γ = 1, β = 0 like x̂ (grey, dashed), what the task needs as a wide pale band in the target's green: three
colours that also differ in their dash, for learners who do not tell red from green.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.figures.common import COLORS, legend_on_top, style

WITH = dict(color=COLORS["y"], width=2.5)
WITHOUT = dict(color=COLORS["x_hat"], width=2.5, dash="dash")
NEEDED = dict(color=COLORS["target"])
WITH_NAME, WITHOUT_NAME = "γ, β learned", "γ = 1, β = 0 fixed"


def loss_figure(loss_with, loss_without, floor: float, height: int = 320) -> go.Figure:
    """The summed loss at every step of both trainings, on a log axis, and the floor without γ, β.

    loss_with, loss_without: (steps,); floor: the lowest loss any next layer reaches with γ = 1, β = 0.
    """
    steps = np.arange(1, len(loss_with) + 1)
    fig = go.Figure(
        [
            go.Scatter(x=steps, y=loss_without, mode="lines", line=WITHOUT, name=WITHOUT_NAME),
            go.Scatter(x=steps, y=loss_with, mode="lines", line=WITH, name=WITH_NAME),
        ]
    )
    fig.add_hline(
        y=floor,
        line=dict(color=COLORS["x_hat"], width=1, dash="dot"),
        annotation_text=f"the least any next layer reaches with γ = 1, β = 0: {floor:.3g}",
        annotation_position="bottom right",
        annotation_font_size=11,
    )
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(type="log", title_text="loss (log scale)", exponentformat="power")
    return style(fig, height=height).update_layout(margin=dict(l=60, r=20, t=40, b=45))


def switch_figure(curves: dict, x, level: float, peak: tuple[int, int] | None = None, height: int = 320) -> go.Figure:
    """The next layer's output against the raw value x, one panel per channel.

    curves: bnviz.experiments.peaks.switch_curves ("x", "target", "with", "without", each (points, C)).
    x: (N, C) the batch, drawn as ticks under the curves; level: θ, marked by a vertical line.
    peak: (channel, row) of the peak to mark, or None.
    """
    x = np.asarray(x)
    channels = x.shape[1]
    fig = make_subplots(
        rows=1,
        cols=channels,
        subplot_titles=[f"channel {c}: mean {x[:, c].mean():.1f}, std {x[:, c].std():.1f}" for c in range(channels)],
        horizontal_spacing=0.08,
    )
    for c in range(channels):
        first = c == 0
        grid = curves["x"][:, c]
        # What the task needs as a wide pale band under the curves: the learned curve lies inside it.
        band = dict(color=NEEDED["color"], width=9)
        for key, line, name, opacity in (
            ("target", band, "needed: sigmoid(x − θ)", 0.35),
            ("without", WITHOUT, WITHOUT_NAME, 1.0),
            ("with", WITH, WITH_NAME, 1.0),
        ):
            fig.add_trace(
                go.Scatter(
                    x=grid,
                    y=curves[key][:, c],
                    mode="lines",
                    line=line,
                    opacity=opacity,
                    name=name,
                    showlegend=first,
                    hovertemplate=f"{name}<br>x = %{{x:.3g}}: %{{y:.3f}}<extra></extra>",
                ),
                row=1,
                col=c + 1,
            )
        fig.add_trace(
            go.Scatter(
                x=x[:, c],
                y=np.full(len(x), -0.12),
                mode="markers",
                marker=dict(symbol="line-ns-open", size=9, color=COLORS["x"], line=dict(width=1)),
                name="the channel's values",
                showlegend=first,
                hovertemplate="x = %{x:.3g}<extra></extra>",
            ),
            row=1,
            col=c + 1,
        )
        fig.add_vline(x=level, line=dict(color="#555555", width=1), row=1, col=c + 1)
    if peak is not None:
        c, row = peak
        fig.add_trace(
            go.Scatter(
                x=[x[row, c]],
                y=[-0.12],
                mode="markers+text",
                marker=dict(symbol="triangle-up", size=13, color="#000000"),
                text=["your peak"],
                textposition="top left",
                name="your peak",
                showlegend=False,
            ),
            row=1,
            col=c + 1,
        )
    fig.add_annotation(
        text=f"θ = {level:g}", x=level, y=1.08, xref="x", yref="y", showarrow=False, xanchor="left", font=dict(size=11)
    )
    fig.update_xaxes(title_text="x, before BN")
    fig.update_yaxes(range=[-0.25, 1.3])
    fig.update_yaxes(title_text="next layer's output", row=1, col=1)
    return style(fig, height=height).update_layout(legend=legend_on_top(), margin=dict(l=50, r=20, t=80, b=45))
