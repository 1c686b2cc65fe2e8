"""The questions learners ask about BatchNorm: answers, experiments and self-checks, as data.

Each Question holds a short answer, the page that explores it further, a self-check whose
wrong choices are each explained, and its sources. The experiments that answer them are the
pure functions below; every number they return comes from the bnviz core (BatchNorm,
batch_norm_forward, batch_statistics, normalize), never from a second implementation of BN.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bnviz.core.batchnorm import BatchNorm, batch_norm_forward, batch_statistics, reduce_axes
from bnviz.core.data import ChannelSpec, make_batch, preset
from bnviz.core.norms import norm_statistics, normalize
from bnviz.core.validation import check_batch
from bnviz.experiments.gamma_beta import LINEAR_TOLERANCE, linear_region  # noqa: F401 (LINEAR_TOLERANCE: for the page's caption)

# ---------------------------------------------------------------------------------------
# Sources


@dataclass(frozen=True)
class Source:
    """A reference the answers rest on."""

    short: str  # how the text cites it: "Ioffe & Szegedy (2015)"
    title: str
    url: str


SOURCES = {
    "ioffe2015": Source(
        "Ioffe & Szegedy (2015)",
        "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift. ICML 2015.",
        "https://arxiv.org/abs/1502.03167",
    ),
    "pytorch": Source(
        "PyTorch documentation",
        "torch.nn.BatchNorm1d / BatchNorm2d: running statistics, momentum, training and evaluation.",
        "https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html",
    ),
    "santurkar2018": Source(
        "Santurkar, Tsipras, Ilyas & Madry (2018)",
        "How Does Batch Normalization Help Optimization? NeurIPS 2018.",
        "https://arxiv.org/abs/1805.11604",
    ),
    "wu2018": Source(
        "Wu & He (2018)",
        "Group Normalization. ECCV 2018.",
        "https://arxiv.org/abs/1803.08494",
    ),
}

# ---------------------------------------------------------------------------------------
# The questions

# The gradients of γ and β, as the answers write them (Markdown with LaTeX).
D_GAMMA = r"$\partial L/\partial \gamma = \sum \partial L/\partial y \cdot \hat{x}$"
D_BETA = r"$\partial L/\partial \beta = \sum \partial L/\partial y$"


@dataclass(frozen=True)
class Choice:
    """One answer of a self-check, and why it is right or wrong."""

    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class SelfCheck:
    prompt: str
    choices: tuple[Choice, ...]

    @property
    def answer(self) -> Choice:
        return next(c for c in self.choices if c.correct)

    def feedback(self, text: str | None) -> tuple[bool, str] | None:
        """For the choice whose text is `text`: (is it right, the explanation); None if no choice yet."""
        if text is None:
            return None
        for choice in self.choices:
            if choice.text == text:
                return choice.correct, choice.why
        raise ValueError(f"{text!r} is not one of this self-check's choices.")


@dataclass(frozen=True)
class Link:
    page: str  # the URL path of a page of the app, "gamma-beta" (content.registry)
    label: str


@dataclass(frozen=True)
class Question:
    number: int
    key: str  # stable identifier of the question and of its experiment
    title: str
    answer: str  # two to five sentences, Markdown
    experiment: str  # what the experiment shows, in one line: "Try it: ..."
    links: tuple[Link, ...]  # the first is the page that explores it further
    check: SelfCheck
    sources: tuple[str, ...]  # keys of SOURCES


QUESTIONS: tuple[Question, ...] = (
    Question(
        1,
        "why",
        "Why add γ and β at all?",
        "Normalizing forces every channel to mean 0 and variance 1, and that also limits what the "
        "layer can represent: normalized values fed to a sigmoid land mostly in its nearly straight "
        "middle, so the layer behaves almost linearly. γ (scale) and β (shift) give each channel a "
        "mean and a spread of its own again, learned like any weight, so the network can use the "
        "curve, its flat ends, or the straight part, whichever lowers the loss. They cost two "
        "numbers per channel.",
        "Try it: move γ and β and watch which part of the sigmoid the values reach.",
        (Link("gamma-beta", "Drag γ and β, with a sigmoid, tanh or ReLU after them"),),
        SelfCheck(
            "A BN layer feeds a sigmoid. If its γ and β were removed (always γ = 1, β = 0), "
            "what could the layer no longer do?",
            (
                Choice(
                    "Give each channel mean 0 and variance 1.",
                    False,
                    "That is what the normalization does on its own, without γ and β. The question is "
                    "what is lost when every channel is forced to stay at mean 0 and variance 1.",
                ),
                Choice(
                    "Send a channel into the sigmoid's flat ends, so the unit acts like an on/off switch.",
                    True,
                    "With γ = 1 and β = 0 every channel has mean 0 and variance 1, so most values land "
                    "in the sigmoid's nearly straight middle and almost none reach its flat ends. Only "
                    "a larger γ or a β away from 0 gets there: try γ = 4 or β = 4 in the experiment.",
                ),
                Choice(
                    "Learn the weights W of the layer before it: no gradient would reach them.",
                    False,
                    "The gradient reaches W through x̂ whether or not γ and β exist. What is lost is "
                    "the freedom to choose each channel's mean and spread at the sigmoid's input.",
                ),
                Choice(
                    "Nothing: a sigmoid behaves the same whatever the mean and spread of its input.",
                    False,
                    "A sigmoid is nearly straight around 0 and flat far from it, so the mean and "
                    "spread of its input decide how it behaves. Move γ and β in the experiment: the "
                    "shares of values in the straight, bending and flat parts change.",
                ),
            ),
        ),
        ("ioffe2015",),
    ),
    Question(
        2,
        "undo",
        "Do γ and β just undo the normalization?",
        "They can: with γ = $\\sqrt{\\sigma_B^2 + \\epsilon}$ and β = $\\mu_B$ the output equals the "
        "input exactly, and the "
        "original paper added γ and β precisely so that BN can represent the identity. Whether "
        "training goes there is up to the loss: γ and β are learned by gradient descent and settle "
        "wherever the loss is lowest, which is the identity only if the original mean and spread "
        "serve the task best. Even then the layer is not idle, because a channel's mean and spread "
        "now are two parameters that the optimizer moves directly. Why that helps training is still "
        "debated: the original paper spoke of internal covariate shift, Santurkar and colleagues "
        "(2018) found a smoother loss landscape instead.",
        "Try it: slide from the start (γ = 1, β = 0) to the recovering values and watch the "
        "largest difference between the output and the input.",
        (
            Link("gamma-beta", "Drag γ and β: recover the original"),
            Link("learning", "Watch them learned: does training go to the identity?"),
            Link("network", "Why BN helps: the same network with and without BN"),
        ),
        SelfCheck(
            "On this batch, γ = $\\sqrt{\\sigma_B^2 + \\epsilon}$ and β = $\\mu_B$ give back the input exactly. "
            "What does that tell you about training?",
            (
                Choice(
                    "Training always ends at these values, so a BN layer is useless.",
                    False,
                    "Nothing pulls γ and β towards $\\sigma_B$ and $\\mu_B$ except a loss that prefers the "
                    "original activations. And even at the identity the gradient that flows back "
                    "through BN differs from the one without it: the scale of W no longer matters.",
                ),
                Choice(
                    "The recovery is only approximate, because ε spoils it.",
                    False,
                    "The recovering γ is $\\sqrt{\\sigma_B^2 + \\epsilon}$, with the same ε that BN divides "
                    "by, so ε cancels: "
                    "the experiment's largest difference is about 1e-14, rounding error.",
                ),
                Choice(
                    "The identity is possible, not forced: γ and β end there only if that lowers the loss.",
                    True,
                    "γ and β are trained like any weight, by the gradient of the loss. If the task is "
                    "best served by the original mean and spread they can get there; otherwise they "
                    "settle somewhere else, as the other tasks on “Watch them learned” show.",
                ),
                Choice(
                    "Those γ and β give back the input of every later batch exactly, too.",
                    False,
                    "They are this batch's $\\mu_B$ and $\\sigma_B$. The next batch has slightly different "
                    "statistics, so the same γ and β give back its input only approximately.",
                ),
            ),
        ),
        ("ioffe2015", "santurkar2018"),
    ),
    Question(
        3,
        "replace",
        "Do γ and β replace the weights W and bias b?",
        "No: W and b come before the normalization, γ and β after it, and they do different jobs. "
        "A bias b before BN is wasted, because it shifts every value of a channel, $\\mu_B$ shifts with "
        "it and $x - \\mu_B$ is unchanged; β takes over its role, which is why layers before BN are "
        "usually built without a bias (bias=False in PyTorch). Scaling a channel's weights is "
        "cancelled too, since BN divides by the new spread, so γ takes over the scale. What W still "
        "decides, and still learns, is what each channel computes from its inputs: the direction of "
        "its weights, not their length.",
        "Try it: change the bias b and the scale w of the layer before BN. BN's input moves and "
        "stretches; its output does not.",
        (Link("gamma-beta", "Drag γ and β: do they replace W and b?"),),
        SelfCheck(
            "A layer computes z = W·x + b and feeds BatchNorm in training. You change the bias b "
            "of one channel from 0 to 5. What happens to BN's output for that channel?",
            (
                Choice(
                    "Nothing.",
                    True,
                    "Adding 5 moves every value of the channel and $\\mu_B$ by the same 5, so $x - \\mu_B$ does "
                    "not change. That is why layers before BN are built without a bias: β does that job.",
                ),
                Choice(
                    "Its mean increases by 5.",
                    False,
                    "$\\mu_B$ absorbs the shift: BN subtracts the batch mean, which also grew by 5. The "
                    "output's mean is set by β alone.",
                ),
                Choice(
                    "Its spread changes.",
                    False,
                    "Adding a constant moves the values without spreading them, and BN divides by the spread anyway.",
                ),
                Choice(
                    "β has to learn −5 to compensate.",
                    False,
                    "There is nothing to compensate: subtracting $\\mu_B$ has already removed the shift "
                    "before β is added.",
                ),
            ),
        ),
        ("ioffe2015",),
    ),
    Question(
        4,
        "channel",
        "Is the normalization per channel or over the whole batch? What are the running mean and variance?",
        "Per channel. In a fully connected layer (N, C) each of the C features gets its own $\\mu_B$ and "
        "$\\sigma_B^2$ over the N samples; in a convolutional layer (N, C, H, W) each channel pools its N·H·W "
        "values, because one filter produced them all. running_mean and running_var are moving "
        "averages of these per-channel batch statistics, updated at every training step as "
        "running = (1 − momentum)·running + momentum·batch with PyTorch's momentum = 0.1 "
        "(running_var averages the unbiased batch variance). They are not used in training; "
        "in evaluation they replace the batch statistics.",
        "Try it: count the statistics of a convolutional batch, then slide the number of training "
        "batches and watch running_mean approach each channel's mean.",
        (
            Link("steps", "Step through BN: which values are averaged together"),
            Link("batch", "Make a batch: a convolutional batch, channel by channel"),
        ),
        SelfCheck(
            "A convolution gives BatchNorm2d a batch of shape (32, 64, 28, 28): 32 images, "
            "64 channels, 28 × 28 positions. In training, how many means does BN compute?",
            (
                Choice(
                    "One, over the whole batch.",
                    False,
                    "Channels can be on very different scales (the experiment's channels have means "
                    "near 0, 8 and −3); one shared mean would fit none of them. BN keeps one per channel.",
                ),
                Choice(
                    "32, one per image.",
                    False,
                    "That is normalizing each sample on its own, as LayerNorm does. BN pools a "
                    "channel's values across all the images of the batch.",
                ),
                Choice(
                    "64 × 28 × 28 = 50,176, one per channel and position.",
                    False,
                    "That would treat each position as a feature of its own. BatchNorm2d shares the "
                    "statistics across positions because a convolution's filter is shared across positions.",
                ),
                Choice(
                    "64, one per channel, each over 32 × 28 × 28 = 25,088 values.",
                    True,
                    "Every value of a channel comes from the same filter, so they share one mean and "
                    "one variance, pooled over the images and the positions.",
                ),
            ),
        ),
        ("pytorch", "ioffe2015"),
    ),
    Question(
        5,
        "learning",
        "If μ and σ are recomputed every batch, where is the learning?",
        "In γ and β, and in the weights of the other layers. $\\mu_B$ and $\\sigma_B^2$ are computed from each "
        "mini-batch by a formula and forgotten afterwards: nothing learns them, and they jump from "
        "batch to batch. γ and β are parameters shared by every batch; each SGD step moves them a "
        f"little against their gradient, {D_GAMMA} and {D_BETA}, so they change "
        "step by step and keep what earlier batches taught. running_mean and running_var are not "
        "learned either: they are averages kept for evaluation.",
        "Try it: change the batch size. $\\mu_B$ jumps more with small batches; γ and β still move a "
        "little at each step.",
        (Link("learning", "Watch them learned: batch statistics and γ, β on one time axis"),),
        SelfCheck(
            "Which of these does gradient descent change during training?",
            (
                Choice(
                    "$\\mu_B$ and $\\sigma_B^2$.",
                    False,
                    "They are computed from the current batch by a formula, with no gradient step; "
                    "the next batch brings new ones. The experiment shows them jumping.",
                ),
                Choice(
                    "γ and β (and the weights of the other layers).",
                    True,
                    f"γ and β are parameters with gradients {D_GAMMA} and {D_BETA}; "
                    "the optimizer updates them at every step, and every batch shares them.",
                ),
                Choice(
                    "running_mean and running_var.",
                    False,
                    "They are moving averages of the batch statistics, "
                    "running = (1 − m)·running + m·batch, not gradient steps, and only evaluation uses them.",
                ),
                Choice(
                    "Nothing inside a BN layer: it only normalizes.",
                    False,
                    "γ and β are inside the layer and are learned. Only a layer built with "
                    "affine=False has nothing to learn, and that is not the default.",
                ),
            ),
        ),
        ("ioffe2015", "pytorch"),
    ),
    Question(
        6,
        "eval",
        "Why does BN behave differently in training and in evaluation?",
        "In training, BN normalizes with the statistics of the current mini-batch, so a sample's "
        "output depends on which other samples share its batch. At evaluation a prediction must "
        "depend on the input alone, and the input may come alone, so BN uses running_mean and "
        "running_var, collected during training, instead (model.eval() in PyTorch). Forgetting to "
        "switch to eval mode, or running statistics that do not match the test data, is a classic "
        "cause of surprising test results.",
        "Try it: move your sample's value and the batch size. In training its output depends on "
        "its batchmates; in evaluation it does not.",
        (
            Link("learning", "Watch them learned: a held-out batch in training and eval mode"),
            Link("steps", "Step through BN with the running statistics"),
        ),
        SelfCheck(
            "After training, a model in eval mode classifies one image alone, then the same image "
            "inside a batch of 100 others. BN's output for that image is…",
            (
                Choice(
                    "different, because the batch mean is different.",
                    False,
                    "That happens in training mode, where BN uses the batch's own $\\mu_B$ and $\\sigma_B^2$ (the "
                    "dots in the experiment). Eval mode uses the running statistics instead.",
                ),
                Choice(
                    "an error for the single image.",
                    False,
                    "The one-value error is a rule of training mode. Eval mode needs no batch "
                    "statistics, so a single sample works.",
                ),
                Choice(
                    "identical both times.",
                    True,
                    "In eval mode BN uses running_mean and running_var, numbers fixed after training, "
                    "so an image's output does not depend on what else is in the batch.",
                ),
            ),
        ),
        ("pytorch", "ioffe2015"),
    ),
    Question(
        7,
        "one",
        "Why does training fail with a batch of one, and what do people use instead with tiny batches?",
        "With one value per channel, $\\mu_B$ equals that value and $\\sigma_B^2 = 0$, so "
        "$\\hat{x} = (x - \\mu_B)/\\sqrt{0 + \\epsilon} = 0$ for every input: the layer would output "
        "β whatever it is given "
        "and pass no gradient back. PyTorch therefore refuses to train on it (“Expected more than 1 "
        "value per channel when training”), and bnviz does the same. A convolutional layer still has "
        "H·W values per channel with one image, so BN runs there, but its statistics then come from "
        "that one image. With tiny batches people use GroupNorm or LayerNorm, whose statistics are "
        "computed within each sample, or keep a pretrained BN in eval mode with its running "
        "statistics frozen.",
        "Try it: slide the batch size down to 1.",
        (
            Link("steps", "Step through BN: BatchNorm, LayerNorm, InstanceNorm and GroupNorm side by side"),
            Link("batch", "Make a batch: try a tiny batch size"),
        ),
        SelfCheck(
            "Your fully connected model can only be trained with one sample per batch. "
            "Which change makes the normalization work?",
            (
                Choice(
                    "Make ε larger.",
                    False,
                    "ε is not the problem: with one value, $x - \\mu_B = 0$, so $\\hat{x} = 0$ whatever ε is, and "
                    "the layer outputs β for every input.",
                ),
                Choice(
                    "Use LayerNorm or GroupNorm, which compute their statistics within each sample.",
                    True,
                    "Their statistics involve no other sample, so a batch of one is fine and a sample's "
                    "output does not depend on its batch. Keeping a pretrained BN in eval mode is the "
                    "other common fix.",
                ),
                Choice(
                    "Set momentum to 0.",
                    False,
                    "Momentum only changes the running averages. Training mode still normalizes with "
                    "the batch's own statistics, and one value gives x̂ = 0.",
                ),
                Choice(
                    "Nothing: ignore the message, the result is fine.",
                    False,
                    "It is an error, and for a reason: with one value per channel the output is β "
                    "whatever the input, and no gradient reaches the layers before.",
                ),
            ),
        ),
        ("pytorch", "wu2018"),
    ),
)


def question(key: str) -> Question:
    """The question with this key ("why", "undo", "replace", "channel", "learning", "eval", "one")."""
    for q in QUESTIONS:
        if q.key == key:
            return q
    raise ValueError(f"No question {key!r}; the keys are {', '.join(q.key for q in QUESTIONS)}.")


# ---------------------------------------------------------------------------------------
# 1. Why γ and β: which part of a sigmoid the normalized values reach

# |y| < 1.42: the sigmoid stays within 5% of its range of its tangent 1/2 + y/4, the same
# "nearly linear" region as on /gamma-beta (gamma_beta.linear_region).
STRAIGHT = linear_region("sigmoid")[1]
FLAT = 4.0  # |y| > 4: its slope is below 0.018, 7% of the slope at 0


class SigmoidUse(NamedTuple):
    y: np.ndarray  # γ·x̂ + β, shape of x
    straight: float  # share of values with |y| < STRAIGHT
    bend: float  # share in between
    flat: float  # share with |y| > FLAT


def sigmoid_use(x, gamma: float, beta: float) -> SigmoidUse:
    """Where y = BN(x) with the given γ, β (every channel) falls on a sigmoid.

    x: (N, C, ...). Returns y and the shares of its values in the sigmoid's nearly straight
    middle (|y| < STRAIGHT), its bends, and its flat ends (|y| > 4); the shares sum to 1.
    """
    x = check_batch(x)
    bn = BatchNorm(x.shape[1])
    bn.gamma, bn.beta = gamma, beta
    y = bn(x)
    size = np.abs(y)
    straight = float(np.mean(size < STRAIGHT))
    flat = float(np.mean(size > FLAT))
    return SigmoidUse(y, straight, 1.0 - straight - flat, flat)


# ---------------------------------------------------------------------------------------
# 2. Do γ and β undo the normalization: the identity γ = √(σ²_B + ε), β = μ_B


class Recovery(NamedTuple):
    mu: np.ndarray  # (C,) batch mean
    std: np.ndarray  # (C,) √(σ²_B + ε)
    gamma: np.ndarray  # (C,) used
    beta: np.ndarray  # (C,) used
    y: np.ndarray  # BN output, shape of x
    max_diff: np.ndarray  # (C,) largest |y − x| in each channel


def recovery(x, t: float = 1.0, eps: float = 1e-5) -> Recovery:
    """BN(x) with γ, β a fraction t of the way from (1, 0) to the identity values.

    x: (N, C, ...). γ = 1 + t·(√(σ²_B + ε) − 1), β = t·μ_B; at t = 1, y = x up to rounding.
    """
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be between 0 (γ = 1, β = 0) and 1 (the identity values); got {t}.")
    x = check_batch(x)
    bn = BatchNorm(x.shape[1], eps=eps)
    mu, _, var = batch_statistics(x)
    std = np.sqrt(var + bn.eps)
    bn.gamma = 1.0 + t * (std - 1.0)
    bn.beta = t * mu
    y = bn(x)
    max_diff = np.max(np.abs(y - x), axis=reduce_axes(x.ndim))
    return Recovery(mu, std, bn.gamma, bn.beta, y, max_diff)


# ---------------------------------------------------------------------------------------
# 3. Do γ and β replace W and b: a layer z = w·x + b before BN


class BiasAndScale(NamedTuple):
    z: np.ndarray  # w·x + b, BN's input
    y: np.ndarray  # BN(z)
    y_ref: np.ndarray  # BN(x): the same layer with w = 1, b = 0
    change: np.ndarray  # (C,) largest |BN(w·x + b) − BN(x)|
    change_b: np.ndarray  # (C,) the same for b alone: |BN(x + b) − BN(x)|
    change_w: np.ndarray  # (C,) the same for w alone: |BN(w·x) − BN(x)|
    z_mean: np.ndarray  # (C,) mean and standard deviation of BN's input
    z_std: np.ndarray
    y_mean: np.ndarray  # (C,) mean and standard deviation of BN's output
    y_std: np.ndarray


def bias_and_scale(x, w: float, b: float) -> BiasAndScale:
    """How much a weight w > 0 and a bias b before BN change BN's output (γ = 1, β = 0).

    x: (N, C, ...), the layer's input; the layer computes z = w·x + b in every channel.
    b cancels exactly in x − μ_B; w cancels in x̂ except through ε, which is added to the
    variance w²σ² and so matters only when w·σ comes near √ε ≈ 0.003.
    """
    if not (np.isfinite(w) and w > 0):
        raise ValueError(f"w must be a positive number here (a negative w also flips x̂); got {w}.")
    x = check_batch(x)
    axes = reduce_axes(x.ndim)

    def bn(v):
        return BatchNorm(x.shape[1])(v)

    def largest(a, ref):
        return np.max(np.abs(a - ref), axis=axes)

    z = w * x + b
    y, y_ref = bn(z), bn(x)
    return BiasAndScale(
        z,
        y,
        y_ref,
        largest(y, y_ref),
        largest(bn(x + b), y_ref),
        largest(bn(w * x), y_ref),
        z.mean(axis=axes),
        z.std(axis=axes),
        y.mean(axis=axes),
        y.std(axis=axes),
    )


# ---------------------------------------------------------------------------------------
# 4. Per channel, and the running statistics

CONV_PRESET = "channels on very different scales"
CONV_CHANNELS = 3
CONV_N = 8
CONV_SPATIAL = (4, 4)


def conv_specs() -> list[ChannelSpec]:
    return preset(CONV_PRESET, CONV_CHANNELS)


def conv_population() -> tuple[np.ndarray, np.ndarray]:
    """The true mean and variance (C,) of each channel's distribution (normal, so mean and std²)."""
    specs = conv_specs()
    return np.array([s.mean for s in specs]), np.array([s.std**2 for s in specs])


