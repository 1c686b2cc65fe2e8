"""End to end in Chromium: /questions and /teach links (the URL bar, a fresh browser), classroom mode and
hidden controls. Each question's answer, experiment, links and self-check are checked in AppTest
(test_page_questions.py), the lesson plan in test_page_teach.py."""

import re
from urllib.parse import urlencode

import pytest
from conftest import CONTEXT_OPTIONS
from playwright.sync_api import expect

from bnviz.experiments import gamma_beta, questions
from content import questions as content
from content import teach as lesson
from helpers.pw_helpers import (
    address,
    after_run,
    assert_no_exception,
    formulas_in_pieces,
    open_page,
    press,
    slider,
    tall_shot,
    wait_idle,
)
from ui.state import DEFAULT_CHANNELS, DEFAULT_N, DEFAULT_PRESET

pytestmark = pytest.mark.browser

# Streamlit scrolls inside the page: a tall window shows a whole question. Set only for a screenshot
# (tall_shot): a tall window costs Chromium every redraw.
TALL = 2600
T = 60_000  # ms: a rerun on a busy machine (other test runs beside it) can take tens of seconds


def largest_difference(x, t: float) -> float:
    """Largest |y − x| of BN with γ, β a fraction t of the way to the recovering values (gamma_beta)."""
    return gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, t))[2].batch_max_abs_diff


def default_x():
    from bnviz.core.data import make_batch, preset

    return make_batch(preset(DEFAULT_PRESET, DEFAULT_CHANNELS), DEFAULT_N, seed=0)


def question(page, number: int):
    """The expander of question `number`, found by its title, not by its position."""
    title = next(q.title for q in content.QUESTIONS if q.number == number)
    return page.locator('[data-testid="stExpander"]').filter(has=page.locator("summary", has_text=title))


def metric_value(box, label: str):
    """The value of a metric, not the stale copy a rerun briefly keeps on the screen beside it."""
    current = box.locator('[data-testid="stElementContainer"]:not([data-stale="true"])')
    return current.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def open_question(page, number: int):
    box = question(page, number)
    box.locator("summary").click()
    wait_idle(page)
    expect(box.locator('[data-testid="stRadio"]')).to_be_visible(timeout=T)
    charts = box.locator(".bnviz-chart")
    for i in range(charts.count()):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible(timeout=T)
    return box


# --- shareable links, classroom mode, hidden controls -------------------------------------------------


OPENED = 90_000  # ms: the first run of a fresh session, on a loaded machine, can take half a minute


def new_page(browser):
    """A page in a new browser context: a fresh Streamlit session, as when a link is opened elsewhere."""
    context = browser.new_context(**CONTEXT_OPTIONS)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return context, pg


def test_questions_a_link_copied_after_moving_a_slider_opens_the_same_view_in_a_fresh_browser(page, browser, app_url):
    open_page(page, app_url, "questions")
    box = open_question(page, 1)
    expect(page).to_have_url(re.compile(r"q_open_1=true"), timeout=OPENED)
    thumb = slider(page, "γ (scale), every channel")
    press(thumb, 10)  # 1.0 -> 2.0, pressed in a row: reruns of the experiment's fragment only
    expect(thumb).to_have_value("2")
    straight = f"{questions.sigmoid_use(default_x(), 2.0, 0.0).straight:.1%}"
    expect(metric_value(box, "nearly straight")).to_have_text(straight, timeout=T)
    expect(page).to_have_url(re.compile(r"q_gamma=2(&|$)"), timeout=T)  # the fragment's rerun wrote the link
    link = address(page)
    context, fresh = new_page(browser)
    try:
        fresh.goto(link)
        fresh.wait_for_selector('[data-testid="stMain"]')
        wait_idle(fresh, timeout=60_000)
        again = question(fresh, 1)
        expect(slider(fresh, "γ (scale), every channel")).to_have_value("2", timeout=OPENED)
        expect(metric_value(again, "nearly straight")).to_have_text(straight, timeout=T)
        expect(fresh.locator('[data-testid="stRadio"]')).to_have_count(1)  # question 1 alone, unanswered
        assert_no_exception(fresh)
        tall_shot(fresh, "questions-link-fresh-browser", TALL)
    finally:
        context.close()
    press(thumb, 10, "ArrowLeft")  # back to the default, 1.0: the link no longer carries it
    expect(thumb).to_have_value("1")
    expect(page).not_to_have_url(re.compile(r"q_gamma="), timeout=T)
    expect(page).to_have_url(re.compile(r"q_open_1=true"))


