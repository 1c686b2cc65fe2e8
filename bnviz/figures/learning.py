"""Figures of γ and β being learned: pure functions (training record, options) -> plotly Figure.

Long histories are thinned to at most `max_points` steps per trace and sent as float32, so a
figure stays a few tens of KB whatever the number of steps.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.core.activations import sigmoid
from bnviz.experiments.training.data import Experiment, ideal_output
from bnviz.experiments.training.loop import History, StepDetail
from bnviz.experiments.training.modes import TrainEval
from bnviz.experiments.training.settings import EPS
from bnviz.figures.common import COLORS, legend_below, style
from bnviz.notation import MU_B_SUB, STD_B_SUB, VAR_B_SUB
from bnviz.numbers import fixed, sig

# Learned parameters in one colour family, per-batch statistics in grey, running ones in purple.
GAMMA = "#ff7f0e"
BETA = "#8c564b"
BATCH_STAT = "#7f7f7f"
LOSS = "#1f77b4"
LEARNER = "#e377c2"
STEP_MARK = "#d62728"
MAX_EPOCH_LINES = 60


def level_line(axis: str, level: float) -> dict:
    """A dashed horizontal line across subplot `axis` ("", "2", …) at `level`: where the task wants γ or β."""
    return dict(
        type="line",
        xref=f"x{axis} domain",
        x0=0,
        x1=1,
        yref=f"y{axis}",
        y0=level,
        y1=level,
        line=dict(color=COLORS["target"], dash="dash", width=2),
    )


def thin(steps: int, max_points: int = 600) -> np.ndarray:
    """At most max_points step indices, evenly spread, always including the first and the last."""
    if steps <= max_points:
        return np.arange(steps)
    return np.unique(np.linspace(0, steps - 1, max_points).round().astype(int))


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


# The history figure's curves, each named by the `meta` of its trace: ui/live/kinds.js's stepReplay finds
# them by it and draws each up to the replayed step (history_figure's `until`).
CURVES = ("loss_epoch", "loss", "gamma", "beta", "mu", "running_mean", "var", "running_var")


@dataclass(frozen=True)
class Curve:
    """One curve of the history figure, (n,) each: x, its points on the step axis (steps counted from 1, or
    the middle of an epoch); y, the values drawn (float32); known, the step (from 1) from which each point
    is known (its own step; an epoch's mean loss, the epoch's last step), in increasing order."""

    x: np.ndarray
    y: np.ndarray
    known: np.ndarray

    def until(self, step: int | None) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the points known at 0-based `step` (all of them for None)."""
        n = len(self.x) if step is None else int(np.searchsorted(self.known, step + 1, side="right"))
        return self.x[:n], self.y[:n]


def history_curves(exp: Experiment, hist: History, channel: int, max_points: int = 300) -> dict[str, Curve]:
    """The curves of history_figure for one channel, by meta (CURVES): the loss of each batch and its mean
    over each full epoch (when there are two or more), γ, β, μ_B, running_mean, σ²_B, running_var, each at
    the steps thin(steps, max_points) keeps."""
    k = channel
    idx = thin(hist.steps, max_points)
    x = (idx + 1).astype(np.int32)  # steps are counted from 1 on screen; int32 halves the bytes sent
    curves = {}
    per_epoch = exp.settings.steps_per_epoch
    full = hist.steps // per_epoch
    if full >= 2:  # the per-batch loss is noisy by nature; its mean over each epoch shows the trend
        epoch_loss = hist.loss[: full * per_epoch, k].reshape(full, per_epoch).mean(axis=1)
        ends = (np.arange(full) + 1) * per_epoch
        curves["loss_epoch"] = Curve((np.arange(full) + 0.5) * per_epoch + 0.5, _f32(epoch_loss), ends)
    for name in CURVES[1:]:
        curves[name] = Curve(x, _f32(getattr(hist, name)[idx, k]), x)
    return curves


def _axis_range(values: list, log: bool = False, pad: float = 0.06) -> list[float] | None:
    """A y axis' range holding every finite value of `values` (log10 units on a log axis), with `pad` of its
    span on each side; None when nothing is finite (plotly then chooses)."""
    v = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in values])
    v = v[np.isfinite(v)]
    if log:
        v = np.log10(v[v > 0])
    if not v.size:
        return None
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else max(abs(lo), 1.0)
    return [lo - pad * span, hi + pad * span]


