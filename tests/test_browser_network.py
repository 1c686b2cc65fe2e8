"""End to end in Chromium: /network trains both networks and plotly draws every chart. Each form setting
(activation, dataset, learning rate) is checked in AppTest (test_page_network.py); the form submitted
by a real click is in test_browser_links.py."""

import re

import pytest
from playwright.sync_api import expect
from pw_helpers import assert_no_exception, plotly_charts, tall_shot, wait_idle

pytestmark = pytest.mark.browser

TRAINING = 300_000  # ms: a first training (and sweep) on a busy 2-core machine
CHARTS = 7  # curves, boundary, strips, saturation, gradients, γ/β, sweep


def open_network(page, app_url):
    page.goto(f"{app_url}/network")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page, timeout=TRAINING)
    expect(page.locator("h1").first).to_have_text("Why BN helps")


def boxes(page):
    """The two result lines: 'Without BN (…): …' and 'With BN (…): …'."""
    return page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=re.compile(r"^With(out)? BN \("))


def test_the_default_page_trains_both_networks_and_draws_every_chart(page, app_url):
    open_network(page, app_url)
    expect(plotly_charts(page)).to_have_count(CHARTS, timeout=TRAINING)
    for i in range(CHARTS):
        plotly_charts(page).nth(i).scroll_into_view_if_needed()
        expect(plotly_charts(page).nth(i).locator(".main-svg").first).to_be_visible()
    expect(boxes(page).first).to_contain_text("Without BN (tanh, learning rate 3, 600 steps): final loss")
    expect(boxes(page).nth(1)).to_contain_text("accuracy 100%")
    expect(page.get_by_text("So why does BN help?")).to_be_visible()
    assert_no_exception(page)
    tall_shot(page, "network-default", 4800)
