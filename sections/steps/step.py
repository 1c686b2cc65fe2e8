"""One step of BatchNorm on screen: its heading with Previous and Next, its chart, its formula highlighted and
explained, the step alone in maths and NumPy, its worked numbers, and a statistic's value for every channel."""

import streamlit as st

from bnviz.figures.steps import step_figure
from content import steps as say
from content.steps import by_channel, explanation, statistic_table, worked_numbers
from sections.steps.controls import Screen
from sections.steps.state import STEP_KEYS, Stepped, move
from ui import classroom
from ui.classroom import beside, part, shared_chart

CLASSROOM_HEIGHT = 320  # the step's chart beside the prompt on a projector (ui.classroom.enlarge: 1.2 times taller)


def heading(where: Screen, index: int, total: int, name: str, locked: bool) -> None:
    """The step's heading, Previous and Next (Next waits while `locked`: the class has not predicted yet)."""
    where.heading.subheader(say.step_heading(index, total, name), anchor="stepper")
    where.prev.button(say.PREVIOUS, key="steps_prev", on_click=move, args=(-1,), disabled=index == 0, width="stretch")
    last = index == len(STEP_KEYS) - 1
    where.next.button(say.NEXT, key="steps_next", on_click=move, args=(1,), disabled=last or locked, width="stretch")


def step_chart(x, shown: Stepped, index: int, channel: int, **figure) -> None:
    """The channel's values at step `index`; in eval mode beside the batch's own."""
    batch_steps = shown.batch_steps if shown.eval_mode else None
    shared_chart(step_figure, x, shown.steps, index, channel, batch_steps, places=shown.places, **figure)


def classroom_chart(x, shown: Stepped, index: int, channel: int, where, shape_key: str, hold: bool) -> None:
    """In classroom mode, beside the prompt: shorter, and titled by the channel alone (the heading names the
    step); held back until the class has predicted (`hold`)."""
    with where, part(shape_key, "result"):
        if hold:
            st.caption(say.WAITING)
        else:
            title = say.channel_title(channel)
            step_chart(x, shown, index, channel, key="steps_step_figure", height=CLASSROOM_HEIGHT, title=title)


def explained(x, shown: Stepped, index: int, channel: int, gamma: float, beta: float, projected: bool) -> None:
    """The step's formula, why it is there, its chart (on a screen), the step alone and its worked numbers."""
    step = shown.steps[index]
    st.latex(step.highlighted)
    st.markdown(explanation(step.key, shown.eval_mode, gamma, beta, projected))
    fig_col, num_col = beside([3, 2])
    if not projected:
        with fig_col:
            step_chart(x, shown, index, channel, key="steps_step_figure")
    with num_col:
        st.markdown(say.THIS_STEP)
        st.latex(step.formula)
        st.markdown(say.NUMPY_LINE)
        st.code(step.numpy, language="python")
        worked = worked_numbers(x, shown.steps, index, channel, gamma, beta, places=shown.places)
        st.markdown(say.worked_heading(channel))
        st.code(worked.summary, language=None, wrap_lines=True)
        if len(worked.rows):
            st.table(worked.rows[["value", "worked"]].set_index("value"))
            st.caption(say.WORKED_CAPTION)


def every_channel(x, shown: Stepped, index: int) -> None:
    """A statistic's step (mean, variance, std): its value for every channel, to the statistic's decimals."""
    step = shown.steps[index]
    if not step.is_statistic:
        return
    table = statistic_table(shown.steps, index, shown.batch_steps if shown.eval_mode else None)
    st.markdown(say.every_channel(step.name, len(x), x.ndim > 2))
    # One rounding for the column, the figure and the worked numbers: the statistic's decimals.
    cells = dict.fromkeys(table.columns, shown.places[step.key])
    classroom.table(by_channel(table, cells), key="steps_stat_table", width="content")
