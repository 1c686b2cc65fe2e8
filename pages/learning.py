"""Watch γ and β learned: μ_B and σ²_B are recomputed for every batch, γ and β move under SGD."""

import hashlib
from contextlib import nullcontext

import numpy as np
import pandas as pd
import streamlit as st

from bnviz.experiments.training.data import make_experiment
from bnviz.experiments.training.ends import last_epoch_mean, settled, settled_but_noisy
from bnviz.experiments.training.landscape import landscape, landscape_view, nice_step, optimizer_path, optimum
from bnviz.experiments.training.loop import step_detail, train
from bnviz.experiments.training.modes import compare_settings, train_vs_eval
from bnviz.experiments.training.settings import OPTIMIZERS, SUGGESTED_LR, TASKS, TrainingSettings
from bnviz.figures.learning import (
    ends_figure,
    history_curves,
    history_figure,
    landscape_figure,
    replay_arrays,
    replay_curves,
    replay_stride,
    step_figure,
    train_eval_figure,
    with_step_marker,
)
from bnviz.notation import MU_B, MU_B_SUB, VAR_B, VAR_B_SUB
from bnviz.numbers import fixed_cells, sig
from content.common import LAST_DIGITS
from content.learning import (
    ARITHMETIC,
    BETA_LEARNED,
    BETA_STAR,
    END_ANCHOR,
    END_HEADING,
    END_KEY,
    GAMMA_LEARNED,
    GAMMA_STAR,
    GRADIENT_SUMS,
    MODES_KEY,
    OPTIMIZER_NAMES,
    REPLAY_CUE,
    REPLAY_KEY,
    TASK_NAMES,
    THE_LEARNING,
    by_row,
    channel_places,
    channel_table,
    conventions_caption,
    conventions_latex,
    conventions_table,
    dy_formula,
    end_prediction,
    end_why,
    explain_task,
    loss_formula,
    loss_noise,
    modes_answer,
    modes_places,
    modes_prediction,
    modes_table,
    modes_why,
    momentum_places,
    quoted,
    step_places,
    step_rows,
    table_formats,
    update_equations,
    where_they_end,
)
from content.registry import page_file
from ui import classroom
from ui.classroom import beside, predict_first
from ui.guard import require_navigation
from ui.links import claim, control
from ui.live import LiveControl, chart, live_chart, shared_chart, shared_figure  # one plotly.js for every chart
from ui.state import carry_batch, current_batch

require_navigation()

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
BATCH_SIZES = [2, 4, 8, 16, 32, 64, 128, 256]
SMALL_BATCHES, LARGE_BATCHES = [2, 4], [16, 32, 64, 128, 256]
# Every control is bound to the link under its key (`?learn_task=A+different+target&learn_lr=0.1`);
# its default is the training's: a link carries only what differs from it.
DEFAULT = TrainingSettings()
DEFAULT_CHANNEL = 1  # the default batch's channel 0 is already near mean 0, variance 1
GRID = 61  # landscape resolution per axis
# The step's numbers, as the live chart labels them (as text: μ<sub>B</sub> is drawn with a subscript).
STEP = "learn_step"  # the replay's step: its control's name and its parameter in the link
ARITHMETIC_KEY = "learn_open_arithmetic"  # the worked step's arithmetic, open (`?learn_open_arithmetic=true`)
STEP_READOUTS = (("mu", MU_B_SUB), ("var", VAR_B_SUB), ("gamma", "γ"), ("beta", "β"), ("loss", "loss"))


@st.cache_data(show_spinner=False, max_entries=24)
def run_training(specs, x, settings: TrainingSettings):
    """The experiment, its training record, the optimum and the loss landscape, for these settings."""
    bar = st.progress(0.0, text="Training γ and β…")
    exp = make_experiment(specs, x, settings)
    hist = train(exp, on_progress=lambda f: bar.progress(f, text=f"Training γ and β… {f:.0%}"))
    bar.empty()
    return exp, hist, optimum(exp), landscape(exp)


@st.cache_data(show_spinner=False, max_entries=24)
def channels_of(specs, x, settings: TrainingSettings) -> tuple[dict, dict]:
    """Where every channel ends up (content.learning.channel_table) and the decimals of each of its
    quantities, which every mention of γ, β, μ and σ on the page takes."""
    exp, hist, (gamma_star, beta_star), _ = run_training(specs, x, settings)
    table = channel_table(exp, hist, gamma_star, beta_star)
    return table, channel_places(table)


