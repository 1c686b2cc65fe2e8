"""End to end on /learning in Chromium: real key presses on the step scrubber and on your own γ and β.
The trainings, optimizers, tasks and the train-vs-eval comparison are checked in AppTest (test_page_learning.py)."""

import re

import pytest
from conftest import ARTIFACTS
from playwright.sync_api import Page, expect
from pw_helpers import assert_no_exception, plotly_charts, shot, slider, step_slider, wait_idle

pytestmark = pytest.mark.browser

STEP = "Step (move it to replay the training"
T = 90_000  # ms: a training and its figures on a busy machine (other test runs share the CPU)


def open_learning(page: Page, app_url: str) -> None:
    """open_page with this file's longer timeout: the first run trains three times."""
    page.set_default_timeout(T)
    page.goto(f"{app_url}/learning")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page, timeout=T)


def element_shot(locator, name: str) -> None:
    """Screenshot one element once the app is idle (the page scrolls inside Streamlit's main area,
    so a full-page shot would only hold the top)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wait_idle(locator.page, timeout=T)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def chart(page: Page, index: int):
    return plotly_charts(page).nth(index)


def step_line(page: Page) -> str:
    return page.locator("p").filter(has_text=re.compile(r"^Step \d+ up close")).first.inner_text()


def move(page: Page, label: str, key: str, times: int) -> None:
    """Press a key on a slider `times` times, each press waiting for the value to move, then let the rerun finish."""
    step_slider(slider(page, label), times, key)
    wait_idle(page, timeout=T)


def test_training_runs_and_the_step_scrubber_changes_the_numbers(page, app_url):
    open_learning(page, app_url)
    expect(page.locator("h1").first).to_contain_text("Watch γ and β learned", timeout=T)
    expect(plotly_charts(page)).to_have_count(4, timeout=T)
    assert_no_exception(page)
    shot(page, "learning-default")
    first = step_line(page)
    assert first.startswith("Step 1 up close")
    element_shot(chart(page, 0), "learning-time-axis")
    move(page, STEP, "ArrowRight", 10)
    expect(slider(page, STEP)).to_have_value("11", timeout=T)
    expect(page.get_by_text(re.compile(r"^Step 11 up close"))).to_be_visible(timeout=T)
    eleventh = step_line(page)
    assert eleventh != first and "μ_B = " in eleventh
    element_shot(chart(page, 1), "learning-scrubber-step-11")
    move(page, STEP, "End", 1)
    expect(page.get_by_text(re.compile(r"^Step 960 up close"))).to_be_visible(timeout=T)
    assert step_line(page) not in (first, eleventh)
    element_shot(chart(page, 1), "learning-scrubber-step-960")
    element_shot(page.locator('[data-testid="stTable"]').first, "learning-scrubber-numbers-960")
    assert_no_exception(page)


def test_ten_quick_presses_on_the_step_slider_end_at_step_11_and_the_link_carries_it(page, app_url):
    open_learning(page, app_url)
    thumb = slider(page, STEP)
    expect(thumb).to_have_value("1")
    thumb.focus()
    for _ in range(10):
        thumb.press("ArrowRight")  # no wait between presses: a learner holding the key down
    expect(page).to_have_url(re.compile(r"learn_step=11(&|$)"), timeout=T)
    wait_idle(page, timeout=T)
    expect(thumb).to_have_value("11")  # no press lost, none undone by a rerun
    expect(page.get_by_text(re.compile(r"^Step 11 up close"))).to_be_visible(timeout=T)
    assert_no_exception(page)


def test_your_own_path_is_drawn_with_its_loss(page, app_url):
    open_learning(page, app_url)
    mine = page.locator('[data-testid="stMetric"]').filter(has_text="Your loss now")
    expect(mine).to_contain_text("0 moves", timeout=T)
    start = mine.locator('[data-testid="stMetricValue"]').inner_text()
    for moves, label in enumerate(["Your γ", "Your γ", "Your β", "Your γ", "Your β"], start=1):
        move(page, label, "PageUp", 1)  # one press, one move of a tenth of the range, towards γ*, β*
        expect(mine).to_contain_text(f"{moves} moves", timeout=T)
    assert float(mine.locator('[data-testid="stMetricValue"]').inner_text()) < float(start)
    element_shot(chart(page, 2), "learning-landscape-your-path")
    page.get_by_role("button", name="Start again").click()
    wait_idle(page, timeout=T)
    expect(mine).to_contain_text("0 moves", timeout=T)
    assert_no_exception(page)
