"""The questions learners ask about BatchNorm, as screen text: answers, self-checks, links and sources.

Each Question holds a short answer, the page that explores it further, a self-check whose
wrong choices are each explained, and its sources. The experiments that answer them are in
bnviz.experiments.questions (settings in, arrays out); pages/questions.py shows both, and the end of this
module holds what the page says around them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bnviz.core.digits import TEST_SIZE
from bnviz.experiments.cnn import NEAR_ZERO, Arm, CNNSettings
from bnviz.experiments.gamma_beta import LINEAR_TOLERANCE, ROUNDING
from bnviz.experiments.peaks import CHANNELS as PEAK_CHANNELS
from bnviz.experiments.peaks import N as PEAKS_N
from bnviz.experiments.questions import (
    FLAT,
    FLAT_SLOPE,
    GN_BATCH,
    GN_CHANNELS,
    LEARN_RATE,
    LEARN_SPEC,
    LEARN_STEPS,
    STRAIGHT,
    TARGET_MEAN,
    TARGET_STD,
    WARMUP_BATCHES,
    WARMUP_SIZE,
)
from bnviz.notation import MU_B, VAR_B, X_HAT
from bnviz.numbers import eps_text, fixed, sig
from content import gamma_beta
from content.common import LAST_DIGITS, Prediction
from content.network import JOLT_ANCHOR
from content.real_network import ACTIVATIONS_ANCHOR, GAMMA_BETA_ANCHOR, RESULTS_ANCHOR, percent
from content.registry import to_section

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
    opens: dict | None = None  # the link's parameters that open the page at the section (`?section=peaks`)


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
            Link(
                "network",
                "Why BN helps: did γ and β undo BN there, and what normalizing buys",
                opens=to_section(JOLT_ANCHOR) | {"net_open_undo": "true"},
            ),
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
                    f"the experiment's largest difference is below {eps_text(ROUNDING)}, rounding error.",
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
        (
            Link(
                "gamma-beta",
                f"Drag γ and β, section {gamma_beta.number('w-and-b')}: W and b before BN, γ and β after it, "
                "and the next layer's",
                opens=gamma_beta.section_link("w-and-b"),
            ),
        ),
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
        "(running_var averages each batch's variance divided by m − 1 instead of m, the “unbiased” "
        "variance, which on average matches the true variance). They are not used in training; "
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
        "Try it: move your sample's value and the batch size, and compare its output in training and in eval mode.",
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
    Question(
        8,
        "peaks",
        "How do γ and β fix the normalized peaks?",
        "BN keeps a peak's standing within its channel, its z-score, but not its height or its "
        "channel's mean: every channel leaves BN with mean 0 and spread 1. A linear layer right after BN "
        "would not mind, since its own weight and bias can do γ's and β's job. Through a nonlinearity it "
        "matters: BN also cancels the bias of the layer before, so without γ and β a sigmoid switches at "
        "each channel's own mean and a ReLU cuts there. γ and β, learned per channel, move the switch back "
        "where the next layers need it: in the experiment a network that must switch on at x = 5 gets "
        "there with them, and no weight and bias of its next layer get it there without them.",
        "Try it: pick a peak. Its z-score survives BN, its height does not, and only the network with γ "
        "and β gives it the output it needs.",
        (
            Link(
                "gamma-beta",
                f"Drag γ and β, section {gamma_beta.number('peaks')}: the loss with and without γ and β, "
                "and the learned values",
                opens=gamma_beta.section_link("peaks"),
            ),
        ),
        SelfCheck(
            "In the experiment, the network with γ = 1, β = 0 fixed still learns its next layer's weight "
            "and bias, yet its loss stops well above 0. Why?",
            (
                Choice(
                    "BN flattened the peaks: after normalization they are no higher than the other values.",
                    False,
                    "The peaks keep their z-score: after BN each stands as many standard deviations above "
                    "its channel's mean as before. What BN removed is their height and their channel's mean.",
                ),
                Choice(
                    "The sigmoid after BN switches at each channel's own mean, and a weight and a bias "
                    "after it can only stretch and shift its output, not move the switch.",
                    True,
                    "Without β (and γ) the sigmoid's input is x̂, centred on the channel's mean. The task "
                    "needs the switch at x = 5; only γ and β, before the sigmoid, can put it there.",
                ),
                Choice(
                    "It needs more training steps: its loss is still falling.",
                    False,
                    "With γ and β fixed its loss is a quadratic in w and b, whose minimum least squares "
                    "finds. Training reaches that floor within the steps shown and cannot go below it.",
                ),
                Choice(
                    "A linear layer after BN would fail the same way, so γ and β are needed before any layer.",
                    False,
                    "A linear layer right after BN can take γ and β in: w·(γx̂ + β) + b = (wγ)·x̂ + (wβ + b). "
                    "It is the nonlinearity between BN and the next layer that makes γ and β necessary.",
                ),
            ),
        ),
        ("ioffe2015",),
    ),
    Question(
        9,
        "real",
        "Do γ and β matter in a real network, on real data?",
        "On “In a real network” a small convolutional network learns to read 8 × 8 handwritten digits three "
        "times from the same weights: without BN, with BN and its learned γ and β, and with BN but γ = 1 and "
        "β = 0 fixed (affine=False). Whether the final accuracy needs γ and β is for the run to say: the network "
        "trained without them learns its other weights for x̂ alone, and the experiment shows how close the two BN "
        "networks end. A network trained with them relies on them: its later layers learned to read each "
        "channel as γ·x̂ + β, so setting a block's γ back to 1 and β to 0 after training changes what they "
        "receive, and the experiment counts the test digits that costs. γ and β also let each channel choose how "
        "much of it passes the ReLU after BN: a β below 0 moves the channel down, so more of it is cut to 0, whereas without them "
        "every channel's x̂ has mean 0 over the batch and a large part of it always passes.",
        "Try it: pick a block. Set all its γ to 1 and β to 0 in the trained network and read its test accuracy; "
        "compare how much of the block's output is near zero with and without γ and β.",
        (
            Link("real-network", "In a real network: the three networks trained on digits", to_section(RESULTS_ANCHOR)),
            Link(
                "real-network",
                "In a real network: each block's activations, step by step",
                to_section(ACTIVATIONS_ANCHOR),
            ),
            Link(
                "real-network",
                "In a real network: what γ and β learned, and one channel set back to γ = 1, β = 0",
                to_section(GAMMA_BETA_ANCHOR),
            ),
        ),
        SelfCheck(
            "The network trained with BN and its γ and β reads the test digits well. You set every γ of one block "
            "to 1 and every β to 0, and leave every other weight as it is. Why can its test accuracy change?",
            (
                Choice(
                    "BN stops normalizing that block.",
                    False,
                    "BN still normalizes it: each channel's x̂ is the same as before. What changes is what follows "
                    "x̂, γ·x̂ + β, which is now x̂ itself.",
                ),
                Choice(
                    "It cannot change: γ and β only undo the normalization, so the block's output stays the same.",
                    False,
                    "The output stays the same only if γ = 1 and β = 0 is what training left there. Whatever else "
                    "they learned (the identity, a larger γ, a β below 0), setting them back changes the block's "
                    "output, and so what the next layer receives.",
                ),
                Choice(
                    "Its running mean and variance are set back to 0 and 1 too.",
                    False,
                    "Only γ and β are set back; eval mode still normalizes with the running statistics kept while "
                    "training. The change comes from γ·x̂ + β becoming x̂.",
                ),
                Choice(
                    "The layers after it learned to read γ·x̂ + β, and now receive x̂: every channel at another "
                    "scale, cut by the ReLU at another place.",
                    True,
                    "The next convolution and the linear layer were trained together with these γ and β. Set back, "
                    "each channel reaches the ReLU with mean 0 and spread 1 again, so other values pass it, and "
                    "the later layers read numbers they were not trained on.",
                ),
            ),
        ),
        ("ioffe2015", "pytorch"),
    ),
)


def question(key: str) -> Question:
    """The question with this key ("why", "undo", "replace", "channel", "learning", "eval", "one", "peaks",
    "real")."""
    for q in QUESTIONS:
        if q.key == key:
            return q
    raise ValueError(f"No question {key!r}; the keys are {', '.join(q.key for q in QUESTIONS)}.")


# ---------------------------------------------------------------------------------------
# The home page's list: the learners' questions as a newcomer asks them, each with the page whose
# experiment answers it and the questions above (QUESTIONS' one numbering) that answer it in short.


# The sections of /steps and /learning that answer a home question: the anchors Streamlit gives their
# headings ("Train vs eval", "On one time axis: computed per batch vs learned"), lower case, words joined by "-".
STEPS_SECTION = "train-vs-eval"  # and "What is averaged together" right below it
LEARNING_SECTION = "on-one-time-axis-computed-per-batch-vs-learned"


@dataclass(frozen=True)
class HomeQuestion:
    text: str
    page: str  # the URL path of the page whose experiment answers it
    label: str  # that link's words
    numbers: tuple[int, ...]  # the numbers of QUESTIONS that answer it, as /questions numbers them
    opens: dict | None = None  # the link's parameters that open the page at the section answering it

    @property
    def questions_link(self) -> tuple[str, dict]:
        """The label and parameters of the link that opens these questions on /questions."""
        names = " and ".join(str(n) for n in self.numbers)
        label = f"Learners' questions {names}: a short answer and a self-check"
        if len(self.numbers) == 1:
            label = label.replace("questions", "question", 1)
        return label, {f"q_open_{n}": "true" for n in self.numbers}


HOME = (
    HomeQuestion(
        "Why add γ and β at all? Do they replace the layer's weights W and bias b?",
        "gamma-beta",
        f"Section {gamma_beta.number('w-and-b')} of “Drag γ and β”: W and b",
        (1, 3),
        gamma_beta.section_link("w-and-b"),
    ),
    HomeQuestion(
        "Do γ and β just “undo” the normalization?",
        "gamma-beta",
        f"Section {gamma_beta.number('spread-and-mean')} of “Drag γ and β”: the recovery",
        (2,),
        gamma_beta.section_link("spread-and-mean"),
    ),
    HomeQuestion(
        "The network may want some activations to be really high: after BN, how do γ and β fix the normalized peaks?",
        "gamma-beta",
        f"Section {gamma_beta.number('peaks')} of “Drag γ and β”: the peaks",
        (8,),
        gamma_beta.section_link("peaks"),
    ),
    HomeQuestion(
        "Is the normalization per channel or over the whole batch? What are running mean and variance?",
        "steps",
        "Step through BN: train vs eval",
        (4,),
        to_section(STEPS_SECTION),
    ),
    HomeQuestion(
        "If μ and σ are recomputed for every mini-batch, where is the learning?",
        "learning",
        "Watch them learned: one time axis",
        (5,),
        to_section(LEARNING_SECTION),
    ),
)


# ---------------------------------------------------------------------------------------
# The class's predictions (classroom mode), by question key: asked before the experiment shows its result, and
# the right choice of each computed from the experiment's own numbers.

PREDICTS = {
    "undo": Prediction(
        "q_predict_recover",
        r"At the recovering values γ = $\sqrt{\sigma_B^2 + \epsilon}$ and β = $\mu_B$, "
        "what will the largest |y − x| over the batch be?",
        (
            "0, up to rounding: y is x again",
            "small but not 0: ε gets in the way",
            "large: the normalization cannot be undone",
        ),
    ),
    "eval": Prediction(
        "q_predict_eval",
        "After training, your sample goes through BN in eval mode and inside 20 training batches of other samples. "
        "Does its output change?",
        ("never", "only in training mode", "in both modes"),
    ),
    "one": Prediction(
        "q_predict_one",
        "What happens when BatchNorm trains on a batch of one sample?",
        ("it trains as usual", "every output is 0", "every output is NaN (0 divided by 0)", "it stops with an error"),
    ),
}


def anchor(number: int) -> str:
    """The anchor of a question's heading in classroom mode: a lesson's link opens the page there (`section=`)."""
    return f"question-{number}"


SMALL = 1e-2  # a largest |y − x| below this share of the batch's largest |x|: "small but not 0"


def recover_answer(largest: float, scale: float) -> str:
    """The right choice of PREDICTS["undo"]: the largest |y − x| at the recovering values, against float64's
    rounding (ROUNDING) and the batch's largest |x| (`scale`)."""
    choices = PREDICTS["undo"].choices
    if largest <= ROUNDING:
        return choices[0]
    return choices[1] if largest <= SMALL * scale else choices[2]


