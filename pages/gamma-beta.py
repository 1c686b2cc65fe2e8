"""Drag γ and β: what the scale and shift are, how they can give back the input, and why BN has them."""

import contextlib

import streamlit as st

from bnviz.experiments import gamma_beta, peaks
from bnviz.figures import gamma_beta as gamma_beta_figures
from bnviz.figures import peaks as peaks_figures
from bnviz.notation import MU_B, RECOVER_GAMMA, STD_B
from bnviz.numbers import fixed, sig
from content import gamma_beta as content_gamma_beta
from content.pytorch import gamma_beta_snippet
from content.registry import BY_URL, page_file
from ui import live
from ui.classroom import beside, enabled, part, predict_first, prediction, reveal
from ui.guard import require_navigation
from ui.links import Setting, arrived, claim, control, is_shown, read, reject, write
from ui.live import LiveControl, chart, live_chart  # every chart by the live charts' plotly.js: one copy
from ui.pytorch import do_it_in_pytorch
from ui.state import carry_batch, current_batch

require_navigation()

# Each control that is one widget is bound to the link under its key (`?gb_w_scale=2`). γ and β
# hold one value per channel, which no single widget holds, so the page reads and writes them
# itself (`?gb_gamma=1,1,2.5`): channels missing from the tuple take γ = 1, β = 0 (the batch's
# channel count is known only later, and each channel's slider range then bounds them). So it does
# for the target's seed, which only a button moves.
LINKED = {
    "gb_gamma": Setting((), lo=0.0, hi=1e6, fill=1.0),
    "gb_beta": Setting((), lo=-1e6, hi=1e6, fill=0.0),
    "gb_target_seed": Setting(0, lo=0, hi=1_000_000),
}
W_SCALE, W_ANGLE, B = 1.0, 30.0, 0.0  # the linear layer's defaults, the reference its effects are measured from
# §3's knobs: name (in `?hide=`; its key and link parameter gb_<name>), label, range, start, step, format
WB_KNOBS = (
    ("w_scale", "length ‖w‖", 0.1, 5.0, W_SCALE, 0.1, "%.1f"),
    ("w_angle", "direction θ of w", 0.0, 355.0, W_ANGLE, 5.0, "%.0f°"),
    ("b", "bias b", -20.0, 20.0, B, 0.5, "%.1f"),
    ("wb_gamma", "γ after BN", 0.0, 3.0, 1.0, 0.1, "%.1f"),
    ("wb_beta", "β after BN", -3.0, 3.0, 0.0, 0.1, "%.1f"),
)
CLASSROOM_HEIGHT = 290  # §1's chart beside the prompt on a projector (ui.classroom.enlarge: 1.2 times taller)
DRAG = "gb_drag"  # the live chart of γ·x̂ + β; its controls "gamma" and "beta" hold the selected channel's values
NL_GAMMA = LiveControl("gb_nl_gamma", "γ before the nonlinearity", 0.0, 5.0, 0.05, 1.0, hide_as="nl_gamma")
NL_BETA = LiveControl("gb_nl_beta", "β before the nonlinearity", -5.0, 5.0, 0.05, 0.0, hide_as="nl_beta")
SHAPE_NAMES = {  # the link carries the name shown: `?gb_shape=two+bumps`
    "skewed": "skewed",
    "bimodal": "two bumps",
    "relu": "ReLU output",
    "heavy-tailed": "heavy tails",
    "batch": "your batch, this channel",
}
ss = st.session_state


@st.cache_data(show_spinner=False)
def channel_info(x):
    return gamma_beta.channel_summary(x)


@st.cache_data(show_spinner=False)
def shape_example(dist):
    return gamma_beta.shape_example(dist)


@st.cache_data(show_spinner=False)
def linear_inputs():
    return gamma_beta.linear_inputs()


@st.cache_data(show_spinner=False)
def peaks_run():
    """Both trainings of the peaks' section (about 0.2 s), once per server: they depend on nothing the learner sets."""
    return peaks.run()


@st.cache_data(show_spinner=False)
def peaks_loss_figure():
    result = peaks_run()
    return peaks_figures.loss_figure(result.loss(True), result.loss(False), float(result.floor.sum()))


@st.cache_data(show_spinner=False)
def peaks_switch_figure(peak):
    result = peaks_run()
    return peaks_figures.switch_figure(peaks.switch_curves(result), result.x, result.level, peak, height=280)


# --- γ and β per channel: one source of truth (the tuples gb_gamma, gb_beta), two widgets each ---


