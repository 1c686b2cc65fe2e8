"""Live charts in Chromium (ui/live.py): the home page's scale moves the Before histograms, and its γ and β
channel 0 after BN, in the browser, by keyboard and mouse, with the core's BatchNorm and binning, no rerun
while the hand moves, and plotly.js from the app."""

import re
from urllib.parse import urlparse

import numpy as np
import pytest
from playwright.sync_api import expect
from plotly.offline import get_plotlyjs_version

from bnviz.experiments.home import before_after
from bnviz.figures.home import before_after_figure
from bnviz.numbers import fixed
from content.home import SCALE_PREDICTION
from helpers.pw_helpers import after_run, assert_no_exception, open_page, press, wait_idle
from ui.classroom import FONT_SCALE
from ui.live import MODULES_URL
from ui.state import default_batch

pytestmark = pytest.mark.browser
LABEL = "Multiply every activation by"
# Before the page loads: the time of each websocket message sent, and of each key pressed.
RECORD = """
window.__wsSent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (...args) { window.__wsSent.push(performance.now()); return send.apply(this, args); };
window.addEventListener('keydown', () => { window.__keyAt = performance.now(); }, true);
"""
DRAWS = "() => Number(document.querySelector('.bnviz-live')?.dataset.draws || 0)"
TRACES = """() => Object.fromEntries(document.querySelector('.bnviz-live .js-plotly-plot').data.map(
    (t) => [t.meta, {counts: Array.from(t.customdata), y: Array.from(t.y)}]))"""


def open_home(page, app_url, path=""):
    page.add_init_script(RECORD)
    open_page(page, app_url, path)
    page.wait_for_function(f"() => ({DRAWS})() >= 1")  # plotly.js loaded and the chart drawn
    return page.get_by_role("slider", name=LABEL)  # a native range input named by its <label>


def tab_to(page, control) -> None:
    """Move the focus with the Tab key alone until it reaches `control`."""
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if control.evaluate("(e) => e === document.activeElement"):
            return
    raise AssertionError("the control cannot be reached with the Tab key")


def assert_traces_are_the_cores(page, scale: float, gamma: float = 1.0, beta: float = 0.0) -> None:
    """The bars the browser drew, before and after BN: the core's counts (numpy's binning) exactly, and its
    densities (the browser's BatchNorm is the core's to float64's rounding)."""
    figure = before_after_figure(default_batch().x, scale, gamma, beta)
    traces = page.evaluate(TRACES)
    assert sorted(traces) == sorted(t.meta for t in figure.data)  # before_0 … after_3
    for trace in figure.data:
        assert traces[trace.meta]["counts"] == list(trace.customdata), trace.meta
        np.testing.assert_allclose(traces[trace.meta]["y"], trace.y, rtol=1e-12, err_msg=trace.meta)


def test_the_keyboard_moves_the_live_chart_and_the_link_follows_with_no_press_lost(page, app_url):
    control = open_home(page, app_url)
    tab_to(page, control)
    drawn = page.evaluate(DRAWS)
    for _ in range(10):
        page.keyboard.press("ArrowRight")  # 1.0 -> 2.0 in steps of 0.1, without waiting between presses
    expect(control).to_have_value("2")
    expect(page.locator(".bnviz-live output").first).to_have_text("2.0")
    page.wait_for_function(f"(drawn) => ({DRAWS})() > drawn", arg=drawn)
    expect(page).to_have_url(re.compile(r"[?&]home_scale=2(&|$)"), timeout=5_000)
    wait_idle(page)
    expect(control).to_have_value("2")  # still there once Python has run with it
    std = default_batch().x.std(axis=0) * 2.0
    table = page.locator('[data-testid="stTable"] tbody tr')
    for c in range(4):
        expect(table.nth(c).locator("td").nth(1)).to_have_text(f"{std[c]:.3f}")
    after = [float(table.nth(c).locator("td").nth(3).inner_text()) for c in range(4)]
    assert after == pytest.approx([1.0] * 4, abs=1e-3)  # the After column: BN gives the scale back
    # The live readout, computed in the browser, shows what the core's table shows.
    expect(page.locator(".bnviz-live [data-name=std]")).to_have_text(", ".join(f"{s:.3f}" for s in std))
    assert_traces_are_the_cores(page, 2.0)
    assert_no_exception(page)


