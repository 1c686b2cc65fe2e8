"""What the /real-network page says: a convolutional network on real handwritten digits, trained without BN,
with BN and with BN but no γ and β. Every result in a sentence comes from the run it describes; the few bounds
said of the default settings hold on CLAIM_SEEDS at every SIMD level (tests/content/test_claims_real_network.py)."""

from __future__ import annotations

import numpy as np

from bnviz.core.digits import IMAGES, TEST_SIZE
from bnviz.experiments.cnn import BN_MOMENTUM, CHANNELS, NORMS, Arm, ChannelFacts, CNNResult, CNNSettings
from bnviz.figures.network import NAMES, PANEL
from bnviz.notation import MU_RUN
from bnviz.numbers import sig
from content.common import LAST_DIGITS, Prediction

TRAIN_SIZE = IMAGES - TEST_SIZE
INTRO = (
    f"Every other page runs on made-up numbers. Here a small **convolutional network** learns to read real "
    f"handwritten digits: {IMAGES:,} images of 8 × 8 pixels, {TRAIN_SIZE:,} to train on and {TEST_SIZE} kept "
    "apart to test it. Three copies start from **the same weights** and see **the same mini-batches**: one "
    "without BatchNorm, one with BatchNorm2d after each convolution and its learned γ and β, one with "
    "BatchNorm2d but no γ and β (γ = 1 and β = 0, fixed: PyTorch's `affine=False`). All in NumPy, on this server."
)
ARCHITECTURE = (
    f"The network: three blocks of a 3 × 3 convolution ({CHANNELS[0]}, {CHANNELS[1]} and {CHANNELS[2]} "
    "channels) → [BatchNorm2d] → ReLU, with 2 × 2 max pooling after blocks 2 and 3, then a linear layer to ten "
    "scores and the softmax cross-entropy; SGD with momentum 0.9. With BN the convolutions have no bias (β takes "
    "its place; in the network without γ and β nothing does), as in PyTorch code (`bias=False`)."
)
DATA_SOURCE = (
    "The images: the test set of the UCI “Optical Recognition of Handwritten Digits” data (Alpaydin & Kaynak, "
    "1998; [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)), the copy scikit-learn ships as "
    "`load_digits()`. Each pixel counts the ink in a 4 × 4 block of a 32 × 32 scan, 0 to 16; the network sees it / 16."
)
SAMPLES_CAPTION = "One training image of each digit, as the network sees it."

TRAIN = "Train the three networks"
TRAINING = "Training the three networks…"
CANNOT_TRAIN = "These settings cannot be trained: "
LABELS = {"lr": "Learning rate", "epochs": "Epochs", "batch_size": "Batch size", "seed": "Seed (weights and batches)"}
LR_HELP = "SGD's step size, the same for the three networks."
BATCH_SIZE_HELP = (
    "Images per mini-batch: BN computes each channel's μ_B and σ²_B over them and their 8 × 8 or 4 × 4 pixels."
)


def progress(done: float) -> str:
    return f"{TRAINING} {done:.0%}"


def trained_with(settings: CNNSettings) -> str:
    """The note above the results: which settings they come from (the form sends them when pressed)."""
    return (
        f"Trained at learning rate {settings.lr:g}, {settings.epochs} epochs, batch size {settings.batch_size}, "
        f"seed {settings.seed}. Change them above and press “{TRAIN}”."
    )


def percent(share: float) -> str:
    """A test accuracy or a share with one decimal: 512 test images make 0.2 % steps."""
    return f"{100 * share:.1f}\u00a0%"


# --- the three trainings --------------------------------------------------------------------------------

RESULTS_HEADING = "Three networks on digits"
RESULTS_ANCHOR = "three-networks-on-digits"


def arm_box(arm: Arm) -> str:
    """One network's box: its final test accuracy in eval mode, or where it diverged."""
    if arm.diverged_at is not None:
        return f"**{PANEL[arm.norm]}**: diverged at step {arm.diverged_at} (a value stopped being a finite number)."
    return f"**{PANEL[arm.norm]}**: test accuracy **{percent(arm.final_accuracy)}** after training (eval mode)."