def recover_why(largest: float) -> str:
    return f"The largest |y − x| over the batch is {largest:.2e}" + (
        ": rounding error. γ and β gave back the input exactly." if largest <= ROUNDING else "."
    )


def eval_answer(low: float, high: float) -> str:
    """The right choice of PREDICTS["eval"], from the training-mode outputs' range: eval mode gives one output by
    construction; training mode one per batch, all the same only if they agree (to 1e-9)."""
    choices = PREDICTS["eval"].choices
    return choices[1] if high - low > 1e-9 else choices[0]


def eval_why(eval_output: float, low: float, high: float) -> str:
    return (
        f"Eval mode: {fixed(eval_output, 3)} every time (running_mean, running_var). Training mode: from "
        f"{fixed(low, 3)} to {fixed(high, 3)} (each batch's own statistics)."
    )


def one_answer(error: str | None, x_hat) -> str:
    """The right choice of PREDICTS["one"], from BatchNorm's training on one sample: its error, else its x̂."""
    choices = PREDICTS["one"].choices
    if error:
        return choices[3]
    values = [float(v) for v in x_hat.ravel()]
    if any(v != v for v in values):  # NaN
        return choices[2]
    return choices[1] if all(v == 0 for v in values) else choices[0]


ONE_WHY = (
    "BatchNorm in training stops with an error, because the formula would give x̂ = 0 for every feature "
    "(the table below): the one sample is its own mean, and ε keeps 0/0 away."
)


