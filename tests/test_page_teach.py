"""The /teach page: the 45-minute plan, its links into the app, one step at a time for projecting."""

from apptest import run_page

from content import teach as lesson
from content.registry import BY_URL

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
    assert [h.value for h in at.subheader if h.value[0].isdigit()] == [
        f"{n}. {step.title}" for n, step in enumerate(lesson.PLAN, start=1)
    ]
    for step in lesson.PLAN:
        assert step.show in body
        assert all(ask.question in body for ask in step.ask)
    assert all(m.shown_wrong in body for m in lesson.MISCONCEPTIONS.values())


def test_every_link_opens_the_page_of_its_step_or_misconception():
    at = run_page("teach")
    links = [link.proto.page for link in at.get("page_link")]
    steps = [step.page for step in lesson.PLAN]
    misconceptions = [m.page for m in lesson.MISCONCEPTIONS.values()]
    assert links == steps + misconceptions
    assert set(links) <= set(BY_URL)


def test_answers_to_listen_for_are_hidden_until_the_teacher_asks():
    at = run_page("teach")
    assert at.toggle(key="teach_answers").value is False
    assert "Listen for:" not in text(at)
    at.toggle(key="teach_answers").set_value(True).run()
    body = text(at)
    assert all(ask.expect in body for step in lesson.PLAN for ask in step.ask)


def test_one_step_can_be_shown_alone_for_projecting():
    at = run_page("teach")
    at.selectbox(key="teach_step").set_value(4).run()
    step = lesson.PLAN[3]
    assert [h.value for h in at.subheader] == [f"4. {step.title}"]
    assert [link.proto.page for link in at.get("page_link")] == [step.page]
    assert "Minutes 19–28 (9 min)" in [c.value for c in at.caption]
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
