"""Why BN helps: the same small network trained without BN, with BN, and with BN but no γ and β, side by side."""

from contextlib import nullcontext
from dataclasses import replace

import streamlit as st

from bnviz.core.datasets import DATASETS
from bnviz.experiments.jolt import DEFAULT_LR, FACTORS, LAYERS, jolt
from bnviz.experiments.mlp import (
    ACTIVATIONS,
    SWEEP_LRS,
    NetworkSettings,
    experiment_data,
    lr_sweep,
    train_networks,
)
from bnviz.figures.network import (
    PANEL,
    activation_strips,
    boundary_figure,
    curves_figure,
    gamma_beta_figure,
    gradient_figure,
    jolt_figure,
    jolt_step_figure,
    outcome,
    saturation_figure,
    sweep_figure,
    undo_figure,
)
from content.common import LAST_DIGITS
from content.network import (
    INTRO,
    JOLT_ANCHOR,
    JOLT_INTRO,
    JOLT_KEY,
    JOLT_TITLE,
    JOLT_WHY_LABEL,
    SATURATION,
    SWEEP_KEY,
    SWEEP_PREDICTION,
    TRAIN,
    TRAIN_ANCHOR,
    TRAIN_HEADING,
    TRAIN_KEY,
    UNDO_DIVERGED,
    UNDO_LABEL,
    WHY,
    final_losses,
    jolt_happened,
    jolt_prediction,
    jolt_summary,
    jolt_why,
    lowest_loss,
    sweep_answer,
    things_to_try,
    train_prediction,
    trained_with,
    undo_summary,
    undo_text,
)
from ui import classroom
from ui.classroom import beside, predict_first, shared_chart
from ui.guard import require_navigation
from ui.links import control

require_navigation()

LEARNING_RATES = list(SWEEP_LRS)  # the sweep's rates, so your run is one of its points
# Up to 64 units and 64 examples: each matrix product stays under OpenBLAS's threading
# threshold (its threads stall a busy server), and the largest run trains in seconds.
WIDTHS = [8, 16, 32, 64]
BATCH_SIZES = [8, 16, 32, 64]
INIT_SCALES = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]
STEPS = [100, 200, 300, 600, 1000]
DEFAULT = NetworkSettings()  # each control's default: the page opens on this run
# Every control is bound to the link under its key (`?net_activation=ReLU&net_lr=10`); the form's
# are written when the learner trains.


# The progress bar is made inside the cached function: on a cache hit Streamlit replays it
# (created, filled, emptied) in an instant instead of training again.
@st.cache_data(show_spinner=False, max_entries=16)
def train(settings: NetworkSettings):
    """The three networks (without BN, BN, BN without γ and β) trained from the same weights on
    the same batches, and their dataset."""
    bar = st.progress(0.0, text="Training the three networks…")
    runs = train_networks(settings, progress=lambda f: bar.progress(f, text=f"Training the three networks… {f:.0%}"))
    bar.empty()
    X, y, _ = experiment_data(settings)
    return runs, X, y


@st.cache_data(show_spinner=False, max_entries=8)
def sweep(settings: NetworkSettings):
    """Final losses at every rate of SWEEP_LRS (settings.lr is not used: the caller sets it to 1)."""
    bar = st.progress(0.0, text="Sweeping the learning rate…")
    result = lr_sweep(settings, progress=lambda f: bar.progress(f, text=f"Sweeping the learning rate… {f:.0%}"))
    bar.empty()
    return result


@st.cache_data(show_spinner=False, max_entries=16)
def jolted(settings: NetworkSettings, layer: int, factor: float):
    """Both arms (without BN, BN with γ, β) trained twice, the second copy's hidden layer `layer` multiplied
    by `factor` halfway (bnviz.experiments.jolt): about half a second at the default size."""
    return jolt(settings, layer, factor)


st.title("Why BN helps")
st.markdown(INTRO)
st.caption(
    "This page does not use your batch from “Make a batch”: it trains a classifier of 2-D points "
    "(512 points, two classes), all in NumPy."
)