def test_questions_classroom_mode_asks_for_a_prediction_before_the_recovering_values(page, app_url):
    open_page(page, app_url, "questions?classroom=1&q_open_2=true&q_recover=1")
    box = question(page, 2)
    prompt = box.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")
    expect(prompt).to_be_visible(timeout=OPENED)
    expect(box.get_by_text("Predict first:")).to_be_visible()
    locked = slider(page, "Move γ and β from the start")
    expect(locked).to_have_value("0", timeout=OPENED)
    expect(locked).to_be_disabled()
    x = default_x()
    largest = metric_value(box, "Largest |y − x|")
    expect(largest).to_have_text(f"{largest_difference(x, 0.0):.2e}", timeout=T)  # the start, not the answer
    expect(box.get_by_text("Check yourself.")).to_have_count(0)
    tall_shot(page, "questions-classroom-predict-before", TALL)
    prompt.get_by_text("large: the normalization cannot be undone", exact=True).click()
    answer = f"{largest_difference(x, 1.0):.2e}"
    expect(largest).to_have_text(answer, timeout=T)
    expect(slider(page, "Move γ and β from the start")).to_have_value("1", timeout=T)
    told = box.locator(f".st-key-lesson_reveal_{content.PREDICTS['undo'].key}")  # neutral: no callout
    expect(told).to_contain_text(
        "The answer: 0, up to rounding: y is x again. Your class chose “large: the normalization cannot be undone”: "
        "not this one.",
        timeout=T,
    )
    expect(told).to_contain_text(answer)
    expect(box.locator('[data-testid="stAlertContainer"]')).to_have_count(0)
    expect(box.get_by_text("Check yourself.")).to_be_visible(timeout=T)  # the answer and self-check follow
    expect(box.locator(".bnviz-chart .main-svg").first).to_be_visible(timeout=T)
    assert formulas_in_pieces(page) == []  # the slider's label and the self-check keep √(σ²_B + ε) whole
    assert_no_exception(page)
    tall_shot(page, "questions-classroom-predict-after", TALL)


def test_questions_classroom_mode_asks_for_a_prediction_before_a_batch_of_one(page, app_url):
    open_page(page, app_url, "questions?classroom=1&q_open_7=true")
    box = question(page, 7)
    prompt = box.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")
    expect(prompt).to_be_visible(timeout=OPENED)
    expect(slider(page, "Batch size N")).to_have_value("1", timeout=OPENED)
    expect(box.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    expect(box.locator('[data-testid="stTable"]')).to_have_count(0)
    tall_shot(page, "questions-classroom-one-before", TALL)
    prompt.get_by_text("it stops with an error", exact=True).click()
    expect(box.locator('[data-testid="stAlertContentError"]')).to_contain_text(
        "Expected more than 1 value per channel when training", timeout=T
    )
    expect(box.locator(f".st-key-lesson_reveal_{content.PREDICTS['one'].key}")).to_contain_text(
        "The answer: it stops with an error. Your class chose it.", timeout=T
    )
    expect(box.get_by_text("batch variance").first).to_be_visible(timeout=T)  # the formula's table
    expect(metric_value(box, "GroupNorm")).to_have_text(f"{questions.group_norm_demo().gn_diff:.1e}", timeout=T)
    assert_no_exception(page)
    tall_shot(page, "questions-classroom-one-after", TALL)


def test_questions_a_link_can_hide_a_control(page, app_url):
    open_page(page, app_url, "questions?q_open_1=true&q_gamma=3&hide=gamma")
    box = question(page, 1)
    expect(slider(page, "β (shift), every channel")).to_be_visible(timeout=OPENED)
    expect(page.locator('[data-testid="stSlider"]').filter(has_text="γ (scale)")).to_be_hidden()  # drawn, not shown
    straight = f"{questions.sigmoid_use(default_x(), 3.0, 0.0).straight:.1%}"
    expect(metric_value(box, "nearly straight")).to_have_text(straight, timeout=T)  # γ = 3 from the link
    expect(box.get_by_text("with γ = 3 and β = 0")).to_be_visible()
    assert_no_exception(page)
    tall_shot(page, "questions-hidden-gamma", TALL)


def test_teacher_page_a_link_to_one_step_with_answers_opens_it_in_a_fresh_browser(page, browser, app_url):
    open_page(page, app_url, "teach")
    page.get_by_role("combobox", name="Show").click()
    after_run(page, page.get_by_role("option", name="Step 4: Drag γ and β").click)
    after_run(page, page.get_by_text("Show the answers to listen for").click)
    expect(page).to_have_url(re.compile(r"[?&]teach_step=Step\+4%3A\+Drag\+"), timeout=T)  # the option's label
    expect(page).to_have_url(re.compile(r"[?&]teach_answers=true(&|$)"), timeout=T)
    context, fresh = new_page(browser)
    try:
        fresh.goto(address(page))
        fresh.wait_for_selector('[data-testid="stMain"]')
        wait_idle(fresh, timeout=60_000)
        expect(fresh.locator("h3")).to_have_count(1, timeout=OPENED)
        expect(fresh.locator("h3")).to_contain_text("4. Drag γ and β")
        expect(fresh.get_by_role("combobox", name="Show")).to_have_value("Step 4: Drag γ and β")
        expect(fresh.get_by_text("Listen for:", exact=True).first).to_be_visible(timeout=T)
        assert_no_exception(fresh)
    finally:
        context.close()


def test_teacher_page_a_link_can_hide_the_step_selector_in_classroom_mode(page, app_url):
    step = urlencode({"teach_step": f"Step 2: {lesson.PLAN[1].title}"})
    open_page(page, app_url, f"teach?classroom=1&{step}&hide=step")
    expect(page.locator("h3")).to_contain_text(f"2. {lesson.PLAN[1].title}", timeout=OPENED)
    expect(page.locator('[data-testid="stSelectbox"]')).to_be_hidden()  # drawn, so the link's step applies
    expect(page.get_by_text("Show the answers to listen for")).to_be_visible()
    assert_no_exception(page)
    tall_shot(page, "teach-classroom-hidden-step", TALL)
