"""A 45-minute lesson on Batch Normalization with this app, as data for the teacher's page.

The lesson is a timed sequence of views (pages of the app), each with what to show, the
questions to ask the class (with the answer to listen for) and the misconceptions to
listen for; each misconception names the view that shows it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from bnviz.experiments.cnn import CNNSettings
from bnviz.experiments.mlp import NetworkSettings
from content import batch, gamma_beta, home, steps
from content.common import Prediction
from content.learning import END_ANCHOR, end_prediction, modes_prediction
from content.network import TRAIN_ANCHOR, train_prediction
from content.questions import PREDICTS as QUESTION_PREDICTS
from content.questions import anchor as question_anchor
from content.real_network import PREDICT_ANCHOR as REAL_ANCHOR
from content.real_network import prediction as real_prediction

LESSON_MINUTES = 45

OBJECTIVES = (
    "Compute BatchNorm's output for one channel by hand: mean, centre, variance, normalize, scale by γ, shift by β.",
    "Say which values share one mean and variance: per channel, over the batch (and, in a convolution, "
    "every position).",
    "Tell what is computed from each batch ($\\mu_B$, $\\sigma_B^2$), what is learned (γ, β) and what is "
    "averaged for evaluation (running_mean, running_var).",
    "Explain why γ and β exist, and why they can, but need not, undo the normalization.",
    "Predict how BN behaves in evaluation and with a batch of one, and name the alternatives for tiny batches.",
)


@dataclass(frozen=True)
class Misconception:
    key: str
    belief: str  # what a student says
    shown_wrong: str  # how the app shows that it is wrong
    page: str  # the URL path of the page that shows it (content.registry)


MISCONCEPTIONS = {
    m.key: m
    for m in (
        Misconception(
            "gaussian",
            "“BatchNorm makes the activations Gaussian.”",
            "Only the mean and the spread change: a skewed or ReLU channel keeps its shape after BN "
            "(the before/after histograms of each step).",
            "steps",
        ),
        Misconception(
            "one_mean",
            "“BN subtracts one mean from the whole batch.”",
            "The “what is averaged together” diagram lights up one channel across every sample and "
            "position: one mean and one variance per channel.",
            "steps",
        ),
        Misconception(
            "stats_learned",
            "“μ and σ are learned.”",
            "On one time axis $\\mu_B$ and $\\sigma_B^2$ jump from batch to batch while γ and β move a small step at "
            "a time: only γ and β have gradients.",
            "learning",
        ),
        Misconception(
            "undo",
            "“γ and β just undo the normalization, so BN does nothing.”",
            "“Recover the original” shows the identity is one particular choice; trained on another "
            "target, γ and β settle elsewhere.",
            "gamma-beta",
        ),
        Misconception(
            "replace_wb",
            "“γ and β replace the weights W and the bias b.”",
            "With a layer w·x + b before BN, b has no effect at all on BN's output and w's scale "
            "cancels; W still decides what each channel computes.",
            "gamma-beta",
        ),
        Misconception(
            "no_curve",
            "“Mean 0 and variance 1 is always the best input for the next layer.”",
            "With γ = 1, β = 0 a sigmoid sees almost only its straight middle; γ and β let the layer "
            "use the curve again.",
            "gamma-beta",
        ),
        Misconception(
            "same_eval",
            "“BN computes the same thing in training and in evaluation.”",
            "The same held-out sample gets a different output in every training batch, and one fixed "
            "output in eval mode (running statistics).",
            "questions",
        ),
        Misconception(
            "settled",
            "“We know exactly why BN helps: it removes internal covariate shift.”",
            "The same network trains faster with BN, but why is still debated: Santurkar et al. (2018) "
            "point to a smoother loss landscape instead.",
            "network",
        ),
        Misconception(
            "batch_of_one",
            "“BN works with any batch size, even one.”",
            "With one value per channel BN refuses to train (x̂ would be 0 for every input); GroupNorm "
            "works on one sample.",
            "questions",
        ),
    )
}


@dataclass(frozen=True)
class Ask:
    """A question for the class, and the answer to listen for."""

    question: str
    expect: str


@dataclass(frozen=True)
class LessonStep:
    minutes: int
    title: str
    page: str  # the URL path of the page to open (content.registry)
    show: str  # what the teacher does on the page
    ask: tuple[Ask, ...]
    listen_for: tuple[str, ...]  # keys of MISCONCEPTIONS
    # The link's query parameters for the step's view: the settings (widget keys), `hide=` and `section=`.
    view: tuple[tuple[str, str], ...] = ()
    # The prediction the page asks in classroom mode before the step's reveal; also one of `ask`.
    predict: Prediction | None = None


PLAN: tuple[LessonStep, ...] = (
    LessonStep(
        5,
        "The formula, and what it does",
        "",
        "Read the formula together and sort its symbols. Ask the prediction question, then drag "
        "“Multiply every activation by” to 4: the input spreads, the output does not.",
        (
            Ask(
                "Which symbols are computed from the batch, which are learned, which are fixed?",
                "$\\mu_B$ and $\\sigma_B^2$ come from the batch; γ and β are learned; ε is a fixed small number.",
            ),
            Ask(home.SCALE_PREDICTION.question, "Nothing (up to ε): BN divides by the new spread."),
        ),
        ("stats_learned",),
        (("hide", "gamma,beta"),),  # the scale alone: γ and β come with /gamma-beta
        home.SCALE_PREDICTION,
    ),
    LessonStep(
        5,
        "A batch, channel by channel",
        "batch",
        "Pick the preset “channels on very different scales”, then “ReLU outputs”; switch to a "
        "convolutional batch and show a channel as images. Press “Draw another batch” twice.",
        (
            Ask(batch.DRAW_PREDICTION.question, "Close but not equal: every mini-batch has its own mean and spread."),
            Ask(
                "In a convolutional batch, which numbers belong to channel 0?",
                "Channel 0 of every image, at every position.",
            ),
        ),
        ("one_mean",),
        (("section", batch.SECTION),),  # the default batch: the preset "channels on very different scales"
        batch.DRAW_PREDICTION,
    ),
    LessonStep(
        7,
        "Step through BN",
        "steps",
        "Press Next through mean, centre, variance, normalize, scale and shift on a skewed or ReLU "
        "channel, reading one worked number aloud. Then compare BatchNorm, LayerNorm and GroupNorm "
        "in “what is averaged together”.",
        (
            Ask(
                "How many means does BN compute for a batch of shape (32, 64, 28, 28)?",
                "64, one per channel, each over 32 × 28 × 28 values.",
            ),
            Ask(steps.SHAPE.question, "No: still skewed, now with mean 0 and variance 1."),
        ),
        ("one_mean", "gaussian"),
        # A skewed channel (channel 2 of “every shape”) at the step before normalizing, the stepper at the top.
        (
            ("batch.preset", "every shape"),
            ("steps_channel", "2"),
            ("steps_step", "4. Standard deviation"),
            ("hide", "channel,eval"),
            ("section", "stepper"),
        ),
        steps.SHAPE,
    ),
    LessonStep(
        8,
        "Drag γ and β",
        "gamma-beta",
        "Drag γ and β and read the output's mean and standard deviation. Show the sigmoid section at "
        "γ = 1, β = 0, then γ = 4. Ask the prediction, then press “Recover the original”. End with "
        "the w and b sliders.",
        (
            Ask(gamma_beta.RECOVER.question, "γ = $\\sqrt{\\sigma_B^2 + \\epsilon}$ and β = $\\mu_B$."),
            Ask(
                "Then why normalize at all?",
                "The identity is possible, not forced: γ and β go there only if the loss wants it, "
                "and the mean and spread become two parameters SGD moves directly.",
            ),
            Ask(
                "Does the bias b before BN matter?",
                "No: subtracting $\\mu_B$ removes it; β does its job.",
            ),
        ),
        ("no_curve", "undo", "replace_wb"),
        # Channel 2 of the default batch (μ_B ≈ −3, σ_B ≈ 0.2: far from 0 and 1), section 1 at the top.
        (("gb_channel", "2"), ("hide", "channel,exact"), ("section", "spread-and-mean")),
        gamma_beta.RECOVER,
    ),
    LessonStep(
        7,
        "Watch γ and β learned",
        "learning",
        "Train on “Reconstruct the input”, then on “A different target”. Point at $\\mu_B$ jumping and "
        "γ, β moving smoothly on the same time axis; then compare the held-out batch in training "
        "and eval mode with a batch size of 2.",
        (
            Ask(
                "Where is the learning?",
                "In γ and β (and the other layers' weights); $\\mu_B$ and $\\sigma_B^2$ are recomputed every batch.",
            ),
            Ask(
                end_prediction("reconstruct", 1).question,  # /learning's default task and channel
                "Only when the task asks for the original activations (“Reconstruct the input”): then yes; on “A "
                "different target” γ and β go where the loss wants them.",
            ),
            Ask(
                modes_prediction(2).question,
                "Very different: with batches of 2 every x̂ is close to ±1 in training; eval mode uses the running statistics.",
            ),
        ),
        ("stats_learned", "undo", "same_eval"),
        (("hide", "optimizer,lr,batch_size,epochs,target_mean,target_std"), ("section", END_ANCHOR)),
        end_prediction("reconstruct", 1),
    ),
    LessonStep(
        4,
        "Why BN helps",
        "network",
        "Train the same small network without BN, with BN, and with BN but no γ and β, and compare the loss curves.",
        (
            Ask(
                train_prediction(NetworkSettings()).question,  # /network's default settings
                "The reveal names the run's own answer; listen for a reason: with BN the same learning rate no "
                "longer blows up the layers' inputs.",
            ),
            Ask(
                "Why does BN make training faster?",
                "It is still debated: the original paper said internal covariate shift; Santurkar et al. "
                "(2018) argue for a smoother loss landscape.",
            ),
        ),
        ("settled",),
        (
            ("net_sweep", "false"),  # the sweep trains 30 networks: the class first compares three
            ("hide", "dataset,activation,lr,init_scale,sweep"),
            ("section", TRAIN_ANCHOR),
        ),
        train_prediction(NetworkSettings()),
    ),
    LessonStep(
        4,
        "In a real network",
        "real-network",
        "Keep the default settings. Ask the prediction, then press “Train the three networks”: the same small "
        "convolutional network on real 8 × 8 handwritten digits, without BN, with BN and with BN but no γ and β. "
        "Then scroll to “What γ and β learned” and set one channel back to γ = 1, β = 0.",
        (
            Ask(
                real_prediction(CNNSettings()).question,  # /real-network's default settings
                "The reveal names the run's own answer; listen for a reason: with BN each block's inputs keep one "
                "scale, so the same learning rate does not blow up or silence its ReLUs.",
            ),
            Ask(
                "Does the network trained with γ and β use them?",
                "Yes, if setting them back changes its answers: “What γ and β learned” sets one channel back to "
                "γ = 1, β = 0 and counts the test digits; question 9 on /questions sets a whole block back.",
            ),
        ),
        ("settled", "undo"),
        (("hide", "lr,epochs,batch_size,seed"), ("section", REAL_ANCHOR)),
        real_prediction(CNNSettings()),
    ),
    LessonStep(
        5,
        "Exit questions",
        "questions",
        "Open questions 6 and 7 one at a time. Let the class vote on each self-check before you "
        "click an answer, then run the experiment: one sample in training and eval mode, and a "
        "batch of one.",
        (
            Ask(
                QUESTION_PREDICTS["eval"].question,
                "Only in training mode: there each batch's own μ_B and σ²_B normalize it; eval mode uses running_mean "
                "and running_var, the same for every input.",
            ),
            Ask(
                "Why does BN behave differently in evaluation?",
                "Evaluation uses running_mean and running_var, so a prediction does not depend on the batch.",
            ),
            Ask(
                QUESTION_PREDICTS["one"].question,
                "It stops with an error: x̂ would be 0 for every input.",
            ),
            Ask(
                "Why does training fail with a batch of one, and what do people use instead?",
                "One value gives x̂ = 0 for any input; GroupNorm or LayerNorm, or BN kept in eval mode.",
            ),
        ),
        ("same_eval", "batch_of_one"),
        (("q_open_6", "true"), ("section", question_anchor(6))),
        QUESTION_PREDICTS["eval"],
    ),
)


def total_minutes(plan=PLAN) -> int:
    return sum(step.minutes for step in plan)


def schedule(plan=PLAN) -> list[tuple[int, int, LessonStep]]:
    """(start minute, end minute, step) for each step, in order."""
    rows, start = [], 0
    for step in plan:
        rows.append((start, start + step.minutes, step))
        start += step.minutes
    return rows


def teacher_link(step: LessonStep) -> dict[str, str]:
    """The query parameters of the link the teacher projects: the step's view in classroom mode."""
    return dict(step.view) | {"classroom": "1"}