# ---------------------------------------------------------------------------------------
# What /questions says around the questions: its title and introduction, each experiment's controls, readouts
# and captions (functions of the numbers they quote), the self-check's feedback, the sources.

TITLE = "Learners' questions"
COUNTS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve")
INTRO = (
    f"{COUNTS[len(QUESTIONS)]} questions learners ask after meeting "
    r"$y = \gamma \cdot \dfrac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta$. "  # dfrac: μ_B's B not at half size
    "Open one: a short answer, an experiment you run, a link to the page that explores it further, "
    "and a question to check yourself."
)
AFTER_PREDICTION = "The answer and a question to check yourself appear here once the class has predicted."
CANNOT_RUN = "This experiment cannot run on this input. "  # before the core's own message
BATCH_MEAN = f"batch mean {MU_B}"
BATCH_VARIANCE = f"batch variance {VAR_B}"
LARGEST_DIFF = "largest |y − x|"


def uses_your_batch(source: str, shape: tuple) -> str:
    real = question("real").number
    return (
        f"Questions 1 to 3 use your batch ({source}, shape {shape}); "
        f"questions 4 to {real - 1} use small batches of their own, described under each; "
        f"question {real}, a network trained on real handwritten digits."
    )


# Question 1: why γ and β, when a sigmoid follows.
WHY_GAMMA = "γ (scale), every channel"
WHY_BETA = "β (shift), every channel"
SIGMOID_STRAIGHT = f"In the nearly straight middle, |y| < {fixed(STRAIGHT, 2)}"
SIGMOID_BEND = f"In the bends, {fixed(STRAIGHT, 2)} ≤ |y| ≤ {FLAT:g}"
SIGMOID_FLAT = f"In the flat ends, |y| > {FLAT:g}"


