"""End to end in Chromium: /network trains both networks, draws every chart, answers the form."""

import re

import pytest
from playwright.sync_api import expect
from pw_helpers import assert_no_exception, plotly_charts, press, slider, tall_shot, wait_idle

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


def choose(page, group: str, option: str) -> None:
    page.locator('[data-testid="stRadio"]').filter(has_text=group).get_by_text(option, exact=True).click()


def train(page, expected_box_text: str) -> None:
    """Submit the form and wait until the result lines show the new run."""
    page.get_by_role("button", name="Train both networks").click()
    expect(boxes(page).first).to_contain_text(expected_box_text, timeout=TRAINING)
    wait_idle(page, timeout=TRAINING)
    expect(plotly_charts(page)).to_have_count(CHARTS, timeout=TRAINING)
    assert_no_exception(page)


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


@pytest.mark.parametrize("activation", ["sigmoid", "ReLU"])
def test_each_activation_trains_from_the_form(page, app_url, activation):
    open_network(page, app_url)
    choose(page, "Activation", activation)
    train(page, f"({activation}, learning rate 3")
    title = "Dead units per layer" if activation == "ReLU" else "Saturated outputs per layer"
    expect(page.locator(".gtitle").filter(has_text=title)).to_have_count(1)
    tall_shot(page, f"network-{activation.lower()}", 4800)


def test_a_divergent_learning_rate_is_reported_not_drawn_as_nan(page, app_url):
    open_network(page, app_url)
    choose(page, "Activation", "ReLU")
    thumb = slider(page, "Learning rate")
    thumb.focus()
    thumb.press("ArrowRight")  # 3 -> 10
    expect(thumb).to_have_attribute("aria-valuetext", "10")
    train(page, "(ReLU, learning rate 10")
    expect(boxes(page).first).to_contain_text("diverged at step")
    expect(page.get_by_text(re.compile(r"diverged at step \d+:")).first).to_be_visible()
    tall_shot(page, "network-diverged", 4800)


def test_a_small_learning_rate_trains_both_networks(page, app_url):
    open_network(page, app_url)
    thumb = slider(page, "Learning rate")
    press(thumb, 2, "ArrowLeft")  # 3 -> 1 -> 0.3
    expect(thumb).to_have_attribute("aria-valuetext", "0.3")
    train(page, "(tanh, learning rate 0.3")
    expect(page).to_have_url(re.compile(r"/network\?net_lr=0\.3$"))  # written when the form is sent
    expect(boxes(page).first).to_contain_text("accuracy 100%")
    expect(boxes(page).nth(1)).to_contain_text("accuracy 100%")


@pytest.mark.parametrize("dataset", ["spirals", "circles"])
def test_each_dataset_trains_from_the_form(page, app_url, dataset):
    open_network(page, app_url)
    choose(page, "Dataset", dataset)
    page.get_by_role("button", name="Train both networks").click()
    expect(page.get_by_role("heading", name=f"What each network learned on the {dataset}")).to_be_visible(
        timeout=TRAINING
    )
    wait_idle(page, timeout=TRAINING)
    expect(plotly_charts(page)).to_have_count(CHARTS, timeout=TRAINING)
    assert_no_exception(page)
    tall_shot(page, f"network-{dataset}", 4800)