@st.cache_data(show_spinner=False, max_entries=24)
def history_of(specs, x, settings: TrainingSettings, channel: int) -> dict:
    """The time-axis figure as a dict: built once per training and channel, then only re-marked."""
    exp, hist, (gamma_star, beta_star), _ = run_training(specs, x, settings)
    _, places = channels_of(specs, x, settings)
    star_places = (places[GAMMA_STAR], places[BETA_STAR])
    return history_figure(exp, hist, channel, gamma_star[channel], beta_star[channel], places=star_places).to_dict()


@st.cache_data(show_spinner=False, max_entries=24)
def loss_grid(specs, x, settings: TrainingSettings, channel: int, box: tuple):
    exp, hist, _, land = run_training(specs, x, settings)
    gammas, betas = np.linspace(box[0], box[1], GRID), np.linspace(box[2], box[3], GRID)
    return gammas, betas, land.grid(channel, gammas, betas)


@st.cache_data(show_spinner=False, max_entries=24)
def compare_modes(specs, x, settings: TrainingSettings):
    exp, hist, _, _ = run_training(specs, x, settings)
    return exp, train_vs_eval(exp, hist)


st.title("Watch γ and β learned")
carry_batch()
st.markdown(
    f"If {MU_B} and {VAR_B} are recomputed for every mini-batch, **where is the learning?** "
    "And does the network just learn to undo the normalization? Train a BatchNorm layer's γ and β "
    "below and watch both kinds of numbers on one time axis."
)

batch = current_batch()
source = "its channel distributions" if batch.specs is not None else "its own values, resampled"
conv = " Each value of a feature map counts as one sample, as BN pools them." if batch.x.ndim > 2 else ""
st.caption(
    f"Training data: 1,024 activations per channel drawn from your batch ({batch.source}, shape "
    f"{tuple(batch.x.shape)}) using {source}, cut into mini-batches and reshuffled every epoch.{conv}"
)
st.page_link(page_file("batch"), label="Make your own batch", icon=":material/grid_on:")
# What the training learns from: a prediction about one batch is not one about another.
batch_id = (batch.source, hashlib.sha256(np.ascontiguousarray(batch.x).tobytes()).hexdigest())

# In classroom mode the lesson's step stands on one screen: the prompt, the task and the channel on the left,
# where γ and β go on the right (drawn once the class has predicted). Elsewhere the page reads as before.
ASK, STEP_CONTROLS, STEP_RESULT = (
    classroom.stage(END_KEY, END_HEADING, END_ANCHOR) if classroom.enabled() else (None, None, None)
)


# --- controls --------------------------------------------------------------------------------
def task_changed():
    st.session_state["learn_lr"] = SUGGESTED_LR[st.session_state["learn_task"]]


with control("task", where=STEP_CONTROLS):
    task = st.radio(
        "Task: what the loss asks of BN's output",
        list(TASKS),
        index=list(TASKS).index(DEFAULT.task),
        format_func=TASK_NAMES.get,  # static labels: the link reads `?learn_task=A+different+target`
        key="learn_task",
        bind="query-params",
        horizontal=True,
        on_change=task_changed,
        help="Choosing a task also sets a learning rate that suits it.",
    )
# The target's inputs have a place of their own, there whatever the task: inputs that appeared above the other
# controls would move them, and Streamlit's browser side then loses their binding to the address (the old
# element, removed after the run, unbinds the key its moved copy had just bound): `learn_batch_size` never
# reached the link once "A different target" had been chosen.
TARGET_ROW = st.container()
if task == "target":
    left, right, _ = TARGET_ROW.columns([1, 1, 2])
    with control("target_mean", where=left):
        st.number_input(
            "Target mean",
            min_value=-100.0,
            max_value=100.0,
            value=DEFAULT.target_mean,
            step=0.5,
            key="learn_target_mean",
            bind="query-params",
        )
    with control("target_std", where=right):
        st.number_input(
            "Target spread (std)",
            min_value=0.0,
            max_value=100.0,
            value=DEFAULT.target_std,
            step=0.1,
            key="learn_target_std",
            bind="query-params",
        )

