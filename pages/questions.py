"""Learners' questions: for each, a short answer, an experiment, a link further, and a self-check."""

import hashlib
import math
from contextlib import contextmanager, nullcontext

import numpy as np
import pandas as pd
import streamlit as st

from bnviz.experiments import gamma_beta, peaks, questions, stepper
from bnviz.figures import questions as question_figures
from bnviz.notation import MU_B, RECOVER_GAMMA, VAR_B, X_HAT
from bnviz.numbers import fixed, sig
from content.common import LAST_DIGITS
from content.gamma_beta import peak_options, peak_table, small
from content.questions import (
    ONE_WHY,
    PREDICTS,
    QUESTIONS,
    SOURCES,
    Question,
    anchor,
    eval_answer,
    eval_why,
    one_answer,
    recover_answer,
    recover_why,
)
from content.registry import page_file
from ui.classroom import chart, predict_first, prediction, reveal, stage
from ui.classroom import enabled as classroom_on
from ui.guard import require_navigation
from ui.links import HIDDEN, claim, control, write
from ui.state import carry_batch, current_batch

require_navigation()

W_OPTIONS = (0.5, 1.0, 2.0, 5.0, 10.0)
MOMENTUM_OPTIONS = (0.01, 0.1, 0.5)
LEARN_BATCH_OPTIONS = (2, 4, 8, 16, 64)
EVAL_BATCH_OPTIONS = (2, 4, 8, 32, 128)
MAX_TRAINING_BATCHES = 60

# Every control, and each question's expander, is bound to the link under its key:
# ?q_open_2=true&q_recover=1 opens question 2 at the recovering values. A closed question's controls
# are not drawn: their values stay in the session and come back to the link when it is opened again.
BIND = "query-params"
# The self-check answers are the learner's own: a link never carries them, nor answers the quiz.
CHECKS = [f"q_check_{q.number}" for q in QUESTIONS]
# Classroom mode asks the class to predict before three reveals (content.questions.PREDICTS): question 2's
# recovering values, question 6's two modes and question 7's batch of one. Their answers stay out of links.
PREDICT_RECOVER, PREDICT_EVAL, PREDICT_ONE = (PREDICTS[k].key for k in ("undo", "eval", "one"))
RECOVER_LABEL = (
    r"Move γ and β from the start (0: γ = 1, β = 0) to the recovering values "
    r"(1: γ = $\sqrt{\sigma_B^2 + \epsilon}$, β = $\mu_B$)"
)


# Pure computations and their figures, cached: a slider answers from the cache when it comes back.
# The cache keeps a core result as a plain dict and the view rebuilds it: when Streamlit reloads
# a changed module, a fragment's rerun still holds the old result class, which pickle refuses.
@st.cache_data(show_spinner=False, max_entries=64)
def _sigmoid_view(x, gamma, beta):
    use = questions.sigmoid_use(x, gamma, beta)
    return use._replace(y=None)._asdict(), question_figures.sigmoid_figure(use.y)


def sigmoid_view(x, gamma, beta):
    fields, figure = _sigmoid_view(x, gamma, beta)
    return questions.SigmoidUse(**fields), figure


@st.cache_data(show_spinner=False, max_entries=32)
def _recovery_view(x, t):
    y, _, readout = gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, t))
    figure = question_figures.input_output_figure(x, y, channels=4)
    return gamma_beta.recovery(x)[0], dict(vars(readout)), figure


def recovery_view(x, t):
    """The recovering γ = √(σ² + ε) (C,), the readout of BN with γ, β a fraction t of the way there, its figure."""
    std, fields, figure = _recovery_view(x, t)
    return std, gamma_beta.Readout(**fields), figure


@st.cache_data(show_spinner=False, max_entries=64)
def _bias_view(x, w, b):
    res = questions.bias_and_scale(x, w, b)
    figure = question_figures.before_after_figure(res.z, res.y, x, res.y_ref)
    return res._replace(z=None, y=None, y_ref=None)._asdict(), figure


def bias_view(x, w, b):
    fields, figure = _bias_view(x, w, b)
    return questions.BiasAndScale(**fields), figure


@st.cache_data(show_spinner=False)
def training_batches():
    return questions.conv_batches(MAX_TRAINING_BATCHES)