def test_gamma_and_beta_move_channel_0_after_bn_and_nothing_before_it(page, app_url):
    open_home(page, app_url)
    before = page.evaluate(TRACES)
    gamma = page.get_by_role("slider", name="γ of channel 0 (scale after BN)")
    beta = page.get_by_role("slider", name="β of channel 0 (shift after BN)")
    press(gamma, 10)  # 1.00 -> 1.50
    press(beta, 5, "ArrowLeft")  # 0.0 -> -0.5
    expect(gamma).to_have_value("1.5")
    expect(beta).to_have_value("-0.5")
    expect(page).to_have_url(re.compile(r"[?&]home_gamma=1\.5(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]home_beta=-0\.5(&|$)"))
    wait_idle(page)
    moved = page.evaluate(TRACES)
    assert [moved[f"before_{c}"] for c in range(4)] == [before[f"before_{c}"] for c in range(4)]
    assert moved["after_0"] != before["after_0"]  # (the others' bars as the core bins them on the wider axis)
    assert_traces_are_the_cores(page, 1.0, 1.5, -0.5)
    # The browser's readouts and Python's table: the core's mean and std of channel 0 after BN.
    y = before_after(default_batch().x, 1.0, 1.5, -0.5).y
    expect(page.locator(".bnviz-live [data-name=mean_after]")).to_have_text(fixed(y[:, 0].mean(), 3))
    expect(page.locator(".bnviz-live [data-name=std_after]")).to_have_text(fixed(y[:, 0].std(), 3))
    row = page.locator('[data-testid="stTable"] tbody tr').first.locator("td")
    expect(row.nth(2)).to_have_text(fixed(y.mean(axis=0)[0], 3, "-"))  # a table's ASCII minus (fixed_cells)
    expect(row.nth(3)).to_have_text(fixed(y.std(axis=0)[0], 3, "-"))
    assert_no_exception(page)


def test_the_browsers_histograms_are_the_cores_binning_at_the_ends_of_the_range(page, app_url):
    control = open_home(page, app_url)
    assert_traces_are_the_cores(page, 1.0)
    for key, scale in (("End", 10.0), ("Home", 0.1)):  # ×10 puts the largest value on the last edge
        drawn = page.evaluate(DRAWS)
        control.press(key)
        page.wait_for_function(f"(drawn) => ({DRAWS})() > drawn", arg=drawn)
        expect(control).to_have_value(f"{scale:g}")
        assert_traces_are_the_cores(page, scale)


def test_no_message_goes_to_the_server_between_a_key_press_and_the_redrawn_chart(page, app_url):
    control = open_home(page, app_url)
    control.focus()
    page.evaluate(
        "() => { window.__drawnAt = null; const root = document.querySelector('.bnviz-live');"
        "new MutationObserver(() => { window.__drawnAt ??= performance.now(); })"
        ".observe(root, {attributes: true, attributeFilter: ['data-draws']}); }"
    )
    control.press("ArrowRight")
    page.wait_for_function("() => window.__drawnAt !== null")
    sent = page.evaluate("() => window.__wsSent.filter((t) => t >= window.__keyAt && t <= window.__drawnAt).length")
    assert sent == 0
    expect(page).to_have_url(re.compile(r"[?&]home_scale=1\.1(&|$)"))  # sent once the hand has stopped


def test_plotly_js_comes_from_the_app_not_a_cdn_and_a_second_tab_takes_it_from_the_cache(
    page, browser_context, app_url
):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_home(page, app_url, "?home_scale=10")
    app = urlparse(app_url)
    for url in requests:
        origin = urlparse(url[len("blob:") :] if url.startswith("blob:") else url)
        assert (origin.scheme, origin.netloc) == (app.scheme, app.netloc), url
    # The script element the live chart added: where plotly.js came from (a copy from the browser's
    # cache sends no request, so the element, not the network log, says it).
    loaded = page.evaluate("() => [...document.querySelectorAll('script[src$=\"/plotly.min.js\"]')].map((s) => s.src)")
    assert [urlparse(url).path for url in loaded] == [f"/{MODULES_URL}plotly.min.js"]
    assert all(urlparse(url).netloc == app.netloc for url in loaded)
    response = page.request.get(loaded[0])
    assert response.status == 200 and "javascript" in response.headers["content-type"]
    # The chart is drawn by that copy, not by the other one Streamlit's own plotly charts bundle and
    # put in window.Plotly when they load (the home page has those too).
    assert page.locator(".bnviz-live").first.get_attribute("data-plotly") == get_plotlyjs_version()
    expect(page.get_by_role("slider", name=LABEL)).to_have_value("10")  # the link's value, shown
    # Another tab takes it from the browser's cache without asking the server (transfer size 0; a request
    # answered "not modified" has its headers' size): the served files carry an old date (ui.live.SERVED_DATE),
    # and plotly.js asked for again came whole and was compiled anew, about a second per page load.
    second = browser_context.new_page()
    try:
        open_home(second, app_url)
        sizes = second.evaluate(
            "() => performance.getEntriesByType('resource')"
            ".filter((r) => r.name.endsWith('/plotly.min.js')).map((r) => r.transferSize)"
        )
        assert sizes == [0]
    finally:
        second.close()