def conv_batches(k: int, seed: int = 0) -> list[np.ndarray]:
    """k mini-batches (8, 3, 4, 4) from the same three channel distributions, one seed each."""
    return [make_batch(conv_specs(), CONV_N, CONV_SPATIAL, seed=seed + i) for i in range(k)]


class ChannelStats(NamedTuple):
    mu: np.ndarray  # (C,) per-channel batch mean
    var: np.ndarray  # (C,) per-channel biased batch variance
    count: int  # values pooled into each statistic: N·H·W
    overall_mean: float  # one mean over every value, for contrast


def channel_statistics(x) -> ChannelStats:
    """BN's statistics of a batch x (N, C, ...): one mean and variance per channel."""
    x = check_batch(x)
    mu, _, var = batch_statistics(x)
    return ChannelStats(mu, var, x.size // x.shape[1], float(x.mean()))


class RunningPath(NamedTuple):
    batch_mean: np.ndarray  # (k, C) μ_B of each training batch
    running_mean: np.ndarray  # (k + 1, C) before the first batch and after each
    running_var: np.ndarray  # (k + 1, C)


def running_statistics(batches, momentum: float = 0.1) -> RunningPath:
    """running_mean and running_var of one BatchNorm layer trained on the batches in order.

    batches: sequence of (N, C, ...) arrays. PyTorch's rule at each step:
    running = (1 − momentum)·running + momentum·batch (unbiased variance), from 0 and 1.
    """
    batches = list(batches)
    channels = check_batch(batches[0]).shape[1] if batches else CONV_CHANNELS
    bn = BatchNorm(channels, momentum=momentum)
    means, running_mean, running_var = [], [bn.running_mean.copy()], [bn.running_var.copy()]
    for x in batches:
        bn(x)
        means.append(bn.last_batch_mean)
        running_mean.append(bn.running_mean.copy())
        running_var.append(bn.running_var.copy())
    return RunningPath(np.reshape(means, (len(batches), channels)), np.array(running_mean), np.array(running_var))


# ---------------------------------------------------------------------------------------
# 5. Where is the learning: μ_B jumps, γ and β move step by step

LEARN_SPEC = ChannelSpec("normal", 5.0, 2.0)
TARGET_MEAN, TARGET_STD = 1.0, 3.0  # what the loss asks of the layer's output
LEARN_STEPS, LEARN_RATE = 60, 0.05


class LearningRun(NamedTuple):
    batch_mean: np.ndarray  # (steps,) μ_B of each mini-batch
    batch_std: np.ndarray  # (steps,) σ_B of each mini-batch
    gamma: np.ndarray  # (steps + 1,) from the initial 1
    beta: np.ndarray  # (steps + 1,) from the initial 0
    loss: np.ndarray  # (steps,)

    @property
    def mean_jump(self) -> float:
        """Largest change of μ_B from one mini-batch to the next."""
        return float(np.max(np.abs(np.diff(self.batch_mean)))) if len(self.batch_mean) > 1 else 0.0

    @property
    def gamma_step(self) -> float:
        """Largest change of γ in one SGD step."""
        return float(np.max(np.abs(np.diff(self.gamma))))

    @property
    def beta_step(self) -> float:
        """Largest change of β in one SGD step."""
        return float(np.max(np.abs(np.diff(self.beta))))


def target(x):
    """What the loss asks for: the input given mean 1 and standard deviation 3 (the optimum γ ≈ 3, β ≈ 1)."""
    return TARGET_MEAN + TARGET_STD * (x - LEARN_SPEC.mean) / LEARN_SPEC.std


def learn_gamma_beta(batch_size: int, steps: int = LEARN_STEPS, lr: float = LEARN_RATE, seed: int = 0) -> LearningRun:
    """Plain SGD on γ and β of one BN channel, a fresh mini-batch every step.

    Loss L = mean((y − target(x))²); the gradients come from BatchNorm.backward:
    ∂L/∂γ = Σ ∂L/∂y · x̂, ∂L/∂β = Σ ∂L/∂y, and γ ← γ − lr·∂L/∂γ (the same for β).
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}.")
    bn = BatchNorm(1)
    gamma, beta = [float(bn.gamma[0])], [float(bn.beta[0])]
    means, stds, losses = [], [], []
    for step in range(steps):
        x = make_batch([LEARN_SPEC], batch_size, seed=seed + step)
        y = bn(x)
        residual = y - target(x)
        losses.append(float(np.mean(residual**2)))
        bn.backward(2.0 * residual / residual.size)
        bn.gamma = bn.gamma - lr * bn.grad_gamma
        bn.beta = bn.beta - lr * bn.grad_beta
        means.append(float(bn.last_batch_mean[0]))
        stds.append(float(np.sqrt(bn.last_batch_var[0])))
        gamma.append(float(bn.gamma[0]))
        beta.append(float(bn.beta[0]))
    return LearningRun(np.array(means), np.array(stds), np.array(gamma), np.array(beta), np.array(losses))


# ---------------------------------------------------------------------------------------
# 6. Training vs evaluation: one sample, normalized by its batch or by the running statistics

EVAL_SPEC = ChannelSpec("normal", 5.0, 2.0)
WARMUP_BATCHES, WARMUP_SIZE = 100, 32


class TrainEval(NamedTuple):
    sample: float
    running_mean: float
    running_var: float
    eval_output: float  # BN(sample) in eval mode
    train_outputs: np.ndarray  # (n_batches,) BN(sample) in training mode, in different batches
    batch_means: np.ndarray  # (n_batches,) μ_B of those batches

    @property
    def train_range(self) -> tuple[float, float]:
        """The smallest and largest training-mode output of the sample over the batches."""
        return float(self.train_outputs.min()), float(self.train_outputs.max())


def trained_layer(seed: int = 0) -> BatchNorm:
    """A BatchNorm(1) after 100 training batches of 32 values from N(5, 2²): running statistics set."""
    bn = BatchNorm(1)
    for i in range(WARMUP_BATCHES):
        bn(make_batch([EVAL_SPEC], WARMUP_SIZE, seed=seed + i))
    return bn


def train_vs_eval(sample: float, batch_size: int, n_batches: int = 20, seed: int = 0) -> TrainEval:
    """One value through a trained layer: in eval mode, and in training mode inside n_batches batches.

    Each training batch is the sample plus batch_size − 1 other values from the same
    distribution. Eval: (sample − running_mean) / √(running_var + ε). Training: the same with
    that batch's μ_B and σ²_B, so it changes from batch to batch.
    """
    if batch_size < 2:
        raise ValueError(f"A training batch needs at least 2 samples; got {batch_size}.")
    bn = trained_layer(seed)
    eval_output = float(bn.eval()(np.array([[sample]]))[0, 0])
    outputs, means = [], []
    for j in range(n_batches):
        others = make_batch([EVAL_SPEC], batch_size - 1, seed=seed + WARMUP_BATCHES + j)
        layer = copy.deepcopy(bn).train()  # training mode would also move the running statistics
        outputs.append(float(layer(np.vstack([[[sample]], others]))[0, 0]))
        means.append(float(layer.last_batch_mean[0]))
    return TrainEval(
        float(sample),
        float(bn.running_mean[0]),
        float(bn.running_var[0]),
        eval_output,
        np.array(outputs),
        np.array(means),
    )


# ---------------------------------------------------------------------------------------
# 7. A batch of one: BatchNorm's error, x̂ = 0, and what works instead

SMALL_PRESET = "channels on very different scales"
SMALL_CHANNELS = 4


def small_batch(n: int, seed: int = 0) -> np.ndarray:
    """A fully connected batch (n, 4), the same first rows whatever n."""
    return make_batch(preset(SMALL_PRESET, SMALL_CHANNELS), n, seed=seed)


class SmallBatchResult(NamedTuple):
    x: np.ndarray  # (n, 4)
    x_hat: np.ndarray | None  # BN's output in training (γ = 1, β = 0); None when refused
    error: str | None  # BatchNorm's message when it refuses the batch


def train_small_batch(n: int, seed: int = 0) -> SmallBatchResult:
    """BatchNorm(4) in training on a batch of n samples: its output, or its ValueError's message."""
    x = small_batch(n, seed)
    try:
        return SmallBatchResult(x, BatchNorm(SMALL_CHANNELS)(x), None)
    except ValueError as error:
        return SmallBatchResult(x, None, str(error))


class OneValue(NamedTuple):
    mu: np.ndarray  # (C,) = the sample itself
    var: np.ndarray  # (C,) = 0
    x_hat: np.ndarray  # (1, C) = 0


def one_value_statistics(x) -> OneValue:
    """What the BN formula itself gives for one sample x (1, C): μ_B = x, σ²_B = 0, x̂ = 0.

    Calls the functional forward pass, which does not refuse the batch, to show why the layer does.
    """
    x = check_batch(x)
    c = x.shape[1]
    x_hat, _, (mu, var) = batch_norm_forward(x, np.ones(c), np.zeros(c))
    return OneValue(mu, var, x_hat)


def eval_mode_output(x, seed: int = 0) -> np.ndarray:
    """BN in eval mode on x (n, 4) after 50 training batches of 32: the running statistics work for n = 1."""
    bn = BatchNorm(SMALL_CHANNELS)
    for i in range(50):
        bn(small_batch(WARMUP_SIZE, seed=seed + 1000 + i))
    return bn.eval()(x)


GN_PRESET = "ReLU outputs"
GN_CHANNELS, GN_GROUPS, GN_BATCH, GN_SPATIAL = 4, 2, 8, (4, 4)


class GroupNormDemo(NamedTuple):
    groups: int
    mu: np.ndarray  # (1, G) the sample's mean per group
    var: np.ndarray  # (1, G)
    gn_alone: np.ndarray  # (1, C, H, W) GroupNorm of the image on its own
    gn_diff: float  # largest |GN(image alone) − GN(image inside a batch of 8)|
    bn_diff: float  # the same for BatchNorm in training mode


def group_norm_demo(seed: int = 0) -> GroupNormDemo:
    """One image (1, 4, 4, 4) normalized alone and inside a batch of 8, by GroupNorm and by BN.

    GroupNorm pools each group of C/G channels of one sample over its positions, so the
    image's output does not depend on the rest of the batch; BN's does.
    """
    batch = make_batch(preset(GN_PRESET, GN_CHANNELS), GN_BATCH, GN_SPATIAL, seed=seed)
    image = batch[:1]
    mu, var = norm_statistics(image, "group", GN_GROUPS)
    alone = normalize(image, "group", GN_GROUPS)
    in_batch = normalize(batch, "group", GN_GROUPS)[:1]
    bn_alone = BatchNorm(GN_CHANNELS)(image)  # one image still has 16 values per channel
    bn_in_batch = BatchNorm(GN_CHANNELS)(batch)[:1]
    return GroupNormDemo(
        GN_GROUPS,
        mu,
        var,
        alone,
        float(np.max(np.abs(alone - in_batch))),
        float(np.max(np.abs(bn_alone - bn_in_batch))),
    )