def history_figure(
    exp: Experiment,
    hist: History,
    channel: int,
    gamma_star: float,
    beta_star: float,
    step: int | None = None,
    max_points: int = 300,
    places: tuple[int, int] | None = None,
    until: int | None = None,
) -> go.Figure:
    """One shared step axis, five rows for one channel: loss; γ and β (learned) with the
    optimum γ*, β* as dashed lines; μ_B and σ²_B (computed per batch) with running_mean and
    running_var. Epoch boundaries are dotted vertical lines; `step` (0-based) is marked in red.
    until: the 0-based step up to which the curves are drawn (history_curves' `known`; None: all of them).
    The axes hold the whole training whatever `until`: a replay draws the curves into axes that stay.
    places: the decimals of γ and β, as the page's tables write every channel's (None: 4 significant digits).
    """
    curves = history_curves(exp, hist, channel, max_points)
    # A marker per batch shows μ_B jump from one batch to the next; past ~150 points they merge
    # into a line anyway, and each marker is one more shape for the browser to draw.
    batch_mode = "lines+markers" if len(curves["mu"].x) <= 150 else "lines"
    rows = [
        ("loss (thin: each batch,<br>dark: epoch mean)", [("loss", "loss", LOSS, "lines")]),
        ("γ (learned)", [("gamma", "γ", GAMMA, "lines")]),
        ("β (learned)", [("beta", "β", BETA, "lines")]),
        (
            f"{MU_B_SUB} (per batch)",
            [
                ("mu", f"{MU_B_SUB} of the batch", BATCH_STAT, batch_mode),
                ("running_mean", "running_mean", COLORS["running"], "lines"),
            ],
        ),
        (
            f"{VAR_B_SUB} (per batch)",
            [
                ("var", f"{VAR_B_SUB} of the batch", BATCH_STAT, batch_mode),
                ("running_var", "running_var", COLORS["running"], "lines"),
            ],
        ),
    ]
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.035)
    if "loss_epoch" in curves:
        x, y = curves["loss_epoch"].until(until)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                meta="loss_epoch",
                name="loss, mean of each epoch",
                mode="lines+markers",
                line=dict(color="#08306b", width=2.5, simplify=False),
                marker=dict(size=5),
                showlegend=False,
                hovertemplate="epoch mean loss = %{y:.4g}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for r, (title, traces) in enumerate(rows, start=1):
        for meta, name, color, mode in traces:
            x, y = curves[meta].until(until)
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    meta=meta,  # found by it in the browser (ui/live/kinds.js), never by position
                    name=name,
                    mode=mode,
                    # every point drawn (not simplified): the replay's in-place drawing draws each (ui/live/layer.js)
                    line=dict(color=color, width=1.2 if color == BATCH_STAT else 2, simplify=False),
                    marker=dict(size=3),
                    showlegend=r >= 4,
                    hovertemplate=f"step %{{x}}<br>{name} = %{{y:.4g}}<extra></extra>",
                ),
                row=r,
                col=1,
            )
        fig.update_yaxes(title_text=title, title_font=dict(size=11), row=r, col=1)
    # Shapes built as one list: plotly's add_hline/add_vline re-validate the whole layout per call.
    shapes, notes = [], []
    p_gamma, p_beta = places if places is not None else (None, None)
    for r, value, label, p in ((2, gamma_star, "γ*", p_gamma), (3, beta_star, "β*", p_beta)):
        if np.isfinite(value):
            axis = "" if r == 1 else str(r)
            shapes.append(level_line(axis, float(value)))
            notes.append(
                dict(
                    xref=f"x{axis} domain",
                    x=1.0,
                    yref=f"y{axis}",
                    y=float(value),
                    text=f"{label} = {sig(value) if p is None else fixed(value, p)}",
                    showarrow=False,
                    xanchor="right",
                    yanchor="bottom",
                    font=dict(color=COLORS["target"]),
                    bgcolor="rgba(255,255,255,0.8)",
                )
            )
    starts = exp.epoch_starts[1:]
    starts = starts[starts < hist.steps]
    if len(starts) <= MAX_EPOCH_LINES:
        shapes += [
            dict(
                type="line",
                xref="x",
                x0=float(s) + 0.5,
                x1=float(s) + 0.5,
                yref="paper",
                y0=0,
                y1=1,
                line=dict(color="#bbbbbb", dash="dot", width=1),
                layer="below",
            )
            for s in starts
        ]
    if step is not None:
        shapes.append(step_marker(step))
    fig.update_layout(shapes=shapes, annotations=list(fig.layout.annotations) + notes)
    fig.update_xaxes(range=[0.5, hist.steps + 0.5])
    fig.update_xaxes(title_text="training step (dotted lines: a new epoch, batches reshuffled)", row=len(rows), col=1)
    loss = hist.loss[:, channel]
    log = bool(np.all(loss > 0) and loss.max() > 20 * np.median(loss))  # falls by orders of magnitude
    if log:
        fig.update_yaxes(type="log", row=1, col=1)
    # Each row's range holds its whole curves (and γ*, β*), drawn up to `until` or not: fixed, not plotly's
    # autorange of what is drawn, so that a replay's axes never move.
    row_values = [
        ([curves[m].y for m in ("loss_epoch", "loss") if m in curves], log),
        ([curves["gamma"].y, [gamma_star]], False),
        ([curves["beta"].y, [beta_star]], False),
        ([curves["mu"].y, curves["running_mean"].y], False),
        ([curves["var"].y, curves["running_var"].y], False),
    ]
    for r, (values, on_log) in enumerate(row_values, start=1):
        fixed_range = _axis_range(values, on_log)
        if fixed_range is not None:
            fig.update_yaxes(range=fixed_range, autorange=False, row=r, col=1)
    return style(fig, height=760).update_layout(
        margin=dict(l=70, r=20, t=40, b=50), legend=dict(orientation="h", y=1.02, x=0)
    )


