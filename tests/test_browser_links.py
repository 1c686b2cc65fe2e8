"""Links in a fresh browser: deep links on a fresh server, classroom mode, hidden controls."""


import pytest
from playwright.sync_api import expect

from conftest import serve_app
from pw_helpers import assert_no_exception, open_page, shot

pytestmark = pytest.mark.browser

TEACHING_ORDER = ["", "batch", "steps", "gamma-beta", "learning", "network", "questions", "teach"]


@pytest.fixture
def fresh_server():
    """A server nobody has visited yet: Streamlit would serve pages/ in legacy mode."""
    with serve_app("streamlit-fresh.log") as url:
        yield url


def test_a_deep_link_as_first_request_of_a_fresh_server_gets_the_apps_navigation(page, fresh_server):
    open_page(page, fresh_server, "steps?classroom=1")
    expect(page.locator("h1").first).to_contain_text("Step through BatchNorm")
    nav = page.locator('[data-testid="stSidebarNav"] a')
    expect(nav).to_have_count(len(TEACHING_ORDER))
    expect(page.get_by_text("Classroom mode")).to_be_visible()
    expect(page.get_by_text("Next: Drag γ and β")).to_be_visible()
    assert_no_exception(page)


def test_classroom_mode_from_a_link_enlarges_text_and_walks_the_pages(page, app_url):
    open_page(page, app_url, "?classroom=1")
    size = page.locator('[data-testid="stMain"] p').first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20  # 1.3rem on a 16px root
    shot(page, "classroom-home")
    page.get_by_text("Next: Make a batch").click()
    expect(page.locator("h1").first).to_contain_text("Make a batch")
    assert page.url.endswith("/batch?classroom=1")
    expect(page.get_by_text("Previous: Start here")).to_be_visible()
    assert_no_exception(page)
