"""End to end in Chromium: rapid key presses on the live β and on a slider that reruns end where pressed to
(the live charts' numbers: test_browser_live_gamma_beta.py). Recovery,
reset, channels and the exercises are checked in AppTest (test_page_gamma_beta.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from helpers.pw_helpers import address, assert_no_exception, open_page, plotly_charts, slider, wait_idle

pytestmark = pytest.mark.browser
WAIT = 20_000  # ms for a readout to follow a key press, generous for a loaded machine


def box(page, label: str):
    """The number box `label` ("exact γ"). It is a new box whenever its value moves, and Streamlit
    keeps the old one, hidden and marked stale, until the run ends: this is the current one."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])').get_by_label(label)


def open_gamma_beta(page, app_url):
    """Open the page and wait for its charts (W and b's chain, the peaks' switches and, in a closed expander, their
    loss) and two live ones (a fresh server's first run takes a while); the practice and the side question are
    closed, so not drawn."""
    open_page(page, app_url, "gamma-beta")
    expect(plotly_charts(page)).to_have_count(3, timeout=60_000)
    expect(page.locator(".bnviz-live[data-draws]")).to_have_count(2, timeout=60_000)
    wait_idle(page)


def test_a_rapid_series_of_key_presses_on_a_slider_ends_where_it_was_pressed_to(page, app_url):
    open_gamma_beta(page, app_url)
    beta = page.get_by_role("slider", name="β (shift)", exact=True)  # live: one value of the per-channel tuple
    beta.focus()
    for _ in range(10):  # 0 -> 1 in steps of 0.1 (channel 1: β from -15 to 15)
        beta.press("ArrowRight")
    expect(beta).to_have_value("1", timeout=WAIT)
    expect(page.locator('.bnviz-live-readout-value[data-name="mean"]')).to_have_text("1.0000", timeout=WAIT)
    expect(box(page, "exact β")).to_have_value("1.0000", timeout=WAIT)  # Python has it, once the hand stopped
    wait_idle(page)
    expect(beta).to_have_value("1")
    assert parse_qs(urlsplit(address(page)).query)["gb_beta"] == ["0,1"]

    w_scale = slider(page, "length ‖w‖")  # section 3, W and b: open on the page
    w_scale.focus()
    for _ in range(10):  # 1.0 -> 2.0 in steps of 0.1, pressed without waiting for the app
        w_scale.press("ArrowRight")
    expect(w_scale).to_have_value("2", timeout=WAIT)
    # w = ‖w‖·(cos 30°, sin 30°), written under the slider by the run that used 2.0
    expect(page.get_by_text("w = (1.732, 1.000)")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    expect(w_scale).to_have_value("2")  # no rerun moved it back
    assert float(parse_qs(urlsplit(address(page)).query)["gb_w_scale"][0]) == 2.0
    assert_no_exception(page)
