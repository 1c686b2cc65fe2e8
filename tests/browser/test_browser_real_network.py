"""End to end in Chromium: /real-network trains its three convolutional networks once and draws every chart;
its switches (a channel's γ and β set back, BatchNorm's momentum) change the numbers a learner reads.
The values themselves are checked against the core in AppTest (tests/pages/test_page_real_network.py)."""

import pytest
from playwright.sync_api import expect

from bnviz.core.digits import split
from bnviz.experiments import cnn
from content import real_network as words
from helpers.cnn_runs import trained
from helpers.pw_helpers import (
    after_run,
    assert_accessible,
    assert_no_exception,
    open_expander,
    plotly_charts,
    tall_shot,
    wait_idle,
)

pytestmark = pytest.mark.browser

TRAINING = 300_000  # ms: a first training on a busy 2-core machine


def open_real_network(page, app_url, query: str = ""):
    page.goto(f"{app_url}/real-network{query}")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page, timeout=TRAINING)
    expect(page.locator("h1").first).to_have_text("In a real network")


def test_the_page_trains_draws_every_chart_and_its_switches_change_what_it_says(page, app_url):
    open_real_network(page, app_url)
    expect(plotly_charts(page)).to_have_count(4, timeout=TRAINING)  # the digits, the curves, the heatmaps, γ and β
    net = trained()["bn"].net
    facts = cnn.channel_facts(net, 3)
    top = int(facts.by_gamma[0])
    before = net.accuracy(split().test)[1]
    after = cnn.with_channel_reset(net, 3, top).accuracy(split().test)[1]
    expect(page.get_by_text(f"with its γ = 1 and β = 0: {words.percent(after)}")).to_have_count(0)
    after_run(page, lambda: page.get_by_text(words.RESET_TOGGLE).click())
    expect(
        page.get_by_text(f"as trained: {words.percent(before)}; with its γ = 1 and β = 0: {words.percent(after)}")
    ).to_be_visible()

    open_expander(page, words.MOMENTUM_HEADING)
    wait_idle(page)
    expect(plotly_charts(page)).to_have_count(5)
    slider = page.get_by_role("slider", name=words.MOMENTUM_LABEL)
    slider.focus()
    after_run(page, lambda: page.keyboard.press("Home"))  # the smallest momentum, 0.001
    expect(page.get_by_text("With momentum 0.001 over the")).to_be_visible()
    assert_no_exception(page)
    assert_accessible(page)
    tall_shot(page, "real-network", 4600)
