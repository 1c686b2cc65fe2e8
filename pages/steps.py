"""Step through BatchNorm: the learner's batch through mean, centre, variance, std, normalize,
scale and shift; train vs eval; and which values each kind of normalization averages together."""

import numpy as np
import streamlit as st

from bnviz.core.data import ChannelSpec
from bnviz.core.norms import KINDS
from bnviz.core.steps import batch_norm_steps
from bnviz.experiments.gamma_beta import shape_statistics
from bnviz.experiments.stepper import (
    STEP_INPUT,
    RunningHistory,
    groups_choices,
    normalized_moments,
    running_history,
    skewness_before_after,
    step_places,
)
from bnviz.figures.steps import pooled_block_figure, running_figure, step_figure
from bnviz.notation import MU_B, VAR_B
from content.pytorch import steps_snippet
from content.registry import page_file
from content.steps import (
    KIND_NAMES,
    SHAPE,
    by_channel,
    distance_sentence,
    eval_answer,
    eval_outcome,
    eval_prediction,
    eval_why,
    explanation,
    initial_weight_sentence,
    is_skewed,
    norm_places,
    norm_table,
    pooled_sentence,
    running_places,
    running_vs_batch,
    shape_answer,
    shape_why,
    statistic_table,
    worked_numbers,
)
from ui import classroom
from ui.classroom import beside, chart, enabled, part, predict_first, prediction, reveal, shared_chart
from ui.guard import require_navigation
from ui.links import control, is_shown
from ui.pytorch import do_it_in_pytorch
from ui.state import carry_batch, current_batch

require_navigation()

MAX_BATCHES = 200
BATCHES = 20  # the batches slider's default
MOMENTA = [0.01, 0.05, 0.1, 0.2, 0.5, 1.0]
MOMENTUM = 0.1  # PyTorch's default
CLASSROOM_HEIGHT = 320  # the step's chart beside the prompt on a projector (ui.classroom.enlarge: 1.2 times taller)
# Every control is bound to the link under its key (`?steps_channel=2&steps_eval=true`); Streamlit
# reads it, drops an invalid value and leaves defaults out of the address.


@st.cache_data(show_spinner="Training a BatchNorm layer on mini-batches…", max_entries=8)
def history_of(x, spec_rows, seed, momentum, batches) -> dict:
    # Plain tuples in, plain arrays out: hashing or pickling an instance of a bnviz class fails
    # once Streamlit has reloaded bnviz after an edit (the class is no longer the same object).
    specs = None if spec_rows is None else [ChannelSpec(*row) for row in spec_rows]
    return vars(running_history(x, specs, seed, batches, momentum))


def running_statistics(batches: int) -> RunningHistory:
    """The history up to at least `batches`, trained in a few cached lengths so that a large
    batch is not trained 200 times when the slider asks for 20."""
    length = next(t for t in (25, 50, 100, MAX_BATCHES) if t >= batches)
    rows = None if batch.specs is None else tuple((s.dist, s.mean, s.std) for s in batch.specs)
    return RunningHistory(**history_of(x, rows, batch.seed, st.session_state["steps_momentum"], length))


def move(delta: int, keys: list[str]) -> None:
    i = keys.index(st.session_state["steps_step"]) + delta
    st.session_state["steps_step"] = keys[min(max(i, 0), len(keys) - 1)]


st.title("Step through BatchNorm")
carry_batch()

batch = current_batch()
x = batch.x
n, c = x.shape[:2]
layer = "convolutional (N, C, H, W)" if x.ndim > 2 else "fully connected (N, C)"
st.caption(f"Your batch: {batch.source}, shape {tuple(x.shape)}, {layer}.")
st.page_link(page_file("batch"), label="Make your own batch", icon=":material/grid_on:")

# A batch made later on /batch may have fewer channels or samples than the saved choices: those
# are moved back into range before their widgets are drawn (only then, never on every run).
GROUPS = groups_choices(c)
ss = st.session_state
if ss.get("steps_channel", 0) >= c:
    ss["steps_channel"] = 0
if ss.get("steps_sample", 0) >= n:
    ss["steps_sample"] = 0
if ss.get("steps_step", "mean") not in STEP_INPUT:
    ss["steps_step"] = "mean"