# In classroom mode the lesson's step stands on one screen: the prompt and the Train button on the left, the
# loss curves on the right once the class has predicted and the teacher has trained. Elsewhere as before.
ASK, FORM_AT, CURVES_AT = (
    classroom.stage(TRAIN_KEY, TRAIN_HEADING, TRAIN_ANCHOR, [2, 3]) if classroom.enabled() else (None, None, None)
)


def pressed():
    st.session_state["net_train_pressed"] = True


with FORM_AT if FORM_AT is not None else nullcontext(), st.form("net_settings"):
    # Beside the prompt, one above the other: no container of their own, which would keep empty gaps when the
    # link hides every control.
    left, middle, right = (nullcontext(),) * 3 if classroom.enabled() else st.columns(3)
    with left:
        with control("dataset"):
            st.radio(
                "Dataset",
                DATASETS,
                index=DATASETS.index(DEFAULT.dataset),
                key="net_dataset",
                bind="query-params",
                horizontal=True,
            )
        with control("activation"):
            st.radio(
                "Activation",
                ACTIVATIONS,
                index=ACTIVATIONS.index(DEFAULT.activation),
                key="net_activation",
                bind="query-params",
                horizontal=True,
            )
        with control("depth", essential=False):
            st.slider("Hidden layers", 3, 6, value=DEFAULT.depth, key="net_depth", bind="query-params")
    with middle:
        with control("lr"):
            st.select_slider(
                "Learning rate",
                LEARNING_RATES,
                value=DEFAULT.lr,
                key="net_lr",
                bind="query-params",
                format_func=lambda v: f"{v:g}",  # also the link's text: `net_lr=0.3`
                help="On a log scale. The sweep below shows at which rates each network trains.",
            )
        with control("init_scale"):
            st.select_slider(
                "Initialisation scale",
                INIT_SCALES,
                value=DEFAULT.init_scale,
                key="net_init_scale",
                bind="query-params",
                format_func=lambda v: f"{v:g}",  # also the link's text: `net_init_scale=0.1`
                help="Multiplies the standard initial weights (PyTorch's gain / √fan_in). "
                "Below 1 the signal shrinks layer by layer, above 1 it grows.",
            )
        with control("steps", essential=False):
            st.select_slider("Training steps", STEPS, value=DEFAULT.steps, key="net_steps", bind="query-params")
    with right:
        with control("width", essential=False):
            st.select_slider(
                "Units per hidden layer", WIDTHS, value=DEFAULT.width, key="net_width", bind="query-params"
            )
        with control("batch_size", essential=False):
            st.select_slider(
                "Batch size",
                BATCH_SIZES,
                value=DEFAULT.batch_size,
                key="net_batch_size",
                bind="query-params",
                help=r"BN computes $\mu_B$ and $\sigma_B^2$ on each mini-batch: small batches make them noisy.",
            )
        with control("seed", essential=False):
            st.number_input(
                "Seed (data, weights and batches)",
                min_value=0,
                max_value=10_000,
                value=DEFAULT.seed,
                step=1,
                key="net_seed",
                bind="query-params",
            )
    st.form_submit_button(TRAIN, type="primary", on_click=pressed)
with st.expander("Things to try"):
    st.markdown(things_to_try())

try:
    settings = NetworkSettings(
        dataset=st.session_state.net_dataset,
        depth=int(st.session_state.net_depth),
        width=int(st.session_state.net_width),
        activation=st.session_state.net_activation,
        lr=float(st.session_state.net_lr),
        batch_size=int(st.session_state.net_batch_size),
        init_scale=float(st.session_state.net_init_scale),
        steps=int(st.session_state.net_steps),
        seed=int(st.session_state.net_seed),
    )
    runs, X, y = train(settings)
except (ValueError, TypeError) as err:
    st.error(f"These settings cannot be trained: {err}")
    st.stop()
# The form sends its controls only when pressed: until then the page shows the last press's run.
st.info(trained_with(settings), icon=":material/info:")