CURVES_CAPTION = (
    f"Left: the share of the {TEST_SIZE} test images read right, before training (epoch 0: the three are the same "
    "untrained network) and after each epoch, in eval mode (BN uses its running mean and variance). Right: the loss of each training mini-batch, averaged over "
    "five steps. " + LAST_DIGITS
)

PREDICT_KEY = "cnn_predict_train"
PREDICT_HEADING = RESULTS_HEADING
PREDICT_ANCHOR = RESULTS_ANCHOR
PREDICTIONS = (NAMES["none"], NAMES["bn"], NAMES["bn_no_affine"], "about the same")


def prediction(settings: CNNSettings) -> Prediction:
    """The class's prediction before the three trainings are shown."""
    return Prediction(
        PREDICT_KEY,
        f"Same start, same batches, {settings.epochs} epochs at learning rate {settings.lr:g}: which network reads "
        "the fewest test digits right?",
        PREDICTIONS,
    )


def worst(result: CNNResult, margin: float = 0.02) -> tuple[str, ...]:
    """The right choices of the prediction: the network with the lowest final test accuracy (a diverged one
    counts as 0), with every other within `margin` of it; "about the same" when all three are."""
    accuracy = {n: result[n].final_accuracy or 0.0 for n in NORMS}
    low = min(accuracy.values())
    close = [n for n in NORMS if accuracy[n] - low <= margin]
    return ("about the same",) if len(close) == len(NORMS) else tuple(NAMES[n] for n in close)


def final_accuracies(result: CNNResult) -> str:
    """The reveal's reason: each network's final test accuracy."""
    return "Test accuracy after training: " + "; ".join(_outcome(result[n]) for n in NORMS) + "."


def _outcome(arm: Arm) -> str:
    if arm.diverged_at is not None:
        return f"{NAMES[arm.norm]} diverged at step {arm.diverged_at}"
    return f"{NAMES[arm.norm]} {percent(arm.final_accuracy)}"


# --- activations over training ----------------------------------------------------------------------------

ACTIVATIONS_HEADING = "Inside: each block's activations, step by step"
ACTIVATIONS_ANCHOR = "activations"
BLOCK_LABEL = "Block"
COLORFUL_CAPTION = (
    "fastai's “colorful dimension”: one column per training step, the block's outputs after its ReLU from 0 "
    "(bottom) up; brightness is how many of the mini-batch's activations have that value, on a log scale. A "
    "bright bottom row with nothing above it: the block outputs almost only zeros."
)
STATS_LABEL = "Mean, standard deviation and share near zero, step by step"


def block_summary(result: CNNResult, block: int) -> str:
    """What the chosen block's outputs look like at the end of training, for each network, from the run."""
    parts = []
    for n in NORMS:
        arm = result[n]
        if arm.steps_done == 0:
            parts.append(f"{NAMES[n]}: no step trained")
            continue
        parts.append(
            f"{NAMES[n]}: {percent(arm.zeros[block - 1, -1])} exactly 0, standard deviation "
            f"{sig(arm.act_std[block - 1, -1], 3)}"
        )
    text = f"At the last step, block {block}'s outputs on the mini-batch: " + "; ".join(parts) + "."
    return text + _silenced(result, block) + _chosen_sparsity(result, block)


def _silenced(result: CNNResult, block: int, share: float = 0.8) -> str:
    """Said when the network without BN ends with most of the block's outputs exactly 0."""
    arm = result["none"]
    if arm.steps_done == 0 or arm.zeros[block - 1, -1] <= share:
        return ""
    return (
        f" Without BN, over {share:.0%} of them are exactly 0: the block passes on only "
        f"{percent(1 - arm.zeros[block - 1, -1])} of its values, and where a ReLU outputs 0, no gradient flows back "
        "through it to the weights before."
    )