@st.cache_data(show_spinner=False, max_entries=32)
def _learning_run(batch_size):
    return questions.learn_gamma_beta(batch_size)._asdict()


def learning_run(batch_size):
    return questions.LearningRun(**_learning_run(batch_size))


@st.cache_data(show_spinner=False, max_entries=64)
def _train_eval(sample, batch_size):
    return questions.train_vs_eval(sample, batch_size)._asdict()


def train_eval(sample, batch_size):
    return questions.TrainEval(**_train_eval(sample, batch_size))


@st.cache_data(show_spinner=False, max_entries=16)
def eval_mode_output(x):
    return questions.eval_mode_output(x)


@st.cache_data(show_spinner=False)
def _group_norm_demo():
    return questions.group_norm_demo()._asdict()


def group_norm_demo():
    return questions.GroupNormDemo(**_group_norm_demo())


@st.cache_data(show_spinner=False)
def peaks_run():
    """Question 8's two trainings (bnviz.experiments.peaks), the ones of /gamma-beta's peaks section."""
    return peaks.run()


PEAKS = peak_options(peaks.PEAK_VALUES)


@contextmanager
def explained_errors():
    """The core's messages, shown in the page: the rest of the page keeps working."""
    try:
        yield
    except (ValueError, TypeError) as error:
        st.error(f"This experiment cannot run on this input. {error}")


def three_decimals(value) -> str:
    return fixed(value, 3)  # no "−0.000" for rounding noise


def channel_table(columns: dict, formats: dict | None = None):
    """One row per channel, three decimals unless `formats` says otherwise; the values stay numbers."""
    frame = pd.DataFrame(columns)
    frame.index = pd.Index([f"channel {c}" for c in range(len(frame))], name="channel")
    styler = frame.style.format(three_decimals)
    if formats:
        styler = styler.format(formats, subset=list(formats))
    st.table(styler)


st.title("Learners' questions")
carry_batch()
claim(*CHECKS)
write({}, CHECKS)
st.markdown(
    "Eight questions learners ask after meeting "
    r"$y = \gamma \cdot \dfrac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta$. "  # dfrac: μ_B's B not at half size
    "Open one: a short answer, an experiment you run, a link to the page that explores it further, "
    "and a question to check yourself."
)
batch = current_batch()
# What question 2's experiment runs on: a prediction about one batch is not one about another.
batch_id = (batch.source, hashlib.sha256(np.ascontiguousarray(batch.x).tobytes()).hexdigest())
st.caption(
    f"Questions 1 to 3 use your batch ({batch.source}, shape {batch.x.shape}); "
    "questions 4 to 8 use small batches of their own, described under each."
)


@st.fragment
def experiment_why():
    left, right = st.columns(2)
    with control("gamma", where=left):
        gamma = st.slider("γ (scale), every channel", 0.1, 5.0, 1.0, step=0.1, key="q_gamma", bind=BIND)
    with control("beta", where=right):
        beta = st.slider("β (shift), every channel", -5.0, 5.0, 0.0, step=0.1, key="q_beta", bind=BIND)
    with explained_errors():
        use, figure = sigmoid_view(batch.x, gamma, beta)
        straight, bend, flat = st.columns(3)
        straight.metric(f"In the nearly straight middle, |y| < {fixed(questions.STRAIGHT, 2)}", f"{use.straight:.1%}")
        bend.metric(f"In the bends, {fixed(questions.STRAIGHT, 2)} ≤ |y| ≤ {questions.FLAT:g}", f"{use.bend:.1%}")
        flat.metric(f"In the flat ends, |y| > {questions.FLAT:g}", f"{use.flat:.1%}")
        chart(figure, key="q_sigmoid")
        st.caption(
            f"Every value of your batch, normalized by BN with γ = {gamma:g} and β = {beta:g}, then fed to a "
            f"sigmoid. In the light blue middle the sigmoid is within {gamma_beta.LINEAR_TOLERANCE:.0%} of its range of a straight line "
            "(the same middle as on *Drag γ and β*); in the grey ends its "
            f"slope is at most {questions.FLAT_SLOPE:.1%} of its slope at 0, so little gradient passes."
        )