cols = st.columns(4)
with control("optimizer", where=cols[0]):
    st.selectbox(
        "Optimizer",
        list(OPTIMIZERS),
        index=list(OPTIMIZERS).index(DEFAULT.optimizer),
        format_func=OPTIMIZER_NAMES.get,
        key="learn_optimizer",
        bind="query-params",
    )
with control("lr", where=cols[1]):
    st.select_slider(  # sig: the link reads `?learn_lr=1`, as the label shows it, not "1.0"
        "Learning rate η", LEARNING_RATES, value=DEFAULT.lr, format_func=sig, key="learn_lr", bind="query-params"
    )
with control("batch_size", where=cols[2]):
    st.select_slider("Batch size B", BATCH_SIZES, value=DEFAULT.batch_size, key="learn_batch_size", bind="query-params")
with control("epochs", where=cols[3]):
    st.slider("Epochs", 1, 30, value=DEFAULT.epochs, key="learn_epochs", bind="query-params")
cols = st.columns(4)
with control("momentum", essential=False, where=cols[0]):
    st.slider(
        "BN momentum m (PyTorch's)",
        0.0,
        1.0,
        value=DEFAULT.momentum,
        step=0.01,
        key="learn_momentum",
        bind="query-params",
        help="running = (1 − m)·running + m·batch statistic. Only the running statistics use it.",
    )
with control("gamma0", essential=False, where=cols[1]):
    st.number_input(
        "Initial γ",
        min_value=-10.0,
        max_value=10.0,
        value=DEFAULT.gamma0,
        step=0.5,
        key="learn_gamma0",
        bind="query-params",
    )
with control("beta0", essential=False, where=cols[2]):
    st.number_input(
        "Initial β",
        min_value=-100.0,
        max_value=100.0,
        value=DEFAULT.beta0,
        step=0.5,
        key="learn_beta0",
        bind="query-params",
    )
with control("seed", essential=False, where=cols[3]):
    st.number_input(
        "Seed", min_value=0, max_value=10_000, value=DEFAULT.seed, step=1, key="learn_seed", bind="query-params"
    )

settings = TrainingSettings(
    task=task,
    optimizer=st.session_state["learn_optimizer"],
    lr=float(st.session_state["learn_lr"]),
    batch_size=int(st.session_state["learn_batch_size"]),
    epochs=int(st.session_state["learn_epochs"]),
    momentum=float(st.session_state["learn_momentum"]),
    gamma0=float(st.session_state["learn_gamma0"]),
    beta0=float(st.session_state["learn_beta0"]),
    seed=int(st.session_state["learn_seed"]),
    # Drawn for the target task only; kept (with the link's value) while another task is chosen.
    target_mean=float(st.session_state.get("learn_target_mean", DEFAULT.target_mean)),
    target_std=float(st.session_state.get("learn_target_std", DEFAULT.target_std)),
)
data = (batch.specs, None) if batch.specs is not None else (None, batch.x)

# --- the task and its optimum ------------------------------------------------------------------
try:
    exp, hist, (gamma_star, beta_star), land = run_training(*data, settings)
except (ValueError, TypeError) as err:
    st.error(f"These settings cannot be trained: {err}")
    st.stop()

if st.session_state.get("learn_channel", 0) >= exp.channels:  # a new batch with fewer channels
    st.session_state["learn_channel"] = 0
channels = list(range(exp.channels))
with control("channel", where=STEP_CONTROLS):
    # No format_func: the link carries the channel's number (`?learn_channel=2`), not a label.
    c = st.selectbox(
        "Channel to watch",
        channels,
        index=min(DEFAULT_CHANNEL, exp.channels - 1),
        key="learn_channel",
        bind="query-params",
    )

# The reveal: in classroom mode the class predicts where training takes γ and β before seeing it; asked again
# for another task, channel, batch or training.
end = end_prediction(task, c, settings.gamma0, settings.beta0)
with ASK if ASK is not None else nullcontext():
    ready = predict_first(end.key, end.question, end.choices, about=(settings, c, batch_id))
if not ready:  # the replay's step and its arithmetic, from a link, wait in the address for the chart
    claim(STEP, ARITHMETIC_KEY)