def results(settings, runs, X, y):
    """What the three trainings did: curves, decision boundaries, the inside of each network."""
    st.subheader("Loss and accuracy while training")
    for column, run in zip(st.columns(len(runs)), runs):
        with column.container(border=True):
            st.markdown(
                f"**{PANEL[run.norm]}** ({settings.activation}, learning rate {run.lr:g}, {settings.steps} steps): "
                f"{outcome(run)}"
            )
    shared_chart(curves_figure, runs, by=settings, key="net_curves")
    st.caption(
        "Curves: each point averages the loss (or accuracy) of a few consecutive mini-batches, in "
        "training mode. The final numbers above are on all 512 points in eval mode (BN uses its "
        "running mean and variance), as is the map below. “Diverged”: the loss or a weight stopped "
        "being a finite number, so training stopped there. " + LAST_DIGITS
    )

    st.subheader(f"What each network learned on the {settings.dataset}")
    shared_chart(boundary_figure, runs, X, y, by=settings, key="net_boundary")
    st.caption("Colour: the predicted probability of class 1; the line is where it is 50 %, the decision boundary.")

    # A side topic, closed so that the question "which network learns?" and the sweep stay in view; bound to
    # the link and built only while it is open (Streamlit reruns when it is opened).
    inside = st.expander(
        "Inside the network: which units saturate, and how large are the gradients?",
        key="net_open_inside",
        bind="query-params",
    )
    if inside.open:
        with inside:
            shared_chart(activation_strips, runs, settings.activation, by=settings, key="net_strips")
            st.caption(
                "One strip per hidden layer: time runs left to right, the output value bottom to top, and "
                "brightness shows how many of the mini-batch's outputs have that value (log scale, as in "
                "fastai's activation plots). "
                + ("ReLU outputs above 4 are counted in the top row. " if settings.activation == "ReLU" else "")
                + "A bright band at the top or bottom edge means saturated units, which pass almost no gradient back."
            )
            shared_chart(saturation_figure, runs, settings.activation, by=settings, key="net_saturation")
            shared_chart(gradient_figure, runs, by=settings, key="net_gradients")
            st.caption(
                f"{'Dead' if settings.activation == 'ReLU' else 'Saturated'} here means {SATURATION[settings.activation]}. "
                "Gradient size: the root mean square of dL/dW of each layer's weights, on that step's mini-batch."
            )
            bn = next(run for run in runs if run.norm == "bn")
            if bn.gamma is not None:
                shared_chart(gamma_beta_figure, bn, by=settings, key="net_gamma_beta")
                st.caption(
                    "BN alone forces every layer's pre-activations to mean 0 and variance 1, as in the network "
                    "“BN without γ, β”. γ and β, learned like the weights, let each unit choose its own scale and "
                    "offset instead."
                )


# The first reveal: in classroom mode the class predicts, then the teacher trains (the form's button), and the
# curves and the answer appear; asked again when the settings change.
ask = train_prediction(settings)
with ASK if ASK is not None else nullcontext():
    ready = predict_first(ask.key, ask.question, ask.choices, about=settings)
if st.session_state.pop("net_train_pressed", False) and ready:
    st.session_state["net_trained_for"] = settings
if ready and CURVES_AT is not None and st.session_state.get("net_trained_for") == settings:
    with CURVES_AT:
        shared_chart(curves_figure, runs, height=300, accuracy=False, by=settings, key="net_loss_curves")
        classroom.reveal(TRAIN_KEY, lowest_loss(runs), final_losses(runs))
    results(settings, runs, X, y)
elif ready and CURVES_AT is None:
    results(settings, runs, X, y)

st.subheader("Which learning rates work?")
st.markdown(
    f"The same experiment at {len(SWEEP_LRS)} learning rates from {SWEEP_LRS[0]:g} to "
    f"{SWEEP_LRS[-1]:g}, for the three networks (all other settings as above)."
)
with control("sweep"):
    st.toggle(
        "Run the learning-rate sweep",
        value=True,
        key="net_sweep",
        bind="query-params",
        help=f"Trains {3 * len(SWEEP_LRS)} networks: a few seconds at the default size, up to a minute at the largest.",
    )
