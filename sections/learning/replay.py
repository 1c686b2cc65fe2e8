"""One time axis, replayed in the browser (the live chart), and the step it stands on up close, with the
arithmetic of its update."""

import pandas as pd
import streamlit as st

from bnviz.experiments.training.ends import settled_but_noisy
from bnviz.experiments.training.loop import step_detail
from bnviz.figures.learning import step_figure, with_step_marker
from bnviz.notation import MU_B_SUB, VAR_B_SUB
from content import learning as say
from sections.learning.runs import history_of, replay_of, run_training
from ui.classroom import beside
from ui.links import claim
from ui.live import LiveControl, live_chart, shared_chart, shared_figure

STEP = "learn_step"  # the replay's step: its control's name and its parameter in the link
ARITHMETIC_KEY = "learn_open_arithmetic"  # the worked step's arithmetic, open (`?learn_open_arithmetic=true`)
# The step's numbers, as the live chart labels them (as text: μ<sub>B</sub> is drawn with a subscript).
STEP_READOUTS = (("mu", MU_B_SUB), ("var", VAR_B_SUB), ("gamma", "γ"), ("beta", "β"), ("loss", "loss"))


def keep_in_link() -> None:
    """Before the class has predicted: the replay's step and its arithmetic, from a link, wait in the address."""
    claim(STEP, ARITHMETIC_KEY)


@st.fragment
def replay(data, settings, channel: int, places: dict) -> None:
    """The time axis of `channel` with its step control (Play animates it), then that step up close."""
    exp, hist, (gamma_star, beta_star), _ = run_training(*data, settings)
    st.subheader(say.REPLAY_HEADING)
    st.caption(say.REPLAY_CUE)
    if settled_but_noisy(exp, hist, gamma_star, beta_star, channel):  # just above the loss, the chart's top row
        st.caption(say.loss_noise(exp, hist, channel, places))
    # Live: the step control draws the curves up to its step, moves the red marker and the step's numbers in the
    # browser (Play animates it); the step goes back to Python (and the link, `?learn_step=40`) when the hand
    # stops or Play pauses. At first the whole training: the last step.
    arrays = replay_of(*data, settings, channel)
    step_control = LiveControl(
        STEP,
        say.STEP_CONTROL,
        min=1,
        max=hist.steps,
        step=arrays["stride"],
        value=hist.steps,
        hide_as="step",
        play=True,
    )
    # Built once per batch, training and channel, for every learner; the browser draws it up to the step.
    figure = shared_figure(
        lambda: with_step_marker(history_of(*data, settings, channel), hist.steps - 1), by=(data, settings, channel)
    )
    values = live_chart(
        "learn_live",
        "step_replay",
        figure,
        arrays | {"control": step_control.name},
        [step_control],
        readouts=[(name, f"{label} =") for name, label in STEP_READOUTS],
    )
    st.caption(say.REPLAY_KEY)
    step_up_close(exp, hist, int(values[step_control.name]) - 1, channel)


def step_up_close(exp, hist, step: int, channel: int) -> None:
    """Step `step` (from 0) of `channel`: its numbers, its figure, and its arithmetic (closed, bound to the
    link: `?learn_open_arithmetic=true`, built only while open)."""
    d = step_detail(exp, hist, step, channel)
    task = exp.settings.task
    st.markdown(say.step_up_close(step + 1, channel, d))
    shared_chart(step_figure, d, task, key="learn_step_figure")
    st.caption(say.THE_LEARNING)
    arithmetic = st.expander(say.ARITHMETIC, key=ARITHMETIC_KEY, bind="query-params")
    if arithmetic.open:
        with arithmetic:
            # Side by side on a screen; one under the other with a projector's large text.
            left, right = beside([1, 1])
            with left:
                st.latex(say.dy_formula(task))
                for line in say.update_equations(d, exp.settings.optimizer):
                    st.latex(line)
            with right:
                table = pd.DataFrame(say.step_rows(d, task)).set_index("i")
                cells = say.table_formats(say.step_places(d, task))  # one rounding per column; its sums as above
                st.table(table.style.format(cells, na_rep=""))
            st.caption(say.GRADIENT_SUMS)
