"""End to end: `streamlit run app.py` in Chromium, every page opened, the home slider moved."""

import re

import pytest
from playwright.sync_api import expect
from pw_helpers import assert_no_exception, open_page, plotly_charts, press, shot, wait_idle

pytestmark = pytest.mark.browser

PAGES = [
    ("", "Batch Normalization, and why γ and β exist"),
    ("batch", "Make a batch"),
    ("steps", "Step through BatchNorm"),
    ("gamma-beta", "Drag γ and β"),
    ("learning", "Watch γ and β learned"),
    ("network", "Why BN helps"),
    ("questions", "Learners' questions"),
    ("teach", "For teachers: a 45-minute lesson"),
]


@pytest.mark.parametrize("path, title", PAGES)
def test_every_page_opens_at_its_url_without_an_error(page, app_url, path, title):
    open_page(page, app_url, path)
    expect(page.locator("h1").first).to_contain_text(title)
    assert_no_exception(page)
    shot(page, f"page-{path or 'home'}")


def test_navigation_lists_the_pages_in_teaching_order(page, app_url):
    open_page(page, app_url)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    expect(nav).to_have_count(len(PAGES))
    hrefs = [re.sub(r"^https?://[^/]+/?", "", nav.nth(i).get_attribute("href")) for i in range(len(PAGES))]
    assert hrefs == [path for path, _ in PAGES]


def std_before(page, channel: int) -> float:
    row = page.locator('[data-testid="stTable"] tbody tr').nth(channel)
    return float(row.locator("td").nth(1).inner_text())


def test_home_charts_render_and_the_scale_slider_changes_the_numbers(page, app_url):
    open_page(page, app_url)
    expect(plotly_charts(page)).to_have_count(1)  # After; Before is the live chart (tests/test_browser_live.py)
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()
    expect(page.locator(".bnviz-live .main-svg").first).to_be_visible()
    start = std_before(page, 1)
    thumb = page.get_by_role("slider", name="Multiply every activation by")  # the live chart's range
    press(thumb, 10)  # 1.0 -> 2.0 in steps of 0.1, pressed in a row
    expect(thumb).to_have_value("2")
    page.wait_for_function(
        "(start) => { const c = document.querySelectorAll('[data-testid=stTable] tbody tr')[1]"
        ".querySelectorAll('td')[1]; return Math.abs(parseFloat(c.innerText) - 2 * start) < 0.01; }",
        arg=start,
    )
    wait_idle(page)
    assert std_before(page, 1) == pytest.approx(2 * start, abs=0.01)
    after = page.locator('[data-testid="stTable"] tbody tr').nth(1).locator("td").nth(3).inner_text()
    assert float(after) == pytest.approx(1.0, abs=1e-3)
    assert_no_exception(page)
    shot(page, "home-scaled")