def read_link():
    """On arriving, take γ, β and the target's seed from the link; otherwise keep the session's."""
    claim(*LINKED)
    if arrived():
        values, rejected = read(LINKED, st.query_params.to_dict())
        reject(*rejected)
        ss.update(values)
    for name, setting in LINKED.items():
        ss.setdefault(name, setting.default)


def write_link():
    """Make the address carry γ, β and the target's seed (defaults left out): from the fragments
    that change them, since a fragment's rerun does not run the page."""
    write({name: s.format(ss[name]) for name, s in LINKED.items() if not s.is_default(ss[name])}, LINKED)


def fit_to_batch(channels, ranges):
    """Fit the tuples to this batch (it may have changed on /batch since the last visit): one value
    per channel, each within its channel's slider range."""
    fitted = {
        "gb_gamma": tuple(
            gamma_beta.clamp(g, 0.0, r.gamma_max)
            for g, r in zip(gamma_beta.fit_to_channels(ss.gb_gamma, channels, 1.0), ranges)
        ),
        "gb_beta": tuple(
            gamma_beta.clamp(b, -r.beta_max, r.beta_max)
            for b, r in zip(gamma_beta.fit_to_channels(ss.gb_beta, channels, 0.0), ranges)
        ),
    }
    if fitted != {"gb_gamma": ss.gb_gamma, "gb_beta": ss.gb_beta} or arrived():  # another batch, or a link
        ss.update(fitted)
        moved()


def set_value(name, c, value):
    """Channel c's place in the tuple `name` ("gb_gamma" or "gb_beta")."""
    values = list(ss[name])
    values[c] = float(value)
    ss[name] = tuple(values)


class ChannelOwner:
    """The owner of §1's live γ and β (ui.live): channel c's place in the tuples gb_gamma and gb_beta."""

    def __init__(self, c: int):
        self.c = c

    def get(self, name: str, default: float) -> float:
        return ss[f"gb_{name}"][self.c]

    def set(self, name: str, value: float) -> None:
        set_value(f"gb_{name}", self.c, value)


def moved(values: dict[str, float] | None = None) -> None:
    """Python moved γ or β (a button, a box, the link, a batch that changed): the live control of the
    channel shown takes them (ui.live.set_values, the one way from Python to the browser)."""
    c = ss.get("gb_channel", 0)
    if c < len(ss.gb_gamma):
        live.set_values(DRAG, values or {"gamma": ss.gb_gamma[c], "beta": ss.gb_beta[c]}, ChannelOwner(c))


def set_all(gamma, beta):
    ss.gb_gamma, ss.gb_beta = tuple(float(g) for g in gamma), tuple(float(b) for b in beta)
    moved()


def show_answer(target):
    ss.gb_target_gamma, ss.gb_target_beta = target.gamma, target.beta


def new_target():
    ss.gb_target_seed += 1
    ss.gb_target_gamma, ss.gb_target_beta = 1.0, 0.0


st.title("Drag γ and β")
carry_batch()
read_link()

batch = current_batch()
try:
    info = channel_info(batch.x)
except (ValueError, TypeError) as err:
    st.error(f"This page cannot use the current batch: {err}")
    st.page_link(page_file("batch"), label="Make another batch", icon=":material/grid_on:")
    st.stop()
C = batch.channels
fit_to_batch(C, info.ranges)


def sorted_x():
    """This batch's channels sorted, (C, m), for the W1 distance: kept in the session while γ and
    β move (st.cache_data would hash the batch and copy the result on every drag)."""
    memo = ss.get("gb_sorted_x")
    if memo is None or memo[0] is not batch.x:
        memo = ss["gb_sorted_x"] = (batch.x, gamma_beta.sorted_channels(batch.x))
    return memo[1]


formula, intro = st.columns([2, 3], vertical_alignment="center")
formula.latex(r"\hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma\,\hat x + \beta")
intro.markdown(content_gamma_beta.INTRO)

# The batch and the channel every section shows: the channel's statistics beside its selector, or alone when
# the selector is hidden.
if ss.get("gb_channel", 0) >= C:  # a batch made since on /batch has fewer channels
    ss.gb_channel = 0
pick, stats = st.columns([1, 4], vertical_alignment="bottom") if is_shown("channel") else (st.container(), st)
with control("channel", where=pick):
    channel = st.selectbox(
        "Channel",
        range(C),
        index=min(1, C - 1),  # in the default batch, a channel far from mean 0, variance 1
        key="gb_channel",  # `?gb_channel=2`: no format_func, so the link carries the number
        bind="query-params",
    )
