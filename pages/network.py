"""Why BN helps: the same small network trained with and without BatchNorm, side by side."""

from dataclasses import replace

import streamlit as st

from bnviz.core.datasets import DATASETS
from bnviz.experiments.mlp import (
    ACTIVATIONS,
    SWEEP_LRS,
    NetworkSettings,
    experiment_data,
    lr_sweep,
    train_pair,
)
from bnviz.figures.network import (
    activation_strips,
    boundary_figure,
    curves_figure,
    gamma_beta_figure,
    gradient_figure,
    outcome,
    saturation_figure,
    sweep_figure,
)
from content.network import SATURATION, lower_loss
from ui.classroom import chart, predict_first, prediction
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
    """Both networks trained from the same weights on the same batches, and their dataset."""
    bar = st.progress(0.0, text="Training both networks…")
    plain, bn = train_pair(settings, progress=lambda f: bar.progress(f, text=f"Training both networks… {f:.0%}"))
    bar.empty()
    X, y, _ = experiment_data(settings)
    return plain, bn, X, y


@st.cache_data(show_spinner=False, max_entries=8)
def sweep(settings: NetworkSettings):
    """Final losses at every rate of SWEEP_LRS (settings.lr is not used: the caller sets it to 1)."""
    bar = st.progress(0.0, text="Sweeping the learning rate…")
    result = lr_sweep(settings, progress=lambda f: bar.progress(f, text=f"Sweeping the learning rate… {f:.0%}"))
    bar.empty()
    return result


st.title("Why BN helps")
st.markdown(
    "Two copies of one small network start from **the same weights** and see **the same "
    "mini-batches**. One has a BatchNorm layer (with its γ and β) after every hidden linear "
    "layer, before the activation; the other has not. Train them and compare."
)
st.caption(
    "This page does not use your batch from “Make a batch”: it trains a classifier of 2-D points "
    "(512 points, two classes), all in NumPy."
)

with st.form("net_settings"):
    left, middle, right = st.columns(3)
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
                help="On a log scale. At the larger rates the network without BN stalls or diverges first.",
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
    st.form_submit_button("Train both networks", type="primary")
with st.expander("Things to try"):
    st.markdown(
        """
- **Learning rate 0.3**: both networks train. At small rates BN brings no advantage here.
- **ReLU**, learning rate 3: the network without BN diverges within ten steps.
- **Sigmoid**, initialisation 0.1×, learning rate 1: without BN the signal fades layer by layer
  and the network stays at 50 %; with BN it reaches 100 %.
- **ReLU**, initialisation 5×, learning rate 0.3: without BN the outputs are far too large and
  training gets stuck; BN divides the scale away.
- **Spirals**, batch size 8, learning rate 0.3: now BN does worse. Its $\\mu_B$ and $\\sigma_B^2$ come from
  only 8 points and change a lot from batch to batch. At batch size 64 it does well again.
"""
    )

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
    plain, bn, X, y = train(settings)
except (ValueError, TypeError) as err:
    st.error(f"These settings cannot be trained: {err}")
    st.stop()


def results(settings, plain, bn, X, y):
    """What the two trainings did: curves, decision boundaries, the inside of each network."""
    st.subheader("Loss and accuracy while training")
    a, b = st.columns(2)
    for column, name, run in ((a, "Without BN", plain), (b, "With BN", bn)):
        with column.container(border=True):
            st.markdown(
                f"**{name}** ({settings.activation}, learning rate {run.lr:g}, {settings.steps} steps): {outcome(run)}"
            )
    said = prediction("net_predict_train")
    if said:
        st.markdown(
            f"Your class predicted: **{said}**. What happened: **{lower_loss(plain, bn)}** (the final losses are in the two boxes above)."
        )
    chart(curves_figure(plain, bn), key="net_curves")
    st.caption(
        "Curves: each point averages the loss (or accuracy) of a few consecutive mini-batches, in "
        "training mode. The final numbers above are on all 512 points in eval mode (BN uses its "
        "running mean and variance), as is the map below. “Diverged”: the loss or a weight stopped "
        "being a finite number, so training stopped there."
    )

    st.subheader(f"What each network learned on the {settings.dataset}")
    chart(boundary_figure(plain, bn, X, y), key="net_boundary")
    st.caption("Colour: the predicted probability of class 1; the line is where it is 50 %, the decision boundary.")

    st.subheader("Inside the network")
    chart(activation_strips(plain, bn, settings.activation), key="net_strips")
    st.caption(
        "One strip per hidden layer: time runs left to right, the output value bottom to top, and "
        "brightness shows how many of the mini-batch's outputs have that value (log scale, as in "
        "fastai's activation plots). "
        + ("ReLU outputs above 4 are counted in the top row. " if settings.activation == "ReLU" else "")
        + "A bright band at the top or bottom edge means saturated units, which pass almost no gradient back."
    )
    left, right = st.columns(2)
    with left:
        chart(saturation_figure(plain, bn, settings.activation), key="net_saturation")
    with right:
        chart(gradient_figure(plain, bn), key="net_gradients")
    st.caption(
        f"{'Dead' if settings.activation == 'ReLU' else 'Saturated'} here means {SATURATION[settings.activation]}. "
        "Gradient size: the root mean square of dL/dW of each layer's weights, on that step's mini-batch."
    )
    if bn.gamma is not None:
        chart(gamma_beta_figure(bn), key="net_gamma_beta")
        st.caption(
            "BN alone would force every layer's pre-activations to mean 0 and variance 1. γ and β, "
            "learned like the weights, let each unit choose its own scale and offset instead."
        )


