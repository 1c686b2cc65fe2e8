"""End to end in Chromium: /network trains the three networks (without BN, BN with γ, β, BN without γ, β)
and plotly draws every chart, each network in its own colour. Each form setting (activation, dataset,
learning rate) is checked in AppTest (test_page_network.py); the form submitted by a real click is in
test_browser_links.py."""

import re

import pytest
from playwright.sync_api import expect

from bnviz.figures.network import GUESSING
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

TRAINING = 300_000  # ms: a first training (and sweep) on a busy 2-core machine
CHARTS = (
    4  # curves, boundary, sweep, the jolt; "Inside the network" adds strips, saturation, gradients, γ/β when opened
)
INSIDE = 4
# Okabe–Ito blue, vermillion and bluish green, as the browser writes them in the lines' stroke.
COLOURS = {"without BN": "rgb(0, 114, 178)", "BN with γ, β": "rgb(213, 94, 0)", "BN without γ, β": "rgb(0, 0, 0)"}


def open_network(page, app_url):
    page.goto(f"{app_url}/network")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page, timeout=TRAINING)
    expect(page.locator("h1").first).to_have_text("Why BN helps")


def boxes(page):
    """The three result lines: 'Without BN (…): …', 'BN with γ, β (…): …' and 'BN without γ, β (…): …'."""
    return page.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=re.compile(r"^(Without BN|BN with γ, β|BN without γ, β) \(")
    )


def test_the_default_page_trains_the_three_networks_and_draws_every_chart(page, app_url):
    open_network(page, app_url)
    expect(plotly_charts(page)).to_have_count(CHARTS, timeout=TRAINING)
    open_expander(page, "Inside the network")  # the activation strips, saturation, gradients, γ and β
    expect(plotly_charts(page)).to_have_count(CHARTS + INSIDE, timeout=TRAINING)  # drawn once it is open
    for i in range(CHARTS + INSIDE):
        plotly_charts(page).nth(i).scroll_into_view_if_needed()
        expect(plotly_charts(page).nth(i).locator(".main-svg").first).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^These results are for: the two moons, tanh, 4 hidden layers"))
    ).to_be_visible()
    expect(boxes(page)).to_have_count(3)
    expect(boxes(page).first).to_contain_text("Without BN (tanh, learning rate 3, 600 steps): final loss")
    expect(boxes(page).nth(1)).to_contain_text("accuracy 100%")
    expect(boxes(page).nth(2)).to_contain_text("BN without γ, β (tanh, learning rate 3, 600 steps): final loss 0.179")
    # The loss curves: one legend entry and one line colour per network, and the dotted line of guessing named
    # in the legend (a line with no points of its own: the dotted line across the loss panel is a shape).
    curves = plotly_charts(page).first
    expect(curves.locator(".legendtext")).to_have_text([*COLOURS, GUESSING])
    strokes = curves.locator(".scatterlayer .trace path.js-line").evaluate_all(
        "paths => paths.filter(p => p.getAttribute('d')).map(p => getComputedStyle(p).stroke)"
    )
    assert strokes == list(COLOURS.values()) * 2  # the loss panel's three lines, then the accuracy panel's
    expect(page.get_by_role("heading", name="So why does BN help?")).to_be_visible()
    assert_no_exception(page)
    tall_shot(page, "network-default", 5400)


def test_the_jolt_draws_both_networks_with_and_without_it_and_a_tenth_changes_its_sentence(page, app_url):
    open_network(page, app_url)
    ytitle = page.locator(".ytitle", has_text=re.compile(r"^loss on the mini-batch$"))
    jolt = page.locator(".bnviz-chart").filter(has=ytitle)
    jolt.scroll_into_view_if_needed()
    expect(jolt.locator(".legendtext")).to_have_text(
        ["without BN, ×10", "without BN, no jolt", "BN with γ, β, ×10", "BN with γ, β, no jolt"], timeout=TRAINING
    )
    summary = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text=re.compile(r"^Without BN the loss"))
    expect(summary).to_contain_text("Without BN the loss jumps: ")
    expect(summary).to_contain_text("With BN the loss carries on: ")
    expect(summary).to_contain_text("become 100 times smaller, as 1/10² predicts.")
    assert_accessible(page)
    tenth = page.locator('[data-testid="stRadio"]').filter(has_text="Multiply by").get_by_text("0.1", exact=True)
    after_run(page, tenth.click)
    expect(summary).to_contain_text("as 1/0.1² predicts.")
    expect(jolt.locator(".xtitle")).to_have_text("training step (vertical line: ×0.1 on layer 1's W after step 300)")
    expect(page).to_have_url(re.compile(r"net_jolt_factor=0\.1"))
    open_expander(page, "Did γ and β undo BN here?")
    expect(page.get_by_text(re.compile(r"^No layer undoes BN"))).to_be_visible(timeout=TRAINING)
    assert_accessible(page)
    assert_no_exception(page)