stats.caption(
    f"Uses your batch ({batch.source}): shape {tuple(batch.x.shape)}, {C} channels of "
    f"m = {batch.x.size // C:,} values each. Make another on *Make a batch*."
)
# The channel's μ_B and σ_B with the 4 decimals of the readout table: one rounding per number.
stats.caption(
    f"Channel {channel} of your batch: {MU_B} = {fixed(info.mu[channel], 4)}, "
    f"{STD_B} = {fixed(info.var[channel] ** 0.5, 4)}."
)


def batch_identity() -> tuple:
    """What the class's prediction is about: the batch (its γ and β are computed from it)."""
    return (batch.source, batch.seed, tuple(batch.x.shape))


def header(anchor: str) -> None:
    """A section's numbered heading, with the anchor a link opens the page at (`?section=peaks`)."""
    st.header(content_gamma_beta.heading(anchor), anchor=anchor)


# --- 1. what γ and β are -----------------------------------------------------------------
header("spread-and-mean")


@st.cache_data(show_spinner=False)
def guesses(x):
    """How far each guess of the lesson's prediction leaves y from x, on this batch."""
    return gamma_beta.guess_errors(x)


def reset_button():
    st.button(
        "Reset to γ = 1, β = 0",
        on_click=set_all,
        args=((1.0,) * C, (0.0,) * C),
        help="In every channel.",
        width="stretch",
    )


