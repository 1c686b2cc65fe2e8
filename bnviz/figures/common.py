"""Plotly figure builders shared by the pages: pure functions (data, options) -> Figure.

Histograms are binned here, on the server, so what reaches the browser is a few dozen
bars per trace whatever the batch size (raw samples would cost ~14 bytes each).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

# Okabe & Ito (2008), "Color Universal Design": colours that stay apart for learners with
# protanopia, deuteranopia and tritanopia (checked by simulation in tests/figures/test_palette.py).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#e69f00",
    "sky_blue": "#56b4e9",
    "bluish_green": "#009e73",
    "yellow": "#f0e442",
    "blue": "#0072b2",
    "vermillion": "#d55e00",
    "reddish_purple": "#cc79a7",
}
GREY = "#7f7f7f"

# One colour per role, the same on every page.
COLORS = {
    "x": OKABE_ITO["blue"],  # the input activations
    "x_hat": GREY,  # normalized, mean 0 / variance 1
    "y": OKABE_ITO["vermillion"],  # the output gamma * x_hat + beta
    "target": OKABE_ITO["sky_blue"],
    "running": OKABE_ITO["reddish_purple"],
}
# /network draws the network without BN in x's colour and with BN in y's (figures/network.py);
# the copy with BN but without γ and β (PyTorch's affine=False) in a third, apart from both.
BN_WITHOUT_GAMMA_BETA = OKABE_ITO["black"]
# Tick labels as plain numbers or "1e−4", never with an SI suffix: plotly's default exponentformat "B"
# writes 0.0001 as "100μ", and here μ is a mean. Set in the template, so every axis of every figure (each
# subplot's, each colour bar's) has it without a builder asking.
EXPONENT_FORMAT = "e"
TEMPLATE = "bnviz"
_template = go.layout.Template(pio.templates["plotly_white"])
for _axis in (_template.layout.xaxis, _template.layout.yaxis, _template.layout.coloraxis.colorbar):
    _axis.exponentformat = EXPONENT_FORMAT
for _trace in (*_template.data.heatmap, *_template.data.contour, *_template.data.histogram2d):
    _trace.colorbar.exponentformat = EXPONENT_FORMAT
for _trace in _template.data.scatter:
    _trace.marker.colorbar.exponentformat = EXPONENT_FORMAT
pio.templates[TEMPLATE] = _template
# Every figure starts in this template: plotly gives a new figure its default template without
# validating it, where update_layout(template=...) validates and copies the whole template again,
# half of what building a small figure costs (bench/loadtest.py's profile). The JSON is the same.
# Importing streamlit sets the default to its own template, so style() checks it is still ours.
pio.templates.default = TEMPLATE


def style(fig: go.Figure, height: int = 360, **layout) -> go.Figure:
    """The common look: light template, tight margins, legend above the plot. `fig` was made
    while TEMPLATE was plotly's default (the module sets it), or it is given the template here."""
    if pio.templates.default != TEMPLATE:  # streamlit was imported after this module
        fig.update_layout(template=TEMPLATE)
    fig.update_layout(
        height=height,
        margin=dict(l=50, r=20, t=50, b=45),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        bargap=0,
        **layout,
    )
    return fig


def legend_below() -> dict:
    """A horizontal legend at the foot of the figure, under the x axis's title whatever the font size.

    Placed in the figure's own coordinates (its bottom edge), not the plot's: a legend a fixed fraction
    of the plot below the axis lands on the axis title once larger fonts (classroom mode) push the title
    down. The figure's bottom margin holds the tick labels, the axis title and the legend.
    """
    return dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0)


def legend_on_top() -> dict:
    """A horizontal legend at the top edge of the figure, above the subplot titles (annotations at the
    top of each panel, which a legend just above the plot would cover). The top margin holds both."""
    return dict(orientation="h", yref="container", y=1, yanchor="top", x=0)


def default_bins(n: int) -> int:
    """About sqrt(n) bins, between 10 and 60: smooth for small batches, detailed for large."""
    return int(np.clip(round(np.sqrt(n)), 10, 60))


