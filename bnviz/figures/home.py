"""The home page's live figure: each channel before BatchNorm (x × scale) above the same channel after it
(y = γ·x̂ + β, the learner's γ and β on one channel), as ui/live/kinds.js (kind before_after) redraws it.

Before BN the channels share one x axis, so channels on different scales look different; it holds the batch
at scale 1 and now, rounded out to a round step (nice_range), so it changes only when the data leaves it.
After BN the channels the learner does not move share a fixed axis, ±(the largest |x̂| rounded up, plus 1);
the learner's channel has its own, that axis widened (nice_range) only when γ and β take it out: nothing
but that panel moves with γ and β. A grey band marks where each channel is at scale 1 (before) and where
γ = 1, β = 0 puts the learner's channel (after): what the hand moved, against where it started.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.experiments.home import before_after
from bnviz.figures.common import COLORS, GREY, histogram_bar, style

BINS = 40  # across the whole axis, the same in both rows
BARE = dict(showticklabels=False, showgrid=False, zeroline=False)  # the heights' axes: only their shape counts


def nice_range(lo: float, hi: float) -> tuple[float, float]:
    """[lo, hi] rounded out to multiples of half a power of ten of its span ([-43, 164] -> [-50, 200]).

    As kinds.js computes it: the power from comparisons, the steps by exact operations, so that the
    browser and Python give the same range.
    """
    span = hi - lo if hi > lo else max(1.0, abs(lo))
    k = math.floor(math.log10(span))
    if _power(k + 1) <= span:  # log10 rounded down at a power of ten
        k += 1
    elif _power(k) > span:
        k -= 1
    step = _power(k) / 2
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _power(k: int) -> float:
    """10**k, exact for k ≥ 0 and correctly rounded below (1 / 10**-k, as kinds.js)."""
    return float(10**k) if k >= 0 else 1 / float(10 ** (-k))


def before_after_arrays(x, channel: int = 0, eps: float = 1e-5) -> dict:
    """What the browser needs to redraw before_after_figure at any scale, γ and β, as JSON lists.

    x: (N, C) the batch at scale 1. x_range: its smallest and largest value; band: where the learner's
    channel lies after BN at scale 1 with γ = 1, β = 0 (the after row's grey band); after: the after row's
    fixed half-width a (its axis is [-a, a]).
    """
    x = np.asarray(x, dtype=float)
    y = before_after(x, 1.0, 1.0, 0.0, channel, eps).y
    return {
        "x": [x[:, k].tolist() for k in range(x.shape[1])],
        "x_range": [float(x.min()), float(x.max())],
        "band": [float(y[:, channel].min()), float(y[:, channel].max())],
        "after": float(np.ceil(np.max(np.abs(y))) + 1),
        "channel": channel,
        "eps": eps,
        "bins": BINS,
    }


def _edges(lo: float, hi: float) -> np.ndarray:
    return np.linspace(*nice_range(lo, hi), BINS + 1)


def before_after_figure(
    x, scale: float, gamma: float, beta: float, channel: int = 0, eps: float = 1e-5, *, side_by_side: bool = False
) -> go.Figure:
    """Two rows of one panel per channel: x × scale (top), and BatchNorm's output with γ and β on
    `channel` (bottom); each row on one x axis. side_by_side: one row per channel instead, before BN
    (left column) beside after BN (right column), for a projector (the same traces and axes' ranges).

    x: (N, C) the batch at scale 1 (a validated batch). Traces: meta "before_k" and "after_k".
    """
    x = np.asarray(x, dtype=float)
    c = x.shape[1]
    before, y = before_after(x, scale, gamma, beta, channel, eps)
    arrays = before_after_arrays(x, channel, eps)
    band, a = arrays["band"], arrays["after"]
    top = _edges(min(x.min(), before.min()), max(x.max(), before.max()))
    mine = _edges(min(-a, y[:, channel].min()), max(a, y[:, channel].max()))  # the learner's channel
    others = np.linspace(-a, a, BINS + 1)
    if side_by_side:
        fig = make_subplots(
            rows=c, cols=2, column_titles=["before BN", "after BN"], horizontal_spacing=0.12, vertical_spacing=0.1
        )
    else:
        titles = [f"channel {k}" for k in range(c)] + [
            f"channel {k}: your γ and β" if k == channel else f"channel {k}: γ = 1, β = 0" for k in range(c)
        ]
        fig = make_subplots(rows=2, cols=c, subplot_titles=titles, horizontal_spacing=0.06, vertical_spacing=0.2)

    def panel(side: int, k: int) -> dict:  # side 1: before BN, 2: after BN
        return dict(row=k + 1, col=side) if side_by_side else dict(row=side, col=k + 1)

    for side, (values, color, name) in enumerate([(before, COLORS["x"], "before"), (y, COLORS["y"], "after")], start=1):
        for k in range(c):
            edges = top if side == 1 else mine if k == channel else others
            bar = histogram_bar(values[:, k], edges, f"{name}, channel {k}", color, opacity=0.85, meta=f"{name}_{k}")
            bar.customdata = np.histogram(values[:, k], bins=edges)[0]  # the counts the hover names
            bar.hovertemplate = "%{x:.3g}: %{customdata} values<extra></extra>"
            fig.add_trace(bar, **panel(side, k))
            fig.update_xaxes(range=[float(edges[0]), float(edges[-1])], autorange=False, **panel(side, k))
            # each panel's height axis ends 5 % above its tallest bar, as kinds.js ends it
            fig.update_yaxes(range=[0.0, 1.05 * float(np.max(bar.y))], **panel(side, k))
    # Where each channel was at scale 1, and where γ = 1, β = 0 puts the learner's channel: fixed.
    for k in range(c):
        fig.add_vrect(x0=x[:, k].min(), x1=x[:, k].max(), **panel(1, k), **_BAND, name=f"before_band_{k}")
    fig.add_vrect(x0=band[0], x1=band[1], **panel(2, channel), **_BAND, name="after_band")
    fig.update_xaxes(nticks=4, tickangle=0)
    fig.update_yaxes(**BARE)
    fig.update_layout(showlegend=False, barmode="overlay")
    if side_by_side:
        # Every panel of a column on one range (but the learner's after BN): its numbers once, under the last row.
        for k in range(c):
            fig.update_yaxes(title_text=f"ch {k}", row=k + 1, col=1)
            fig.update_xaxes(showticklabels=k == c - 1, row=k + 1, col=1)
            fig.update_xaxes(showticklabels=k in (c - 1, channel), row=k + 1, col=2)
        style(fig, height=90 + 50 * c)
        return fig.update_layout(margin=dict(t=30, b=25, l=40, r=10))
    fig.update_yaxes(title_text="before BN", row=1, col=1)
    fig.update_yaxes(title_text="after BN", row=2, col=1)
    style(fig, height=430)
    return fig.update_layout(margin=dict(t=40, b=40))


_BAND = dict(fillcolor=GREY, opacity=0.18, line_width=0, layer="below")