def experiment_undo(ready: bool = True, controls=None, result=None):
    """ready: False in classroom mode until the class has predicted; the slider is then locked at
    the start and the experiment shows the start, whatever the link set. controls, result: where the slider and
    what it shows go (classroom mode: beside each other), else in order."""
    with controls if controls is not None else nullcontext():
        recover = recover_slider(ready)
    with result if result is not None else nullcontext():
        recover_result(ready, recover)


def recover_slider(ready: bool) -> float:
    if not ready:
        with control("recover"):
            st.slider(RECOVER_LABEL, 0.0, 1.0, 0.0, step=0.1, disabled=True, key="q_recover_locked")
    # Until the class has predicted, the learner's slider is hidden but drawn: it keeps the link's value.
    with control("recover") if ready else st.container(key=HIDDEN + "recover_until_predicted"):
        return st.slider(RECOVER_LABEL, 0.0, 1.0, 0.0, step=0.1, key="q_recover", bind=BIND)


def recover_result(ready: bool, recover: float):
    t = recover if ready else 0.0
    with explained_errors():
        std, rec, figure = recovery_view(batch.x, t)
        st.metric("Largest |y − x| over the whole batch", f"{rec.batch_max_abs_diff:.2e}")
        if math.isclose(t, 1.0):
            largest = rec.batch_max_abs_diff
            reveal(PREDICT_RECOVER, recover_answer(largest, float(np.abs(batch.x).max())), recover_why(largest))
        elif prediction(PREDICT_RECOVER):
            st.caption("What happens shows at 1, the recovering values.")
        channel_table(
            {
                f"batch mean {MU_B}": rec.mu,
                RECOVER_GAMMA: std,
                "γ": rec.gamma,
                "β": rec.beta,
                "largest |y − x|": rec.max_abs_diff,
            },
            {"largest |y − x|": "{:.2e}"},
        )
        chart(figure, key="q_recovery")
        st.caption(
            (
                f"At 1 the output is the input, up to rounding ({sig(recovery_view(batch.x, 1.0)[1].batch_max_abs_diff, 2)} on this "
                "batch): BN can be the identity. "
                if ready
                else ""
            )
            + f"Each panel has its own axis{'; the first 4 channels are shown' if batch.channels > 4 else ''}."
        )


@st.fragment
def experiment_replace():
    left, right = st.columns(2)
    with control("w", where=left):
        # sig: the link reads `?q_w=2`, as the label shows it, not "2.0"
        w = st.select_slider(
            "w: scale of the layer's weights", options=W_OPTIONS, value=1.0, format_func=sig, key="q_w", bind=BIND
        )
    with control("b", where=right):
        b = st.slider("b: the layer's bias", -20.0, 20.0, 0.0, step=1.0, key="q_b", bind=BIND)
    with explained_errors():
        res, figure = bias_view(batch.x, w, b)
        by_b, by_w = st.columns(2)
        by_b.metric("Largest change of BN's output caused by b", f"{res.change_b.max():.1e}")
        by_w.metric("Largest change of BN's output caused by w", f"{res.change_w.max():.1e}")
        channel_table(
            {"input mean": res.z_mean, "input std": res.z_std, "output mean": res.y_mean, "output std": res.y_std}
        )
        chart(figure, key="q_bias")
        st.caption(
            f"The layer before BN computes w·x + b (here w = {w:g}, b = {b:g}) in every channel of your "
            "batch; BN uses γ = 1, β = 0. b's change is rounding error (below 1e-12). w's is not exactly 0 "
            "only because ε = 1e-5 is "
            r"added to the variance $w^2\sigma_B^2$: it matters only when $w\sigma_B$ comes near √ε ≈ 0.003."
        )


