"""One owner per live value, in Chromium: a value set by the hand, by a button or by the link stays the one
value the whole screen shows (slider, readouts, table, address) when classroom mode is switched, a side
section opens, the channel changes and comes back, or the learner leaves the page and returns."""

import re

import pytest
from playwright.sync_api import expect
from pw_helpers import open_page, press, wait_idle

from bnviz.experiments import gamma_beta
from ui.state import default_batch

pytestmark = pytest.mark.browser
DRAWN = "(e) => Number(e.dataset.draws || 0) >= 1"


def live(page, index: int = 0):
    chart = page.locator(".bnviz-live").nth(index)
    page.wait_for_function(DRAWN, arg=chart.element_handle())
    return chart


def gamma_to_its_end(page):
    """/gamma-beta §1's γ slider moved by the hand to its end, γ = 30 on channel 1, and its value sent."""
    gamma = page.get_by_role("slider", name="γ (scale)", exact=True)
    press(gamma, 1, "End")
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=1(%2C|,)30(&|$)"))
    wait_idle(page)
    return gamma


def switch_classroom_mode(page) -> None:
    """The sidebar's switch (in classroom mode the sidebar starts collapsed: opened first)."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.get_by_text("Classroom mode", exact=True).click()
    wait_idle(page)


@pytest.mark.parametrize("start", ["", "?classroom=1"])
def test_the_home_scale_set_by_the_hand_stays_when_classroom_mode_is_switched(page, app_url, start):
    open_page(page, app_url, start)
    live(page)
    scale = page.get_by_role("slider", name="Multiply every activation by")
    press(scale, 1, "End")  # ×10
    expect(page).to_have_url(re.compile(r"[?&]home_scale=10(&|$)"))
    wait_idle(page)
    switch_classroom_mode(page)
    expect(page).to_have_url(re.compile(r"[?&]classroom=1(&|$)") if not start else re.compile(r"^(?!.*classroom=1)"))
    chart = live(page)
    expect(scale).to_have_value("10")  # the slider, drawn again, shows the owner's value
    stds = ", ".join(f"{10 * s:.3f}" for s in default_batch().x.std(axis=0))
    expect(chart.locator("[data-name=std]")).to_have_text(stds)  # and its readout, the core's std × 10
    expect(page.get_by_role("table").first).to_contain_text(f"{10 * default_batch().x[:, 3].std():.3f}")
    expect(page).to_have_url(re.compile(r"[?&]home_scale=10(&|$)"), timeout=10_000)


def test_recover_stays_when_a_section_opens_and_the_channel_goes_and_comes_back(page, app_url):
    open_page(page, app_url, "gamma-beta")
    chart = live(page)
    gamma_to_its_end(page)
    page.get_by_role("button", name="Recover the original").click()
    recovered = f"{gamma_beta.recovery(default_batch().x)[0][1]:.4f}"  # 10.2548
    expect(chart.locator("output").first).to_have_text(recovered)
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=[^&]*10\.2548"))
    wait_idle(page)
    page.get_by_text("4. Does BN make a channel Gaussian?").click()  # a side section: a full rerun
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=[^&]*10\.2548"))  # not γ = 30 again
    expect(live(page).locator("output").first).to_have_text(recovered)
    for channel, in_link in (("0", r"[?&]gb_channel=0(&|$)"), ("1", r"^(?!.*gb_channel=)")):  # away and back
        page.get_by_role("combobox", name="Channel").click()
        page.keyboard.type(channel)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(in_link))
        wait_idle(page)
    expect(live(page).locator("output").first).to_have_text(recovered)
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=[^&]*10\.2548"))


def test_gamma_before_the_nonlinearity_stays_when_the_learner_leaves_the_page_and_comes_back(page, app_url):
    open_page(page, app_url, "gamma-beta")
    nl = page.get_by_role("slider", name="γ before the nonlinearity")
    live(page, 1)
    press(nl, 1, "End")  # γ = 5
    expect(page).to_have_url(re.compile(r"[?&]gb_nl_gamma=5(&|$)"))
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Watch them learned").click()
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Drag γ and β").click()
    wait_idle(page)
    live(page, 1)
    expect(nl).to_have_value("5")
    expect(page).to_have_url(re.compile(r"[?&]gb_nl_gamma=5(&|$)"))


def test_gamma_set_by_the_hand_in_classroom_mode_stays_when_classroom_mode_is_switched_off(page, app_url):
    """The teacher's case: γ dragged to its end in classroom mode, then classroom mode off: the slider, the
    exact-γ box (shown again), the readouts and the address all say γ = 30."""
    open_page(page, app_url, "gamma-beta?classroom=1")
    chart = live(page)
    gamma = gamma_to_its_end(page)
    switch_classroom_mode(page)
    chart = live(page)
    expect(gamma).to_have_value("30")
    expect(chart.locator("output").first).to_have_text("30.0000")
    expect(page.get_by_label("exact γ")).to_have_value("30.0000")
    x = default_batch().x[:, 1]
    expect(chart.locator("[data-name=std]")).to_have_text(f"{30 * x.std() / (x.var() + 1e-5) ** 0.5:.4f}")
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=1(%2C|,)30(&|$)"))
