"""The /teach page: the 45-minute plan, its links into the app, one step at a time for projecting."""

import pytest

from content import teach as lesson
from content.registry import BY_URL
from helpers.apptest import lesson_links, open_link, run_page

TITLE = "For teachers: a 45-minute lesson"


def text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_the_whole_lesson_shows_objectives_the_timed_sequence_and_every_step():
    at = run_page("teach")
    assert at.title[0].value == TITLE
    body = text(at)
    assert all(o in body for o in lesson.OBJECTIVES)
    table = at.table[0].value
    assert list(table["minutes"]) == [f"{s}–{e}" for s, e, _ in lesson.schedule()]
    assert list(table["view"]) == [step.title for step in lesson.PLAN]
    assert list(table["minutes"])[-1].endswith("–45")
    assert "Total: 45 minutes." in [c.value for c in at.caption]
    # One tab a step, the first open: only its card is drawn.
    assert [t.label for t in at.tabs] == [f"Step {n}" for n in range(1, len(lesson.PLAN) + 1)]
    assert [h.value for h in at.subheader if h.value[0].isdigit()] == [f"1. {lesson.PLAN[0].title}"]
    assert all(m.shown_wrong in body for m in lesson.MISCONCEPTIONS.values())


@pytest.mark.parametrize("number", range(1, len(lesson.PLAN) + 1))
def test_the_link_remembers_the_open_step_and_each_card_says_what_to_do_and_ask(number):
    at = open_link("teach", {"teach_tab": f"Step {number}"})
    step = lesson.PLAN[number - 1]
    assert [h.value for h in at.subheader if h.value[0].isdigit()] == [f"{number}. {step.title}"]
    body = text(at)
    assert step.show in body
    assert all(ask.question in body for ask in step.ask)


@pytest.mark.parametrize("number", range(1, len(lesson.PLAN) + 1))
def test_each_step_has_a_teacher_link_in_classroom_mode_and_a_student_link_to_the_same_view(number):
    at = open_link("teach", {"teach_tab": f"Step {number}"})
    step = lesson.PLAN[number - 1]
    (teacher, page, params), (student, page_too, student_params) = lesson_links(at)
    assert page == page_too == step.page  # "./" + the page's path: "./?…" for the start page, never ""
    assert params == dict(step.view) | {"classroom": "1"} == lesson.teacher_link(step)
    assert student_params == dict(step.view) | {"student": "1"} == lesson.student_link(step)
    assert "classroom" not in student_params
    assert teacher.startswith("Project this step") and student.startswith("Student link")


def test_every_link_opens_the_page_of_its_misconception():
    at = run_page("teach")
    links = [link.proto.page for link in at.get("page_link")]
    assert links == [m.page for m in lesson.MISCONCEPTIONS.values()]
    assert set(links) <= set(BY_URL)


@pytest.mark.parametrize("number", range(1, len(lesson.PLAN) + 1))
def test_answers_to_listen_for_are_hidden_until_the_teacher_asks(number):
    at = open_link("teach", {"teach_tab": f"Step {number}"})
    assert at.toggle(key="teach_answers").value is False
    assert "Listen for:" not in text(at)
    at.toggle(key="teach_answers").set_value(True).run()
    body = text(at)
    assert all(ask.expect in body for ask in lesson.PLAN[number - 1].ask)


def test_one_step_can_be_shown_alone_for_projecting():
    at = run_page("teach")
    at.selectbox(key="teach_step").set_value(4).run()
    step = lesson.PLAN[3]
    assert [h.value for h in at.subheader] == [f"4. {step.title}"]
    assert [page for _, page, _ in lesson_links(at)] == [step.page] * 2
    assert "Minutes 17–25 (8 min)" in [c.value for c in at.caption]
    assert not at.table  # no sequence table, no objectives
    body = text(at)
    assert all(ask.question in body for ask in step.ask)
    assert all(m.belief in body for m in lesson.misconceptions_for(step))
    assert lesson.PLAN[0].show not in body


def test_the_step_selector_offers_the_whole_lesson_then_each_step():
    at = run_page("teach")
    box = at.selectbox(key="teach_step")
    assert box.value == 0
    assert box.options[0] == "The whole lesson"
    assert box.options[1:] == [f"Step {n}: {s.title}" for n, s in enumerate(lesson.PLAN, start=1)]


def test_a_student_link_leaves_the_lesson_plan_and_its_answers_out_of_the_session():
    at = open_link("gamma-beta", {"student": "1"})
    assert at.query_params["student"] == "1"  # kept: a link the student copies is a student link too
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/teach.py")
    at.switch_page("pages/steps.py").run()  # the rest of the app, as before, and still no plan
    assert at.query_params["student"] == "1"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/teach.py")


@pytest.mark.parametrize("number", range(1, len(lesson.PLAN) + 1))
def test_each_steps_teacher_link_opens_its_page_asking_the_plans_prediction_before_any_reveal(number):
    step = lesson.PLAN[number - 1]
    assert step.predict is not None, f"step {number} asks the class nothing before its reveal"
    assert step.predict.question in [ask.question for ask in step.ask]  # the plan asks the page's question
    page = BY_URL[step.page].file.removeprefix("pages/").removesuffix(".py")
    at = open_link(page, lesson.teacher_link(step))
    assert f"**Predict first:** {step.predict.question}" in [m.value for m in at.markdown]
    radio = at.radio(key=step.predict.key)
    assert radio.value is None and list(radio.options) == list(step.predict.choices)
    assert not [m for m in at.markdown if m.value.startswith("**The answer:")]  # no reveal before the choice
