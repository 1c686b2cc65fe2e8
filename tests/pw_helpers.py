"""Helpers for the browser tests: open a page, wait for Streamlit to finish, look for errors."""

from __future__ import annotations

import re

from conftest import ARTIFACTS
from playwright.sync_api import Page, expect

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


# Generous: a page that trains on its first open can take a while on a loaded 2-core machine.
# A passing test does not wait for these; only a failing one does.
WAIT_MS = 120_000
expect.set_options(timeout=30_000)


def wait_idle(page: Page, timeout: float = WAIT_MS) -> None:
    """Wait until the script run has finished and the app is connected."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_load_state("networkidle")


def open_page(page: Page, base: str, path: str = "") -> Page:
    """Go to base/path and wait for the first run to finish."""
    page.goto(f"{base}/{path}")
    page.wait_for_selector('[data-testid="stMain"]', timeout=WAIT_MS)
    wait_idle(page)
    return page


def assert_no_exception(page: Page) -> None:
    """No exception element and no error callout from an uncaught error."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def assert_large_text(page) -> None:
    """Text of 1.3rem (20.8 px), readable from the back of the room. Polled: on a fresh server the
    first run of a deep link is the page alone, and app.py's run with the style follows it."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMain] p')].slice(0, 5)"
        ".every(e => parseFloat(getComputedStyle(e).fontSize) >= 20)",
        timeout=WAIT_MS,
    )


def plotly_charts(page: Page):
    return page.locator('[data-testid="stPlotlyChart"]')


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot to the git-ignored artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def next_frames(page: Page, frames: int = 2) -> None:
    """Wait until the browser has drawn `frames` more frames (a resize or a key press has been laid out)."""
    page.evaluate(
        "(n) => new Promise((done) => { const tick = (k) => k ? requestAnimationFrame(() => tick(k - 1)) : done();"
        " tick(n); })",
        frames,
    )


def tall_shot(page: Page, name: str, height: int = 2600) -> None:
    """A screenshot of a tall window: Streamlit scrolls inside its own container, so a full-page
    screenshot shows only what fits in the window."""
    page.set_viewport_size({"width": 1400, "height": height})
    next_frames(page)  # plotly has laid the charts out at the new size
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def slider(page: Page, label: str):
    """The slider input (an <input type=range>) whose label is `label`: focus it and press arrow keys."""
    block = page.locator('[data-testid="stSlider"]').filter(has_text=re.compile(re.escape(label)))
    return block.get_by_role("slider").first


def step_slider(thumb, presses: int, key: str = "ArrowRight") -> None:
    """Press a key on a slider `presses` times, once per step, each press waiting for the value
    (the input's value, which is its aria-valuenow) to move. Never pressed again: a press the app
    loses fails the test, as it would fail a learner. The caller asserts the value it ends at."""
    for _ in range(presses):
        expect(thumb).to_be_enabled(timeout=WAIT_MS)
        before = thumb.input_value()
        thumb.press(key)
        expect(thumb).not_to_have_value(before, timeout=WAIT_MS)


def press(thumb, times: int, key: str = "ArrowRight") -> None:
    """Press an arrow key on a slider `times` times in a row, without waiting between presses: a bound
    slider's value is never sent back by the page, so no rerun undoes a press (then expect the value)."""
    thumb.focus()
    for _ in range(times):
        thumb.press(key)
