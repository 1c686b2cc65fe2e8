"""/gamma-beta's live charts in Chromium (ui/live/kinds.js: gamma_beta_stages and nonlinearity): the
keyboard moves γ and β, the browser computes the readouts and the histograms, and they are the core's
(bnviz.experiments.gamma_beta) to 1e-9 relative, the counts numpy's binning exactly."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg

from bnviz.experiments import gamma_beta
from bnviz.figures.common import default_bins, histogram_edges
from helpers.pw_helpers import address, assert_no_exception, open_page, shot, wait_idle
from ui.state import default_batch

pytestmark = pytest.mark.browser
C = 1  # the channel the page opens on


def live(page, control: str):
    """The live chart holding the range input named `control`."""
    return page.locator(f'.bnviz-live:has(input[name="{control}"])')


def back_message(frame) -> BackMsg:
    """A websocket frame the browser sent to Streamlit, decoded."""
    message = BackMsg()
    message.ParseFromString(frame)
    return message


# In the page, before the app's scripts: every frame the page sends, in order, with a mark where a link was
# clicked (capture phase, before the app's own listeners), so what was sent after the click is known exactly;
# Playwright's framesent events arrive later than the frames leave, and may land on either side of a click.
RECORD_SENT = """
window.__sent = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  window.__sent.push(Array.from(bytes));
  return send.call(this, data);
};
document.addEventListener("click", (e) => { if (e.target.closest("a[href]")) window.__sent.push("click"); }, true);
"""


def reruns_since_the_last_click(page) -> list[str]:
    """The fragment id of every rerun request the page sent after the last link it clicked ("" for a page's)."""
    sent = page.evaluate("() => window.__sent")
    after = sent[len(sent) - sent[::-1].index("click") :]
    messages = [back_message(bytes(frame)) for frame in after]
    return [m.rerun_script.fragment_id for m in messages if m.WhichOneof("type") == "rerun_script"]


def draws(chart) -> int:
    return int(chart.get_attribute("data-draws") or 0)


def press(chart, control, key: str, times: int = 1) -> None:
    """Press `key` on the range input `control` and wait for the chart redrawn after the last press."""
    control.focus()
    drawn = draws(chart)
    for _ in range(times):
        control.press(key)
    expect(chart).not_to_have_attribute("data-draws", str(drawn))
    chart.page.wait_for_function("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def shown(chart, name: str) -> float:
    """A readout's value as the browser computed it (its data-value, unrounded; the text is rounded)."""
    return float(chart.locator(f'.bnviz-live-readout-value[data-name="{name}"]').get_attribute("data-value"))


def trace(chart, meta: str) -> dict:
    """The drawn trace the figure builder named `meta` (bnviz.figures.gamma_beta)."""
    return chart.evaluate(
        "(root, meta) => { const t = root.querySelector('.js-plotly-plot').data.find((t) => t.meta === meta);"
        " return {x: Array.from(t.x), counts: Array.from(t.customdata)}; }",
        meta,
    )


def assert_bars_are_numpys(bars: dict, values) -> None:
    """The browser's bins (centres) and counts are numpy's: histogram_edges and np.histogram, exactly."""
    edges = histogram_edges([values], default_bins(values.size))
    counts, _ = np.histogram(values, bins=edges)
    assert bars["counts"] == counts.tolist()
    assert bars["x"] == (0.5 * (edges[:-1] + edges[1:])).tolist()


def test_the_keyboard_moves_gamma_and_beta_and_the_browsers_numbers_are_the_cores(page, app_url):
    open_page(page, app_url, "gamma-beta")
    stages = live(page, "gamma")
    gamma, beta = (page.get_by_role("slider", name=n, exact=True) for n in ("γ (scale)", "β (shift)"))
    page.wait_for_function("(e) => Number(e.dataset.draws || 0) >= 1", arg=stages.element_handle())
    x = default_batch().x
    x_c = x[:, C]
    for key, times, control, g, b in [
        ("ArrowRight", 5, gamma, 1.5, 0.0),  # channel 1: γ in [0, 30] by 0.1, β in [-15, 15] by 0.1
        ("ArrowLeft", 7, beta, 1.5, -0.7),
        ("Home", 1, gamma, 0.0, -0.7),  # a constant output: the bins widen around it
        ("End", 1, gamma, 30.0, -0.7),
    ]:
        press(stages, control, key, times)
        expect(gamma).to_have_value(f"{g:g}")
        expect(beta).to_have_value(f"{b:g}")
        gammas, betas = (1.0, g, 1.0, 1.0), (0.0, b, 0.0, 0.0)
        y, _, out = gamma_beta.output_readout(x, gammas, betas)
        assert shown(stages, "mean") == pytest.approx(out.mean[C], rel=1e-9)
        assert shown(stages, "std") == pytest.approx(out.std[C], rel=1e-9, abs=1e-300)
        # the channel shown, beside its other readouts (161, channel 3's, would never move here)
        assert shown(stages, "largest") == pytest.approx(out.max_abs_diff[C], rel=1e-9)
        assert shown(stages, "w1") == pytest.approx(out.w1[C], rel=1e-9)
        assert_bars_are_numpys(trace(stages, "y_bars"), y[:, C])  # the y row: y = γ·x̂ + β
    # The hand stopped: the value went back to Python, into the tuple and the link.
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=1%2C30(&|$)|[?&]gb_gamma=1,30(&|$)"), timeout=10_000)
    wait_idle(page)
    expect(gamma).to_have_value("30")  # not moved back by the run that used it

    page.get_by_role("button", name="Recover the original").click()
    gamma_rec, beta_rec = gamma_beta.recovery(x)
    expect(stages.locator("output").first).to_have_text(f"{gamma_rec[C]:.4f}")  # moved by Python, exactly
    page.wait_for_function(
        "(e) => Number(e.querySelector('[data-name=largest]').dataset.value) < 1e-9", arg=stages.element_handle()
    )
    assert shown(stages, "mean") == pytest.approx(beta_rec[C], rel=1e-9)
    wait_idle(page)
    shot(page, "gamma-beta-live-recovered")

    # §2: γ and β before the nonlinearity move z over the sigmoid, and the share is the core's, exactly.
    nl = live(page, "gb_nl_gamma")
    nl_gamma = page.get_by_role("slider", name="γ before the nonlinearity")
    nl_beta = page.get_by_role("slider", name="β before the nonlinearity")
    nl.scroll_into_view_if_needed()
    for control, key, times, g, b in [(nl_gamma, "ArrowRight", 6, 1.3, 0.0), (nl_beta, "ArrowRight", 6, 1.3, 0.3)]:
        press(nl, control, key, times)
        expect(nl_gamma).to_have_value(f"{g:g}")
        expect(nl_beta).to_have_value(f"{b:g}")
        _, z = gamma_beta.standardized(x_c, g, b)
        assert shown(nl, "share") == gamma_beta.share_in_linear_region(z, "sigmoid")
        assert_bars_are_numpys(trace(nl, "z_bars"), z)
    assert_no_exception(page)


def test_a_hostile_link_value_renders_nothing_runs_nothing_and_labels_are_text(page, app_url):
    hostile = "<img src=x onerror=window.__pwned=1>"
    open_page(page, app_url, f"gamma-beta?gb_gamma={hostile}&gb_nl_beta={hostile}")
    stages = live(page, "gamma")
    page.wait_for_function("(e) => Number(e.dataset.draws || 0) >= 1", arg=stages.element_handle())
    expect(page.get_by_text(re.compile("could not be used.*gb_gamma"))).to_be_visible()
    expect(page.get_by_role("slider", name="γ (scale)", exact=True)).to_have_value("1")  # the default
    expect(page.get_by_role("slider", name="β before the nonlinearity")).to_have_value("0")
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => window.__pwned") is None
    # Every label and readout of the live charts is plain text: no element inside.
    assert page.evaluate(
        "() => [...document.querySelectorAll('.bnviz-live label, .bnviz-live-readout span, .bnviz-live output')]"
        ".every((e) => e.children.length === 0)"
    )
    assert "gb_gamma" not in address(page) and "gb_nl_beta" not in address(page)


def test_an_uploaded_batch_with_a_hostile_channel_name_runs_nothing_in_the_live_charts(page, app_url, tmp_path):
    hostile = "<img src=x onerror=window.__pwned=1>"
    path = tmp_path / "hostile.csv"
    rows = "\n".join(f"{i % 7 - 3.0},{(i * 3) % 11 + 0.5}" for i in range(64))
    path.write_text(f'"{hostile}",plain\n{rows}\n')
    page.add_init_script(RECORD_SENT)
    open_page(page, app_url, "batch")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.get_by_text("Loaded hostile.csv")).to_be_visible()
    wait_idle(page)
    for link, control in (("Drag γ and β", "gamma"), ("Start here", "home_scale")):
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=link).click()
        chart = live(page, control)
        page.wait_for_function("(e) => Number(e.dataset.draws || 0) >= 1", arg=chart.element_handle())
        # Left within the debounce of the last press, /gamma-beta sent nothing more: a late value would
        # rerun its fragment while the home page runs, and Streamlit then blanks the home page.
        assert reruns_since_the_last_click(page) == [""]
        press(chart, chart.locator(f'input[name="{control}"]'), "ArrowRight", 3)  # redrawn from the upload's values
        assert page.locator('img[src="x"]').count() == 0
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate(
            "() => [...document.querySelectorAll('.bnviz-live label, .bnviz-live-readout span, .bnviz-live output')]"
            ".every((e) => e.children.length === 0)"
        )
    assert_no_exception(page)