def _chosen_sparsity(result: CNNResult, block: int, gap: float = 0.2) -> str:
    """Said when γ and β made the block much sparser than BN without them: the network chose it."""
    bn, affine_free = result["bn"], result["bn_no_affine"]
    if bn.net is None or affine_free.steps_done == 0:
        return ""
    if bn.zeros[block - 1, -1] - affine_free.zeros[block - 1, -1] <= gap:
        return ""
    gamma, beta = bn.net.bn[block - 1].gamma, bn.net.bn[block - 1].beta
    flipped = int(np.sum(gamma < 0))
    return (
        f" With γ and β, far more of them are 0 than without: the learned β is below 0 in {int(np.sum(beta < 0))} "
        f"of the block's {len(beta)} channels"
        + (f" (and γ below 0, which flips the channel, in {flipped})" if flipped else "")
        + ", so more of γ·x̂ + β falls below the ReLU's 0. Without γ and β the network cannot do that: every "
        "channel's x̂ has mean 0 over the batch, so some of it always passes; here "
        f"{percent(1 - affine_free.zeros[block - 1, -1])} of the block's outputs do."
    )


# --- what γ and β learned ------------------------------------------------------------------------------------

GAMMA_BETA_HEADING = "What γ and β learned"
GAMMA_BETA_ANCHOR = "gamma-beta-learned"
UNDONE_TOLERANCE = 0.1


def channels_summary(facts: ChannelFacts) -> str:
    """How far the block's γ and β are from undoing BN, exactly and up to a positive scale, and the signs and
    sizes of γ, from the trained network."""
    undone, scaled = facts.undone(UNDONE_TOLERANCE), facts.undone_up_to_scale(UNDONE_TOLERANCE)
    c = len(facts.gamma)
    above, below = int(np.sum(facts.gamma > 1.0)), int(np.sum(facts.gamma < 0.0))
    said = (
        f"Undoing BN would take γ = running σ and β = running {MU_RUN}. In block {facts.block} γ and β are both that "
        f"close (within {UNDONE_TOLERANCE:.0%} of σ) in {len(undone)} of its {c} channels"
        + (": BN was not undone. " if len(undone) == 0 else ". ")
        + f"γ is above 1 in {above} channels, between 0 and 1 in {c - above - below}, and below 0 in {below}"
        + (" (those channels are flipped: a large input comes out small)" if below else "")
        + ". A positive scale passes the ReLU and the pooling unchanged and the next convolution can take it up, so "
        f"BN is undone up to a scale wherever γ > 0 and β/γ = {MU_RUN}/σ: "
    )
    if len(scaled) == 0:
        return said + f"in none of the {c} channels (within {UNDONE_TOLERANCE:g})."
    listed = ", ".join(str(int(ch)) for ch in scaled)
    return (
        said
        + f"in {len(scaled)} of the {c} (within {UNDONE_TOLERANCE:g}: channel{'s' if len(scaled) > 1 else ''} {listed})."
    )


RESET_LABEL = "Channel to reset"
RESET_TOGGLE = "Set its γ to 1 and β to 0"


def reset_summary(block: int, channel: int, before: float, after: float | None) -> str:
    """The switch's result: the test accuracy as trained, and with the channel's γ = 1, β = 0 once switched."""
    trained = f"Test accuracy with block {block}'s channel {channel} as trained: **{percent(before)}**"
    if after is None:
        return trained + ". Switch it back to γ = 1, β = 0 to see what its γ and β were worth."
    change = round((after - before) * TEST_SIZE)
    effect = (
        "the same number of test images read right"
        if change == 0
        else f"{abs(change)} test image{'s' if abs(change) > 1 else ''} {'fewer' if change < 0 else 'more'} read right"
    )
    return f"{trained}; with its γ = 1 and β = 0: **{percent(after)}** ({effect})."


# --- train mode against eval mode -------------------------------------------------------------------------------

MODES_HEADING = "Train mode at test time, and momentum"
MODES_ANCHOR = "train-vs-eval"
MODES_INTRO = (
    "In eval mode BN normalizes with the running mean and variance it kept while training, so an image's answer "
    "does not depend on the other images. In train mode it uses the batch's own statistics: forgetting "
    "`model.eval()` before predicting makes every answer depend on which images share the batch. Here are the "
    f"{TEST_SIZE} test images read in eval mode and in train mode's way, in batches of 1, 2 and 64."
)
MODES_COLUMNS = {"eval": "eval mode (running statistics)"}


def batch_column(b: int) -> str:
    return f"train mode, batches of {b}"


