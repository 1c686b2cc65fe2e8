"""Figures of the /steps page: one step before and after, running statistics, and the block
of values each normalization averages together. Pure functions (data, options) -> Figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.core.norms import KIND_NAMES, pooled_mask
from bnviz.core.steps import HIGHLIGHT, Step
from bnviz.experiments.stepper import STEP_INPUT, step_places, uses_running_statistics
from bnviz.figures.common import COLORS, OKABE_ITO, default_bins, histogram_bar, histogram_edges, style
from bnviz.notation import MU_B_SUB, MU_RUN_SUB, VAR_B_SUB, VAR_RUN_SUB
from bnviz.numbers import fixed

# The colour of each array of the forward pass, from the input x to the output y.
ARRAY_COLOR = {
    "x": COLORS["x"],
    "centre": OKABE_ITO["orange"],
    "normalize": COLORS["x_hat"],
    "scale": OKABE_ITO["sky_blue"],
    "shift": COLORS["y"],
}
# How a learner names each array, in the figure's titles and legend.
ARRAY_LABEL = {"x": "x", "centre": "x − μ", "normalize": "x̂", "scale": "γ·x̂", "shift": "y = γ·x̂ + β"}
BATCH_LINE = dict(color="#333333", width=2, dash="dash")  # this batch's own statistic, in eval mode


def _channel(array: np.ndarray, channel: int) -> np.ndarray:
    return np.asarray(array)[:, channel].ravel()


def _histogram(values: np.ndarray, name: str, color: str) -> go.Bar:
    # A constant channel (a dead ReLU) is one bar centred on its value, not the first of ten.
    edges = histogram_edges([values], 1 if np.ptp(values) == 0 else default_bins(values.size))
    return histogram_bar(values, edges, name, color, opacity=0.8)


def _vline(fig: go.Figure, x: float, text: str, line: dict, row: int = 1) -> None:
    fig.add_vline(
        x=x,
        line=line,
        row=row,
        col=1,
        annotation_text=text,
        annotation_position="top right",
        annotation_font=dict(color=line["color"], size=13),
    )


def step_figure(
    x,
    steps: list[Step],
    index: int,
    channel: int,
    batch_steps: list[Step] | None = None,
    height: int = 440,
    places: dict[str, int] | None = None,
    title: str | None = None,
) -> go.Figure:
    """The chosen channel's distribution before and after step `index`, on one x axis.

    x: the batch (N, C, *spatial); steps: batch_norm_steps of x (batch or running statistics).
    batch_steps: in eval mode, the batch-statistics steps of the same x, drawn as dashed
    lines so the running statistic can be compared with this batch's own.
    places: the decimals of each quantity, bnviz.experiments.stepper.step_places (as the page writes them
    in its tables and worked numbers); by default those of the batch's own steps with γ = 1.
    title: the chart's title; by default the channel, the step and what the chart shows.
    A value step draws two histograms sharing the x axis (before above, after below, each
    with its mean marked); a statistic step draws the values it summarizes with the
    statistic marked: x and μ; the squared deviations (x − μ)² and σ²; x − μ and ±√(σ² + ε). μ and σ²
    are written μ_B, σ²_B (μ_run, σ²_run in eval mode) with plotly's subscripts (bnviz.notation).
    """
    step = steps[index]
    arrays = {"x": np.asarray(x, dtype=float)} | {s.key: s.array for s in steps}
    own = {s.key: s.array for s in (batch_steps or steps)}
    running = uses_running_statistics(steps)
    c = channel
    mu_sym, var_sym = (MU_RUN_SUB, VAR_RUN_SUB) if running else (MU_B_SUB, VAR_B_SUB)
    before_key = STEP_INPUT[step.key]
    before = _channel(arrays[before_key], c)
    p = places if places is not None else step_places(batch_steps or steps)

    if not step.is_statistic:
        after = _channel(step.array, c)
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            vertical_spacing=0.16,
            subplot_titles=[f"before: {ARRAY_LABEL[before_key]}", f"after: {ARRAY_LABEL[step.key]}"],
        )
        fig.add_trace(_histogram(before, f"before: {ARRAY_LABEL[before_key]}", ARRAY_COLOR[before_key]), row=1, col=1)
        fig.add_trace(_histogram(after, f"after: {ARRAY_LABEL[step.key]}", ARRAY_COLOR[step.key]), row=2, col=1)
        for row, values, key in ((1, before, before_key), (2, after, step.key)):
            mean = float(values.mean())
            line = dict(color="#333333", width=1.5, dash="dot")
            _vline(fig, mean, f"mean {fixed(mean, p[key])}", line, row=row)
        fig.update_xaxes(title_text="value", row=2, col=1)
        fig.update_yaxes(title_text="density")
        title = title or f"Channel {c}, step “{step.name}”: before and after on the same x axis"
        return style(fig, height=height, title=title, showlegend=False)

    # A statistic: the values it summarizes, and the statistic as vertical lines named in the
    # legend (in eval mode this batch's own value too, dashed, to compare).
    if step.key == "mean":
        values, label, color = before, "x", ARRAY_COLOR["x"]
        d = p["mean"]
        marks = [(f"{mu_sym} = {fixed(step.array[c], d)}", [step.array[c]])]
        own_marks = (f"this batch's {MU_B_SUB} = {fixed(own['mean'][c], d)} (not used)", [own["mean"][c]])
        x_title = "x"
    elif step.key == "var":
        values, label, color = _channel(own["centre"], c) ** 2, f"(x − {MU_B_SUB})²", ARRAY_COLOR["centre"]
        dv = p["var"]
        name = f"{var_sym} = {fixed(step.array[c], dv)}" + ("" if running else ": the mean of these")
        marks = [(name, [step.array[c]])]
        own_marks = (f"this batch's {VAR_B_SUB} = {fixed(own['var'][c], dv)} (not used)", [own["var"][c]])
        x_title = f"squared distance to this batch's mean, (x − {MU_B_SUB})²"
    else:  # std
        values, label, color = before, ARRAY_LABEL["centre"], ARRAY_COLOR["centre"]
        std, own_std = float(step.array[c]), float(own["std"][c])
        ds = p["std"]
        marks = [(f"±√({var_sym} + ε) = ±{fixed(std, ds)}", [-std, std])]
        own_marks = (f"this batch's ±√({VAR_B_SUB} + ε) = ±{fixed(own_std, ds)} (not used)", [-own_std, own_std])
        x_title = f"x − {mu_sym}"
    bar = _histogram(values, label, color)
    top = 1.08 * float(np.max(bar.y)) if len(bar.y) else 1.0
    fig = go.Figure([bar])
    lines = [(name, xs, dict(color=HIGHLIGHT, width=3)) for name, xs in marks]
    if running:
        lines.append((*own_marks, BATCH_LINE))
    for name, xs, line in lines:
        xs_, ys_ = [], []
        for v in xs:
            xs_ += [float(v), float(v), None]
            ys_ += [0.0, top, None]
        fig.add_trace(go.Scatter(x=xs_, y=ys_, mode="lines", line=line, name=name, hoverinfo="name"))
    fig.update_layout(xaxis_title=x_title, yaxis_title="density")
    title = title or f"Channel {c}, step “{step.name}”: one number for the whole channel"
    return style(fig, height=height, title=title).update_layout(
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0), margin=dict(l=50, r=20, t=50, b=40)
    )


def running_figure(
    history, channel: int, batches: int, batch_mean: float, batch_var: float, height: int = 340
) -> go.Figure:
    """Running mean and variance of one channel over the first `batches` training batches.

    history: stepper.RunningHistory (at least `batches` batches); batch_mean, batch_var: the
    learner's batch's own statistics for this channel (dashed line). The running values start
    at 0 and 1 and approach the batches' at a speed set by the momentum.
    """
    c, k = channel, int(batches)
    seen = np.arange(k + 1)
    titles = [f"running_mean, channel {c}", f"running_var, channel {c}"]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.1)
    panels = [
        (history.running_mean[: k + 1, c], history.batch_mean[:k, c], batch_mean),
        (history.running_var[: k + 1, c], history.batch_var[:k, c], batch_var),
    ]
    for col, (run, each, target) in enumerate(panels, start=1):
        first = col == 1
        fig.add_trace(
            go.Scatter(
                x=seen[1:],
                y=each,
                mode="markers",
                name="each training batch's own",
                legendgroup="each",
                marker=dict(color="#aaaaaa", size=6),
                showlegend=first,
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=seen,
                y=run,
                mode="lines+markers" if k <= 30 else "lines",
                name=f"running statistic (momentum {history.momentum:g})",
                legendgroup="run",
                line=dict(color=COLORS["running"], width=3),
                marker=dict(size=5),
                showlegend=first,
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=[0, max(k, 1)],
                y=[target, target],
                mode="lines",
                name="your batch's own",
                legendgroup="own",
                line=BATCH_LINE,
                showlegend=first,
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text="training batches seen", range=[-0.5, max(k, 5) + 0.5])
    return style(fig, height=height).update_layout(
        legend=dict(orientation="h", yanchor="top", y=-0.25, x=0), margin=dict(l=50, r=20, t=40, b=40)
    )


# ------------------------------------------------------------ what is averaged together

POOLED = {"front": HIGHLIGHT, "top": "#e8807f", "side": "#a51d1e"}
OTHER = {"front": "#e3e3e3", "top": "#f1f1f1", "side": "#c8c8c8"}


def shown_samples(n: int, sample: int, max_rows: int = 8) -> list[int | None]:
    """The samples the block diagram draws: the first few, the chosen one and the last,
    with None where samples are skipped (drawn as ⋮)."""
    if n <= max_rows:
        return list(range(n))
    keep = sorted(set(range(max_rows - 2)) | {sample, n - 1})
    out: list[int | None] = []
    for i in keep:
        if out and out[-1] is not None and i > out[-1] + 1:
            out.append(None)
        out.append(i)
    return out


def _polygons(cells) -> tuple[list, list]:
    """Closed polygons separated by None, for one filled scatter trace."""
    xs, ys = [], []
    for corners in cells:
        for px, py in corners + [corners[0]]:
            xs.append(px)
            ys.append(py)
        xs.append(None)
        ys.append(None)
    return xs, ys


def pooled_block_figure(
    shape, kind: str, sample: int = 0, channel: int = 0, groups: int | None = None, max_rows: int = 8
) -> go.Figure:
    """The N × C × (H·W) block with the values that share x[sample, channel]'s statistics in red.

    shape: the batch shape (N, C, *spatial); the mask comes from bnviz.norms.pooled_mask
    (which raises ValueError when the kind does not apply). Like Figure 2 of Wu & He's
    "Group Normalization": samples down, channels across, positions H·W in depth (a flat
    grid for a fully connected batch). At most max_rows samples are drawn.
    """
    shape = tuple(int(s) for s in shape)
    mask = pooled_mask(shape, kind, sample, channel, groups).any(axis=2)  # (N, C): positions share
    n, c = shape[:2]
    s = int(np.prod(shape[2:], dtype=np.int64))
    conv = len(shape) > 2
    depth = min(s, 4) if conv else 0
    ox, oy = 0.45, 0.3  # one depth slice, drawn obliquely

    rows = shown_samples(n, sample, max_rows)
    tops, y = [], 0.0
    for r in rows:
        h = 1.0 if r is not None else 0.7
        tops.append((y, y - h))
        y -= h
    bottom = y

    cells = {(part, pooled): [] for part in ("front", "top", "side") for pooled in (True, False)}
    for r, (y1, y0) in zip(rows, tops):
        if r is None:
            continue
        for ch in range(c):
            cells["front", bool(mask[r, ch])].append([(ch, y0), (ch + 1, y0), (ch + 1, y1), (ch, y1)])
        for d in range(depth):
            a, b = d, d + 1
            cells["side", bool(mask[r, c - 1])].append(
                [
                    (c + a * ox, y0 + a * oy),
                    (c + b * ox, y0 + b * oy),
                    (c + b * ox, y1 + b * oy),
                    (c + a * ox, y1 + a * oy),
                ]
            )
    if depth:
        top_row = rows[0]
        for ch in range(c):
            for d in range(depth):
                a, b = d, d + 1
                cells["top", bool(mask[top_row, ch])].append(
                    [(ch + a * ox, a * oy), (ch + 1 + a * ox, a * oy), (ch + 1 + b * ox, b * oy), (ch + b * ox, b * oy)]
                )

    fig = go.Figure()
    names = {True: "averaged into one mean and variance", False: "other values (other statistics)"}
    for (part, pooled), polys in cells.items():
        if not polys:
            continue
        xs, ys = _polygons(polys)
        colour = (POOLED if pooled else OTHER)[part]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line=dict(color="white", width=1),
                name=names[pooled],
                legendgroup=str(pooled),
                showlegend=part == "front",
                hoverinfo="skip",
            )
        )
    # The value being followed: x[sample, channel] (all its positions), outlined.
    k = rows.index(sample)
    y1, y0 = tops[k]
    follow = "x[" + f"{sample}, {channel}" + (", :, :]" if len(shape) == 4 else ", :]" if conv else "]")
    fig.add_trace(
        go.Scatter(
            x=[channel, channel + 1, channel + 1, channel, channel],
            y=[y0, y0, y1, y1, y0],
            mode="lines",
            line=dict(color="black", width=3),
            name=f"{follow}: the value followed",
            hoverinfo="skip",
        )
    )
    if kind == "group" and groups:
        size = c // groups
        for g in range(1, groups):
            fig.add_shape(type="line", x0=g * size, x1=g * size, y0=bottom, y1=0, line=dict(color="#333333", width=2.5))
            if depth:
                fig.add_shape(
                    type="line",
                    x0=g * size,
                    y0=0,
                    x1=g * size + depth * ox,
                    y1=depth * oy,
                    line=dict(color="#333333", width=2.5),
                )

    notes = []
    step = max(1, int(np.ceil(c / 16)))
    for ch in range(0, c, step):
        notes.append(dict(x=ch + 0.5, y=bottom - 0.35, text=str(ch), showarrow=False, font=dict(size=12)))
    notes.append(dict(x=c / 2, y=bottom - 1.0, text=f"channel c (C = {c})", showarrow=False, font=dict(size=13)))
    for r, (y1, y0) in zip(rows, tops):
        label = str(r) if r is not None else "⋮"
        notes.append(dict(x=-0.35, y=(y0 + y1) / 2, text=label, showarrow=False, xanchor="right", font=dict(size=12)))
    notes.append(
        dict(x=-1.6, y=bottom / 2, text=f"sample n (N = {n})", showarrow=False, textangle=-90, font=dict(size=13))
    )
    if depth:
        where = " × ".join(str(v) for v in shape[2:])
        notes.append(
            dict(
                x=c + depth * ox + 0.3,
                y=depth * oy / 2,
                text=f"positions H·W = {where} = {s}",
                showarrow=False,
                xanchor="left",
                font=dict(size=13),
            )
        )
    else:
        notes.append(
            dict(
                x=c + 0.3,
                y=-0.5,
                text="fully connected:<br>one value per<br>sample and channel",
                showarrow=False,
                xanchor="left",
                align="left",
                font=dict(size=12),
            )
        )
    fig.update_layout(annotations=notes)
    right = c + depth * ox + (5.5 if depth else 4.5)
    fig.update_xaxes(visible=False, range=[-2.2, right], constrain="domain")
    fig.update_yaxes(visible=False, range=[bottom - 1.4, depth * oy + 0.4], scaleanchor="x", scaleratio=1)
    title = f"{KIND_NAMES[kind]}: the values that share one mean and variance with {follow}"
    height = int(140 + 34 * (depth * oy - bottom + 1.8))
    return style(fig, height=max(height, 300), title=title).update_layout(margin=dict(l=10, r=10, t=90, b=10))