def histogram_edges(arrays, bins: int = 60) -> np.ndarray:
    """Bin edges that cover every array given, so their histograms share one axis."""
    lo = min(float(np.min(a)) for a in arrays)
    hi = max(float(np.max(a)) for a in arrays)
    if hi - lo < 1e-12 * max(1.0, abs(lo), abs(hi)):  # all values equal: a bin around them
        half = 0.5 * max(1.0, abs(lo)) * 1e-3 if lo else 0.5
        lo, hi = lo - half, hi + half
    return np.linspace(lo, hi, bins + 1)


def symmetric_edges(arrays, bins: int = 60, step: float = 0.5) -> np.ndarray:
    """Bin edges from -a to a, a = the largest |value| rounded up to a multiple of `step`.

    For normalized values: the edges stay the same when the input changes a little, so a
    figure that looks the same is the same, and the browser has nothing to redraw.
    """
    top = max(float(np.max(np.abs(a))) for a in arrays)
    half = step * max(1.0, np.ceil(top / step))
    return np.linspace(-half, half, bins + 1)


def density(values, edges: np.ndarray) -> np.ndarray:
    """Histogram of values as a density (area 1), over the given edges."""
    counts, _ = np.histogram(np.ravel(values), bins=edges)
    widths = np.diff(edges)
    total = counts.sum()
    return counts / (total * widths) if total else counts.astype(float)


def histogram_bar(values, edges: np.ndarray, name: str, color: str, opacity: float = 0.6, **kwargs) -> go.Bar:
    """One pre-binned histogram as a bar trace."""
    centres = 0.5 * (edges[:-1] + edges[1:])
    return go.Bar(
        x=centres,
        y=density(values, edges),
        width=np.diff(edges),
        name=name,
        marker=dict(color=color, line=dict(width=0)),
        opacity=opacity,
        hovertemplate=f"{name}<br>%{{x:.3g}}: density %{{y:.3g}}<extra></extra>",
        **kwargs,
    )


def overlay_histograms(series, bins: int = 60, title: str = "", x_title: str = "value", height: int = 360) -> go.Figure:
    """Several distributions drawn on the same axes.

    series: sequence of (name, values, color); values of any shape (flattened).
    """
    series = list(series)
    edges = histogram_edges([v for _, v, _ in series], bins)
    fig = go.Figure([histogram_bar(v, edges, name, color) for name, v, color in series])
    fig.update_layout(barmode="overlay", title=title, xaxis_title=x_title, yaxis_title="density")
    return style(fig, height=height)


def channel_grid(c: int, horizontal_spacing: float) -> tuple[go.Figure, int, int]:
    """A figure of one panel per channel, four to a row, sharing one x axis; and its rows and columns."""
    cols = min(c, 4)
    rows = -(-c // cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes="all",
        subplot_titles=[f"channel {k}" for k in range(c)],
        horizontal_spacing=horizontal_spacing,
        vertical_spacing=0.12 if rows > 1 else 0.1,
    )
    return fig, rows, cols


def channel_histograms(x, bins: int | None = None, title: str = "", color: str = COLORS["x"], edges=None) -> go.Figure:
    """Small multiples: one histogram per channel of x (N, C, ...), all on one shared x axis.

    A shared axis is the point: channels on different scales must look different.
    edges: bin edges to use (for example the same for two figures); by default they
    cover every channel.
    """
    x = np.asarray(x)
    c = x.shape[1]
    per_channel = [x[:, k].ravel() for k in range(c)]
    if edges is None:
        edges = histogram_edges(per_channel, bins or default_bins(per_channel[0].size))
    fig, rows, cols = channel_grid(c, horizontal_spacing=0.04)
    for k, values in enumerate(per_channel):
        fig.add_trace(
            histogram_bar(values, edges, f"channel {k}", color, opacity=0.85, meta=f"channel_{k}"),
            row=k // cols + 1,
            col=k % cols + 1,
        )
    fig.update_layout(title=title, showlegend=False)
    fig.update_yaxes(showticklabels=False)
    return style(fig, height=150 + 140 * rows)
