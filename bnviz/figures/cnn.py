"""Figures for "In a real network": the convolutional network on the digits, trained three ways.

Pure functions (a CNNResult or what is read off it, options) -> plotly Figure. The three networks keep
/network's colours and names (bnviz.figures.network). Everything sent is reduced on the server: the
activations as counts per bin, the curves one point per step or per epoch.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bnviz.experiments.cnn import HIST_BINS, HIST_TOP, NEAR_ZERO, NORMS, Arm, ChannelFacts, CNNResult
from bnviz.figures.common import COLORS, GREY, OKABE_ITO, legend_on_top, style
from bnviz.figures.network import NAMES, NET_COLORS, NET_DASH, PANEL
from bnviz.notation import MU_B_SUB, MU_RUN_SUB

CHANCE = 0.1  # ten digits: guessing is right one time in ten
ACCURACY_TITLE = "Test accuracy (eval mode, 512 images)"
LOSS_TITLE = "Loss on the mini-batches (training mode)"
SMOOTH = 5  # the training loss is drawn as the mean of this many consecutive steps


def _style(fig: go.Figure, height: int, **layout) -> go.Figure:
    """style(), then these layout settings over its own (its margins, its legend)."""
    return style(fig, height=height).update_layout(**layout)


def _f32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float32)


def _smooth(values: np.ndarray) -> np.ndarray:
    """The mean of each step's last SMOOTH values (fewer at the start)."""
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - SMOOTH, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def _diverged(fig: go.Figure, arm: Arm, col: int) -> None:
    if arm.diverged_at is not None:
        fig.add_annotation(
            text=f"{NAMES[arm.norm]}: diverged at step {arm.diverged_at}",
            x=0.02,
            y=0.02,
            xref=f"x{col if col > 1 else ''} domain",
            yref=f"y{col if col > 1 else ''} domain",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font=dict(color=NET_COLORS[arm.norm]),
        )


def curves_figure(result: CNNResult, height: int = 340, loss: bool = True) -> go.Figure:
    """Test accuracy per epoch (eval mode) and, when `loss`, the training loss per step, every network on each
    panel; the accuracy alone for a projector's half screen."""
    titles = (ACCURACY_TITLE, LOSS_TITLE) if loss else (ACCURACY_TITLE,)
    fig = make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=0.1)
    for norm in NORMS:
        arm = result[norm]
        line = dict(color=NET_COLORS[norm], width=2.5, dash=NET_DASH[norm])
        epochs = np.arange(len(arm.test_accuracy))
        fig.add_trace(
            go.Scatter(
                x=epochs,
                y=_f32(arm.test_accuracy),
                mode="lines+markers",
                line=line,
                name=NAMES[norm],
                legendgroup=norm,
                meta=f"accuracy {norm}",
                hovertemplate=f"{NAMES[norm]}<br>after epoch %{{x}}: %{{y:.1%}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        if loss:
            steps = np.arange(1, arm.steps_done + 1)
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=_f32(_smooth(arm.loss)),
                    mode="lines",
                    line=line,
                    name=NAMES[norm],
                    legendgroup=norm,
                    showlegend=False,
                    meta=f"loss {norm}",
                    hovertemplate=f"{NAMES[norm]}<br>step %{{x}}: %{{y:.3g}}<extra></extra>",
                ),
                row=1,
                col=2,
            )
        _diverged(fig, arm, 1)
    fig.add_hline(y=CHANCE, line=dict(color=GREY, dash="dot", width=1.5), row=1, col=1)
    fig.add_annotation(
        text="guessing (10 %)", x=1, y=CHANCE, xref="x domain", yref="y", xanchor="right", yanchor="bottom",
        showarrow=False, font=dict(color=GREY),
    )  # fmt: skip
    fig.update_xaxes(title_text="epoch", dtick=1, row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=1)
    if loss:
        fig.update_xaxes(title_text="training step", row=1, col=2)
        # Every tick written out: plotly's log axis writes 0.5 and 0.05 both as a small "5".
        ticks = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
        fig.update_yaxes(
            type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks], title_text="loss (log scale)", row=1, col=2
        )
    return _style(fig, height, legend=legend_on_top(), margin=dict(t=70))


def colorful_figure(result: CNNResult, block: int, height: int = 300) -> go.Figure:
    """fastai's "colorful dimension" for one block: for each network, the histogram of the block's output (after
    its ReLU) at every training step, as a heatmap of log(1 + count); step across, value up."""
    fig = make_subplots(rows=1, cols=len(NORMS), subplot_titles=[PANEL[n] for n in NORMS], horizontal_spacing=0.04)
    centres = (np.arange(HIST_BINS) + 0.5) * HIST_TOP / HIST_BINS
    top = max(float(np.log1p(result[n].hist[block - 1]).max(initial=0.0)) for n in NORMS)
    for col, norm in enumerate(NORMS, start=1):
        arm = result[norm]
        counts = arm.hist[block - 1]  # (S, bins)
        fig.add_trace(
            go.Heatmap(
                x=np.arange(1, arm.steps_done + 1),
                y=_f32(centres),
                z=_f32(np.log1p(counts.T)),
                zmin=0,
                zmax=top,
                coloraxis="coloraxis",
                customdata=counts.T.astype(np.int32),
                meta=f"colorful {norm}",
                hovertemplate="step %{x}, value ≈ %{y:.2f}: %{customdata} activations<extra></extra>",
            ),
            row=1,
            col=col,
        )
        _diverged(fig, arm, col)
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(range=[0, HIST_TOP], showticklabels=False)
    fig.update_yaxes(title_text=f"activation (≥ {HIST_TOP:g} in the top row)", showticklabels=True, row=1, col=1)
    return _style(
        fig,
        height=height,
        coloraxis=dict(colorscale="Viridis", colorbar=dict(title="log(1 + count)", thickness=12)),
        margin=dict(t=40, r=10),
    )