@st.fragment
def experiment_channel():
    first = training_batches()[0]
    stats = questions.channel_statistics(first)
    st.markdown(
        f"A convolutional batch of shape {first.shape} (N, C, H, W): each channel's mean and "
        f"variance pool its {stats.count} values (8 images × 4 × 4 positions)."
    )
    channel_table(
        {
            "values pooled": [stats.count] * len(stats.mu),
            f"batch mean {MU_B}": stats.mu,
            f"batch variance {VAR_B}": stats.var,
        },
        {"values pooled": "{:d}"},
    )
    st.caption(
        f"One mean over all {first.size} values would be {fixed(stats.overall_mean, 3)}: it describes none of the channels."
    )
    left, right = st.columns(2)
    with control("batches", where=left):
        k = st.slider("Training batches seen", 0, MAX_TRAINING_BATCHES, 10, step=1, key="q_batches", bind=BIND)
    with control("momentum", essential=False, where=right):  # a detail of the running average, not the idea
        momentum = st.select_slider(
            "momentum (PyTorch's convention; default 0.1)",
            options=MOMENTUM_OPTIONS,
            value=0.1,
            key="q_momentum",
            bind=BIND,
        )
    path = stepper.running_statistics(training_batches()[:k], questions.CONV_CHANNELS, momentum)
    true_mean, true_var = questions.conv_population()
    channel_table(
        {
            "true mean": true_mean,
            f"running_mean after {k}": path.running_mean[-1],
            "true variance": true_var,
            f"running_var after {k}": path.running_var[-1],
        }
    )
    chart(question_figures.running_mean_figure(path.running_mean, true_mean, momentum), key="q_running")
    st.caption(
        f"Each training batch: running = (1 − {momentum:g})·running + {momentum:g}·batch, starting from "
        "running_mean = 0 and running_var = 1; the dotted lines are the true means. A small momentum "
        "averages more batches but needs more of them to arrive. Keras writes this same rule as "
        f"momentum={1 - momentum:g}, the weight of the old value."
    )


@st.fragment
def experiment_learning():
    with control("learn_batch"):
        size = st.select_slider("Mini-batch size", options=LEARN_BATCH_OPTIONS, value=8, key="q_learn_batch", bind=BIND)
    with explained_errors():
        run, spec = learning_run(size), questions.LEARN_SPEC
        jump, gamma_step, beta_step = st.columns(3)
        jump.metric(r"$\mu_B$: largest jump between batches", fixed(run.mean_jump, 3))
        gamma_step.metric("γ: largest change in one step", fixed(run.gamma_step, 3))
        beta_step.metric("β: largest change in one step", fixed(run.beta_step, 3))
        chart(question_figures.learning_figure(run, questions.TARGET_STD, questions.TARGET_MEAN), key="q_learning")
        st.caption(
            f"One BN channel, {questions.LEARN_STEPS} steps of plain SGD (learning rate {questions.LEARN_RATE}), a fresh "
            f"mini-batch of {size} values from N({spec.mean:g}, {spec.std:g}²) each step. The loss asks for outputs "
            f"with mean {questions.TARGET_MEAN:g} and standard deviation {questions.TARGET_STD:g}, so β heads for "
            f"{questions.TARGET_MEAN:g} and γ for about {questions.TARGET_STD:g}. After {questions.LEARN_STEPS} steps γ = "
            f"{fixed(run.gamma[-1], 3)} and β = {fixed(run.beta[-1], 3)}. With batches of 2 or 4, "
            r"$\sigma_B$ is itself noisy and usually too small, so γ settles lower. " + LAST_DIGITS
        )


def experiment_eval(ready: bool = True, controls=None, result=None):
    """ready: False in classroom mode until the class has predicted: the sliders are drawn, the outputs are
    not. controls, result: where each goes (classroom mode: beside each other), else in order."""
    with controls if controls is not None else nullcontext():
        left, right = st.columns(2)
        with control("eval_sample", where=left):
            sample = st.slider("Your sample's value", -1.0, 11.0, 7.0, step=0.5, key="q_eval_sample", bind=BIND)
        with control("eval_batch", where=right):
            size = st.select_slider(
                "Training batch size", options=EVAL_BATCH_OPTIONS, value=8, key="q_eval_batch", bind=BIND
            )
    if ready:
        with explained_errors():
            res = train_eval(sample, size)
            with result if result is not None else nullcontext():
                eval_result(res)
            # Under the result (in classroom mode under both columns): how the two modes compute it.
            st.caption(
                f"A BN layer trained on {questions.WARMUP_BATCHES} batches of {questions.WARMUP_SIZE} values from N(5, 2²) "
                f"has running_mean = {fixed(res.running_mean, 3)} and running_var = {fixed(res.running_var, 3)}, "
                "estimates of the true 5 and 4. Eval mode always gives (x − running_mean)/√(running_var + ε). In training "
                r"mode the sample is normalized with each batch's own $\mu_B$ and $\sigma_B^2$ "
                f"(it plus {size - 1} other values); with a batch of 2 it is always ±1, the larger or the "
                "smaller of two."
            )