if ready:
    # Every channel's γ, β, μ and σ, and the one rounding of each: the metrics, the task's explanation, the
    # time axis and the table below all quote them.
    ends, end_places = channels_of(*data, settings)
    if STEP_RESULT is not None:
        with STEP_RESULT:
            shared_chart(ends_figure, exp, hist, c, height=290, key="learn_ends", by=(data, settings, c))
            classroom.reveal(END_KEY, where_they_end(exp, hist, c), end_why(exp, hist, c, end_places))
    with st.container(border=True):
        st.latex(loss_formula(task))
        story, why = explain_task(exp, gamma_star, beta_star, c, end_places)
        st.markdown(story)
        if why:
            st.caption(why)
        st.caption(
            "γ*, β* are computed, not typed in: they minimize the average loss over every mini-batch this training sees. "
            + LAST_DIGITS
        )

    if hist.diverged_at is not None:
        st.warning(
            f"Training diverged at step {hist.diverged_at + 1}: with η = {settings.lr:g} each update overshoots and γ, β "
            "grow without bound. Choose a smaller learning rate."
        )
    elif not np.isfinite(gamma_star[c]):
        st.info(f"Channel {c} is constant: x̂ = 0 in every batch, so γ has no effect and only β learns.")
    elif not settled(exp, hist, gamma_star, beta_star, c):
        st.info(
            "γ and β have not reached γ*, β* yet on this channel: train for more epochs, raise the learning rate, "
            "or try another optimizer."
        )

    m1, m2, m3 = st.columns(3)
    for box, symbol, learned, star in ((m1, "γ", GAMMA_LEARNED, GAMMA_STAR), (m2, "β", BETA_LEARNED, BETA_STAR)):
        box.metric(  # the row of channel c in the table below, to its decimals (an ASCII minus, as there)
            f"{symbol}, mean of the last epoch",
            quoted(ends[learned][c], end_places[learned], "-"),
            f"{star} = {quoted(ends[star][c], end_places[star], '-')}",
            delta_color="off",
            delta_arrow="off",
        )
    m3.metric(  # losses to four significant digits, as the replay's loss readout
        "loss, mean of the last epoch",
        sig(last_epoch_mean(exp, hist, "loss")[c]),
        f"first step: {sig(hist.loss[0, c])}",
        delta_color="off",
        delta_arrow="off",
    )


# --- one time axis and one step up close ---------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=24)
def replay_of(specs, x, settings: TrainingSettings, channel: int) -> dict:
    """What the browser replays: the recorded numbers (every step, or every k-th of a long training) and the
    time axis' curves, which it draws up to the step."""
    exp, hist, _, _ = run_training(specs, x, settings)
    curves = replay_curves(history_curves(exp, hist, channel))
    return replay_arrays(hist, channel, replay_stride(hist.steps)) | {"curves": curves}


@st.fragment
def replay(data, settings, channel, places):
    exp, hist, (gamma_star, beta_star), _ = run_training(*data, settings)
    st.subheader("On one time axis: computed per batch vs learned")
    st.caption(REPLAY_CUE)
    if settled_but_noisy(exp, hist, gamma_star, beta_star, channel):  # just above the loss, the chart's top row
        st.caption(loss_noise(exp, hist, channel, places))
    # Live: the step control draws the curves up to its step, moves the red marker and the step's numbers in the
    # browser (Play animates it); the step goes back to Python (and the link, `?learn_step=40`) when the hand
    # stops or Play pauses. At first the whole training: the last step.
    arrays = replay_of(*data, settings, channel)
    step_control = LiveControl(
        STEP,
        "Step (move it, or press Play, to replay the training; nothing is retrained)",
        min=1,
        max=hist.steps,
        step=arrays["stride"],
        value=hist.steps,
        hide_as="step",
        play=True,
    )
    # Built once per batch, training and channel, for every learner; the browser draws it up to the step.
    figure = shared_figure(
        lambda: with_step_marker(history_of(*data, settings, channel), hist.steps - 1), by=(data, settings, channel)
    )
    values = live_chart(
        "learn_live",
        "step_replay",
        figure,
        arrays | {"control": step_control.name},
        [step_control],
        readouts=[(name, f"{label} =") for name, label in STEP_READOUTS],
    )
    st.caption(REPLAY_KEY)
    step = int(values[step_control.name]) - 1
    d = step_detail(exp, hist, step, channel)
    st.markdown(
        f"**Step {step + 1} up close** (channel {channel}): {MU_B} = {sig(d.mu)}, {VAR_B} = {sig(d.var)}, "
        f"γ = {sig(d.gamma)}, β = {sig(d.beta)}, loss = {sig(d.loss)}"
    )
    shared_chart(step_figure, d, exp.settings.task, key="learn_step_figure")
    st.caption(THE_LEARNING)
    # The worked arithmetic: closed, bound to the link (`?learn_open_arithmetic=true`), built only while open.
    arithmetic = st.expander(ARITHMETIC, key=ARITHMETIC_KEY, bind="query-params")
    if arithmetic.open:
        with arithmetic:
            # Side by side on a screen; one under the other with a projector's large text.
            left, right = beside([1, 1])
            with left:
                st.latex(dy_formula(exp.settings.task))
                for line in update_equations(d, exp.settings.optimizer):
                    st.latex(line)
            with right:
                table = pd.DataFrame(step_rows(d, exp.settings.task)).set_index("i")
                cells = table_formats(step_places(d, exp.settings.task))  # one rounding per column; its sums as above
                st.table(table.style.format(cells, na_rep=""))
            st.caption(GRADIENT_SUMS)