def modes_summary(table: dict[str, dict], changed: dict[int, int], last_batch: float | None) -> str:
    """What the table shows for the network with γ and β, from its numbers: the answers train mode changes, and,
    when batches of 64 read more than eval mode, what eval mode reads with the last batch's statistics alone."""
    bn = table.get(NAMES["bn"])
    if bn is None:
        return ""
    alone, many, in_eval = bn[batch_column(1)], bn[batch_column(64)], bn[MODES_COLUMNS["eval"]]
    said = (
        f"With γ and β, {changed[64]} of the {TEST_SIZE} answers differ between batches of 64 and eval mode, and "
        f"{changed[1]} when each image is alone ({percent(alone)} right). Alone, each channel is normalized over the "
        "image's own pixels, so how strongly the image as a whole shows that channel's feature is lost."
    )
    if many > in_eval and last_batch is not None:
        said += (
            f" Batches of 64 read more than eval mode here ({percent(many)} against {percent(in_eval)}): the running "
            "statistics average batches computed with earlier weights; kept from the last batch alone (momentum 1, "
            f"below) they give eval mode {percent(last_batch)}."
        )
    return said


MOMENTUM_HEADING = "What momentum does to the running statistics"
MOMENTUM_LABEL = "BatchNorm's momentum (PyTorch's convention)"
MOMENTUM_HELP = "running = (1 − momentum) · running + momentum · batch statistic, at every training step."


def momentum_summary(momentum: float, accuracy: float, default_accuracy: float, steps: int) -> str:
    """What the chosen momentum gives, from the replay."""
    said = f"With momentum {momentum:g} over the {steps} training steps, eval mode reads {percent(accuracy)} of the test images right"
    if momentum != BN_MOMENTUM:
        said += f" (with PyTorch's default {BN_MOMENTUM:g}, as trained: {percent(default_accuracy)})"
    return said + (
        ". Running statistics never feed back into training: the weights, γ and β are the same; only the mean eval "
        "mode subtracts and the variance it divides by change. A small momentum keeps them near their start "
        "(mean 0, variance 1); momentum 1 keeps only the last batch's."
    )


# --- why -----------------------------------------------------------------------------------------------------

WHY_HEADING = "What this run shows, and what it does not"


def what_it_shows(result: CNNResult) -> str:
    """The run's outcome in two sentences, from its numbers: which networks read the test digits, and whether
    the two BN networks ended close."""
    acc = {n: result[n].final_accuracy for n in NORMS}
    said = "**What this run shows.** " + final_accuracies(result)
    if None not in acc.values():
        apart = round(abs(acc["bn"] - acc["bn_no_affine"]) * TEST_SIZE)
        if acc["none"] < min(acc["bn"], acc["bn_no_affine"]) - 0.05 and apart <= 0.02 * TEST_SIZE:
            said += (
                f" The two BN networks end {apart} test image{'' if apart == 1 else 's'} apart: at these settings BN "
                "made the difference in accuracy, with or without γ and β. γ and β changed what the blocks pass on "
                "(above), and the trained network relies on them (the switch)."
            )
    return (
        said
        + " One run on one small data set: change the seed and the learning rate, and watch which differences stay."
    )


WHY = """
**Why BN helps is still debated.** Ioffe & Szegedy (2015), who introduced BN, argued that it reduces
*internal covariate shift*; Santurkar et al. (2018) argued instead that it makes the loss landscape
smoother; Bjorck et al. (2018) found that its main effect is to allow larger learning rates.
[Why BN helps](network) runs the experiments behind that debate on a small network.

**γ and β** let each channel choose its own scale and offset after BN, instead of mean 0 and variance 1.
The optimizer sets them, as it sets the weights.
"""
SOURCES = (
    "Sources: S. Ioffe & C. Szegedy, [Batch Normalization](https://arxiv.org/abs/1502.03167) (2015); "
    "S. Santurkar et al., [How Does Batch Normalization Help Optimization?](https://arxiv.org/abs/1805.11604) "
    "(2018); J. Bjorck et al., [Understanding Batch Normalization](https://arxiv.org/abs/1806.02375) (2018); "
    "J. Howard & S. Gugger, [fastai book, chapter 13](https://github.com/fastai/fastbook/blob/master/13_convolutions.ipynb) "
    "(the “colorful dimension”)."
)
