"""End to end in Chromium: /questions (open a question, answer its self-check, move a control) and /teach."""

import pytest
from playwright.sync_api import expect

from bnviz import questions as bq
from conftest import ARTIFACTS
from pw_helpers import assert_no_exception, open_page, plotly_charts, shot, slider, wait_idle
from ui.state import DEFAULT_CHANNELS, DEFAULT_N, DEFAULT_PRESET

pytestmark = pytest.mark.browser

TALL = {"width": 1400, "height": 2600}  # Streamlit scrolls inside the page: a tall window shows a whole question
T = 20_000  # ms: a rerun on a busy CI machine can take seconds


def default_x():
    from bnviz.data import make_batch, preset

    return make_batch(preset(DEFAULT_PRESET, DEFAULT_CHANNELS), DEFAULT_N, seed=0)


def question(page, number: int):
    return page.locator('[data-testid="stExpander"]').nth(number - 1)


def metric_value(box, label: str):
    return box.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def open_question(page, number: int):
    box = question(page, number)
    box.locator("summary").click()
    wait_idle(page)
    expect(box.locator('[data-testid="stRadio"]')).to_be_visible(timeout=T)
    charts = box.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible(timeout=T)
    return box


def test_questions_self_check_explains_a_wrong_answer_and_confirms_the_right_one(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, app_url, "questions")
    expect(page.locator("h1").first).to_contain_text("Learners' questions")
    expect(page.locator('[data-testid="stExpander"]')).to_have_count(7)
    expect(plotly_charts(page)).to_have_count(0, timeout=T)  # closed questions run nothing
    box = open_question(page, 3)
    q = bq.question("replace")
    wrong = next(c for c in q.check.choices if not c.correct)
    box.locator('[data-testid="stRadio"]').get_by_text(wrong.text, exact=True).click()
    alert = box.locator('[data-testid="stAlertContentError"]')
    expect(alert).to_contain_text("Not quite.", timeout=T)
    expect(alert).to_contain_text("absorbs the shift")
    shot(page, "questions-self-check-wrong")
    box.locator('[data-testid="stRadio"]').get_by_text(q.check.answer.text, exact=True).click()
    expect(box.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text("Right.", timeout=T)
    expect(alert).to_have_count(0, timeout=T)
    assert_no_exception(page)
    shot(page, "questions-self-check-right")


def test_questions_gamma_slider_changes_the_shares_to_the_cores(page, app_url):
    open_page(page, app_url, "questions")
    box = open_question(page, 1)
    straight = metric_value(box, "nearly straight")
    expect(straight).to_have_text(f"{bq.sigmoid_use(default_x(), 1.0, 0.0).straight:.1%}", timeout=T)
    thumb = slider(page, "γ (scale), every channel")
    thumb.focus()
    for _ in range(10):  # 1.0 -> 2.0 in steps of 0.1
        thumb.press("ArrowRight")
    expect(thumb).to_have_value("2")
    expect(straight).to_have_text(f"{bq.sigmoid_use(default_x(), 2.0, 0.0).straight:.1%}", timeout=T)
    flat = metric_value(box, "flat ends")
    expect(flat).to_have_text(f"{bq.sigmoid_use(default_x(), 2.0, 0.0).flat:.1%}", timeout=T)
    assert_no_exception(page)


def test_questions_batch_of_one_shows_the_refusal_then_a_batch_of_two_works(page, app_url):
    open_page(page, app_url, "questions")
    box = open_question(page, 7)
    expect(box.locator('[data-testid="stAlertContentError"]')).to_contain_text(
        "Expected more than 1 value per channel when training", timeout=T
    )
    thumb = slider(page, "Batch size N")
    thumb.focus()
    thumb.press("ArrowRight")
    expect(thumb).to_have_value("2")
    expect(box.locator('[data-testid="stAlertContentError"]')).to_have_count(0, timeout=T)
    expect(box.get_by_text("With two samples every x̂ is ±1")).to_be_visible(timeout=T)
    assert_no_exception(page)


def test_every_question_opens_without_an_error(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, app_url, "questions")
    for q in bq.QUESTIONS:
        box = open_question(page, q.number)
        expect(box.locator('[data-testid="stPageLink"]')).to_have_count(len(q.links))
        assert_no_exception(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        box.screenshot(path=str(ARTIFACTS / f"questions-q{q.number}.png"))
        box.locator("summary").click()  # one open at a time, as a teacher would project them
        wait_idle(page)


def test_teacher_page_shows_the_plan_and_reveals_the_answers_on_request(page, app_url):
    page.set_viewport_size(TALL)
    open_page(page, app_url, "teach")
    expect(page.locator("h1").first).to_contain_text("For teachers: a 45-minute lesson")
    expect(page.get_by_text("Total: 45 minutes.")).to_be_visible(timeout=T)
    expect(page.get_by_text("Listen for:", exact=True)).to_have_count(0, timeout=T)
    shot(page, "teach-whole-lesson")
    page.get_by_text("Show the answers to listen for").click()
    wait_idle(page)
    expect(page.get_by_text("Listen for:", exact=True).first).to_be_visible(timeout=T)
    page.locator('[data-testid="stSelectbox"]').click()
    page.get_by_role("option", name="Step 4: Drag γ and β").click()
    wait_idle(page)
    expect(page.locator("h3")).to_have_count(1, timeout=T)
    expect(page.locator("h3")).to_contain_text("4. Drag γ and β")
    assert_no_exception(page)
    shot(page, "teach-one-step")