def eval_result(res):
    """The two modes' outputs of the sample, and the reveal."""
    low, high = res.train_range
    if not classroom_on():  # on a projector the reveal beside the chart says these two numbers
        evaluated, trained = st.columns(2)
        evaluated.metric("Eval mode: BN output", fixed(res.eval_output, 3))
        trained.metric("Training mode, in 20 batches: from … to …", f"{fixed(low, 3)} … {fixed(high, 3)}")
    chart(question_figures.train_eval_figure(res, height=280 if classroom_on() else 340), key="q_train_eval")
    reveal(PREDICT_EVAL, eval_answer(low, high), eval_why(res.eval_output, low, high))


def experiment_one(ready: bool = True, controls=None, result=None):
    """ready: False in classroom mode until the class has predicted; a batch of one is not shown then.
    controls, result: where the slider and what it shows go (classroom mode: beside each other), else in order."""
    with controls if controls is not None else nullcontext(), control("small_n"):
        n = st.slider(
            "Batch size N (a fully connected layer with 4 features)", 1, 8, 1, step=1, key="q_small_n", bind=BIND
        )
    if n == 1 and not ready:
        return  # classroom mode: the batch of one is shown once the class has predicted
    with result if result is not None else nullcontext():
        one_result(n)


def one_result(n: int):
    res = questions.train_small_batch(n)
    columns = [f"channel {c}" for c in range(res.x.shape[1])]
    guess = prediction(PREDICT_ONE)
    if res.error:
        st.error(f"BatchNorm(4) in training: {res.error}", icon=":material/block:")
        reveal(PREDICT_ONE, one_answer(res.error, res.x_hat), ONE_WHY)
        one = questions.one_value_statistics(res.x)
        st.markdown("What the formula itself gives for this one sample, and why BN refuses it:")
        rows = ["x", f"batch mean {MU_B}", f"batch variance {VAR_B}", X_HAT]
        formula = pd.DataFrame([res.x[0], one.mu, one.var, one.x_hat[0]], index=rows, columns=columns)
        st.table(formula.style.format(three_decimals))
    else:
        st.markdown(f"BatchNorm(4) in training: x̂ for the {n} samples (γ = 1, β = 0)")
        frame = pd.DataFrame(res.x_hat, index=[f"sample {i}" for i in range(n)], columns=columns)
        st.table(frame.style.format(three_decimals))
        if n == 2:
            st.caption("With two samples every x̂ is ±1 (up to ε): each is just the larger or the smaller of two.")
        if guess:
            st.caption("What happens shows at N = 1.")
    st.markdown("**What works with one sample**")
    left, right = st.columns(2)
    with left:
        st.markdown("BN in eval mode, with running statistics from earlier training, on sample 0 alone:")
        frozen = eval_mode_output(res.x[:1])
        st.table(pd.DataFrame(frozen, index=["x̂"], columns=columns).style.format(three_decimals))
    with right:
        demo = group_norm_demo()
        st.markdown(
            f"One image of shape (1, {questions.GN_CHANNELS}, 4, 4), normalized alone and inside a batch of "
            f"{questions.GN_BATCH}. GroupNorm ({demo.groups} groups of {questions.GN_CHANNELS // demo.groups} channels) "
            "uses the image alone; BatchNorm in training uses the whole batch. Largest change of the "
            "image's output:"
        )
        gn, bn = st.columns(2)
        gn.metric("GroupNorm", f"{demo.gn_diff:.1e}")
        bn.metric("BatchNorm", fixed(demo.bn_diff, 3))