# The first reveal: in classroom mode the class predicts before the training is shown.
if predict_first(
    "net_predict_train",
    f"Same start, same batches, {settings.steps} steps at learning rate {settings.lr:g}: which network ends with the lower loss?",
    ["without BN", "with BN", "about the same"],
):
    results(settings, plain, bn, X, y)

st.subheader("Which learning rates work?")
st.markdown(
    f"The same experiment at {len(SWEEP_LRS)} learning rates from {SWEEP_LRS[0]:g} to "
    f"{SWEEP_LRS[-1]:g}, for both networks (all other settings as above)."
)
with control("sweep"):
    st.toggle(
        "Run the learning-rate sweep",
        value=True,
        key="net_sweep",
        bind="query-params",
        help="Trains 20 networks: a few seconds at the default size, up to half a minute at the largest.",
    )
if st.session_state.net_sweep and predict_first(
    "net_predict_sweep",
    "At which learning rates will the network without BN still train?",
    ["all of them", "only the small ones", "only the large ones"],
):
    try:
        result = sweep(replace(settings, lr=1.0))  # lr is not used: one cache entry for every rate
    except (ValueError, TypeError) as err:
        st.error(f"The sweep could not run: {err}")
    else:
        chart(sweep_figure(result, settings.lr), key="net_sweep_chart")
        st.caption(
            "Final loss on all 512 points in eval mode; lower is better, and the dotted line is a "
            "network that always answers 50 %. The dashed line marks the learning rate of the run above."
        )
        said = prediction("net_predict_sweep")
        if said:
            rates = {bn: ", ".join(f"{lr:g}" for lr in result.trained(bn)) or "none" for bn in (False, True)}
            st.markdown(
                f"Your class predicted: **{said}**. What happened: reaching 90 % accuracy, the network "
                f"without BN trained at learning rates {rates[False]}; with BN at {rates[True]}."
            )

st.subheader("So why does BN help?")
st.markdown(
    """
**What you can see here.** With BN, this network trains at learning rates where the plain one
stalls or diverges, and from initial weights that are far too small or too large. A BN layer
divides by the batch's own standard deviation, so scaling a layer's weights up or down does not
change what the next layer receives: a large step cannot push the next layer into saturation,
and a bad initial scale is undone at once.

**Why that is, exactly, is still debated.**
- Ioffe & Szegedy (2015), who introduced BN, argued that it reduces *internal covariate shift*:
  each layer's inputs keep changing as the layers before it learn, and BN holds their mean and
  variance fixed.
- Santurkar et al. (2018) found that BN networks train just as well when noise is added after
  BN to bring the shift back, and argued instead that BN makes the loss landscape smoother, so
  that gradients stay reliable over larger steps.

**Why γ and β.** Without them every layer's pre-activations would be stuck at mean 0 and
variance 1 (for tanh and sigmoid, their nearly linear middle). γ and β give each unit back the
freedom to pick its own scale and offset, and even to undo the normalization if that is best.

**Not magic.** At small learning rates the plain network often does as well or better, and
with small batches BN's $\\mu_B$ and $\\sigma_B^2$ are noisy enough to hurt (see “Things to try”).
"""
)