def sigmoid_caption(gamma: float, beta: float) -> str:
    return (
        f"Every value of your batch, normalized by BN with γ = {gamma:g} and β = {beta:g}, then fed to a "
        f"sigmoid. In the light blue middle the sigmoid is within {LINEAR_TOLERANCE:.0%} of its range of a straight line "
        "(the same middle as on *Drag γ and β*); in the grey ends its "
        f"slope is at most {FLAT_SLOPE:.1%} of its slope at 0, so little gradient passes."
    )


# Question 2: do γ and β just undo BN?
RECOVER_LABEL = (
    r"Move γ and β from the start (0: γ = 1, β = 0) to the recovering values "
    r"(1: γ = $\sqrt{\sigma_B^2 + \epsilon}$, β = $\mu_B$)"
)
RECOVER_LARGEST = "Largest |y − x| over the whole batch"
RECOVER_AT_ONE = "What happens shows at 1, the recovering values."


def recover_caption(identity_diff: float | None, channels: int) -> str:
    """identity_diff: the largest |y − x| at 1, once the class may see it (None until then)."""
    return (
        f"At 1 the output is the input, up to rounding ({sig(identity_diff, 2)} on this batch): BN can be the identity. "
        if identity_diff is not None
        else ""
    ) + f"Each panel has its own axis{'; the first 4 channels are shown' if channels > 4 else ''}."


# Question 3: do γ and β replace the layer's W and b?
W_LABEL = "w: scale of the layer's weights"
B_LABEL = "b: the layer's bias"
CHANGE_BY_B = "Largest change of BN's output caused by b"
CHANGE_BY_W = "Largest change of BN's output caused by w"
MOMENTS = ("input mean", "input std", "output mean", "output std")