@st.fragment
def drag_section():
    c = ss.gb_channel
    r = info.ranges[c]
    classroom = enabled()
    # In classroom mode the prompt and "Recover the original" stand beside the chart, to fit one projected screen.
    controls, figure = st.columns(2, gap="medium") if classroom else beside([2, 3], gap="large")
    with controls:
        exact = is_shown("exact", essential=False)  # the boxes: for exact values, not for the class
        if exact:
            # Read before the live chart is drawn, so that a typed value moves its control in the same
            # run. Its value is a parameter, not a key: the box is a new one whenever the value moves.
            b1, b2 = st.columns(2)
            for name, label, lo, hi, step, where in [
                ("gb_gamma", "exact γ", 0.0, r.gamma_max, r.gamma_step, b1),
                ("gb_beta", "exact β", -r.beta_max, r.beta_max, r.beta_step, b2),
            ]:
                typed = where.number_input(label, lo, hi, ss[name][c], step=step, format="%.4f")
                if typed != ss[name][c]:
                    moved({name.removeprefix("gb_"): typed})
        write_link()
        ask = content_gamma_beta.RECOVER
        ready = predict_first(ask.key, ask.question, ask.choices, about=batch_identity())
        # One under the other: side by side in this column, "Recover the original" was cut at 1280 px.
        with part(ask.key, "control"):
            st.button(
                "Recover the original",
                on_click=set_all,
                args=(info.gamma_rec, info.beta_rec),
                type="primary",
                # In classroom mode the help names no values: they are the class's question.
                help=content_gamma_beta.RECOVER_HELP
                if classroom
                else f"Set γ = {RECOVER_GAMMA} and β = {MU_B} in every channel.",
                width="stretch",
                disabled=not ready,
            )
        if not classroom:  # in classroom mode under the chart, leaving the column to the prompt and the reveal
            reset_button()
        try:
            y, x_hat, out = gamma_beta.output_readout(batch.x, ss.gb_gamma, ss.gb_beta, x_sorted=sorted_x())
        except (ValueError, TypeError) as err:
            st.error(str(err))
            return
        recovered = out.batch_max_abs_diff < gamma_beta.ROUNDING
        if classroom and recovered:  # the answer to the class's prediction, computed from this batch
            errors = guesses(batch.x)
            said = prediction(ask.key)
            reveal(ask.key, content_gamma_beta.recover_answer(errors), content_gamma_beta.recover_why(errors, said))
        elif recovered:
            st.success(
                f"y = x for every value of the batch (largest difference {out.batch_max_abs_diff:.1e}, "
                f"the rounding of float64). With γ = {RECOVER_GAMMA} and β = {MU_B}, BatchNorm is the "
                "identity on this batch."
            )
    # What the numbers mean, and whether γ and β just undo the normalization: in classroom mode under the
    # columns, and only once the class has predicted (the std of y's formula and the answer name the values).
    explained = st.container() if classroom else controls
    if not classroom or ready:
        with explained:
            if out.var[c] > 0:
                st.caption(
                    f"The mean of y is β = {fixed(out.beta[c], 4)}. The std of y is "
                    r"$\gamma\,\sigma_B/\sqrt{\sigma_B^2 + \epsilon}$ = "
                    f"{fixed(out.gamma[c], 4)} × {fixed(out.x_hat_std[c], 6)} = {fixed(out.predicted_std[c], 4)}: "
                    "γ times x̂'s spread, just below 1 (ε)."
                )
            else:
                st.caption(
                    f"This channel is constant ({STD_B} = 0), so x̂ = 0 and y = β = {fixed(out.beta[c], 4)} "
                    "for every value, whatever γ: its std is 0."
                )
            # The answer to "do γ and β just undo the normalization?", beside the experiment that shows it.
            st.markdown(content_gamma_beta.undo(sig(info.recovery_error, 2)))
            st.page_link(
                page_file("learning"),
                label=BY_URL["learning"].title,  # where training takes γ and β; narrow enough for the column at 1024 px
                icon=":material/trending_down:",
            )
    with figure, part(ask.key, "result") if classroom else contextlib.nullcontext():
        # Live: the browser moves y = γ·x̂ + β and its readouts while the hand moves (ui/live.js,
        # gamma_beta_stages); the figure and arrays depend on the channel only, so they stay put.
        x_c, x_hat_c = gamma_beta.channel_values(batch.x, c), gamma_beta.channel_values(x_hat, c)
        height = CLASSROOM_HEIGHT if classroom else 340  # beside the prompt, on a projector
        live_chart(
            DRAG,
            "gamma_beta_stages",
            gamma_beta_figures.stages_figure(
                x_c, x_hat_c, x_hat_c, height=height, short=classroom
            ),  # y drawn by the browser
            gamma_beta_figures.stages_arrays(x_c, x_hat_c) | {"gamma": "gamma", "beta": "beta"},
            [
                LiveControl("gamma", "γ (scale)", 0.0, r.gamma_max, r.gamma_step, 1.0, 4, hide_as="gamma"),
                LiveControl("beta", "β (shift)", -r.beta_max, r.beta_max, r.beta_step, 0.0, 4, hide_as="beta"),
            ],
            readouts=[
                ("mean", f"Mean of y, channel {c}:"),
                ("std", f"Std of y, channel {c}:"),
                ("largest", f"Largest |y − x|, channel {c}:"),
                # A second distance is a detail for the class, whose screen it would not fit.
                *([] if classroom else [("w1", f"Histogram distance from y to x, channel {c}:")]),
            ],
            link=False,  # the link carries the tuples (gb_gamma, gb_beta), written by write_link
            owner=ChannelOwner(c),
            scene=c,  # another channel: the browser takes its values
        )
    if classroom:
        with figure:
            reset_button()
    if is_shown("table", essential=False):
        # Detail: the live readouts show this channel's numbers.
        with st.expander("The numbers behind the readouts, for every channel, and the sliders' ranges"):
            st.table(content_gamma_beta.readout_table(out))
            st.caption(content_gamma_beta.DISTANCES)
            st.caption(
                f"Ranges chosen from this channel of your batch: γ from 0 to {r.gamma_max:g} (room for "
                f"{RECOVER_GAMMA} = {fixed(info.gamma_rec[c], 4)}), β from −{r.beta_max:g} to {r.beta_max:g} "
                f"(room for {MU_B} = {fixed(info.mu[c], 4)}). Type in the boxes for exact values. Training may "
                "also make γ negative (it flips the channel); this page keeps γ ≥ 0."
            )
    do_it_in_pytorch(batch, lambda: gamma_beta_snippet(batch, out), key="gb_open_pytorch")


drag_section()

# --- practice: match a hidden target (closed) ------------------------------------------------
# Side material, closed: each bound to the link (`?gb_open_target=true` opens it) and built only while open
# (Streamlit reruns when it is opened), so a closed one costs no figure here and no chart in the browser.
TARGET_EXPANDER = st.expander(content_gamma_beta.TARGET_TITLE, key="gb_open_target", bind="query-params")