def test_a_mouse_drag_redraws_the_chart_while_the_hand_moves_and_the_link_follows_the_release(page, app_url):
    control = open_home(page, app_url)
    box = control.bounding_box()
    y, left, width = box["y"] + box["height"] / 2, box["x"], box["width"]
    page.mouse.move(left + width * 0.1, y)
    page.mouse.down()
    for i in range(2, 10):  # the hand moves right in eight steps, the button held
        drawn = page.evaluate(DRAWS)
        page.mouse.move(left + width * i / 10, y)
        page.wait_for_function(f"(drawn) => ({DRAWS})() > drawn", arg=drawn)  # redrawn before the release
        assert_traces_are_the_cores(page, float(control.input_value()))  # the core's counts, mid-drag
    page.mouse.move(left + width + 40, y)  # past the end: the largest value
    page.mouse.up()
    expect(control).to_have_value("10")
    expect(page).to_have_url(re.compile(r"[?&]home_scale=10(&|$)"))  # sent once the hand let go
    wait_idle(page)
    expect(control).to_have_value("10")  # not moved back by the run that used it
    assert_traces_are_the_cores(page, 10.0)


def test_classroom_mode_enlarges_the_live_control_and_its_chart_and_the_link_keeps_both(page, app_url):
    control = open_home(page, app_url, "?classroom=1&home_scale=2")
    # Locked at ×1 until the class has predicted what ×4 does (content.home.SCALE_PREDICTION): ×2 would tell.
    expect(control).to_have_value("1")
    expect(control).to_be_disabled()
    prompt = page.locator(".st-key-lesson_ask_home_predict_scale")
    after_run(page, prompt.get_by_text(SCALE_PREDICTION.choices[1], exact=True).click)
    expect(control).to_be_enabled()
    press(control, 10)
    expect(control).to_have_value("2")
    sizes = page.evaluate(
        "() => ['label', 'output', '.bnviz-live-readout-value'].map("
        "(s) => parseFloat(getComputedStyle(document.querySelector('.bnviz-live ' + s)).fontSize))"
    )
    assert min(sizes) >= 20, sizes  # 1.3rem: text for the back of the room
    chart_font = page.evaluate("() => document.querySelector('.bnviz-live .js-plotly-plot')._fullLayout.font.size")
    assert chart_font == round(12 * FONT_SCALE)  # the figure classroom.enlarge made in Python
    press(control, 3)
    expect(control).to_have_value("2.3")
    expect(page).to_have_url(re.compile(r"[?&]home_scale=2\.3(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]classroom=1(&|$)"))
    assert_traces_are_the_cores(page, 2.3)


# The width plotly drew the live chart at, and its container's.
WIDTHS = """() => { const root = document.querySelector('.bnviz-live');
  return [root.querySelector('.main-svg').getBoundingClientRect().width, root.getBoundingClientRect().width]; }"""


def test_the_live_chart_follows_its_containers_width_when_the_sidebar_collapses(page, app_url):
    open_home(page, app_url)
    drawn, room = page.evaluate(WIDTHS)
    assert abs(drawn - room) < 2
    page.get_by_test_id("stSidebar").hover()  # Streamlit shows the collapse button on hover
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    page.wait_for_function(f"() => ({WIDTHS})()[1] > {room} + 50")  # the main area grew
    page.wait_for_function(f"() => {{ const [d, r] = ({WIDTHS})(); return Math.abs(d - r) < 2; }}")
