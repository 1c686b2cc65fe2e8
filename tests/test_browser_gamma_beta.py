"""End to end in Chromium: drag γ and β with the keyboard and watch plotly redraw the chart. Recovery,
reset, channels and the exercises are checked in AppTest (test_page_gamma_beta.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from pw_helpers import assert_no_exception, open_page, plotly_charts, shot, slider, step_slider, wait_idle

pytestmark = pytest.mark.browser
WAIT = 20_000  # ms for a readout to follow a key press, generous for a loaded machine

# The first chart's traces: the y row's bars are the third bar trace.
Y_BARS = """(i) => {
  const gd = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[i];
  if (!gd || !gd._fullData) return null;
  const bars = gd._fullData.filter((t) => t.type === 'bar');
  const t = bars[bars.length > 2 ? 2 : 0];
  return JSON.stringify([Array.from(t.x), Array.from(t.y)]);
}"""


def metric(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def box(page, label: str):
    """The number box `label` ("exact γ"). It is a new box whenever its value moves, and Streamlit
    keeps the old one, hidden and marked stale, until the run ends: this is the current one."""
    return page.locator('[data-testid="stElementContainer"]:not([data-stale="true"])').get_by_label(label)


def chart_data(page, index: int = 0) -> str:
    page.wait_for_function(f"() => ({Y_BARS})({index}) !== null")
    return page.evaluate(Y_BARS, index)


def wait_chart_changed(page, before: str, index: int = 0) -> None:
    page.wait_for_function(
        f"(before) => {{ const now = ({Y_BARS})({index}); return now !== null && now !== before; }}", arg=before
    )


def open_gamma_beta(page, app_url):
    """Open the page and wait for its five charts (a fresh server's first run takes a while)."""
    open_page(page, app_url, "gamma-beta")
    expect(plotly_charts(page)).to_have_count(5, timeout=60_000)
    wait_idle(page)


def section(page, heading: str):
    """Scroll a section's heading to the top of the window, for a screenshot of that section."""
    page.evaluate(
        "(h) => [...document.querySelectorAll('h2')].find((e) => e.textContent.includes(h)).scrollIntoView()", heading
    )


def test_dragging_gamma_and_beta_changes_the_chart_and_the_readouts(page, app_url):
    open_gamma_beta(page, app_url)
    expect(page.locator("h1").first).to_contain_text("Drag γ and β")
    assert_no_exception(page)
    expect(metric(page, "Mean of y, channel 1")).to_have_text("0.0000", timeout=WAIT)
    shot(page, "gamma-beta-default")

    before = chart_data(page)
    std_before = metric(page, "Std of y, channel 1").inner_text()
    gamma = slider(page, "γ (scale)")
    gamma.focus()
    step_slider(gamma, 5)  # 1.0 -> 1.5 in steps of 0.1 (channel 1: σ_B ≈ 10, γ from 0 to 30)
    expect(gamma).to_have_value("1.5", timeout=WAIT)
    expect(box(page, "exact γ")).to_have_value("1.5000", timeout=WAIT)
    expect(metric(page, "Std of y, channel 1")).to_have_text("1.5000", timeout=WAIT)
    assert std_before == "1.0000"
    wait_chart_changed(page, before)
    wait_idle(page)

    before = chart_data(page)
    beta = slider(page, "β (shift)")
    beta.focus()
    step_slider(beta, 20)  # 0 -> 2 in steps of 0.1 (channel 1: μ_B ≈ 8, β from -15 to 15)
    expect(beta).to_have_value("2", timeout=WAIT)
    expect(box(page, "exact β")).to_have_value("2.0000", timeout=WAIT)
    expect(metric(page, "Mean of y, channel 1")).to_have_text("2.0000", timeout=WAIT)
    wait_chart_changed(page, before)
    wait_idle(page)
    assert_no_exception(page)
    shot(page, "gamma-beta-dragged")


def test_a_rapid_series_of_key_presses_on_a_slider_ends_where_it_was_pressed_to(page, app_url):
    open_gamma_beta(page, app_url)
    beta = slider(page, "β (shift)")  # one value of the per-channel tuple, with its exact box
    beta.focus()
    for _ in range(10):  # 0 -> 1 in steps of 0.1 (channel 1: β from -15 to 15)
        beta.press("ArrowRight")
    expect(beta).to_have_value("1", timeout=WAIT)
    expect(box(page, "exact β")).to_have_value("1.0000", timeout=WAIT)
    expect(metric(page, "Mean of y, channel 1")).to_have_text("1.0000", timeout=WAIT)
    wait_idle(page)
    expect(beta).to_have_value("1")
    assert parse_qs(urlsplit(page.url).query)["gb_beta"] == ["0,1"]

    section(page, "5. Do γ and β replace W and b?")
    w_scale = slider(page, "length ‖w‖")
    w_scale.focus()
    for _ in range(10):  # 1.0 -> 2.0 in steps of 0.1, pressed without waiting for the app
        w_scale.press("ArrowRight")
    expect(w_scale).to_have_value("2", timeout=WAIT)
    # w = ‖w‖·(cos 30°, sin 30°), written under the slider by the run that used 2.0
    expect(page.get_by_text("w = (1.732, 1.000)")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    expect(w_scale).to_have_value("2")  # no rerun moved it back
    assert float(parse_qs(urlsplit(page.url).query)["gb_w_scale"][0]) == 2.0
    assert_no_exception(page)