if ready:
    replay(data, settings, c, end_places)

if ready:
    st.subheader("Where every channel ends up")
    classroom.table(
        pd.DataFrame(ends, index=pd.Index([f"channel {k}" for k in channels], name="channel")).style.format(
            table_formats(end_places), na_rep="any (constant channel)"
        ),
        key="learn_channels_table",
    )
    st.caption("γ learned and β learned: the mean over the last epoch, where the optimizer hovers.")


# --- the landscape, and your turn ----------------------------------------------------------------
@st.fragment
def your_turn(data, settings, channel, gamma_star, beta_star):
    exp, hist, _, land = run_training(*data, settings)
    box, start = landscape_view(hist, channel, gamma_star, beta_star)
    gammas, betas, grid = loss_grid(*data, settings, channel, box)
    signature = (settings, channel)
    if st.session_state.get("learn_path_for") != signature:  # a new map: a new path from its start
        st.session_state["learn_path_for"] = signature
        st.session_state["learn_path"] = [start]
        st.session_state["learn_my_gamma"], st.session_state["learn_my_beta"] = start

    def moved():
        st.session_state["learn_path"].append((st.session_state["learn_my_gamma"], st.session_state["learn_my_beta"]))

    st.markdown(
        f"Each point of the map is the average loss of channel {channel} over every mini-batch, for one (γ, β). "
        f"The line is {OPTIMIZER_NAMES[settings.optimizer]}'s path. **Your turn:** start where it started and move γ and β "
        "to the lowest loss you can find; each move adds a point to your path."
    )
    left, mid, right = st.columns([2, 2, 1])
    left.slider(
        "Your γ",
        box[0],
        box[1],
        step=nice_step(box[1] - box[0], 200),
        key="learn_my_gamma",
        on_change=moved,
        persist_state="page",
    )
    mid.slider(
        "Your β",
        box[2],
        box[3],
        step=nice_step(box[3] - box[2], 200),
        key="learn_my_beta",
        on_change=moved,
        persist_state="page",
    )

    def restart():
        st.session_state["learn_path"] = [start]
        st.session_state["learn_my_gamma"], st.session_state["learn_my_beta"] = start

    right.button("Start again", on_click=restart, key="learn_restart")
    path = st.session_state["learn_path"]
    losses = [float(land.loss(channel, g, b)) for g, b in path]
    chart(
        landscape_figure(
            gammas,
            betas,
            grid,
            optimizer_path(hist, channel),
            (gamma_star, beta_star),
            path,
            losses,
            OPTIMIZER_NAMES[settings.optimizer],
        ),
        key="learn_landscape",
    )
    opt_loss = float(land.loss(channel, hist.final_gamma[channel], hist.final_beta[channel]))
    best = float(land.loss(channel, gamma_star, beta_star)) if np.isfinite(gamma_star) else float("nan")
    a, b, c_ = st.columns(3)
    # Losses to four significant digits, as everywhere on the page: the three compared, however close.
    a.metric("Your loss now", sig(losses[-1]), f"{len(path) - 1} moves", delta_color="off", delta_arrow="off")
    b.metric(
        f"{OPTIMIZER_NAMES[settings.optimizer]} at the end",
        sig(opt_loss),
        f"{hist.steps} steps",
        delta_color="off",
        delta_arrow="off",
    )
    c_.metric("The optimum γ*, β*", sig(best))