def ends_figure(exp: Experiment, hist: History, channel: int, height: int = 340, max_points: int = 300) -> go.Figure:
    """Where γ and β go, compact: two rows on one step axis for one channel, γ beside each batch's σ_B and β
    beside each batch's μ_B, with the data's √(σ² + ε) and μ dashed (where γ, β undo the normalization).
    No legend: each row's title names its curves, learned in colour and per batch in grey."""
    curves = history_curves(exp, hist, channel, max_points)
    sigma, mu = float(np.sqrt(exp.std[channel] ** 2 + EPS)), float(exp.mu[channel])
    rows = (
        (
            f"γ (orange) and {STD_B_SUB} of each batch (grey)",
            "gamma",
            GAMMA,
            np.sqrt(curves["var"].y + EPS),
            sigma,
            "σ",
        ),
        (f"β (brown) and {MU_B_SUB} of each batch (grey)", "beta", BETA, curves["mu"].y, mu, "μ"),
    )
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16, subplot_titles=[r[0] for r in rows])
    shapes, notes = [], []
    for r, (_, meta, color, batch_y, level, label) in enumerate(rows, start=1):
        x, name = curves[meta].x, {"gamma": "γ", "beta": "β"}[meta]
        fig.add_trace(
            go.Scatter(
                x=x, y=batch_y, name=f"{label}_B of the batch", mode="lines", line=dict(color="#aaaaaa", width=1)
            ),
            row=r,
            col=1,
        )
        fig.add_trace(
            go.Scatter(x=x, y=curves[meta].y, name=name, mode="lines", line=dict(color=color, width=3)), row=r, col=1
        )
        axis = "" if r == 1 else str(r)
        shapes.append(level_line(axis, level))
        notes.append(
            dict(
                xref=f"x{axis} domain",
                x=0.0,
                yref=f"y{axis}",
                y=level,
                text=f"{label} = {sig(level, 3)}",
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
                bgcolor="rgba(255,255,255,0.8)",
            )
        )
        fixed_range = _axis_range([batch_y, curves[meta].y, [level]])
        if fixed_range is not None:
            fig.update_yaxes(range=fixed_range, autorange=False, row=r, col=1)
    fig.update_layout(shapes=shapes, annotations=list(fig.layout.annotations) + notes, showlegend=False)
    fig.update_xaxes(range=[0.5, hist.steps + 0.5])
    fig.update_xaxes(title_text="training step", row=2, col=1)
    return style(fig, height=height).update_layout(margin=dict(l=60, r=20, t=40, b=50))


