"""Figures for "Why BN helps": the networks without BN, with BN, and with BN but no γ and β, side by side.

Pure functions (runs, options) -> plotly Figure; `runs` is a sequence of mlp.Run, one per
network, drawn in that order (one panel or one line each). Everything sent is already reduced on the
server: curves are window means (at most mlp.RECORDS points), histograms are counts, the
decision boundary is a GRID x GRID image. A diverged run draws up to its last finite step
and is marked; no NaN reaches the browser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from bnviz.experiments.jolt import ARMS, Jolt, Undo
from bnviz.experiments.mlp import Run, Sweep
from bnviz.figures.common import BN_WITHOUT_GAMMA_BETA, COLORS, style
from bnviz.notation import MU_RUN_SUB, VAR_RUN_SUB

# One colour per network from the Okabe–Ito palette (blue, vermillion, bluish green), which
# stays distinct for colour-blind readers; the network without γ and β is also dashed.
NET_COLORS = {"none": COLORS["x"], "bn": COLORS["y"], "bn_no_affine": BN_WITHOUT_GAMMA_BETA}
NET_DASH = {"none": None, "bn": None, "bn_no_affine": "dash"}
MARKERS = {"none": "circle", "bn": "diamond", "bn_no_affine": "square"}  # the sweep's points
NAMES = {"none": "without BN", "bn": "BN with γ, β", "bn_no_affine": "BN without γ, β"}
PANEL = {"none": "Without BN", "bn": "BN with γ, β", "bn_no_affine": "BN without γ, β"}
CLASS_COLORS = ("#ff7f0e", "#17becf")  # class 0, class 1
CHANCE_LOSS = float(np.log(2.0))  # the loss of always answering p = 0.5
GUESSING = "guessing (log 2)"
LOSS_CAP = 1e3  # the loss axis stops here: above it a run is blowing up, its exact size hides the rest


def _key(run: Run) -> str:
    return run.norm


def _f32(values) -> np.ndarray:
    """Half the bytes of float64 in the figure's JSON, and more digits than a chart shows.

    Only for values known to be small (coordinates, shares): a diverging loss can exceed
    float32's 3.4e38 and stays float64.
    """
    return np.asarray(values, dtype=np.float32)


def outcome(run: Run) -> str:
    """One line for a run: its final loss and accuracy, or where it diverged."""
    if run.diverged and run.diverged_at > run.steps:
        return "diverged: its weights overflowed in the last step"
    if run.diverged:
        return f"diverged at step {run.diverged_at}: the loss or a weight overflowed"
    return f"final loss {run.final_loss:.3g}, accuracy {percent(run.final_accuracy)}"


def percent(share: float) -> str:
    """0.996 -> "99.6%", not "100%": 100% only when every point is right."""
    if share == 1.0:
        return "100%"
    return f"{share:.1%}" if share > 0.99 else f"{share:.0%}"


def _frame(fig: go.Figure, height: int, title: str | None = None, legend_rows: int = 1) -> go.Figure:
    """style(), then stack title, legend and subplot titles above the plots without overlap.

    Positions are in pixels from the top of the figure (yref "container"), so they hold
    whatever the height.
    """
    style(fig, height=height)
    top = 8
    if title:
        fig.update_layout(title=dict(text=title, yref="container", y=1 - top / height, yanchor="top", x=0.01))
        top += 30
    if legend_rows:
        fig.update_layout(legend=dict(yref="container", y=1 - top / height, yanchor="top", orientation="h", x=0))
        top += 22 * legend_rows + 6
    fig.update_layout(margin=dict(t=top + 28))
    return fig


def _diverged_marker(fig, run: Run, y: float, row: int, col: int, showlegend: bool) -> None:
    fig.add_trace(
        go.Scatter(
            x=[min(run.diverged_at, run.steps)],
            y=[y],
            mode="markers+text",
            marker=dict(symbol="x", size=14, color=NET_COLORS[_key(run)], line=dict(width=2)),
            text=[f"diverged (step {run.diverged_at})"],
            textposition="top right",
            textfont=dict(color=NET_COLORS[_key(run)]),
            name=f"{NAMES[_key(run)]}: diverged",
            legendgroup=_key(run),
            showlegend=showlegend,
            hovertemplate=f"{NAMES[_key(run)]} diverged at step {run.diverged_at}<extra></extra>",
        ),
        row=row,
        col=col,
    )


def _diverged_note(fig, run: Run, col: int) -> None:
    """ "Diverged at step k" in the middle of panel col of a one-row figure."""
    axis = "x" if col == 1 else f"x{col}"
    fig.add_annotation(
        text=f"diverged at step {run.diverged_at}",
        x=0.5,
        y=0.5,
        xref=f"{axis} domain",
        yref=f"{axis.replace('x', 'y')} domain",
        showarrow=False,
        font=dict(size=14, color=NET_COLORS[_key(run)]),
        bgcolor="rgba(255,255,255,0.85)",
    )


def curves_figure(runs: Sequence[Run], height: int = 380, accuracy: bool = True) -> go.Figure:
    """Training loss (log scale) and accuracy against step, every network on each panel; the loss alone
    when not `accuracy` (a projector's half screen).

    Each point is the mean over a window of steps of the mini-batch values in training mode.
    """
    titles = ("Loss on the mini-batches (log scale)", "Accuracy on the mini-batches")
    fig = make_subplots(
        rows=1,
        cols=2 if accuracy else 1,
        subplot_titles=titles if accuracy else titles[:1],
        horizontal_spacing=0.08,
    )
    losses = np.concatenate([run.loss for run in runs] + [[CHANCE_LOSS]])
    low = max(float(losses.min()), 1e-8)  # a loss can round to exactly 0, which a log axis has not
    top = min(float(losses.max()), LOSS_CAP)
    for run in runs:
        key = _key(run)
        for col, values, fmt in ((1, run.loss, ".3g"), (2, run.accuracy, ".0%"))[: 2 if accuracy else 1]:
            fig.add_trace(
                go.Scatter(
                    x=run.loss_step,
                    y=values,
                    mode="lines",
                    line=dict(color=NET_COLORS[key], width=2.5, dash=NET_DASH[key]),
                    name=NAMES[key],
                    legendgroup=key,
                    showlegend=col == 1,
                    hovertemplate=f"{NAMES[key]}<br>step %{{x}}: %{{y:{fmt}}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        if run.diverged:
            last_loss = min(float(run.loss[-1]), top) if run.loss.size else top
            last_acc = float(run.accuracy[-1]) if run.accuracy.size else 0.5
            _diverged_marker(fig, run, last_loss, 1, 1, showlegend=False)
            if accuracy:
                _diverged_marker(fig, run, last_acc, 1, 2, showlegend=False)
    if losses.max() > LOSS_CAP:
        highest = max(runs, key=lambda r: float(r.loss.max()) if r.loss.size else -np.inf)
        fig.add_annotation(
            x=0.99,
            y=0.99,
            xref="x domain",
            yref="y domain",
            xanchor="right",
            yanchor="top",
            showarrow=False,
            text=f"off the chart: the loss reached {losses.max():.1e}",
            font=dict(color=NET_COLORS[_key(highest)]),
        )
    _guessing_line(fig, row=1, col=1)
    steps = max(run.steps for run in runs)
    fig.update_xaxes(title_text="training step", range=[0, steps * 1.02])
    fig.update_yaxes(
        type="log", dtick=1, exponentformat="none", range=[np.log10(low) - 0.15, np.log10(top) + 0.15], row=1, col=1
    )
    if accuracy:
        fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=1, col=2)
    return _frame(fig, height)


def boundary_figure(runs: Sequence[Run], X: np.ndarray, y: np.ndarray, height: int = 420) -> go.Figure:
    """Each network's P(class 1) over the plane (eval mode, running statistics) with the points.

    X: (N, 2) points, y: (N,) labels in {0, 1}. The line P = 0.5 is the decision boundary.
    """
    fig = make_subplots(
        rows=1,
        cols=len(runs),
        subplot_titles=[f"{PANEL[_key(r)]}<br>{outcome(r)}" for r in runs],  # two lines: three panels are narrow
        horizontal_spacing=0.04,
    )
    light = [[0.0, "#ffd8b0"], [0.5, "#ffffff"], [1.0, "#b3ecf2"]]
    for col, run in enumerate(runs, start=1):
        if run.boundary is not None:
            # One contour trace: the colour is P(class 1), the one line is P = 50 %.
            fig.add_trace(
                go.Contour(
                    x=_f32(run.grid_x),
                    y=_f32(run.grid_y),
                    z=np.round(100 * run.boundary).astype(np.uint8),
                    zmin=0,
                    zmax=100,
                    colorscale=light,
                    showscale=False,
                    contours=dict(start=50, end=50, size=1, coloring="heatmap"),
                    line=dict(color=NET_COLORS[_key(run)], width=3),
                    hovertemplate="P(class 1) = %{z}%<extra></extra>",
                    name="boundary",
                ),
                row=1,
                col=col,
            )
        else:
            fig.add_annotation(
                text=f"diverged at step {run.diverged_at}:<br>no boundary to draw",
                x=0.0,
                y=0.0,
                showarrow=False,
                font=dict(size=16, color=NET_COLORS[_key(run)]),
                bgcolor="rgba(255,255,255,0.85)",
                row=1,
                col=col,
            )
        for label in (0, 1):
            pts = X[y == label]
            fig.add_trace(
                go.Scatter(
                    x=_f32(pts[:, 0]),
                    y=_f32(pts[:, 1]),
                    mode="markers",
                    marker=dict(size=5, color=CLASS_COLORS[label], line=dict(width=0.5, color="#333")),
                    name=f"class {label}",
                    legendgroup=f"class{label}",
                    showlegend=col == 1,
                    hovertemplate=f"class {label}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_xaxes(showticklabels=False, range=[float(X[:, 0].min()) - 0.5, float(X[:, 0].max()) + 0.5])
    fig.update_yaxes(showticklabels=False, range=[float(X[:, 1].min()) - 0.5, float(X[:, 1].max()) + 0.5])
    for col in range(1, len(runs) + 1):
        fig.update_yaxes(scaleanchor="x" if col == 1 else f"x{col}", row=1, col=col)
    fig = _frame(fig, height)
    return fig.update_layout(margin=dict(t=fig.layout.margin.t + 20))  # room for the titles' second line


def strip_intensity(counts: np.ndarray, total: int) -> np.ndarray:
    """Brightness of a histogram-strip cell: log(1 + count) / log(1 + total), as 0..100 (uint8).

    The log (as in fastai's activation plots) keeps a bin holding a few outputs visible
    next to one holding thousands; uint8 keeps the figure's JSON small.
    """
    scaled = np.log1p(counts) / np.log1p(max(total, 1)) * 100
    return np.round(scaled).astype(np.uint8)


def activation_strips(runs: Sequence[Run], activation: str, height_per_layer: int = 115) -> go.Figure:
    """One strip per hidden layer and network: the histogram of its outputs at each snapshot.

    x: training step, y: output value (bins over mlp.HIST_RANGE), brightness: how many of
    the mini-batch's batch_size · width outputs fall in the bin (log scale).
    """
    depth = runs[0].hist_counts.shape[0]
    fig = make_subplots(
        rows=depth,
        cols=len(runs),
        shared_xaxes=True,
        column_titles=[PANEL[_key(r)] for r in runs],
        row_titles=[f"layer {l + 1}" for l in range(depth)],
        horizontal_spacing=0.03,
        vertical_spacing=0.04,
    )
    for col, run in enumerate(runs, start=1):
        edges = run.hist_edges
        centres = _f32(0.5 * (edges[:-1] + edges[1:]))
        for l in range(depth):
            if run.snapshot_step.size:
                fig.add_trace(
                    go.Heatmap(
                        x=run.snapshot_step,
                        y=centres,
                        z=strip_intensity(run.hist_counts[l].T, run.hist_total),
                        coloraxis="coloraxis",  # one colour scale for every strip, sent once
                        hovertemplate=f"layer {l + 1}, step %{{x}}<br>output ≈ %{{y:.2f}}<extra></extra>",
                    ),
                    row=l + 1,
                    col=col,
                )
            if run.diverged:
                fig.add_annotation(
                    text=f"diverged at step {run.diverged_at}" if l == 0 else "",
                    x=run.steps / 2,
                    y=float(centres.mean()),
                    showarrow=False,
                    font=dict(color=NET_COLORS[_key(run)]),
                    row=l + 1,
                    col=col,
                )
    steps = max(run.steps for run in runs)
    lo, hi = float(runs[0].hist_edges[0]), float(runs[0].hist_edges[-1])
    fig.update_xaxes(range=[0, steps])
    fig.update_xaxes(title_text="training step", row=depth)
    ticks = [lo, (lo + hi) / 2, hi]
    labels = [f"{t:g}" for t in ticks[:-1]] + [f"≥ {hi:g}" if activation == "ReLU" else f"{hi:g}"]
    fig.update_yaxes(range=[lo, hi], tickvals=ticks, ticktext=labels, tickfont_size=10)
    fig.update_annotations(font_size=12)
    fig.update_layout(coloraxis=dict(colorscale="Viridis", cmin=0, cmax=100, showscale=False))
    title = f"Each layer's {activation} outputs during training (brighter = more outputs at that value)"
    return _frame(fig, 110 + height_per_layer * depth, title, legend_rows=0).update_layout(margin=dict(r=60))


def _legend_column(runs: Sequence[Run]) -> int:
    """The panel whose traces name the layers: the first whose run has a snapshot (a run that
    diverged before its first snapshot has no lines)."""
    return next((col for col, run in enumerate(runs, start=1) if run.snapshot_step.size), 1)


def _layer_colors(n: int) -> list[str]:
    """n shades from light (first layer) to dark (last layer)."""
    return sample_colorscale("Viridis", list(np.linspace(0.85, 0.0, n)))


def _panels(runs: Sequence[Run]) -> tuple[go.Figure, int]:
    """One panel per network, side by side on a shared y axis, and the column that carries the legend."""
    fig = make_subplots(
        rows=1,
        cols=len(runs),
        shared_yaxes=True,
        subplot_titles=[PANEL[_key(r)] for r in runs],
        horizontal_spacing=0.04,
    )
    return fig, _legend_column(runs)


def saturation_figure(runs: Sequence[Run], activation: str, height: int = 340) -> go.Figure:
    """Share of saturated units per hidden layer against step (definition: mlp.saturated_share)."""
    depth = runs[0].saturation.shape[0]
    colors = _layer_colors(depth)
    fig, legend_col = _panels(runs)
    for col, run in enumerate(runs, start=1):
        for l in range(depth):
            fig.add_trace(
                go.Scatter(
                    x=run.snapshot_step,
                    y=_f32(run.saturation[l]),
                    mode="lines",
                    line=dict(color=colors[l], width=2),
                    name=f"layer {l + 1}",
                    legendgroup=f"layer{l}",
                    showlegend=col == legend_col,
                    hovertemplate=f"layer {l + 1}, step %{{x}}: %{{y:.0%}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        if run.diverged:
            _diverged_note(fig, run, col)
    title = "Dead units per layer" if activation == "ReLU" else "Saturated outputs per layer"
    fig.update_yaxes(range=[-0.02, 1.02], tickformat=".0%")
    fig.update_xaxes(title_text="training step", range=[0, max(run.steps for run in runs)])
    return _frame(fig, height, title, legend_rows=1)


def gradient_figure(runs: Sequence[Run], height: int = 340) -> go.Figure:
    """Root mean square of dL/dW per layer against step, log scale, the same axis for every network."""
    layers = runs[0].grad_rms.shape[0]
    colors = _layer_colors(layers - 1) + ["#444444"]
    fig, legend_col = _panels(runs)
    for col, run in enumerate(runs, start=1):
        for l in range(layers):
            name = f"layer {l + 1}" if l < layers - 1 else "output layer"
            values = run.grad_rms[l]
            shown = values > 0  # a log axis has no 0 (a layer of dead ReLUs gets no gradient at all)
            fig.add_trace(
                go.Scatter(
                    x=run.snapshot_step[shown],
                    y=values[shown],
                    mode="lines",
                    line=dict(color=colors[l], width=2, dash="dot" if l == layers - 1 else None),
                    name=name,
                    legendgroup=f"layer{l}",
                    showlegend=col == legend_col,
                    hovertemplate=f"{name}, step %{{x}}: %{{y:.2g}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        if run.diverged:
            _diverged_note(fig, run, col)
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(title_text="training step", range=[0, max(run.steps for run in runs)])
    title = "Gradient size per layer, RMS of dL/dW (log scale)"
    return _frame(fig, height, title, legend_rows=1).update_layout(margin=dict(l=60))


def _guessing_line(fig: go.Figure, **cell) -> None:
    """The loss of a network that answers 50 % for every point: a dotted line across the plot (of the subplot
    `cell`, row and col), named in the legend. Not by a label beside it: the curves cross the line everywhere,
    and plotly sets an hline's label at the line's value, which a log axis reads as its log10 (10^0.69 ≈ 4.9)."""
    line = dict(color="#999", dash="dot", width=1)
    fig.add_hline(y=CHANCE_LOSS, line=line, **cell)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, name=GUESSING, hoverinfo="skip"), **cell)


def sweep_figure(sweep: Sweep, current_lr: float | None = None, height: int = 400) -> go.Figure:
    """Final loss on the whole dataset (eval mode) against learning rate, every network.

    A diverged run has no final loss: it is drawn as an × above every finite point.
    """
    finals = [r.final_loss for runs in sweep.runs.values() for r in runs if not r.diverged]
    top = max(finals + [CHANCE_LOSS]) * 3
    fig = go.Figure()
    for key, runs in sweep.runs.items():
        ok = [r for r in runs if not r.diverged]
        fig.add_trace(
            go.Scatter(
                x=[r.lr for r in ok],
                y=[r.final_loss for r in ok],
                mode="lines+markers",
                line=dict(color=NET_COLORS[key], width=2.5, dash=NET_DASH[key]),
                marker=dict(size=8, symbol=MARKERS[key]),
                name=NAMES[key],
                customdata=[r.final_accuracy for r in ok],
                hovertemplate=f"{NAMES[key]}<br>learning rate %{{x:.3g}}<br>final loss %{{y:.3g}}, accuracy %{{customdata:.0%}}<extra></extra>",
            )
        )
        bad = [r for r in runs if r.diverged]
        if bad:
            fig.add_trace(
                go.Scatter(
                    x=[r.lr for r in bad],
                    y=[top] * len(bad),
                    mode="markers",
                    marker=dict(symbol="x", size=13, color=NET_COLORS[key], line=dict(width=2)),
                    name=f"{NAMES[key]}: diverged",
                    customdata=[r.diverged_at for r in bad],
                    hovertemplate=f"{NAMES[key]}<br>learning rate %{{x:.3g}}: diverged at step %{{customdata}}<extra></extra>",
                )
            )
    _guessing_line(fig)
    if current_lr is not None:
        fig.add_vline(x=current_lr, line=dict(color="#555", dash="dash", width=1))
        # Written by hand: on a log axis an annotation's x is log10 of the value.
        fig.add_annotation(
            x=float(np.log10(current_lr)),
            y=1,
            yref="paper",
            yanchor="bottom",
            xanchor="left",
            text=f"your run: {current_lr:g}",
            showarrow=False,
            font=dict(color="#555"),
        )
    lo, hi = np.log10(float(np.min(sweep.lrs))), np.log10(float(np.max(sweep.lrs)))
    fig.update_xaxes(type="log", title_text="learning rate", range=[lo - 0.2, hi + 0.2], dtick=1, exponentformat="none")
    fig.update_yaxes(type="log", title_text="final loss, whole dataset", dtick=1, exponentformat="none")
    return _frame(fig, height, "Final loss after training, at each learning rate (× = diverged)").update_layout(
        margin=dict(l=60)
    )


def gamma_beta_figure(bn: Run, height: int = 320) -> go.Figure:
    """The learned γ and β of the network with BN and γ, β: one dot per unit, one column per hidden layer.

    They start at γ = 1 and β = 0 (dotted lines); where they end is each layer's own
    choice of scale and offset for its pre-activations.
    """
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("γ (scale), started at 1", "β (shift), started at 0"), horizontal_spacing=0.08
    )
    depth, width = bn.gamma.shape
    rng = np.random.default_rng(0)  # a fixed horizontal jitter, so dots of one layer do not hide each other
    jitter = rng.uniform(-0.18, 0.18, width)
    for col, (values, start) in enumerate(((bn.gamma, 1.0), (bn.beta, 0.0)), start=1):
        for l in range(depth):
            fig.add_trace(
                go.Scatter(
                    x=_f32(l + 1 + jitter),
                    y=_f32(values[l]),
                    mode="markers",
                    marker=dict(size=5, color=NET_COLORS["bn"], opacity=0.6),
                    showlegend=False,
                    hovertemplate=f"layer {l + 1}: %{{y:.3f}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_hline(y=start, line=dict(color="#999", dash="dot", width=1), row=1, col=col)
    fig.update_xaxes(title_text="hidden layer", tickvals=list(range(1, depth + 1)), range=[0.5, depth + 0.5])
    return _frame(fig, height, "What γ and β learned in the network “BN with γ, β” (one dot per unit)", legend_rows=0)


def factor_text(factor: float) -> str:
    """The jolt's factor as the page writes it: "×10", "×0.1"."""
    return f"×{factor:g}"


def _jolt_lines(jolt: Jolt, series, fmt: str, title: str, height: int) -> go.Figure:
    """One line per arm and copy of series(arm) (2, steps), window means (Jolt.windowed: no window holds steps
    from both sides of the jolt) on a log axis: the jolted copy solid, the copy without the jolt dotted, the
    jolt a dashed line. A copy that diverged is drawn up to its last finite window and marked."""
    fig = go.Figure()
    labels = ("no jolt", factor_text(jolt.factor))
    shown_values = []
    for arm in ARMS:
        for copy in (1, 0):  # the jolted copy first: it is the story, the other its reference
            name = f"{NAMES[arm]}, {labels[copy]}"
            x, y = jolt.windowed(series(arm)[copy])
            kept = y > 0  # a log axis has no 0
            shown_values.append(y[kept])
            fig.add_trace(
                go.Scatter(
                    x=x[kept],
                    y=y[kept],
                    mode="lines",
                    line=dict(color=NET_COLORS[arm], width=2.5 if copy else 1.5, dash=None if copy else "dot"),
                    name=name,
                    meta=f"{arm}:{copy}",
                    hovertemplate=f"{name}<br>steps to %{{x}}: %{{y:{fmt}}}<extra></extra>",
                )
            )
            step = int(jolt.diverged_at[arm][copy])
            if step:
                fig.add_annotation(
                    x=step,
                    y=0.95,
                    yref="y domain",
                    text=f"{name}: diverged (step {step})",
                    showarrow=False,
                    xanchor="right" if step > jolt.steps / 2 else "left",
                    font=dict(color=NET_COLORS[arm]),
                    bgcolor="rgba(255,255,255,0.85)",
                )
    fig.add_vline(x=jolt.at + 0.5, line=dict(color="#555", dash="dash", width=1))
    values = np.concatenate(shown_values)
    if values.size:  # a loss far above LOSS_CAP is cut off: its size would hide the rest
        low, top = max(float(values.min()), 1e-12), min(float(values.max()), LOSS_CAP)
        fig.update_yaxes(range=[np.log10(low) - 0.15, np.log10(top) + 0.15])
    jolted = f"training step (vertical line: {factor_text(jolt.factor)} on layer {jolt.layer}'s W after step {jolt.at})"
    fig.update_xaxes(title_text=jolted, range=[0, jolt.steps * 1.02])
    fig.update_yaxes(type="log", dtick=1, exponentformat="power", title_text=title)
    # The legend beside the plot, one line per entry: above it, four entries take two rows of a narrow column.
    style(fig, height=height)
    return fig.update_layout(legend=dict(orientation="v", x=1.02, y=1, yanchor="top"), margin=dict(l=60, t=20, r=10))


def jolt_figure(jolt: Jolt, height: int = 240) -> go.Figure:
    """The jolt: each arm's mini-batch loss (training mode, log scale) against step, with and without the jolt."""
    return _jolt_lines(jolt, lambda arm: jolt.loss[arm], ".3g", "loss on the mini-batch", height)


def jolt_step_figure(jolt: Jolt, height: int = 300) -> go.Figure:
    """The jolted layer's relative step ‖ΔW‖/‖W‖ = lr·‖dL/dW‖/‖W‖ (log scale) against step, with and without
    the jolt: the layer's effective learning rate."""
    return _jolt_lines(jolt, jolt.step_size, ".2g", f"layer {jolt.layer}'s ‖ΔW‖/‖W‖", height)


def undo_figure(undo: Undo, height: int = 360) -> go.Figure:
    """Each BN unit's learned γ against the γ that would undo BN, √(σ²_run + ε), and its β against
    μ_run: one dot per unit, coloured by hidden layer. On the diagonal both would give the unit's
    input back; the unit closest to that (Undo.closest) is ringed."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(f"γ against √({VAR_RUN_SUB} + ε)", f"β against {MU_RUN_SUB}"),
        horizontal_spacing=0.1,
    )
    depth, width = undo.gamma.shape
    colors = _layer_colors(depth)
    d = undo.distance
    pairs = ((undo.gamma_undo, undo.gamma), (undo.beta_undo, undo.beta))
    for col, (needed, learned) in enumerate(pairs, start=1):
        for l in range(depth):
            fig.add_trace(
                go.Scatter(
                    x=_f32(needed[l]),
                    y=_f32(learned[l]),
                    mode="markers",
                    marker=dict(size=6, color=colors[l], line=dict(width=0.5, color="#333")),
                    name=f"layer {l + 1}",
                    legendgroup=f"layer{l}",
                    showlegend=col == 1,
                    customdata=np.stack([np.arange(1, width + 1), _f32(d[l])], axis=1),
                    hovertemplate=f"layer {l + 1}, unit %{{customdata[0]}}<br>undo needs %{{x:.3f}}, learned "
                    "%{y:.3f}<br>d = %{customdata[1]:.1%}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        lo = float(min(needed.min(), learned.min()))
        hi = float(max(needed.max(), learned.max()))
        pad = 0.05 * (hi - lo or 1.0)
        fig.add_trace(
            go.Scatter(
                x=[lo - pad, hi + pad],
                y=[lo - pad, hi + pad],
                mode="lines",
                line=dict(color="#999", dash="dot", width=1),
                name="undone: learned = needed",
                legendgroup="diagonal",
                showlegend=col == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
        l, i = (k - 1 for k in undo.closest())
        fig.add_trace(
            go.Scatter(
                x=[float(needed[l, i])],
                y=[float(learned[l, i])],
                mode="markers",
                marker=dict(size=16, symbol="circle-open", color="#000", line=dict(width=2)),
                name=f"closest: layer {l + 1}, unit {i + 1}",
                legendgroup="closest",
                showlegend=col == 1,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(title_text="what would undo BN", row=1, col=1)
    fig.update_xaxes(title_text="what would undo BN", row=1, col=2)
    fig.update_yaxes(title_text="learned", row=1, col=1)
    return _frame(fig, height, legend_rows=2).update_layout(margin=dict(l=60))