def bias_caption(w: float, b: float) -> str:
    return (
        f"The layer before BN computes w·x + b (here w = {w:g}, b = {b:g}) in every channel of your "
        "batch; BN uses γ = 1, β = 0. b's change is rounding error (below 1e-12). w's is not exactly 0 "
        "only because ε = 1e-5 is "
        r"added to the variance $w^2\sigma_B^2$: it matters only when $w\sigma_B$ comes near √ε ≈ 0.003."
    )


# Question 4: per channel or per batch?
POOLED = "values pooled"
BATCHES_SEEN = "Training batches seen"
MOMENTUM_LABEL = "momentum (PyTorch's convention; default 0.1)"


def conv_batch_text(shape: tuple, count: int) -> str:
    return (
        f"A convolutional batch of shape {shape} (N, C, H, W): each channel's mean and "
        f"variance pool its {count} values (8 images × 4 × 4 positions)."
    )


def overall_mean_caption(size: int, overall_mean: float) -> str:
    return f"One mean over all {size} values would be {fixed(overall_mean, 3)}: it describes none of the channels."


def running_columns(k: int) -> tuple[str, str, str, str]:
    return ("true mean", f"running_mean after {k}", "true variance", f"running_var after {k}")


def running_caption(momentum: float) -> str:
    return (
        f"Each training batch: running = (1 − {momentum:g})·running + {momentum:g}·batch, starting from "
        "running_mean = 0 and running_var = 1; the dotted lines are the true means. A small momentum "
        "averages more batches but needs more of them to arrive. Keras writes this same rule as "
        f"momentum={1 - momentum:g}, the weight of the old value."
    )


# Question 5: where is the learning?
MINI_BATCH = "Mini-batch size"
MEAN_JUMP = r"$\mu_B$: largest jump between batches"
GAMMA_STEP = "γ: largest change in one step"
BETA_STEP = "β: largest change in one step"


def learning_caption(size: int, gamma: float, beta: float) -> str:
    """gamma, beta: where the run ended."""
    spec = LEARN_SPEC
    return (
        f"One BN channel, {LEARN_STEPS} steps of plain SGD (learning rate {LEARN_RATE}), a fresh "
        f"mini-batch of {size} values from N({spec.mean:g}, {spec.std:g}²) each step. The loss asks for outputs "
        f"with mean {TARGET_MEAN:g} and standard deviation {TARGET_STD:g}, so β heads for "
        f"{TARGET_MEAN:g} and γ for about {TARGET_STD:g}. After {LEARN_STEPS} steps γ = "
        f"{fixed(gamma, 3)} and β = {fixed(beta, 3)}. With batches of 2 or 4, "
        r"$\sigma_B$ is itself noisy and usually too small, so γ settles lower. " + LAST_DIGITS
    )


# Question 6: train mode against eval mode.
SAMPLE_LABEL = "Your sample's value"
TRAIN_BATCH = "Training batch size"
EVAL_OUTPUT = "Eval mode: BN output"
TRAIN_OUTPUTS = "Training mode, in 20 batches: from … to …"


def eval_caption(running_mean: float, running_var: float, size: int) -> str:
    return (
        f"A BN layer trained on {WARMUP_BATCHES} batches of {WARMUP_SIZE} values from N(5, 2²) "
        f"has running_mean = {fixed(running_mean, 3)} and running_var = {fixed(running_var, 3)}, "
        "estimates of the true 5 and 4. Eval mode always gives (x − running_mean)/√(running_var + ε). In training "
        r"mode the sample is normalized with each batch's own $\mu_B$ and $\sigma_B^2$ "
        f"(it plus {size - 1} other values); with a batch of 2 it is always ±1, the larger or the "
        "smaller of two."
    )


# Question 7: a batch of one.
SMALL_N = "Batch size N (a fully connected layer with 4 features)"
IN_TRAINING = "BatchNorm(4) in training: "  # before BatchNorm's refusal
FORMULA_ROWS = ("x", BATCH_MEAN, BATCH_VARIANCE, X_HAT)
FORMULA_ON_ONE = "What the formula itself gives for this one sample, and why BN refuses it:"
TWO_SAMPLES = "With two samples every x̂ is ±1 (up to ε): each is just the larger or the smaller of two."
AT_ONE_SAMPLE = "What happens shows at N = 1."
WORKS_WITH_ONE = "**What works with one sample**"
EVAL_ON_ONE = "BN in eval mode, with running statistics from earlier training, on sample 0 alone:"