REPLAYED = ("mu", "var", "gamma", "beta", "loss")  # a step's numbers, as the replay shows them


def replay_stride(steps: int, max_points: int = 2000) -> int:
    """The step grid of the replay: every step of a training of at most max_points steps, else every
    k-th (steps 1, 1 + k, 1 + 2k, …), k the smallest that keeps max_points steps or fewer."""
    return max(1, math.ceil((steps - 1) / (max_points - 1)))


def replay_arrays(hist: History, channel: int, stride: int = 1) -> dict[str, list]:
    """The recorded numbers of one channel at steps 1, 1 + stride, … (0-based rows 0, stride, …),
    as float64 JSON lists the browser reads exactly (a non-finite value is None): mu, var, gamma,
    beta, loss, each of length ceil(steps / stride), and the stride."""
    rows = slice(0, hist.steps, stride)
    arrays: dict[str, list] = {"stride": stride}
    for name in REPLAYED:
        column = getattr(hist, name)[rows, channel].astype(float)
        arrays[name] = [v if math.isfinite(v) else None for v in column.tolist()]
    return arrays


def replay_curves(curves: dict[str, Curve]) -> dict[str, dict]:
    """history_curves as the browser's replay reads them (ui/live/kinds.js, stepReplay), by meta: x and known
    as JSON numbers, y as plotly.js reads a typed array, {"dtype": "f4", "bdata": base64 of its little-endian
    bytes}: the float32 values the figure draws, exactly, in a third of the text."""
    return {
        meta: {
            "x": c.x.tolist(),
            "y": {"dtype": "f4", "bdata": base64.b64encode(c.y.astype("<f4").tobytes()).decode("ascii")},
            "known": c.known.tolist(),
        }
        for meta, c in curves.items()
    }


def replay_figure(
    exp: Experiment,
    hist: History,
    channel: int,
    gamma_star: float,
    beta_star: float,
    step: int,
    places: tuple[int, int] | None = None,
) -> go.Figure:
    """The replay at 0-based `step`, as the browser draws it: the history figure marked at `step`, its curves
    drawn up to it (what is known after that step), in the axes of the whole training."""
    return history_figure(exp, hist, channel, gamma_star, beta_star, step=step, places=places, until=step)


def step_marker(step: int) -> dict:
    """A red vertical line across every row of the history figure at 0-based `step`."""
    return dict(
        name="step_marker",  # moved by ui/live/kinds.js
        type="line",
        xref="x",
        x0=step + 1,
        x1=step + 1,
        yref="paper",
        y0=0,
        y1=1,
        line=dict(color=STEP_MARK, width=2),
    )


def with_step_marker(figure: dict, step: int) -> go.Figure:
    """The history figure, given as a dict (history_figure(...).to_dict(), already validated
    once), with `step` marked. Rebuilt without plotly's validation: ten times cheaper than
    building it again, which matters when a slider moves the marker."""
    layout = dict(figure["layout"])
    layout["shapes"] = [*layout.get("shapes", ()), step_marker(step)]
    return go.Figure(data=figure["data"], layout=layout, _validate=False)


def _fit(d: StepDetail) -> str:
    """γ·x̂ + β with the step's γ and β as the line above the figure and the replay's readouts write them
    (sig), a negative β after a minus: "0.4855·x̂ − 3.01"."""
    sign = "−" if sig(d.beta).startswith("-") else "+"
    return f"{sig(d.gamma)}·x̂ {sign} {sig(abs(d.beta))}"