# Side topics, closed so that the training above stays in view; each bound to the link
# (`?learn_open_modes=true` opens train vs eval) and built only while it is open (Streamlit reruns when
# one is opened): a closed one costs no training or figure here and no chart in the browser.
if ready:
    LANDSCAPE = st.expander(
        "The loss landscape, and your turn: can you find a lower loss than the optimizer?",
        key="learn_open_landscape",
        bind="query-params",
    )
    if LANDSCAPE.open:
        with LANDSCAPE:
            your_turn(data, settings, c, float(gamma_star[c]), float(beta_star[c]))

# --- training mode vs eval mode (a question of its own: closed, one click away) ---------------------
MODES = st.expander(
    "After training: do training mode and eval mode give the same outputs?", key="learn_open_modes", bind="query-params"
)
if MODES.open:
    with MODES:
        st.markdown(
            "The same held-out batch, never seen in training, goes through the trained layer twice. **Training mode** "
            f"normalizes each mini-batch with its own {MU_B}, {VAR_B}, so a value's output depends on its batch-mates. "
            "**Eval mode** uses running_mean and running_var, the same for every value. Compare a very small batch "
            "size with a large one, each trained for about as many steps as above (at most 2,000)."
        )
        left, right, _ = st.columns([1, 1, 2])
        with control("small_batch", where=left):
            st.select_slider(
                "Small batch",
                SMALL_BATCHES,
                value=2,
                key="learn_small_batch",
                bind="query-params",
                persist_state="page",
            )
        with control("large_batch", where=right):
            st.select_slider(
                "Large batch",
                LARGE_BATCHES,
                value=64,
                key="learn_large_batch",
                bind="query-params",
                persist_state="page",
            )
        sizes = [st.session_state["learn_small_batch"], st.session_state["learn_large_batch"]]
        modes = modes_prediction(sizes[0])
        if predict_first(modes.key, modes.question, modes.choices, about=(settings, *sizes, c, batch_id)):
            try:
                results = [compare_modes(*data, compare_settings(settings, b, hist.steps)) for b in sizes]
            except (ValueError, TypeError) as err:
                st.error(f"The comparison cannot be trained: {err}")
            else:
                chart(train_eval_figure(results, c), key="learn_train_eval")
                small = results[0][1]
                classroom.reveal(MODES_KEY, modes_answer(small, c), modes_why(small, c))
                columns = pd.Index([f"batch {te.batch_size}" for _, te in results], name="trained with")
                compared = [te for _, te in results]
                frame = pd.DataFrame(modes_table(compared, c), index=columns).T
                st.table(by_row(frame, modes_places(compared, c)))  # one rounding per quantity, both trainings
                st.caption(
                    "With batches of 2, x̂ is always close to −1 or +1 whatever the values are, so in training mode the output "
                    "takes only two values per batch and γ learns to fit that. Eval mode then sees a smooth range of x̂ that "
                    f"training never showed it: the two modes disagree. With large batches each batch's {MU_B} and {VAR_B} are close "
                    "to the running averages: the training-mode points lie near the eval-mode line, and the gap, measured "
                    "against the output's spread, is much smaller."
                )

# --- conventions (a side topic) -------------------------------------------------------------------
CONVENTIONS = st.expander(
    "One running average, three ways to write its momentum: PyTorch's, Keras' and cs231n's",
    key="learn_open_momentum",
    bind="query-params",
)
if CONVENTIONS.open:
    with CONVENTIONS:
        m = settings.momentum
        for line in conventions_latex(m):
            st.latex(line)
        classroom.table(
            pd.DataFrame(conventions_table(m))
            .T.rename_axis("convention")
            .style.format(fixed_cells(momentum_places(m))),
            key="learn_conventions",
        )
        st.caption(
            conventions_caption(m) + " The same formula updates the "
            f"variance; this app follows PyTorch, which folds into running_var the batch variance divided by B − 1 "
            f"instead of B, B/(B−1)·{VAR_B} (the “unbiased” variance: averaged over many batches it matches the true variance, which "
            f"{VAR_B} slightly underestimates)."
        )