STAT_TITLES = ("Mean", "Standard deviation", f"Share below {NEAR_ZERO:g} (near zero)")


def activation_stats_figure(result: CNNResult, block: int, height: int = 300) -> go.Figure:
    """For one block's output, at every step: its mean, its standard deviation and its share near zero, every
    network on each panel."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=STAT_TITLES, horizontal_spacing=0.07)
    for norm in NORMS:
        arm = result[norm]
        steps = np.arange(1, arm.steps_done + 1)
        for col, values, fmt in ((1, arm.act_mean, ".3g"), (2, arm.act_std, ".3g"), (3, arm.near_zero, ".0%")):
            fig.add_trace(
                go.Scatter(
                    x=steps,
                    y=_f32(values[block - 1]),
                    mode="lines",
                    line=dict(color=NET_COLORS[norm], width=2, dash=NET_DASH[norm]),
                    name=NAMES[norm],
                    legendgroup=norm,
                    showlegend=col == 1,
                    meta=f"stat {col} {norm}",
                    hovertemplate=f"{NAMES[norm]}<br>step %{{x}}: %{{y:{fmt}}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=3)
    return _style(fig, height, legend=legend_on_top(), margin=dict(t=70))


def channels_figure(facts: ChannelFacts, height: int = 320) -> go.Figure:
    """Every channel of one block of the trained BN network, sorted by γ: above, γ beside σ = √(running var + ε);
    below, β beside the running μ. Where γ met σ and β met μ, BN would be undone."""
    order = facts.by_gamma
    labels = [f"ch {c}" for c in order]
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        subplot_titles=("Scale: γ beside the running σ", f"Shift: β beside the running mean {MU_RUN_SUB}"),
    )
    pairs = (
        (1, "gamma", facts.gamma, "γ (learned)", COLORS["y"], "diamond"),
        (1, "sigma", facts.sigma, "running σ (would undo BN)", COLORS["running"], "circle-open"),
        (2, "beta", facts.beta, "β (learned)", OKABE_ITO["bluish_green"], "square"),
        (2, "mu", facts.mu, f"{MU_RUN_SUB} (would undo BN)", OKABE_ITO["sky_blue"], "x-thin-open"),
    )
    for row, key, values, name, color, symbol in pairs:
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=_f32(values[order]),
                mode="markers",
                marker=dict(color=color, symbol=symbol, size=10, line=dict(width=2, color=color)),
                name=name,
                legendgroup=name,
                meta=f"channels {key}",
                hovertemplate=f"%{{x}}: {name} = %{{y:.3g}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
    for row, start in ((1, "γ = 1 at the start"), (2, "β = 0 at the start")):
        fig.add_hline(
            y=1.0 if row == 1 else 0.0,
            line=dict(color=GREY, dash="dot", width=1),
            annotation_text=start,
            annotation_position="top left",
            annotation_font_color=GREY,
            row=row,
            col=1,
        )
    fig.update_xaxes(title_text=f"block {facts.block}'s channels, largest γ first", row=2, col=1)
    return _style(fig, height, legend=legend_on_top(), margin=dict(t=70))


def running_figure(arm: Arm, means: list[np.ndarray], block: int, channel: int, momentum: float, height: int = 300):
    """One channel's batch mean at every step (dots) and the running mean BatchNorm keeps with `momentum` (line),
    from its start value 0."""
    fig = go.Figure()
    batch = arm.batch_mean[block - 1][:, channel]
    fig.add_trace(
        go.Scatter(
            x=np.arange(1, len(batch) + 1),
            y=_f32(batch),
            mode="markers",
            marker=dict(color=COLORS["x"], size=5, opacity=0.6),
            name=f"the mini-batch's mean {MU_B_SUB}",
            meta="running batch",
            hovertemplate=f"step %{{x}}: {MU_B_SUB} = %{{y:.3g}}<extra></extra>",
        )
    )
    running = means[block - 1][:, channel]
    fig.add_trace(
        go.Scatter(
            x=np.arange(len(running)),
            y=_f32(running),
            mode="lines",
            line=dict(color=COLORS["running"], width=3),
            name=f"running mean, momentum {momentum:g}",
            meta="running line",
            hovertemplate="after step %{x}: %{y:.3g}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="training step")
    fig.update_yaxes(title_text=f"block {block}'s channel {channel}: mean")
    return _style(fig, height)


def digits_figure(x: np.ndarray, y: np.ndarray, height: int = 120) -> go.Figure:
    """Images x (K, 1, 8, 8) in [0, 1] side by side, ink dark on white, each titled with its digit y (K,)."""
    fig = make_subplots(rows=1, cols=len(y), subplot_titles=[str(d) for d in y], horizontal_spacing=0.01)
    for col, image in enumerate(x[:, 0], start=1):
        fig.add_trace(
            go.Heatmap(
                z=_f32(image[::-1]),  # row 0 at the top
                zmin=0,
                zmax=1,
                colorscale="Greys",
                showscale=False,
                meta=f"digit {col}",
                hovertemplate="ink %{z:.2f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    return _style(fig, height, margin=dict(l=10, r=10, t=30, b=5))