@st.fragment
def target_section():
    write_link()
    c = ss.gb_channel
    target = gamma_beta.draw_target(ss.gb_target_seed)
    controls, figure = beside([2, 3], gap="large")  # classroom mode: controls above
    with control("target_gamma", where=controls):
        your_gamma = st.slider(
            "your γ", 0.0, 4.0, 1.0, step=gamma_beta.TARGET_STEP, key="gb_target_gamma", bind="query-params"
        )
    with control("target_beta", where=controls):
        your_beta = st.slider(
            "your β", -4.0, 4.0, 0.0, step=gamma_beta.TARGET_STEP, key="gb_target_beta", bind="query-params"
        )
    values = gamma_beta.channel_values(batch.x, c)
    try:
        _, y = gamma_beta.standardized(values, your_gamma, your_beta)
        _, goal = gamma_beta.standardized(values, target.gamma, target.beta)
    except (ValueError, TypeError) as err:
        st.error(str(err))
        return
    score = gamma_beta.closeness(y, goal)
    with controls:
        b1, b2, m = st.columns([1, 1, 1])
        b1.button("Show the answer", on_click=show_answer, args=(target,))
        b2.button("New target", on_click=new_target)
        m.metric(
            "Closeness",
            f"{100 * score:.0f} %",
            help="100 % × max(0, 1 − d/s), with d the histogram distance between your y and the target (how "
            "far, on average, your values must move to match the target's histogram) and s the target's "
            "standard deviation: 100 % when they coincide, 0 % when values are on average a whole target "
            "spread apart.",
        )
        if score >= 0.999:
            st.success(
                f"Matched: γ = {target.gamma:g}, β = {target.beta:g}. The target's mean is β and its "
                "spread is γ (times the spread of x̂, ≈ 1)."
            )
        elif score >= 0.9:
            st.info("Close. Fine-tune with the arrow keys on a slider.")
        if info.var[c] == 0:
            st.warning("This channel is constant, so x̂ = 0 for every value: γ has no effect, only β moves the output.")
    with figure:
        chart(gamma_beta_figures.target_figure(y, goal, height=260), key="gb_target")


if TARGET_EXPANDER.open:
    with TARGET_EXPANDER:
        st.markdown(content_gamma_beta.TARGET_INTRO)
        target_section()

# --- 3. why not stay at mean 0, variance 1? ---------------------------------------------------
header("nonlinearity")


@st.fragment
def nonlinearity_section():
    c = ss.gb_channel
    text, pick = st.columns([5, 1], vertical_alignment="center")
    text.markdown(content_gamma_beta.NONLINEARITY_INTRO)
    with control("nonlinearity", where=pick):
        name = st.radio("Nonlinearity", gamma_beta.NONLINEARITIES, 0, key="gb_nonlinearity", bind="query-params")
    try:
        x_hat, _ = gamma_beta.standardized(gamma_beta.channel_values(batch.x, c), 1.0, 0.0)
    except (ValueError, TypeError) as err:
        st.error(str(err))
        return
    region = "on the active side z ≥ 0" if name == "ReLU" else "in the nearly linear region"
    # Live: the browser moves z = γ·x̂ + β over the curve and counts the share (ui/live.js, nonlinearity).
    live_chart(
        "gb_nl_live",
        "nonlinearity",
        gamma_beta_figures.nonlinearity_figure(x_hat, name, height=250),  # z drawn by the browser
        gamma_beta_figures.nonlinearity_arrays(x_hat, name) | {"gamma": NL_GAMMA.name, "beta": NL_BETA.name},
        [NL_GAMMA, NL_BETA],
        readouts=[("share", f"Share of the values {region}:")],
    )


nonlinearity_section()
st.markdown(content_gamma_beta.NEARLY_LINEAR)
with st.expander("The nearly linear region, precisely"):
    st.markdown(
        content_gamma_beta.nearly_linear_precisely(
            gamma_beta.linear_region("sigmoid")[1], gamma_beta.linear_region("tanh")[1]
        )
    )

# --- 4. do γ and β replace W and b? ------------------------------------------------------------
header("w-and-b")
st.markdown(content_gamma_beta.WB_INTRO)