@st.fragment
def experiment_peaks():
    with control("peak"):
        label = st.radio(
            "Follow the peak",
            list(PEAKS),
            index=list(PEAKS.values()).index(peaks.DEFAULT_PEAK),
            key="q_peak",
            bind=BIND,
            horizontal=True,
        )
    c, row = PEAKS[label]
    result = peaks_run()
    gamma, beta, _, _ = result.learned(True)
    st.table(peak_table(peaks.follow_peak(result.x, c, row, gamma[c], beta[c])))
    needed, with_, without = result.peak_outputs(c, row)
    st.markdown(
        f"What the next layer gives this peak, where sigmoid({result.x[row, c]:g} − {result.level:g}) is needed:"
    )
    need, learned, fixed_ = st.columns(3)
    need.metric("Needed", fixed(needed, 3))
    learned.metric("With γ and β learned", fixed(with_, 3))
    fixed_.metric("With γ = 1, β = 0 fixed", fixed(without, 3))
    st.caption(
        f"Two channels of {peaks.N} values, on different scales (typical values about "
        f"{' and '.join(f'{c.mean:g}' for c in peaks.CHANNELS)}), each with three peaks. "
        "Both networks, BN → sigmoid → next layer (w·h + b per channel), are trained by gradient descent to "
        f"give sigmoid(x − {result.level:g}). Final loss: {small(result.final_loss(True))} with γ and β, "
        f"{result.final_loss(False):.3g} without them, the least any w and b reach. " + LAST_DIGITS
    )


EXPERIMENTS = {
    "why": experiment_why,
    "undo": st.fragment(experiment_undo),
    "replace": experiment_replace,
    "channel": experiment_channel,
    "learning": experiment_learning,
    "eval": st.fragment(experiment_eval),
    "one": st.fragment(experiment_one),
    "peaks": experiment_peaks,
}
# In classroom mode an experiment with a prediction runs with the page, not as a fragment: the prompt beside it
# unlocks it, and the written answer below it follows the class's choice.
PREDICTED = {"undo": experiment_undo, "eval": experiment_eval, "one": experiment_one}


def predicted_question(q: Question) -> bool:
    """Classroom mode's order for a question with a prediction: the prompt and the experiment's controls beside
    its result (and the reveal), all on one screen; whether the class has predicted."""
    ask = PREDICTS[q.key]
    prompt, controls, result = stage(ask.key, f"{q.number}. {q.title}", anchor(q.number))
    with prompt:
        ready = predict_first(ask.key, ask.question, ask.choices, about=batch_id if q.key == "undo" else None)
        st.markdown(f"**{q.experiment}**")
    PREDICTED[q.key](ready, controls, result)
    return ready


@st.fragment
def self_check(q: Question):
    choice = st.radio(
        f"**Check yourself.** {q.check.prompt}",
        [c.text for c in q.check.choices],
        index=None,  # unanswered until the learner answers
        key=f"q_check_{q.number}",
    )
    result = q.check.feedback(choice)
    if result is None:
        st.caption("Choose an answer: why it is right or wrong appears here.")
    elif result[0]:
        st.success(f"Right. {result[1]}", icon=":material/check_circle:")
    else:
        st.error(f"Not quite. {result[1]} Try another answer.", icon=":material/cancel:")


def cite(keys) -> str:
    return "; ".join(f"[{SOURCES[k].short}]({SOURCES[k].url})" for k in keys)


for q in QUESTIONS:
    box = st.expander(f"**{q.number}.** {q.title}", expanded=False, key=f"q_open_{q.number}", bind=BIND)
    if not box.open:  # only an open question runs its experiment
        continue
    with box:
        if q.key in PREDICTS and classroom_on():
            # The class predicts first; the written answer and the self-check, which would give the
            # result away, follow the experiment once it has.
            if not predicted_question(q):
                st.caption("The answer and a question to check yourself appear here once the class has predicted.")
                continue
            st.markdown(q.answer)
        else:
            st.markdown(q.answer)
            st.markdown(f"**{q.experiment}**")
            EXPERIMENTS[q.key]()
        for link in q.links:
            st.page_link(
                page_file(link.page),
                label=link.label,
                icon=":material/arrow_forward:",
                query_params=link.opens,  # `?section=peaks`: the page opens at that section
            )
        self_check(q)
        st.caption(f"Sources: {cite(q.sources)}.")

st.subheader("Sources")
for source in SOURCES.values():
    st.markdown(f"- {source.short}. [{source.title}]({source.url})")