def student_link(step: LessonStep) -> dict[str, str]:
    """The same view for a student's own browser: no classroom mode, and a session without the lesson
    plan and its answers (`student=1`, ui.classroom.student)."""
    return dict(step.view) | {"student": "1"}


def href(step: LessonStep, params: dict[str, str]) -> str:
    """A link from /teach to the step's page with these parameters, relative to the app's root ("./batch?…",
    "./?…" for the start page). Not Streamlit's page link: for the start page its address is empty ("?…"),
    which a new tab opens as /teach itself."""
    return f"./{step.page}?{urlencode(params)}"


def misconceptions_for(step: LessonStep) -> list[Misconception]:
    return [MISCONCEPTIONS[key] for key in step.listen_for]


# ---------------------------------------------------------------------------------------
# What /teach says around the plan: its title, the choice of what to project, a step's card, the whole plan.

TITLE = "For teachers: a 45-minute lesson"
SHOW = "Show"
SHOW_HELP = "Pick one step to project it alone."
WHOLE_LESSON = "The whole lesson"
ANSWERS = "Show the answers to listen for"
ANSWERS_HELP = "Off while projecting, so the class answers first."
ASK_THE_CLASS = "**Ask the class:**"
LISTEN_FOR = "**Misconceptions to listen for:**"
OBJECTIVES_HEADING = "Objectives"
SEQUENCE = "The sequence"
SEQUENCE_COLUMNS = ("minutes", "view")
ALL_MISCONCEPTIONS = "Misconceptions to listen for, all in one list"