@st.fragment
def linear_section():
    # Each knob with, under it, how far it moves BN's output y (against the start: ‖w‖ = 1, b = 0, γ = 1, β = 0).
    *spots, s6 = st.columns([5, 5, 5, 5, 5, 6])
    knobs = {}  # each knob's value, by its name in `?hide=`
    for spot, (name, label, lo, hi, start, step, fmt) in zip(spots, WB_KNOBS):
        with control(name, where=spot):
            knobs[name] = st.slider(
                label, lo, hi, start, step=step, format=fmt, key=f"gb_{name}", bind="query-params", persist_state="page"
            )
    w_scale, w_angle, b, gamma, beta = knobs.values()
    with control("wb_between", where=s6):
        between = st.radio(
            "Between BN and the next layer",
            gamma_beta.BETWEEN,
            0,
            key="gb_wb_between",  # `?gb_wb_between=sigmoid`
            bind="query-params",
            persist_state="page",
        )
    u = linear_inputs()
    try:
        w = gamma_beta.weights(w_scale, w_angle)
        now = gamma_beta.chain(u, w, b, gamma, beta, between)
        start = gamma_beta.chain(u, gamma_beta.weights(W_SCALE, w_angle), B, 1.0, 0.0, between)
        effects = gamma_beta.linear_effects(u, w_scale, w_angle, b, W_ANGLE, gamma, beta)
    except (ValueError, TypeError) as err:
        st.error(str(err))
        return
    for where, text in zip(spots, content_gamma_beta.wb_effects(effects)):
        where.caption(text)
    chart(gamma_beta_figures.chain_figure(now, start, height=250), key="gb_linear")
    st.caption(f"w = ({fixed(w[0], 3)}, {fixed(w[1], 3)}). " + content_gamma_beta.wb_caption(W_ANGLE))
    st.markdown(content_gamma_beta.stand_in(now))


linear_section()
st.info(content_gamma_beta.WB_ANSWER)

# --- 5. how do γ and β fix the normalized peaks? -------------------------------------------------
header("peaks")
st.markdown(content_gamma_beta.PEAKS_INTRO)
PEAKS = content_gamma_beta.peak_options(peaks.PEAK_VALUES)


@st.fragment
def peaks_section():
    result = peaks_run()
    with control("peak"):
        label = st.radio(
            "Follow the peak",
            list(PEAKS),
            index=list(PEAKS.values()).index(peaks.DEFAULT_PEAK),
            key="gb_peak",  # `?gb_peak=9+in+channel+0`
            bind="query-params",
            persist_state="page",
            horizontal=True,
        )
    c, row = PEAKS[label]
    gamma, beta, _, _ = result.learned(True)
    table, kept = st.columns([3, 2], vertical_alignment="center")
    table.table(content_gamma_beta.peak_table(peaks.follow_peak(result.x, c, row, gamma[c], beta[c])))
    kept.markdown(content_gamma_beta.PEAK_KEPT)
    st.markdown(content_gamma_beta.peaks_task(result))
    figure, summary = beside([3, 2])
    with figure:
        chart(peaks_switch_figure((c, row)), key="gb_peaks_switch")
    summary.markdown(content_gamma_beta.peaks_summary(result, c, row))
    st.caption(content_gamma_beta.PEAKS_CAPTION)
    numbers, why = st.columns([2, 3], vertical_alignment="center")
    numbers.table(content_gamma_beta.learned_table(result))
    why.markdown(content_gamma_beta.peak_height(result, c, row))
    with st.expander(content_gamma_beta.PEAKS_DETAILS_TITLE):
        chart(peaks_loss_figure(), key="gb_peaks_loss")
        st.caption(content_gamma_beta.LOSS_CAPTION)
        st.markdown(content_gamma_beta.peaks_details(result.level, peaks.N, peaks.LR, peaks.STEPS))


peaks_section()

# --- a side question, closed: only two numbers change ---------------------------------------------
SHAPE_EXPANDER = st.expander(content_gamma_beta.SHAPE_TITLE, key="gb_open_shape", bind="query-params")


@st.fragment
def shape_section():
    c = ss.gb_channel
    with control("shape"):
        shape = st.radio(
            "Shape of the channel",
            list(SHAPE_NAMES),
            0,
            key="gb_shape",
            bind="query-params",
            persist_state="page",
            format_func=SHAPE_NAMES.get,
            horizontal=True,
        )
    values = gamma_beta.channel_values(batch.x, c) if shape == "batch" else shape_example(shape)
    try:
        x_hat, _ = gamma_beta.standardized(values, 1.0, 0.0)
        q = gamma_beta.quantile_comparison(values)
    except (ValueError, TypeError) as err:
        st.error(str(err))
        return
    chart(gamma_beta_figures.shape_figure(values, x_hat, q), key="gb_shape_fig")
    left, right = st.columns([2, 3])
    left.table(content_gamma_beta.shape_table(values, x_hat))
    right.markdown(content_gamma_beta.shape_explained(float(q["affine_gap"])))


if SHAPE_EXPANDER.open:
    with SHAPE_EXPANDER:
        st.markdown(content_gamma_beta.SHAPE_INTRO)
        shape_section()
