"""For teachers: a 45-minute lesson with this app, one view at a time."""

import pandas as pd
import streamlit as st

from content import teach as lesson
from content.registry import page_file
from ui.guard import require_navigation
from ui.links import control

require_navigation()

SCHEDULE = lesson.schedule()

st.title(lesson.TITLE)
st.markdown(lesson.intro(lesson.total_minutes()))

# A teacher's link opens one step with the answers to listen for:
# ?teach_step=Step+4%3A+Drag+γ+and+β&teach_answers=true (the link holds the step's label).
left, right = st.columns(2, vertical_alignment="bottom")  # [3, 2] cut the toggle's label at 1024 px
with control("step", where=left):
    st.selectbox(
        lesson.SHOW,
        options=range(len(SCHEDULE) + 1),  # 0: the whole plan; 1..8: one step, to project
        index=0,
        format_func=lambda i: lesson.WHOLE_LESSON if i == 0 else lesson.step_label(i, SCHEDULE[i - 1][2].title),
        key="teach_step",
        bind="query-params",
        help=lesson.SHOW_HELP,
    )
with control("answers", where=right):
    st.toggle(
        lesson.ANSWERS,
        value=False,  # hidden while the plan is projected
        key="teach_answers",
        bind="query-params",
        help=lesson.ANSWERS_HELP,
    )
step_number, answers = st.session_state.teach_step, st.session_state.teach_answers


def step_card(number: int, start: int, end: int, step: lesson.LessonStep) -> None:
    with st.container(border=True):
        st.subheader(f"{number}. {step.title}", anchor=False)
        st.caption(lesson.minutes_of(start, end, step.minutes))
        # Links that open in a new tab, so /teach stays open beside the projected view.
        left, right = st.columns(2)
        projected, students = lesson.step_links(step)
        left.markdown(projected)
        right.markdown(students)
        st.markdown(lesson.do(step.show))
        st.markdown(lesson.ASK_THE_CLASS)
        for ask in step.ask:
            st.markdown(lesson.ask_line(step, ask, answers))
        st.markdown(lesson.LISTEN_FOR)
        for m in lesson.misconceptions_for(step):
            st.markdown(f"- {lesson.misconception(m)}")


if step_number:
    step_card(step_number, *SCHEDULE[step_number - 1])
else:
    st.subheader(lesson.OBJECTIVES_HEADING)
    st.markdown(lesson.objectives())

    st.subheader(lesson.SEQUENCE)
    minutes = [f"{start}–{end}" for start, end, _ in SCHEDULE]
    views = [step.title for _, _, step in SCHEDULE]
    index = pd.Index(range(1, len(SCHEDULE) + 1), name="step")
    st.table(pd.DataFrame(dict(zip(lesson.SEQUENCE_COLUMNS, (minutes, views))), index=index))
    st.caption(lesson.total(lesson.total_minutes()))
    # One tab per step (labelled short, so all eight fit), so the plan fits one screen's height; the
    # table above is the whole sequence, and each card opens with its title. The open tab is in the link
    # (`?teach_tab=Step+4`), so coming back to /teach finds the step left open; only its card is drawn.
    tabs = st.tabs([lesson.tab_label(n) for n in range(1, len(SCHEDULE) + 1)], key="teach_tab", bind="query-params")
    for number, (tab, (start, end, step)) in enumerate(zip(tabs, SCHEDULE), start=1):
        if tab.open:
            with tab:
                step_card(number, start, end, step)

    with st.expander(lesson.ALL_MISCONCEPTIONS):
        for m in lesson.MISCONCEPTIONS.values():
            with st.container(border=True):
                st.markdown(lesson.misconception(m))
                st.page_link(page_file(m.page), icon=":material/arrow_forward:")
