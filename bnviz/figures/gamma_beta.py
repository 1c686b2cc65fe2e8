"""Figures of the "Drag γ and β" page: pure functions (data, options) -> plotly Figure.

Every histogram is binned here (bnviz.figures), so a figure is a few hundred numbers
whatever the batch size.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots  # for the shape figure, drawn once per choice

from bnviz.experiments.gamma_beta import ROUNDING, linear_region, nonlinearity
from bnviz.figures.common import COLORS, default_bins, density, histogram_bar, histogram_edges, style
from bnviz.notation import MU_B_SUB, VAR_B_SUB
from bnviz.numbers import eps_text, fixed

INK = "#222222"


@lru_cache(maxsize=16)
def _style_layout(height: int) -> dict:
    """The layout bnviz.figures.style gives a figure of this height, as plain JSON (computed once)."""
    return style(go.Figure(), height=height).layout.to_plotly_json()


def _figure(traces, layout: dict, height: int) -> go.Figure:
    """A figure with the common style, from traces and a layout given at once.

    The figures dragged on this page are rebuilt on every slider move, and plotly's property
    validation (above all of the template style() sets) costs ten times the data. So style()
    runs once per height and its layout is reused, and the figure is assembled without
    validating again. tests/figures/test_gamma_beta_figures.py checks that every figure passes
    plotly's validation (go.Figure(fig.to_dict())).
    """
    full = copy.deepcopy(_style_layout(height)) | layout
    data = [t if isinstance(t, dict) else t.to_plotly_json() for t in traces]
    try:
        return go.Figure(data=data, layout=full, _validate=False)
    except TypeError:  # a plotly without the private switch: validate, slower but the same figure
        return go.Figure(data=data, layout=full)


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


# A density axis shows the shape of a distribution, not its numbers: no tick labels, grid or zero line.
# Bare, its range can change under a drag without plotly redrawing the figure (ui/live/layer.js).
BARE = dict(showticklabels=False, showgrid=False, zeroline=False)


def _bins(values, bins: int | None) -> np.ndarray:
    return histogram_edges([values], bins or default_bins(np.size(values)))


def stages_figure(x, x_hat, y, bins: int | None = None, height: int = 520, short: bool = False) -> go.Figure:
    """The input x, the normalized x_hat and the output y of one channel, on one shared x axis.

    short: shorter row titles, for a chart beside a lesson's prompt on a projector (larger text, half the width).
    x, x_hat, y: (m,) the channel's values at each stage. Each row is binned over its own
    range (x_hat is narrow, x may be wide); the axis is shared so the widths compare.
    The y row repeats the outline of x: when y = x (recovery) the bars fill it exactly.
    A diamond with a bar marks each row's mean ± one standard deviation.
    """
    titles = (
        ("x: this channel", "x̂: mean 0, spread ≈ 1", "y = γ·x̂ + β (dotted: x)")
        if short
        else (
            "x: this channel of your batch",
            f"x̂ = (x − {MU_B_SUB}) / √({VAR_B_SUB} + ε): mean 0, spread ≈ 1",
            "y = γ·x̂ + β: what the next layer receives (dotted: x)",
        )
    )
    rows = [  # (title, values, colour, the name its traces carry as meta, "y_bars", "y_mean" …: ui/live/kinds.js)
        (titles[0], x, COLORS["x"], "x"),
        (titles[1], x_hat, COLORS["x_hat"], "x_hat"),
        (titles[2], y, COLORS["y"], "y"),
    ]
    # One x axis for the three rows (stacked y axes) and one layout given at once: this figure
    # is rebuilt on every drag, and plotly's make_subplots and per-row updates cost more
    # than the data.
    domains = [(0.74, 1.0), (0.37, 0.63), (0.0, 0.26)]
    traces, layout = [], {}
    x_edges = _bins(x, bins)
    for i, ((title, values, color, uid), (lo, hi)) in enumerate(zip(rows, domains), start=1):
        axis = "y" if i == 1 else f"y{i}"
        edges = x_edges if i == 1 else _bins(values, bins)
        top = float(np.max(density(values, edges)))
        name = title.split(":")[0].split(" =")[0]
        traces.append(histogram_bar(values, edges, name, color, opacity=0.75, yaxis=axis, meta=f"{uid}_bars"))
        if i == 3:
            traces.append(
                histogram_outline(
                    x, x_edges, "x (the input), for comparison", COLORS["x"], yaxis=axis, meta="x_outline"
                )
            )
            top = max(top, float(np.max(density(x, x_edges))))
        traces.append(mean_std_marker(values, 1.1 * top, color, "mean ± std", yaxis=axis, meta=f"{uid}_mean"))
        layout["yaxis" if i == 1 else f"yaxis{i}"] = dict(
            domain=[lo, hi], range=[0, 1.2 * top if top > 0 else 1.0], title=dict(text="density"), **BARE
        )
        layout.setdefault("annotations", []).append(
            dict(
                text=title,
                x=0.5,
                y=hi,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=14),
            )
        )
    lo = min(float(np.min(v)) for _, v, _, _ in rows)
    hi = max(float(np.max(v)) for _, v, _, _ in rows)
    pad = 0.04 * (hi - lo) if hi > lo else 1.0
    layout["xaxis"] = dict(range=[lo - pad, hi + pad], anchor="y3", title=dict(text="value"))
    return _figure(traces, dict(barmode="overlay", showlegend=False, **layout), height)


def stages_arrays(x, x_hat, bins: int | None = None) -> dict:
    """What the browser needs to redraw stages_figure's third row, y = γ·x̂ + β, for any γ ≥ 0 and β
    (ui/live/kinds.js, kind gamma_beta_stages), as JSON lists.

    x, x_hat: (m,) the values of the channel shown.
    xs: x in increasing order, xh: x_hat in the same order (x_hat increases with x, and so does y
    for γ ≥ 0, so the pairs are also W₁'s); x_range: of the x and x̂ rows; x_top: the top of x's
    outline in the y row; rounding, rounding_text: the bound under which a distance is float64's rounding
    (bnviz.numbers.distance).
    """
    x, x_hat = np.ravel(x), np.ravel(x_hat)
    order = np.argsort(x, kind="stable")
    return {
        "xs": x[order].tolist(),
        "xh": x_hat[order].tolist(),
        "bins": int(bins or default_bins(x.size)),
        "x_range": [float(min(x.min(), x_hat.min())), float(max(x.max(), x_hat.max()))],
        "x_top": float(np.max(density(x, _bins(x, bins)))),
        "rounding": ROUNDING,
        "rounding_text": eps_text(ROUNDING),
    }


def nonlinearity_arrays(x_hat, name: str, bins: int | None = None) -> dict:
    """What the browser needs to redraw nonlinearity_figure for any z = γ·x̂ + β (ui/live.js, kind
    nonlinearity), as JSON lists: xh, the channel's x̂ (m,); the nonlinearity's name; region, its
    nearly linear region [lo, hi] (hi None for ReLU's ∞); bins."""
    lo, hi = linear_region(name)
    return {
        "xh": np.ravel(x_hat).tolist(),
        "name": name,
        "region": [lo, hi if np.isfinite(hi) else None],
        "bins": int(bins or default_bins(np.size(x_hat))),
    }


def target_figure(y, target, bins: int | None = None, height: int = 320) -> go.Figure:
    """The target distribution as bars and the learner's output y as an outline, on shared bins."""
    edges = histogram_edges([y, target], bins or default_bins(np.size(y)))
    traces = [
        histogram_bar(target, edges, "target", COLORS["target"], opacity=0.55),
        histogram_outline(y, edges, "your y = γ·x̂ + β", COLORS["y"], dash="solid"),
    ]
    layout = dict(xaxis=dict(title=dict(text="value")), yaxis=dict(title=dict(text="density")), barmode="overlay")
    return _figure(traces, layout, height)


def _title(text: str, x0: float, x1: float) -> dict:
    """A panel title as a paper annotation centred over the domain [x0, x1]."""
    return dict(
        text=text,
        x=(x0 + x1) / 2,
        y=1.0,
        xref="paper",
        yref="paper",
        xanchor="center",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=14),
    )


def nonlinearity_figure(z, name: str, bins: int | None = None, height: int = 340) -> go.Figure:
    """Left: the values z = γ·x̂ + β under the curve f(z), the nearly linear region shaded.
    Right: the distribution of f(z), what the next layer receives.

    z: (m,) inputs of the nonlinearity; name: sigmoid, tanh or ReLU.
    Built with one layout (no make_subplots): it is redrawn on every drag.
    """
    z = np.ravel(z)
    out = nonlinearity(name, z)
    lo = min(-6.0, float(z.min()))
    hi = max(6.0, float(z.max()))
    grid = np.linspace(lo, hi, 241)
    curve = nonlinearity(name, grid)
    top, bottom = float(curve.max()), float(curve.min())
    margin = 0.05 * (top - bottom)
    a, b = linear_region(name)
    left, right = (0.0, 0.52), (0.68, 1.0)
    traces = [
        histogram_bar(z, _bins(z, bins), "z", COLORS["y"], opacity=0.6, meta="z_bars"),
        go.Scatter(
            x=grid, y=curve, mode="lines", line=dict(color=INK, width=3), name=f"{name}(z)", yaxis="y2", meta="curve"
        ),
        histogram_bar(
            out, _bins(out, bins), f"{name}(z)", COLORS["running"], opacity=0.8, xaxis="x2", yaxis="y3", meta="out_bars"
        ),
    ]
    # Every range set, as ui/live/kinds.js (nonlinearity) sets it: a step of γ or β that keeps z within
    # ±6 moves only the bars. The right panel's axis is f(z), the curve's own range.
    f_range = [bottom - margin, top + margin]
    z_top, out_top = (1.05 * float(np.max(traces[i].y)) for i in (0, 2))
    layout = dict(
        xaxis=dict(domain=list(left), range=[lo, hi], title=dict(text="z"), anchor="y"),
        yaxis=dict(title=dict(text="density of z"), anchor="x", range=[0, z_top], **BARE),
        yaxis2=dict(
            title=dict(text=f"{name}(z)"),
            overlaying="y",
            side="right",
            anchor="x",
            showgrid=False,
            zeroline=False,
            range=f_range,
            tickmode="auto",
            nticks=5,
        ),
        xaxis2=dict(domain=list(right), title=dict(text=f"{name}(z)"), anchor="y3", range=f_range),
        yaxis3=dict(title=dict(text="density"), anchor="x2", range=[0, out_top], **BARE),
        shapes=[
            dict(
                name="linear_region",  # moved by ui/live/kinds.js
                type="rect",
                xref="x",
                yref="y domain",
                x0=max(a, lo),
                x1=min(b, hi),
                y0=0,
                y1=1,
                fillcolor=COLORS["target"],
                opacity=0.12,
                line=dict(width=0),
                layer="below",
            ),
        ],
        annotations=[
            _title(f"bars: z = γ·x̂ + β; line: {name}(z)", *left),
            _title(f"{name}(z): what the next layer receives", *right),
            dict(
                name="linear_label",  # moved by ui/live/kinds.js
                text="nearly linear",
                x=max(a, lo),
                y=1,
                xref="x",
                yref="y domain",
                xanchor="left",
                yanchor="top",
                showarrow=False,
                font=dict(size=11),
            ),
        ],
        barmode="overlay",
        showlegend=False,
    )
    return _figure(traces, layout, height)


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
        go.Scatter(
            x=grid,
            y=np.exp(-0.5 * grid**2) / np.sqrt(2 * np.pi),
            mode="lines",
            line=dict(color=INK, dash="dash"),
            name="normal, mean 0, variance 1",
        ),
        row=1,
        col=2,
    )
    q_n, q = quantiles["normal"], quantiles["x_hat"]
    diagonal = [min(q_n[0], q[0]), max(q_n[-1], q[-1])]
    fig.add_trace(
        go.Scatter(
            x=diagonal, y=diagonal, mode="lines", line=dict(color=INK, dash="dash"), showlegend=False, hoverinfo="skip"
        ),
        row=1,
        col=3,
    )
    fig.add_trace(
        go.Scatter(
            x=q_n,
            y=q,
            mode="markers",
            marker=dict(color=COLORS["x_hat"], size=6),
            name="quantiles of x̂",
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


# chain_figure's panels, left to right as the data flows: (title, the Chain's field, axis title: who acts, colour).
CHAIN_PANELS = (
    ("z = w·u + b", "z", "z: W and b act here", COLORS["x"]),
    ("x̂ = z normalized", "x_hat", "x̂: b and ‖w‖ are gone", COLORS["x_hat"]),
    ("y = γ·x̂ + β", "y", "y: γ and β act here", COLORS["y"]),
    ("out = w′·{h} + b′", "out", "out: the next layer", COLORS["running"]),
)
# Who acts between two panels, written on the arrow from one to the next.
CHAIN_ARROWS = ("BN", "γ, β", "next<br>layer")


def _mean_std(values) -> str:
    v = np.ravel(values)
    return f"mean {fixed(v.mean(), 2)}, std {fixed(v.std(), 2)}"


def chain_figure(now, start, bins: int | None = None, height: int = 300) -> go.Figure:
    """A stepped diagram of bnviz.experiments.gamma_beta.chain: z, x̂, y and the next layer's output, side
    by side as the data flows, each with its live mean and std in its title.

    now, start: Chains (the settings shown; ‖w‖ = 1, b = 0, γ = 1, β = 0 at the same direction). Each
    panel draws now as bars and start as a dotted outline on shared bins: z moves with b and ‖w‖, x̂ does
    not, y moves with γ and β. The last panel adds the next layer alone (γ = 1, β = 0, its best w″, b″) as
    a solid line: on the bars with nothing between BN and the next layer, off them through a sigmoid.
    Built with one layout (no make_subplots): it is redrawn on every slider move.
    """
    h = "y" if now.between == "nothing" else f"{now.between}(y)"
    width, gap = 0.19, 0.08
    traces, layout = [], dict(barmode="overlay", showlegend=False, annotations=[])
    for i, (title, field, axis, color) in enumerate(CHAIN_PANELS):
        x0 = i * (width + gap)
        xa, ya = ("x", "y") if i == 0 else (f"x{i + 1}", f"y{i + 1}")
        values, before = getattr(now, field), getattr(start, field)
        shown = [values, before] + ([now.out_alone] if field == "out" else [])
        edges = histogram_edges(shown, bins or default_bins(np.size(values)))
        traces.append(histogram_bar(values, edges, field, color, opacity=0.75, xaxis=xa, yaxis=ya, meta=f"{field}_now"))
        traces.append(
            histogram_outline(before, edges, f"{field} at the start", INK, xaxis=xa, yaxis=ya, meta=f"{field}_start")
        )
        if field == "out":
            traces.append(
                histogram_outline(
                    now.out_alone,
                    edges,
                    "the next layer alone",
                    INK,
                    dash="solid",
                    xaxis=xa,
                    yaxis=ya,
                    meta="out_alone",
                )
            )
        suffix = "" if i == 0 else str(i + 1)
        layout[f"xaxis{suffix}"] = dict(domain=[x0, x0 + width], anchor=ya, title=dict(text=axis))
        layout[f"yaxis{suffix}"] = dict(anchor=xa, **BARE)
        layout["annotations"].append(_title(f"{title.format(h=h)}<br>{_mean_std(values)}", x0, x0 + width))
        if i < len(CHAIN_ARROWS):  # in this panel's own x domain (0 to 1), from just after it to the next one
            tail, head = 1.05, 1 + (gap - 0.01) / width
            domain_x, domain_y = f"{xa} domain", f"{ya} domain"
            arrow = dict(xref=domain_x, yref=domain_y, axref=domain_x, ayref=domain_y, x=head, y=0.45, ax=tail, ay=0.45)
            layout["annotations"].append(
                dict(arrow, showarrow=True, arrowhead=2, arrowwidth=1.5, arrowcolor=INK, text="")
            )
            layout["annotations"].append(
                dict(
                    text=CHAIN_ARROWS[i],
                    x=(tail + head) / 2,
                    y=0.5,
                    xref=domain_x,
                    yref=domain_y,
                    yanchor="bottom",
                    showarrow=False,
                    font=dict(size=12),
                )
            )
    return _figure(traces, layout, height)