if ss.get("steps_kind", "batch") not in KINDS:
    ss["steps_kind"] = "batch"
if ss.get("steps_groups", GROUPS[len(GROUPS) // 2]) not in GROUPS:
    ss["steps_groups"] = GROUPS[len(GROUPS) // 2]

with control("channel", where=st.columns([1, 2])[0]):
    channel = st.selectbox(
        "Channel to follow",
        range(c),
        index=min(1, c - 1),  # in the default batch, a channel far from mean 0, variance 1
        key="steps_channel",  # `?steps_channel=2`: no format_func, so the link carries the number
        bind="query-params",
        help="Every statistic of BatchNorm is per channel: pick the one whose numbers you want to see.",
    )


# The steps' labels, the same in training and eval mode (a radio whose labels change is a new widget to
# Streamlit, and would lose its selection when eval mode is switched on); the link carries the label:
# `?steps_step=5.+Normalize`.
STEP_NAMES = {
    s.key: f"{i}. {s.name.removeprefix('Batch ').capitalize()}"
    for i, s in enumerate(batch_norm_steps(np.array([[0.0], [1.0]]), 1.0, 0.0), start=1)
}
STEP_KEYS = list(STEP_NAMES)
BEFORE_NORMALIZE = STEP_KEYS.index("normalize") - 1  # where the class predicts what normalizing does


def batch_identity() -> tuple:
    """What the class's predictions on this page are about besides their settings: the batch."""
    return (batch.source, batch.seed, tuple(x.shape))


@st.fragment
def stepper():
    projected = enabled()  # classroom mode
    # γ, β and eval mode stand above the steps; in classroom mode γ and β stand beside the chart instead, and
    # only on the two steps that use them.
    top = st.container()
    step_key = st.radio(
        "Step",
        STEP_KEYS,
        0,
        key="steps_step",
        bind="query-params",
        format_func=STEP_NAMES.get,
        horizontal=True,
        label_visibility="collapsed",
    )
    index = STEP_KEYS.index(step_key)
    first, last = index == 0, index == len(STEP_KEYS) - 1
    if projected:
        heading = st.container()
        left, right = st.columns([1, 1], gap="medium")
    else:
        heading, prev_col, next_col = st.columns([4, 1.2, 1.2], vertical_alignment="bottom")
        where_gamma, where_beta, beside_gamma = top.columns([1, 1, 2])
    # On a skewed channel the class predicts what normalizing does before it is shown (classroom mode).
    shape = SHAPE
    skew_x = shape_statistics(x[:, channel])["skewness"]
    asked = is_skewed(skew_x) and index >= BEFORE_NORMALIZE  # and stays on screen through scale and shift
    shape_ready = True
    if projected and asked:
        with left:
            shape_ready = predict_first(shape.key, shape.question, shape.choices, about=(batch_identity(), channel))
    # The chart of normalizing, and of the steps after it, waits for the class (the one before shows the input).
    hold = projected and asked and index > BEFORE_NORMALIZE and not shape_ready
    if projected:
        with left, part(shape.key, "control"):
            prev_col, next_col = st.columns(2)
    uses_gamma = step_key in ("scale", "shift")
    if projected:
        where_gamma, where_beta = left.columns(2)
    with control("gamma", essential=uses_gamma, where=where_gamma):
        gamma = st.number_input(
            "γ (scale)", -10.0, 10.0, 1.0, step=0.1, format="%.2f", key="steps_gamma", bind="query-params"
        )
    with control("beta", essential=uses_gamma, where=where_beta):
        beta = st.number_input(
            "β (shift)", -100.0, 100.0, 0.0, step=0.5, format="%.2f", key="steps_beta", bind="query-params"
        )
    with top if projected else beside_gamma:
        # In classroom mode the class commits to a prediction before eval mode may be switched on.
        batches = ss.get("steps_batches", BATCHES)
        evaluate = eval_prediction(batches, channel)
        ready = True
        if is_shown("eval"):
            ready = predict_first(
                evaluate.key,
                evaluate.question,
                evaluate.choices,
                about=(batch_identity(), channel, batches, ss.get("steps_momentum", MOMENTUM)),
            )
        with control("eval"):
            eval_on = st.toggle(
                "Eval mode (running statistics)",
                False,
                key="steps_eval",
                bind="query-params",
                disabled=not ready,
                help=f"model.eval() in PyTorch: BatchNorm stops using the batch's own {MU_B} and {VAR_B}.",
            )
        eval_mode = eval_on and ready
        if eval_mode:
            a, b = st.columns([3, 2]) if is_shown("momentum", essential=False) else (st.container(), st.container())
            with control("batches", where=a):
                st.slider(
                    "Training batches seen before eval",
                    0,
                    MAX_BATCHES,
                    BATCHES,
                    key="steps_batches",
                    bind="query-params",
                )
            with control("momentum", essential=False, where=b):
                st.select_slider(
                    "momentum",
                    MOMENTA,
                    MOMENTUM,
                    key="steps_momentum",
                    bind="query-params",
                    help="PyTorch's default is 0.1.",
                )
    with top:
        st.caption(
            "In a network, γ and β are learned by gradient descent, one pair per channel, starting at "
            "γ = 1 and β = 0 (watch it on “Watch them learned”). Here you set them by hand, the same for "
            "every channel; only the last two steps use them."
        )

    try:
        batch_steps = batch_norm_steps(x, gamma, beta)
    except (ValueError, TypeError) as err:
        st.error(f"This batch cannot be stepped through: {err}")
        return
    steps = batch_steps
    # The decimals of each quantity, one for every channel, wherever it is shown: the figure, the worked
    # numbers, the tables, the sentences, the snippet (eval mode's running statistics too).
    places = step_places(batch_steps, gamma)
    if eval_mode:
        k = ss["steps_batches"]
        try:
            history = running_statistics(k)
        except (ValueError, TypeError) as err:
            st.warning(f"No running statistics can be trained on batches like this one; its own are shown. {err}")
            eval_mode = False
        else:
            mean, var = history.running_mean[k], history.running_var[k]
            steps = batch_norm_steps(x, gamma, beta, mean=mean, var=var)

    step = steps[index]
    heading.subheader(f"Step {index + 1} of {len(steps)}: {step.name}", anchor="stepper")
    # The class predicts before normalizing is shown: Next waits for its choice.
    locked = index == BEFORE_NORMALIZE and not shape_ready
    prev_col.button(
        "◀ Previous", key="steps_prev", on_click=move, args=(-1, STEP_KEYS), disabled=first, width="stretch"
    )
    next_col.button(
        "Next ▶", key="steps_next", on_click=move, args=(1, STEP_KEYS), disabled=last or locked, width="stretch"
    )
    figure = dict(key="steps_step_figure", places=places)
    if projected:  # beside the prompt: shorter, and titled by the channel alone (the heading names the step)
        figure |= dict(height=CLASSROOM_HEIGHT, title=f"Channel {channel}")
        with right, part(shape.key, "result"):
            if hold:
                st.caption("This step's chart appears once the class has predicted.")
            else:
                shared_chart(step_figure, x, steps, index, channel, batch_steps if eval_mode else None, **figure)
        if asked and index == BEFORE_NORMALIZE + 1:
            with right:  # under the chart: the prompt and Next stay in view beside it
                before, after = skewness_before_after(x, steps, channel)
                reveal(shape.key, shape_answer(before, after), shape_why(before, after))
    st.latex(step.highlighted)
    st.markdown(explanation(step.key, eval_mode, gamma, beta, projected))
    fig_col, num_col = beside([3, 2])
    if not projected:
        with fig_col:
            shared_chart(step_figure, x, steps, index, channel, batch_steps if eval_mode else None, **figure)
    with num_col:
        st.markdown("**This step alone**")
        st.latex(step.formula)
        st.markdown("**The one line of NumPy**")
        st.code(step.numpy, language="python")
        worked = worked_numbers(x, steps, index, channel, gamma, beta, places=places)
        st.markdown(f"**Worked numbers, channel {channel}**")
        st.code(worked.summary, language=None, wrap_lines=True)
        if len(worked.rows):
            st.table(worked.rows[["value", "worked"]].set_index("value"))
            st.caption("A few of the channel's values, spread over the batch; rounded here, exact in the computation.")
    if step.is_statistic:
        table = statistic_table(steps, index, batch_steps if eval_mode else None)
        everywhere = f"all {n} samples" + (" and all their positions" if x.ndim > 2 else "")
        st.markdown(f"**{step.name}, every channel:** one number per channel, shared by {everywhere}.")
        # One rounding for the column, the figure and the worked numbers: the statistic's decimals.
        cells = dict.fromkeys(table.columns, places[step.key])
        classroom.table(by_channel(table, cells), key="steps_stat_table", width="content")

    do_it_in_pytorch(
        batch,
        lambda: steps_snippet(
            batch,
            steps,
            channel,
            gamma,
            beta,
            ss.get("steps_momentum", MOMENTUM),
            k if eval_mode else None,
            places,
        ),
        key="steps_open_pytorch",
    )
    st.subheader("Train vs eval")
    if not eval_mode:
        st.markdown(
            f"In training, every step above uses **this mini-batch's own** {MU_B} and {VAR_B}, and the layer keeps "
            "running averages of them on the side: running = (1 − momentum)·running + momentum·batch. "
            "In eval mode (testing, deployment) it normalizes with those running averages instead, so an "
            "input's output no longer depends on the other inputs of its batch. Turn on **Eval mode** above "
            "to see the same step with them."
        )
        return
    comparison = running_vs_batch(mean, var, batch_steps[0].array, batch_steps[2].array)
    st.info(distance_sentence(comparison, channel, k, places))
    if prediction(evaluate.key) is None:
        st.markdown(eval_outcome(steps, channel, places["normalize"]))
    else:  # classroom mode: the answer to the class's prediction, computed from this run
        moments = normalized_moments(steps, channel)
        reveal(evaluate.key, eval_answer(*moments), eval_why(*moments, places["normalize"]))
    st.markdown(initial_weight_sentence(ss["steps_momentum"], k))
    chart(
        running_figure(history, channel, k, float(batch_steps[0].array[channel]), float(batch_steps[2].array[channel])),
        key="steps_running_figure",
    )
    classroom.table(by_channel(comparison, running_places(places)), key="steps_running_table")  # as the sentence
    source = "drawn from your batch's channel distributions" if batch.specs else "resampled from your batch's samples"
    st.caption(f"Training batches of the same size as yours, {source}; the slider says how many the layer has seen.")


stepper()


@st.fragment
def averaged_together():
    st.subheader("What is averaged together")
    st.markdown(
        "**For BatchNorm, one channel's mean and variance average that channel's values over every sample "
        "of the mini-batch (and over every position of a feature map, for a convolutional layer); values of "
        "other channels are never mixed in.** Other normalizations pool other blocks of the same N × C × (H·W) "
        "values; pick one to see which."
    )
    a, b, d = st.columns([3, 1, 1])
    with control("kind", where=a):  # the link carries the name shown: `?steps_kind=LayerNorm`
        kind = st.radio(
            "Normalization",
            KINDS,
            0,
            key="steps_kind",
            bind="query-params",
            format_func=KIND_NAMES.get,
            horizontal=True,
        )
    groups, sample = None, 0
    if kind == "group":
        with control("groups", where=b):
            groups = st.selectbox(
                "groups G",
                GROUPS,
                len(GROUPS) // 2,
                key="steps_groups",
                bind="query-params",
                help="G must divide the number of channels.",
            )
    if kind != "batch":
        with control("sample", where=d):
            sample = st.number_input("sample n", 0, n - 1, 0, step=1, key="steps_sample", bind="query-params")
    try:
        fig = pooled_block_figure(x.shape, kind, sample, channel, groups)
        table, total = norm_table(x, kind, groups, sample, channel)
    except ValueError as err:
        st.info(f"{KIND_NAMES[kind]} does not apply to this batch. {err}")
        return
    chart(fig, key="steps_block_figure")
    st.markdown(pooled_sentence(x.shape, kind, sample, channel, groups))
    listed = f"{len(table)} of {total:,}" if total > len(table) else f"all {total}"
    st.markdown(
        f"**The statistics {KIND_NAMES[kind]} computes on your batch** ({listed} mean/variance pairs; "
        "● marks the red block):"
    )
    classroom.table(
        by_channel(table, norm_places(x, kind, groups), {"values averaged": "{:,}"}),
        hide_index=True,
        key="steps_norm_table",
    )


averaged_together()