def step_figure(detail: StepDetail, task: str) -> go.Figure:
    """One step up close. Left: the mini-batch x (input) and BN's output y, with μ_B ± σ_B.
    Right: the fit that γ and β make, y = γ·x̂ + β drawn over x̂, against the targets (or,
    for the classifier, sigmoid(y) against the 0/1 labels); each grey segment is one
    value's error, whose sign and size give ∂L/∂y.
    """
    d = detail
    classify = task == "classify"
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        horizontal_spacing=0.1,
        subplot_titles=(
            f"The mini-batch of step {d.step + 1} ({len(d.x)} values)",
            "What the loss compares: sigmoid(γ·x̂ + β) and the labels"
            if classify
            else "What the loss compares: y = γ·x̂ + β and the targets",
        ),
    )
    sd = float(np.sqrt(d.var))
    fig.add_trace(
        go.Scatter(
            x=[d.mu - sd, d.mu + sd],
            y=[1, 1],
            mode="lines",
            line=dict(color=BATCH_STAT, width=8),
            name=f"{MU_B_SUB} ± {STD_B_SUB}",
            opacity=0.35,
            hoverinfo="skip",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[d.mu],
            y=[1],
            mode="markers",
            marker=dict(symbol="line-ns", size=22, line=dict(width=3, color=BATCH_STAT)),
            name=f"{MU_B_SUB} = {sig(d.mu)}",  # the step's numbers with the 4 digits of the line above the figure
            hovertemplate=f"{MU_B_SUB} = {sig(d.mu)}<br>{VAR_B_SUB} = {sig(d.var)}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for yy, values, name, color in ((1, d.x, "x (input)", COLORS["x"]), (0, d.y, "output y = γ·x̂ + β", COLORS["y"])):
        fig.add_trace(
            go.Scatter(
                x=_f32(values),
                y=np.full(len(values), yy),
                mode="markers",
                name=name,
                marker=dict(color=color, size=9, opacity=0.6, line=dict(width=1, color="white")),
                hovertemplate=f"{name}: %{{x:.4g}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(tickvals=[0, 1], ticktext=["output y", "input x"], range=[-0.6, 1.6], row=1, col=1)
    fig.update_xaxes(title_text="value", row=1, col=1)

    lo, hi = float(min(d.x_hat.min(), -1.0)), float(max(d.x_hat.max(), 1.0))
    line_x = np.linspace(lo, hi, 60)
    line_y = d.gamma * line_x + d.beta
    fitted = d.gamma * d.x_hat + d.beta
    if classify:
        line_y, fitted = sigmoid(line_y), sigmoid(fitted)
    seg_x = np.repeat(d.x_hat, 3)
    seg_y = np.column_stack([fitted, d.t, np.full(len(d.t), np.nan)]).ravel()
    seg_x[2::3] = np.nan
    fig.add_trace(
        go.Scatter(
            x=_f32(seg_x),
            y=_f32(seg_y),
            mode="lines",
            line=dict(color="#999999", width=1),
            name="error of each value",
            hoverinfo="skip",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=_f32(line_x),
            y=_f32(line_y),
            mode="lines",
            line=dict(color=COLORS["y"], width=3),
            name=f"sigmoid({_fit(d)})" if classify else f"y = {_fit(d)}",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=_f32(d.x_hat),
            y=_f32(d.t),
            mode="markers",
            name="label (0 or 1)" if classify else "target",
            marker=dict(color=COLORS["target"], size=8, symbol="circle-open", line=dict(width=2)),
            customdata=np.column_stack([d.dy]).astype(np.float32),
            hovertemplate="x̂ = %{x:.3g}<br>target %{y:.4g}<br>∂L/∂y = %{customdata[0]:.3g}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text=f"x̂ (normalized with this batch's {MU_B_SUB}, {VAR_B_SUB})", row=1, col=2)
    fig.update_yaxes(title_text="probability" if classify else "value", row=1, col=2)
    return style(fig, height=430).update_layout(margin=dict(l=60, r=20, t=70, b=110), legend=legend_below())


def landscape_figure(
    gammas: np.ndarray,
    betas: np.ndarray,
    loss_grid: np.ndarray,
    optimizer_path: tuple[np.ndarray, np.ndarray],
    optimum: tuple[float, float],
    learner_path: list[tuple[float, float]] | None = None,
    learner_losses: list[float] | None = None,
    optimizer_name: str = "SGD",
    max_points: int = 400,
) -> go.Figure:
    """The average loss over (γ, β) for one channel as a contour map, with the optimizer's
    path (thinned to max_points), its start and end, the optimum, and the learner's own path.

    loss_grid: (len(betas), len(gammas)), e.g. from Landscape.grid.
    """
    g_path, b_path = (np.asarray(a, dtype=float) for a in optimizer_path)
    idx = thin(len(g_path), max_points)
    fig = go.Figure(
        go.Contour(
            x=_f32(gammas),
            y=_f32(betas),
            z=_f32(loss_grid),
            colorscale="Blues",
            reversescale=True,
            ncontours=24,
            line=dict(width=0.5, color="white"),
            colorbar=dict(title="loss", thickness=12),
            hovertemplate="γ = %{x:.3g}<br>β = %{y:.3g}<br>loss = %{z:.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=_f32(g_path[idx]),
            y=_f32(b_path[idx]),
            mode="lines",
            name=f"{optimizer_name}, step by step",
            line=dict(color=GAMMA, width=2),
            hovertemplate="γ = %{x:.4g}, β = %{y:.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[g_path[0]],
            y=[b_path[0]],
            mode="markers",
            name="start",
            marker=dict(color="white", size=11, line=dict(color="black", width=2)),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[g_path[-1]],
            y=[b_path[-1]],
            mode="markers",
            name=f"{optimizer_name} at the end",
            marker=dict(color=GAMMA, size=11, symbol="diamond", line=dict(color="black", width=1)),
        )
    )
    if np.all(np.isfinite(optimum)):
        fig.add_trace(
            go.Scatter(
                x=[optimum[0]],
                y=[optimum[1]],
                mode="markers",
                name="optimum γ*, β*",
                marker=dict(color=COLORS["target"], size=16, symbol="star", line=dict(color="black", width=1)),
            )
        )
    if learner_path:
        lg, lb = zip(*learner_path)
        losses = list(learner_losses or [np.nan] * len(lg))
        fig.add_trace(
            go.Scatter(
                x=list(lg),
                y=list(lb),
                mode="lines+markers",
                name="your path",
                line=dict(color=LEARNER, width=2, dash="dot"),
                marker=dict(size=8, color=LEARNER),
                customdata=np.arange(1, len(lg) + 1),
                text=[f"{v:.4g}" for v in losses],
                hovertemplate="your move %{customdata}<br>γ = %{x:.4g}, β = %{y:.4g}<br>loss = %{text}<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="γ (scale)", range=[float(gammas[0]), float(gammas[-1])])
    fig.update_yaxes(title_text="β (shift)", range=[float(betas[0]), float(betas[-1])])
    return style(fig, height=560).update_layout(margin=dict(l=60, r=20, t=30, b=90), legend=legend_below())


def train_eval_figure(results: list[tuple[Experiment, TrainEval]], channel: int) -> go.Figure:
    """For each training (e.g. batch 2 and batch 64): the held-out values x against BN's output
    in training mode (a cloud: a value's output depends on its batch-mates) and in eval mode
    (one line: running statistics are fixed), with what the task wants as a reference line.
    """
    k = channel
    task = results[0][0].settings.task
    fig = make_subplots(
        rows=1,
        cols=len(results),
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=[f"trained with batches of {te.batch_size}" for _, te in results],
    )
    for col, (exp, te) in enumerate(results, start=1):
        order = np.argsort(te.x[:, k])
        xs = te.x[order, k]
        fig.add_trace(
            go.Scatter(
                x=_f32(xs),
                y=_f32(ideal_output(exp, te.x[order])[:, k]),
                mode="lines",
                name="what the task wants",
                line=dict(color=COLORS["target"], dash="dash", width=2),
                showlegend=col == 1,
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=_f32(te.x[:, k]),
                y=_f32(te.y_train[:, k]),
                mode="markers",
                name="training mode (batch statistics)",
                marker=dict(color=COLORS["y"], size=6, opacity=0.55),
                showlegend=col == 1,
                hovertemplate="x = %{x:.4g}<br>train-mode y = %{y:.4g}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=_f32(xs),
                y=_f32(te.y_eval[order, k]),
                mode="lines",
                name="eval mode (running statistics)",
                line=dict(color=COLORS["running"], width=3),
                showlegend=col == 1,
                hovertemplate="x = %{x:.4g}<br>eval-mode y = %{y:.4g}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="held-out value x", row=1, col=col)
    fig.update_yaxes(title_text="logit y (before the sigmoid)" if task == "classify" else "BN output y", row=1, col=1)
    return style(fig, height=460).update_layout(margin=dict(l=60, r=20, t=60, b=100), legend=legend_below())