def x_hat_heading(n: int) -> str:
    return f"BatchNorm(4) in training: x̂ for the {n} samples (γ = 1, β = 0)"


def group_norm_text(groups: int) -> str:
    return (
        f"One image of shape (1, {GN_CHANNELS}, 4, 4), normalized alone and inside a batch of "
        f"{GN_BATCH}. GroupNorm ({groups} groups of {GN_CHANNELS // groups} channels) "
        "uses the image alone; BatchNorm in training uses the whole batch. Largest change of the "
        "image's output:"
    )


# Question 8: a peak, and why the next layer needs γ and β after BN.
FOLLOW_PEAK = "Follow the peak"
NEEDED, WITH_LEARNED, WITH_FIXED = "Needed", "With γ and β learned", "With γ = 1, β = 0 fixed"


def peak_needs(x: float, level: float) -> str:
    return f"What the next layer gives this peak, where sigmoid({x:g} − {level:g}) is needed:"


def peaks_caption(level: float, loss_with: float, loss_without: float) -> str:
    return (
        f"Two channels of {PEAKS_N} values, on different scales (typical values about "
        f"{' and '.join(f'{c.mean:g}' for c in PEAK_CHANNELS)}), each with three peaks. "
        "Both networks, BN → sigmoid → next layer (w·h + b per channel), are trained by gradient descent to "
        f"give sigmoid(x − {level:g}). Final loss: {gamma_beta.small(loss_with)} with γ and β, "
        f"{loss_without:.3g} without them, the least any w and b reach. " + LAST_DIGITS
    )


# Question 9: γ and β in a real network.
REAL_SETTINGS = CNNSettings()  # the run /real-network opens on, trained once per server for every session
REAL_BLOCK = "Block (3 × 3 convolution → BN → ReLU)"
REAL_ACCURACY = f"**Test accuracy** ({TEST_SIZE} test digits, eval mode)"
AS_TRAINED = "With γ and β, as trained"
WITHOUT_GAMMA_BETA = "Trained without γ and β (affine=False)"
NEAR_WITH, NEAR_WITHOUT = "Near zero, with γ and β", "Near zero, without γ and β"


def reset_label(block: int) -> str:
    return f"Block {block}'s γ = 1, β = 0 after training"


def near_zero_heading(block: int) -> str:
    return f"**Block {block}'s outputs near zero** (below {NEAR_ZERO:g}, after its ReLU, at the last training step)"


def arm_accuracy(arm: Arm) -> str:
    """A network's final test accuracy, or that its training diverged."""
    return "diverged" if arm.final_accuracy is None else percent(arm.final_accuracy)


def arm_near_zero(arm: Arm, block: int) -> str:
    """The share of block `block`'s outputs near zero at the last step a network trained."""
    return "no step trained" if arm.steps_done == 0 else percent(arm.near_zero[block - 1, -1])


def real_caption(settings: CNNSettings, block: int, channels: int, before: float, after: float) -> str:
    """What the reset did, in test images, from the two accuracies shown."""
    change = round((after - before) * TEST_SIZE)
    effect = (
        "as many test digits read right as before"
        if change == 0
        else f"{abs(change)} test digit{'s' if abs(change) > 1 else ''} {'fewer' if change < 0 else 'more'} read right"
    )
    return (
        f"All {channels} channels of block {block} set back to γ = 1, β = 0 after training: {effect}. The three "
        f"networks of “In a real network” at its default settings (learning rate {settings.lr:g}, {settings.epochs} "
        f"epochs, batch size {settings.batch_size}, seed {settings.seed}), trained once for every session. "
        + LAST_DIGITS
    )


# Each question's self-check, links and sources.
CHOOSE = "Choose an answer: why it is right or wrong appears here."


def check_prompt(prompt: str) -> str:
    return f"**Check yourself.** {prompt}"


def feedback(right: bool, why: str) -> str:
    return f"Right. {why}" if right else f"Not quite. {why} Try another answer."


def cite(keys) -> str:
    return "Sources: " + "; ".join(f"[{SOURCES[k].short}]({SOURCES[k].url})" for k in keys) + "."


SOURCES_HEADING = "Sources"


def source_line(source: Source) -> str:
    return f"- {source.short}. [{source.title}]({source.url})"
