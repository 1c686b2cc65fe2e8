"""§1, γ sets the spread, β sets the mean: drag γ and β of one channel live, recover the original batch (the
lesson's first prediction), and the numbers behind the readouts."""

import contextlib

import streamlit as st

from bnviz.experiments import gamma_beta
from bnviz.figures import gamma_beta as gamma_beta_figures
from bnviz.numbers import sig
from content import gamma_beta as words
from content.pytorch import gamma_beta_snippet
from content.registry import BY_URL, page_file
from sections.gamma_beta.state import DRAG, ChannelOwner, moved, set_all, sorted_x, write_link
from ui.classroom import beside, enabled, part, predict_first, prediction, reveal
from ui.guard import attempt
from ui.links import is_shown
from ui.live import LiveControl, live_chart
from ui.pytorch import do_it_in_pytorch

CLASSROOM_HEIGHT = 290  # the chart beside the prompt on a projector (ui.classroom.enlarge: 1.2 times taller)
ss = st.session_state


@st.cache_data(show_spinner=False)
def guesses(x):
    """How far each guess of the lesson's prediction leaves y from x, on this batch."""
    return gamma_beta.guess_errors(x)


def batch_identity(batch) -> tuple:
    """What the class's prediction is about: the batch (its γ and β are computed from it)."""
    return (batch.source, batch.seed, tuple(batch.x.shape))


def reset_button(C: int) -> None:
    st.button(words.RESET, on_click=set_all, args=((1.0,) * C, (0.0,) * C), help=words.RESET_HELP, width="stretch")


def exact_boxes(r, c: int) -> None:
    """The boxes for exact values of channel c's γ and β (r: its sliders' ranges). Read before the live chart is
    drawn, so that a typed value moves its control in the same run. Its value is a parameter, not a key: the box
    is a new one whenever the value moves."""
    b1, b2 = st.columns(2)
    for name, label, lo, hi, step, where in [
        ("gb_gamma", words.EXACT_GAMMA, 0.0, r.gamma_max, r.gamma_step, b1),
        ("gb_beta", words.EXACT_BETA, -r.beta_max, r.beta_max, r.beta_step, b2),
    ]:
        typed = where.number_input(label, lo, hi, ss[name][c], step=step, format="%.4f")
        if typed != ss[name][c]:
            moved({name.removeprefix("gb_"): typed})


def explain(out, info, c: int) -> None:
    """What the numbers mean (out: the readout, gamma_beta.output_readout), and whether γ and β just undo the
    normalization, beside the experiment that shows it."""
    st.caption(words.y_explained(out, c))
    st.markdown(words.undo(sig(info.recovery_error, 2)))
    st.page_link(
        page_file("learning"),
        label=BY_URL["learning"].title,  # where training takes γ and β; narrow enough for the column at 1024 px
        icon=":material/trending_down:",
    )


@st.fragment
def drag_section(batch, info, c: int) -> None:
    """batch: the learner's (ui.state.Batch), info: its channels' statistics (state.channel_info), c: the channel."""
    r = info.ranges[c]
    classroom = enabled()
    # In classroom mode the prompt and "Recover the original" stand beside the chart, to fit one projected screen.
    controls, figure = st.columns(2, gap="medium") if classroom else beside([2, 3], gap="large")
    with controls:
        if is_shown("exact", essential=False):  # the boxes: for exact values, not for the class
            exact_boxes(r, c)
        write_link()
        ask = words.RECOVER
        ready = predict_first(ask.key, ask.question, ask.choices, about=batch_identity(batch))
        # One under the other: side by side in this column, "Recover the original" was cut at 1280 px.
        with part(ask.key, "control"):
            st.button(
                words.RECOVER_BUTTON,
                on_click=set_all,
                args=(info.gamma_rec, info.beta_rec),
                type="primary",
                # In classroom mode the help names no values: they are the class's question.
                help=words.RECOVER_HELP if classroom else words.RECOVER_SETS,
                width="stretch",
                disabled=not ready,
            )
        if not classroom:  # in classroom mode under the chart, leaving the column to the prompt and the reveal
            reset_button(batch.channels)
        readout = attempt(
            lambda: gamma_beta.output_readout(batch.x, ss.gb_gamma, ss.gb_beta, x_sorted=sorted_x(batch.x))
        )
        if readout is None:
            return
        _, x_hat, out = readout
        recovered = out.batch_max_abs_diff < gamma_beta.ROUNDING
        if classroom and recovered:  # the answer to the class's prediction, computed from this batch
            errors = guesses(batch.x)
            reveal(ask.key, words.recover_answer(errors), words.recover_why(errors, prediction(ask.key)))
        elif recovered:
            st.success(words.recovered(out.batch_max_abs_diff))
    # In classroom mode under the columns, and only once the class has predicted (the std of y's formula and the
    # answer name the values).
    explained = st.container() if classroom else controls
    if not classroom or ready:
        with explained:
            explain(out, info, c)
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
                LiveControl("gamma", words.GAMMA_SCALE, 0.0, r.gamma_max, r.gamma_step, 1.0, 4, hide_as="gamma"),
                LiveControl("beta", words.BETA_SHIFT, -r.beta_max, r.beta_max, r.beta_step, 0.0, 4, hide_as="beta"),
            ],
            # A second distance is a detail for the class, whose screen it would not fit.
            readouts=words.drag_readouts(c, distance=not classroom),
            link=False,  # the link carries the tuples (gb_gamma, gb_beta), written by write_link
            owner=ChannelOwner(c),
            scene=c,  # another channel: the browser takes its values
        )
    if classroom:
        with figure:
            reset_button(batch.channels)
    if is_shown("table", essential=False):
        # Detail: the live readouts show this channel's numbers.
        with st.expander(words.TABLE_TITLE):
            st.table(words.readout_table(out))
            st.caption(words.DISTANCES)
            st.caption(words.ranges(r.gamma_max, info.gamma_rec[c], r.beta_max, info.mu[c]))
    do_it_in_pytorch(batch, lambda: gamma_beta_snippet(batch, out), key="gb_open_pytorch")
