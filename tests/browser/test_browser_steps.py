"""/steps in Chromium: real key presses on the eval-mode slider, then Next to the normalize step in eval
mode. The seven steps, their numbers and the four norms are checked in AppTest (test_page_steps.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from helpers.pw_helpers import address, assert_no_exception, open_page, plotly_charts, slider, tall_shot, wait_idle

pytestmark = pytest.mark.browser

SLOW = 60_000  # ms: the first chart waits for plotly.js to load, slow on a busy machine


def slow(page):
    """Each press reruns the page and redraws its charts: slow on a busy machine."""
    page.set_default_timeout(SLOW)


def step_heading(page):
    return page.locator("h3").filter(has_text="of 7:")


def next_step(page, number: int, name: str) -> None:
    """Click Next and wait until step `number` has been drawn completely."""
    page.get_by_role("button", name="Next ▶").click(no_wait_after=True)
    expect(step_heading(page)).to_contain_text(f"Step {number} of 7: {name}", timeout=SLOW)
    wait_idle(page)


def test_eval_mode_shows_the_running_statistics_and_how_far_they_are(page, app_url):
    open_page(page, app_url, "steps")
    slow(page)
    page.get_by_text("Eval mode (running statistics)").click(no_wait_after=True)
    expect(step_heading(page)).to_contain_text("Step 1 of 7: Running mean", timeout=SLOW)
    expect(page.locator('[data-testid="stAlert"]').first).to_contain_text("After 20 training batches", timeout=SLOW)
    wait_idle(page)
    thumb = slider(page, "Training batches seen before eval")
    thumb.focus()
    for batches in (19, 18):  # one press at a time: each answer is checked (the numbers: test_page_steps.py)
        thumb.press("ArrowLeft")
        expect(thumb).to_have_value(str(batches))
        alert = page.locator('[data-testid="stAlert"]').first
        expect(alert).to_contain_text(f"After {batches} training batches", timeout=SLOW)
    wait_idle(page)
    for number, name in [(2, "Centre"), (3, "Running variance"), (4, "Standard deviation"), (5, "Normalize")]:
        next_step(page, number, name)
    chart = plotly_charts(page).filter(has_text="step “Normalize”")
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=SLOW)
    assert_no_exception(page)
    tall_shot(page, "steps-eval-normalize", 3400)  # a tall window only for the picture: it costs every redraw


def test_a_rapid_series_of_key_presses_on_a_slider_ends_where_it_was_pressed_to(page, app_url):
    open_page(page, app_url, "steps?steps_eval=true")
    slow(page)
    alert = page.locator('[data-testid="stAlert"]').first
    expect(alert).to_contain_text("After 20 training batches", timeout=SLOW)
    thumb = slider(page, "Training batches seen before eval")
    thumb.focus()
    for _ in range(10):  # 20 -> 30, pressed without waiting for the app
        thumb.press("ArrowRight")
    expect(thumb).to_have_value("30")
    expect(alert).to_contain_text("After 30 training batches", timeout=SLOW)
    wait_idle(page)
    expect(thumb).to_have_value("30")  # no rerun moved it back
    query = parse_qs(urlsplit(address(page)).query)
    assert query["steps_batches"] == ["30"] and query["steps_eval"] == ["true"]
    assert_no_exception(page)
