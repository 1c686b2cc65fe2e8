"""For teachers: a 45-minute lesson with this app, one view at a time."""

import pandas as pd
import streamlit as st

from content import teach as lesson
from content.registry import page_file
from ui.guard import require_navigation
from ui.links import control

require_navigation()

SCHEDULE = lesson.schedule()

st.title("For teachers: a 45-minute lesson")
st.markdown(
    f"A plan for one {lesson.total_minutes()}-minute session with the app projected. Each step opens one "
    "view, says what to do there, gives the questions to ask the class before you reveal anything, and "
    "the misconceptions to listen for, with the view that shows each one wrong."
)

# A teacher's link opens one step with the answers to listen for:
# ?teach_step=Step+4%3A+Drag+γ+and+β&teach_answers=true (the link holds the step's label).
left, right = st.columns(2, vertical_alignment="bottom")  # [3, 2] cut the toggle's label at 1024 px
with control("step", where=left):
    st.selectbox(
        "Show",
        options=range(len(SCHEDULE) + 1),  # 0: the whole plan; 1..7: one step, to project
        index=0,
        format_func=lambda i: "The whole lesson" if i == 0 else f"Step {i}: {SCHEDULE[i - 1][2].title}",
        key="teach_step",
        bind="query-params",
        help="Pick one step to project it alone.",
    )
with control("answers", where=right):
    st.toggle(
        "Show the answers to listen for",
        value=False,  # hidden while the plan is projected
        key="teach_answers",
        bind="query-params",
        help="Off while projecting, so the class answers first.",
    )
step_number, answers = st.session_state.teach_step, st.session_state.teach_answers


def step_card(number: int, start: int, end: int, step: lesson.LessonStep) -> None:
    with st.container(border=True):
        st.subheader(f"{number}. {step.title}", anchor=False)
        st.caption(f"Minutes {start}–{end} ({step.minutes} min)")
        # Links that open in a new tab, so /teach stays open beside the projected view.
        left, right = st.columns(2)
        left.markdown(
            f":material/open_in_new: [Project this step (classroom mode)]({lesson.href(step, lesson.teacher_link(step))})"
        )
        right.markdown(
            f":material/person: [Student link: the same view, without the answers]({lesson.href(step, lesson.student_link(step))})"
        )
        st.markdown(f"**Do:** {step.show}")
        st.markdown("**Ask the class:**")
        for ask in step.ask:
            said = (
                "**Predict first** (the page asks it): "
                if step.predict and ask.question == step.predict.question
                else ""
            )
            options = f" ({' · '.join(step.predict.choices)})" if said else ""
            st.markdown(f"- {said}{ask.question}{options}" + (f"  \n  *Listen for:* {ask.expect}" if answers else ""))
        st.markdown("**Misconceptions to listen for:**")
        for m in lesson.misconceptions_for(step):
            st.markdown(f"- **{m.belief}** The app shows: {m.shown_wrong}")


if step_number:
    step_card(step_number, *SCHEDULE[step_number - 1])
else:
    st.subheader("Objectives")
    st.markdown("By the end, learners can:\n" + "\n".join(f"1. {o}" for o in lesson.OBJECTIVES))

    st.subheader("The sequence")
    st.table(
        pd.DataFrame(
            {
                "minutes": [f"{start}–{end}" for start, end, _ in SCHEDULE],
                "view": [step.title for _, _, step in SCHEDULE],
            },
            index=pd.Index(range(1, len(SCHEDULE) + 1), name="step"),
        )
    )
    st.caption(f"Total: {lesson.total_minutes()} minutes.")
    # One tab per step (labelled short, so all seven fit), so the plan fits one screen's height; the
    # table above is the whole sequence, and each card opens with its title. The open tab is in the link
    # (`?teach_tab=Step+4`), so coming back to /teach finds the step left open; only its card is drawn.
    tabs = st.tabs([f"Step {number}" for number in range(1, len(SCHEDULE) + 1)], key="teach_tab", bind="query-params")
    for number, (tab, (start, end, step)) in enumerate(zip(tabs, SCHEDULE), start=1):
        if tab.open:
            with tab:
                step_card(number, start, end, step)

    with st.expander("Misconceptions to listen for, all in one list"):
        for m in lesson.MISCONCEPTIONS.values():
            with st.container(border=True):
                st.markdown(f"**{m.belief}** The app shows: {m.shown_wrong}")
                st.page_link(page_file(m.page), icon=":material/arrow_forward:")