if st.session_state.net_sweep and predict_first(
    SWEEP_PREDICTION.key, SWEEP_PREDICTION.question, SWEEP_PREDICTION.choices, about=settings
):
    try:
        result = sweep(replace(settings, lr=1.0))  # lr is not used: one cache entry for every rate
    except (ValueError, TypeError) as err:
        st.error(f"The sweep could not run: {err}")
    else:
        shared_chart(sweep_figure, result, settings.lr, by=settings, key="net_sweep_chart")
        st.caption(
            "Final loss on all 512 points in eval mode; lower is better, and the dotted line is a "
            "network that always answers 50 %. The dashed line marks the learning rate of the run above."
        )
        rates = {norm: ", ".join(f"{lr:g}" for lr in result.trained(norm)) or "none" for norm in result.runs}
        classroom.reveal(
            SWEEP_KEY,
            sweep_answer(result.trained("none"), SWEEP_LRS),
            f"Reaching 90 % accuracy, the network without BN trained at learning rates {rates['none']}; BN with γ, β "
            f"at {rates['bn']}; BN without γ, β at {rates['bn_no_affine']}.",
        )

st.subheader(JOLT_TITLE, anchor=JOLT_ANCHOR)
explain, shown = beside([1.6, 2.5], gap="medium")
with explain:
    st.markdown(JOLT_INTRO)
    by, of = beside(2)
    with control("jolt_factor", where=by):
        st.radio(
            "Multiply by",
            FACTORS,
            key="net_jolt_factor",
            bind="query-params",
            horizontal=True,
            format_func=lambda v: f"{v:g}",  # also the link's text: `net_jolt_factor=0.1`
        )
    with control("jolt_layer", where=of):
        st.radio("Hidden layer", LAYERS, key="net_jolt_layer", bind="query-params", horizontal=True)
layer, factor = int(st.session_state.net_jolt_layer), float(st.session_state.net_jolt_factor)
jolt_settings = replace(settings, lr=DEFAULT_LR)
jolt_run = None
with shown:
    jolt_ask = jolt_prediction(layer, factor)
    if predict_first(jolt_ask.key, jolt_ask.question, jolt_ask.choices, about=(settings, layer, factor)):
        try:
            jolt_run = jolted(jolt_settings, layer, factor)
        except (ValueError, TypeError) as err:
            st.error(f"The jolt could not run: {err}")
    if jolt_run is not None:
        shared_chart(jolt_figure, jolt_run, by=(jolt_settings, layer, factor), key="net_jolt_chart")
        classroom.reveal(JOLT_KEY, jolt_happened(jolt_run))
if jolt_run is not None:
    # One paragraph: what the jolt did, and whether γ and β undid BN.
    st.markdown(" ".join([jolt_summary(jolt_run)] + ([undo_summary(jolt_run.undo)] if jolt_run.undo else [])))
    # Side by side, closed: each takes one row of the page; built only while open, and bound to the link.
    left, right = beside(2, gap="medium")
    why = left.expander(JOLT_WHY_LABEL, key="net_open_jolt_why", bind="query-params")
    if why.open:
        with why:
            shared_chart(jolt_step_figure, jolt_run, by=(jolt_settings, layer, factor), key="net_jolt_steps")
            st.markdown(jolt_why(jolt_run))
    undone = right.expander(UNDO_LABEL, key="net_open_undo", bind="query-params")
    if undone.open and jolt_run.undo is not None:
        with undone:
            # The copy without the jolt: the same whatever the layer and factor.
            shared_chart(undo_figure, jolt_run.undo, by=jolt_settings, key="net_undo_chart")
            st.markdown(undo_text(jolt_run.undo))
    elif undone.open:
        undone.markdown(UNDO_DIVERGED)

st.subheader("So why does BN help?")
st.markdown(WHY)
