"""content.teach: a 45-minute plan whose every view is a page of the app."""

import pytest

from content import teach as lesson
from content.registry import BY_URL


def navigation_pages() -> set[str]:
    """The URL paths of the app's pages ("" is the start page)."""
    return set(BY_URL)


def test_the_plan_sums_to_45_minutes():
    assert lesson.total_minutes() == sum(step.minutes for step in lesson.PLAN) == lesson.LESSON_MINUTES == 45


def test_the_schedule_runs_from_0_to_45_without_gaps():
    rows = lesson.schedule()
    assert rows[0][0] == 0 and rows[-1][1] == 45
    for (_, end, _), (start, _, _) in zip(rows, rows[1:]):
        assert end == start
    assert [end - start for start, end, _ in rows] == [step.minutes for step in lesson.PLAN]


def test_total_minutes_of_another_plan():
    assert lesson.total_minutes(lesson.PLAN[:2]) == lesson.PLAN[0].minutes + lesson.PLAN[1].minutes


def test_every_view_of_the_plan_is_a_page_of_the_navigation():
    assert {step.page for step in lesson.PLAN} <= navigation_pages()


def test_every_misconception_points_to_a_page_of_the_navigation():
    assert {m.page for m in lesson.MISCONCEPTIONS.values()} <= navigation_pages()


def test_the_plan_visits_every_page_of_the_route_in_teaching_order():
    route = ["", "batch", "steps", "gamma-beta", "learning", "network", "real-network", "questions"]
    assert [step.page for step in lesson.PLAN] == route


@pytest.mark.parametrize("step", lesson.PLAN, ids=lambda s: s.title)
def test_every_step_says_what_to_do_asks_questions_with_answers_and_names_misconceptions(step):
    assert step.minutes > 0 and len(step.show) > 40
    assert step.ask and all(a.question.endswith("?") and a.expect for a in step.ask)
    assert step.listen_for
    assert [m.key for m in lesson.misconceptions_for(step)] == list(step.listen_for)


def test_every_misconception_is_listened_for_in_some_step():
    heard = {key for step in lesson.PLAN for key in step.listen_for}
    assert heard == set(lesson.MISCONCEPTIONS)


def test_misconceptions_say_what_students_believe_and_how_the_app_shows_it_wrong():
    for key, m in lesson.MISCONCEPTIONS.items():
        assert m.key == key
        assert m.belief.startswith("“") and m.belief.endswith("”")
        assert len(m.shown_wrong) > 40


def test_the_lesson_covers_the_learners_main_questions():
    beliefs = " ".join(m.belief for m in lesson.MISCONCEPTIONS.values())
    for idea in ("undo the normalization", "replace the weights", "learned", "whole batch", "evaluation", "even one"):
        assert idea in beliefs
    assert len(lesson.OBJECTIVES) >= 3


@pytest.mark.parametrize("step", [s for s in lesson.PLAN if s.view], ids=lambda s: s.title)
def test_every_view_of_the_plan_is_a_valid_link_of_its_page(step):
    from helpers.apptest import open_link

    at = open_link(step.page or "home", dict(step.view))
    assert not [i for i in at.info if i.value.startswith("This link had settings")]
    assert at.query_params == dict(step.view)  # the page keeps every setting of the view
