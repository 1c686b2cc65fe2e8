"""End to end: `streamlit run app.py` in Chromium, every page opened from the sidebar, checked with axe-core
and with nothing wrong in the console, every chart drawn by the app's one copy of plotly.js. The home page's scale, a live control, is moved in
tests/browser/test_browser_live.py; classroom mode's pages are checked in tests/browser/test_browser_classroom.py."""

import re

import pytest
from conftest import CONTEXT_OPTIONS
from playwright.sync_api import expect

from content.registry import PAGES as REGISTRY
from helpers.pw_helpers import (
    assert_accessible,
    assert_no_exception,
    cut_text,
    open_page,
    shot,
    wait_idle,
    watch_console,
)
from ui.live import MODULES_URL

pytestmark = pytest.mark.browser

TITLES = {p.url_path: p.title for p in REGISTRY}  # each page's name in the sidebar

PAGES = [
    ("", "Batch Normalization, and why γ and β exist"),
    ("batch", "Make a batch"),
    ("steps", "Step through BatchNorm"),
    ("gamma-beta", "Drag γ and β"),
    ("learning", "Watch γ and β learned"),
    ("network", "Why BN helps"),
    ("real-network", "In a real network"),
    ("questions", "Learners' questions"),
    ("teach", "For teachers: a 45-minute lesson"),
]
# The charts each page draws at first, live ones and those with no control (ui.live.chart), all with the
# app's copy of plotly.js (/network's come once its networks are trained: its own tests).
CHARTS = {"": 1, "batch": 1, "steps": 2, "gamma-beta": 5, "learning": 2, "real-network": 4, "questions": 0, "teach": 0}


def content_height(page) -> int:
    """The height in px of the page's content at the window's width (1400 px) with its expanders closed, once
    every chart has drawn (after wait_idle: no placeholder left). Streamlit scrolls inside its main container,
    so that is what is measured."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.bnviz-live')].every((e) => +e.getAttribute('data-draws') >= 1)"
        " && [...document.querySelectorAll('.js-plotly-plot')].every((e) => e.querySelector('.main-svg'))"
    )
    return page.evaluate(
        "() => document.querySelector('[data-testid=stMain] [data-testid=stMainBlockContainer]').scrollHeight"
    )


def test_every_page_opens_from_the_sidebar_accessible_without_an_error_and_lists_the_pages_in_teaching_order(
    page, app_url
):
    # One tab walks every page, as a learner does from the sidebar: each page's own run, without the
    # browser loading Streamlit and plotly.js again. Opening a page at its URL, first in a fresh session or on
    # a fresh server: the link tests (tests/browser/test_browser_links.py) and each page's own tests.
    problems = watch_console(page)
    open_page(page, app_url)
    page.evaluate("() => performance.setResourceTimingBufferSize(100000)")  # the whole walk's (250 by default)
    nav = page.locator('[data-testid="stSidebarNav"] a')
    for path, title in PAGES:
        if path:
            page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').filter(has_text=TITLES[path]).click()
            expect(page).to_have_url(re.compile(rf"/{re.escape(path)}$"))
        expect(page.locator("h1").first).to_contain_text(title)
        wait_idle(page)
        assert_no_exception(page)
        expect(nav).to_have_count(len(PAGES))
        hrefs = [re.sub(r"^https?://[^/]+/?", "", nav.nth(i).get_attribute("href")) for i in range(len(PAGES))]
        assert hrefs == [p for p, _ in PAGES]
        shot(page, f"page-{path or 'home'}")
        height = content_height(page)
        assert height <= 4000, f"/{path} is {height} px tall"  # side topics closed: the experiment is not buried
        if path in CHARTS:
            page.wait_for_function(
                "(n) => { const all = [...document.querySelectorAll('.bnviz-live, .bnviz-chart')];"
                " return all.length === n && all.every((e) => Number(e.dataset.plots || 0) >= 1); }",
                arg=CHARTS[path],
            )
        # Streamlit's own plotly chart, which loads a second copy of plotly.js, is on no page.
        expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
        assert_accessible(page)  # no critical or serious axe-core violation
        # No label or button cut, here and on a 1024 px screen ("Recover the origi…" was, at 1280 px).
        assert cut_text(page) == []
        page.set_viewport_size({"width": 1024, "height": 1000})
        page.wait_for_function("() => innerWidth === 1024")
        assert cut_text(page) == [], "at 1024 px"
        page.set_viewport_size(CONTEXT_OPTIONS["viewport"])
    assert problems == []  # no console error, no failed request, on any page
    # plotly.js fetched once for the whole walk, the app's copy; never Streamlit's chunk with its own copy
    # (bench/first_paint.py: about 0.8 s on the pages with live charts).
    fetched = page.evaluate("() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)")
    assert [p for p in fetched if p.endswith("/plotly.min.js")] == [f"/{MODULES_URL}plotly.min.js"]
    assert not [p for p in fetched if "PlotlyChart" in p]