def intro(minutes: int) -> str:
    return (
        f"A plan for one {minutes}-minute session with the app projected. Each step opens one "
        "view, says what to do there, gives the questions to ask the class before you reveal anything, and "
        "the misconceptions to listen for, with the view that shows each one wrong."
    )


def step_label(number: int, title: str) -> str:
    """A step as the choice of what to show names it, and as the teacher's link holds it (`?teach_step=…`)."""
    return f"Step {number}: {title}"


def tab_label(number: int) -> str:
    return f"Step {number}"


def minutes_of(start: int, end: int, minutes: int) -> str:
    return f"Minutes {start}–{end} ({minutes} min)"


def step_links(step: LessonStep) -> tuple[str, str]:
    """A step card's two links (Markdown, opening in a new tab): the view projected, and a student's own."""
    return (
        f":material/open_in_new: [Project this step (classroom mode)]({href(step, teacher_link(step))})",
        f":material/person: [Student link: the same view, without the answers]({href(step, student_link(step))})",
    )


def do(show: str) -> str:
    return f"**Do:** {show}"


def ask_line(step: LessonStep, ask: Ask, answers: bool) -> str:
    """One question to ask the class; the one the page asks first says so, with its choices; `answers`: with what
    to listen for."""
    predicted = step.predict is not None and ask.question == step.predict.question
    said = "**Predict first** (the page asks it): " if predicted else ""
    options = f" ({' · '.join(step.predict.choices)})" if predicted else ""
    return f"- {said}{ask.question}{options}" + (f"  \n  *Listen for:* {ask.expect}" if answers else "")


def misconception(m: Misconception) -> str:
    return f"**{m.belief}** The app shows: {m.shown_wrong}"


def objectives() -> str:
    return "By the end, learners can:\n" + "\n".join(f"1. {o}" for o in OBJECTIVES)


def total(minutes: int) -> str:
    return f"Total: {minutes} minutes."
