"""Helpers for the browser tests: open a page, wait for Streamlit to finish, look for errors,
check the page with axe-core and watch Chromium's console."""

from __future__ import annotations

import contextlib
import os
import re
import weakref
from urllib.parse import urlparse

from axe_playwright_python.sync_playwright import Axe
from conftest import ARTIFACTS
from playwright.sync_api import Page, WebSocket, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
RUN_ENDED = {  # how a script run ends, as Streamlit's server says it (not: ended early for the next run)
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}
_SOCKETS: weakref.WeakKeyDictionary[Page, WebSocket] = weakref.WeakKeyDictionary()  # see watch_runs


# Generous: a page that trains on its first open can take a while on a loaded 2-core machine.
# A passing test does not wait for these; only a failing one does.
WAIT_MS = 120_000
expect.set_options(timeout=30_000)

# Screenshots for a person to look at, saved only when asked (`BNVIZ_SCREENSHOTS=1`): they assert nothing,
# and each costs Chromium a full raster, a tall one a relayout of every chart twice.
SCREENSHOTS = os.environ.get("BNVIZ_SCREENSHOTS", "") not in ("", "0")


# An element whose code Streamlit loads on first use (a radio, a slider, a table) stands as this placeholder
# until the code arrives, which can be after the run has ended: on a fresh page a prompt was once not yet on
# screen when the app said it was idle.
LOADING = "() => !document.querySelector('[data-testid=stSkeleton]')"


def wait_idle(page: Page, timeout: float = WAIT_MS) -> None:
    """Wait until the script run has finished, the app is connected and every element is drawn."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(LOADING, timeout=timeout)
    page.wait_for_load_state("networkidle")  # the first load's files (it resolves at once after that)


def address(page: Page) -> str:
    """The address the browser shows (location.href). Not page.url: Playwright's record of it can stay on
    the page before when a run replaces one history entry and pushes the next (ui/history.js)."""
    return page.evaluate("location.href")


def watch_runs(page: Page) -> None:
    """Keep the page's Streamlit websocket, for after_run (conftest's page fixture calls this)."""

    def keep(socket: WebSocket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            _SOCKETS[page] = socket

    page.on("websocket", keep)


def _run_ended(payload: bytes | str) -> bool:
    """Whether a message from Streamlit's server says a script run (the app's or a fragment's) ended,
    other than to start another one at once."""
    if isinstance(payload, str):
        return False
    message = ForwardMsg.FromString(payload)
    return message.WhichOneof("type") == "script_finished" and message.script_finished in RUN_ENDED


def after_run(page: Page, action, timeout: float = WAIT_MS) -> None:
    """Do `action` (a click, a key, a Back) that starts a script run, and wait until the server says a run
    has ended after it, then until the app is idle. Waiting for the idle state alone may return at once:
    until the server answers the click, the app still shows the run before it as finished."""
    socket = _SOCKETS[page]  # a page the page fixture did not open: call watch_runs on it first
    with socket.expect_event("framereceived", predicate=_run_ended, timeout=timeout):
        action()
    wait_idle(page, timeout)


def open_page(page: Page, base: str, path: str = "") -> Page:
    """Go to base/path and wait for the first run to finish."""
    page.goto(f"{base}/{path}")
    page.wait_for_selector('[data-testid="stMain"]', timeout=WAIT_MS)
    wait_idle(page)
    return page


def assert_no_exception(page: Page) -> None:
    """No exception element and no error callout from an uncaught error."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def assert_large_text(page) -> None:
    """Text of 1.3rem (20.8 px), readable from the back of the room. Polled: on a fresh server the
    first run of a deep link is the page alone, and app.py's run with the style follows it."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMain] p')].slice(0, 5)"
        ".every(e => parseFloat(getComputedStyle(e).fontSize) >= 20)",
        timeout=WAIT_MS,
    )


# --- accessibility and the console --------------------------------------------------------------

AXE = Axe()  # axe-core, as shipped by the axe-playwright-python package
SERIOUS = ("critical", "serious")
# On a deep link (/steps) Streamlit's client first looks for the server under the page's path and
# gets 404 for /steps/_stcore/health and /steps/_stcore/host-config before it finds it at /: its
# own probes, not the app's requests.
BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


def serious_violations(page: Page) -> list[dict]:
    """axe-core's critical and serious violations on the page as it is now (every rule axe runs by
    default: WCAG 2 A and AA, and its best practices). Each: rule id, impact, help and nodes."""
    found = AXE.run(page).response["violations"]
    return [v for v in found if v["impact"] in SERIOUS]


def assert_accessible(page: Page) -> None:
    """No critical or serious axe-core violation; the message lists each rule and the nodes that break it."""
    found = serious_violations(page)
    assert not found, f"axe-core on {page.url}:\n" + "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {len(v['nodes'])} node(s): "
        + "; ".join(" >> ".join(map(str, n["target"])) for n in v["nodes"])
        for v in found
    )


def watch_console(page: Page) -> list[str]:
    """From now on, every error in `page`'s console, uncaught exception and failed request (HTTP 400 or
    more, or no answer), as text; Streamlit's base-path probes aside. The list fills as they happen."""
    problems: list[str] = []

    def probe(url: str) -> bool:
        return bool(BASE_PATH_PROBE.match(urlparse(url).path))

    def on_console(message) -> None:
        if message.type == "error" and not probe(message.location.get("url", "")):
            problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def on_response(response) -> None:
        if response.status >= 400 and not probe(response.url):
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("response", on_response)
    return problems


def plotly_charts(page: Page):
    """The page's charts that no control of theirs moves: st.plotly_chart's, and ui.live.chart's."""
    return page.locator('[data-testid="stPlotlyChart"], .bnviz-chart')


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot to the git-ignored artifacts folder (with BNVIZ_SCREENSHOTS=1)."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def next_frames(page: Page, frames: int = 2) -> None:
    """Wait until the browser has drawn `frames` more frames (a resize or a key press has been laid out)."""
    page.evaluate(
        "(n) => new Promise((done) => { const tick = (k) => k ? requestAnimationFrame(() => tick(k - 1)) : done();"
        " tick(n); })",
        frames,
    )


def open_expander(page: Page, label: str) -> None:
    """Open the closed expander whose label starts with `label` (side topics sit in them)."""
    details = page.locator('[data-testid="stExpander"] details').filter(has=page.locator("summary", has_text=label))
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")


def tall_shot(page: Page, name: str, height: int = 2600) -> None:
    """A screenshot of a tall window: Streamlit scrolls inside its own container, so a full-page
    screenshot shows only what fits in the window. Only with BNVIZ_SCREENSHOTS=1."""
    if not SCREENSHOTS:
        return
    page.set_viewport_size({"width": 1400, "height": height})
    next_frames(page)  # plotly has laid the charts out at the new size
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def slider(page: Page, label: str):
    """The slider input (an <input type=range>) whose label is `label`: focus it and press arrow keys."""
    block = page.locator('[data-testid="stSlider"]').filter(has_text=re.compile(re.escape(label)))
    return block.get_by_role("slider").first


def step_slider(thumb, presses: int, key: str = "ArrowRight") -> None:
    """Press a key on a slider `presses` times, once per step, each press waiting for the value
    (the input's value, which is its aria-valuenow) to move. Never pressed again: a press the app
    loses fails the test, as it would fail a learner. The caller asserts the value it ends at."""
    for _ in range(presses):
        expect(thumb).to_be_enabled(timeout=WAIT_MS)
        before = thumb.input_value()
        thumb.press(key)
        expect(thumb).not_to_have_value(before, timeout=WAIT_MS)


def press(thumb, times: int, key: str = "ArrowRight") -> None:
    """Press an arrow key on a slider `times` times in a row, without waiting between presses: a bound
    slider's value is never sent back by the page, so no rerun undoes a press (then expect the value)."""
    thumb.focus()
    for _ in range(times):
        thumb.press(key)


# --- a projector's screen -----------------------------------------------------------------------

PROJECTORS = ({"width": 1280, "height": 720}, {"width": 1024, "height": 768})
# Text that must not be cut: metrics, buttons, page links, radio, select and other widget labels, tabs,
# and the live charts' labels and readouts. Each is measured, and so is every element inside it that
# clips (overflow other than visible) or ends its text in "…". Visually hidden helpers (1 px wide,
# the radio's input) are not text a learner reads.
_CUT_TEXT = """() => {
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const what = (e) => `${e.getAttribute('data-testid') || e.tagName.toLowerCase()} "${
    (e.innerText || e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50)}"`;
  const TEXT = ['[data-testid=stMetricLabel]', '[data-testid=stMetricValue]', '[data-testid=stMain] button',
    '[data-testid=stPageLink] a', '[data-testid=stRadio] label', '[data-testid=stSelectbox] label',
    '[data-testid=stSelectbox] [data-baseweb=select] > div', '[data-testid=stWidgetLabel]',
    '[data-testid=stMain] [data-testid=stTab]', '.bnviz-live-control label', '.bnviz-live-readouts',
    '.bnviz-live-play'];
  const cut = [];
  for (const el of document.querySelectorAll(TEXT.join(','))) {
    if (!shown(el)) continue;
    for (const e of [el, ...el.querySelectorAll('*')]) {
      const s = getComputedStyle(e);
      const clips = e === el || s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
      if (clips && shown(e) && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
        cut.push(`${what(el)}: scrollWidth ${e.scrollWidth} > clientWidth ${e.clientWidth} (${e.tagName.toLowerCase()})`);
    }
  }
  return cut;
}"""
_SIDEWAYS = """() => [document.scrollingElement,
    ...document.querySelectorAll('[data-testid=stAppViewContainer], [data-testid=stMain], [data-testid=stMainBlockContainer]')]
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => `${e.getAttribute('data-testid') || e.tagName}: scrollWidth ${e.scrollWidth} > clientWidth ${e.clientWidth}`)"""
# Every chart on screen drawn: no placeholder left (Streamlit shows a skeleton while it loads its plotly
# chart's code), and plotly's SVG text in each. Then the smallest text of each.
_CHARTS_DRAWN = f"""() => ({LOADING})()
  && [...document.querySelectorAll('[data-testid=stPlotlyChart], .bnviz-live-chart')]
  .filter((c) => c.getClientRects().length > 0).every((c) => c.querySelector('.main-svg text'))"""
_CHART_FONTS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter((p) => p.getClientRects().length > 0).map((p, i) => {
    const sizes = [...p.querySelectorAll('.main-svg text')]
      .filter((t) => t.textContent.trim() && t.getClientRects().length > 0)
      .map((t) => [parseFloat(getComputedStyle(t).fontSize), t.textContent.trim().slice(0, 40)])
      .sort((a, b) => a[0] - b[0]);
    return {chart: (p.closest('[class*=st-key-]')?.className.match(/st-key-(\\S+)/) || [, `#${i}`])[1],
            smallest: sizes[0]};
  }).filter((c) => c.smallest)"""
# Every visible text in the main area smaller than `min` px, once per element that holds it (a code block's
# tokens are one entry), as `tag in data-testid "text": size px`. Left out, as text a learner does not read:
# plotly's charts (their SVG text is measured apart, at the chart minimum; the modebar is icons with
# tooltips), Material icons (the ligature's name, "arrow_back", is drawn as an arrow), KaTeX's MathML copy
# (read by screen readers, never drawn: the drawn formula is measured), visually hidden helpers (boxes of
# 1 px, such as a radio's native input) and text in a closed expander or a hidden tab.
_SMALL_TEXT = """(min) => {
  const main = document.querySelector('[data-testid=stMain]');
  if (!main) return [];
  const SKIP = '.js-plotly-plot, .modebar, [data-testid=stIconMaterial], .katex-mathml';
  // A closed expander keeps its content laid out (Streamlit animates the opening), but out of sight.
  const folded = (e) => e.closest('details:not([open])') && !e.closest('summary');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const found = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const e = node.parentElement;
    if (!text || !e || e.closest(SKIP) || folded(e)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    const s = getComputedStyle(e);
    if (box.width <= 1 || box.height <= 1 || s.visibility === 'hidden' || s.opacity === '0') continue;
    const size = parseFloat(s.fontSize);
    if (size >= min) continue;
    const owner = e.closest('[data-testid]') || e;
    const key = `${owner.getAttribute('data-testid')} ${size}`;
    if (!found.has(key) || !found.get(key).owners.includes(owner)) {
      const entry = found.get(key) || {owners: [], texts: []};
      entry.owners.push(owner);
      entry.texts.push(`${e.tagName.toLowerCase()} in ${owner.getAttribute('data-testid') || owner.tagName.toLowerCase()} `
        + `"${text.replace(/\\s+/g, ' ').slice(0, 40)}": ${size} px`);
      found.set(key, entry);
    }
  }
  // st.dataframe and st.data_editor draw their cells on a canvas in the theme's small font: no text node.
  const grids = [...main.querySelectorAll('[data-testid=stDataFrame]')].filter((g) => g.getBoundingClientRect().height > 1 && !folded(g))
    .map((g) => `canvas grid in stDataFrame "${(g.closest('[class*=st-key-]')?.className.match(/st-key-(\\S+)/) || [, ''])[1]}": `
      + 'its cells drawn at about 14 px');
  return [...found.values()].flatMap((entry) => entry.texts).concat(grids);
}"""
# Plotly's text that overlaps a legend: an axis title, a subplot title or another annotation, the chart's
# title; each as `chart: legend [x, y, w, h] overlaps <what> "text" [x, y, w, h]`.
_LEGEND_OVERLAPS = """() => {
  const rect = (r) => `[${[r.x, r.y, r.width, r.height].map(Math.round).join(', ')}]`;
  const apart = (a, b) => a.right <= b.left + 1 || b.right <= a.left + 1 || a.bottom <= b.top + 1 || b.bottom <= a.top + 1;
  const found = [];
  [...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.getClientRects().length > 0).forEach((p, i) => {
    const chart = (p.closest('[class*=st-key-]')?.className.match(/st-key-(\\S+)/) || [, `#${i}`])[1];
    const titles = p.querySelectorAll('.g-xtitle text, .g-ytitle text, .xtitle, .ytitle, .annotation-text, .gtitle');
    for (const legend of p.querySelectorAll('g.legend')) {
      const l = legend.getBoundingClientRect();
      if (l.width < 1) continue;
      for (const t of titles) {
        const b = t.getBoundingClientRect();
        if (b.width >= 1 && t.textContent.trim() && !apart(l, b))
          found.push(`${chart}: legend ${rect(l)} overlaps ${t.getAttribute('class')} "${t.textContent.trim().slice(0, 40)}" ${rect(b)}`);
      }
    }
  });
  return found;
}"""
# Tick labels written with an SI suffix (plotly's exponentformat "B" or "SI": "100μ", "2m", "5k"): here μ is
# a mean, so ticks are plain numbers or "1e−4".
_SI_TICKS = """() => [...document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, '
    + '.js-plotly-plot .cbaxis text, .js-plotly-plot .colorbar text')]
  .filter((t) => t.getClientRects().length > 0)
  .map((t) => t.textContent.trim()).filter((t) => /^[−-]?[\\d.]+\\s*[μµmkMGTunp]$/.test(t))"""
_SIDEBAR = """() => { const s = document.querySelector('[data-testid=stSidebar]');
  return s ? {collapsed: s.getAttribute('data-collapsed'), width: s.getBoundingClientRect().width} : null; }"""


# A formula KaTeX laid out on one line that a style lets wrap: its pieces land far apart (a label's
# √(σ²_B + ε) as a column of symbols).
_KATEX_IN_PIECES = """() => [...document.querySelectorAll('[data-testid=stMain] .katex .base')]
  .filter((e) => getComputedStyle(e).whiteSpace !== 'nowrap')
  .map((e) => (e.closest('.katex').textContent || '').slice(0, 40))"""


def formulas_in_pieces(page: Page) -> list[str]:
    """The formulas (their text) that a style lets wrap inside, so that they are drawn in pieces."""
    return page.evaluate(_KATEX_IN_PIECES)


def cut_text(page: Page) -> list[str]:
    """Text cut off on the page as it is (any width, classroom mode or not), each with its widths."""
    return page.evaluate(_CUT_TEXT)


TEXT_MIN = 20  # px: the smallest text a learner reads in classroom mode, from the back of the room
CHART_TEXT_MIN = 18  # px: the smallest chart text in classroom mode (ui.classroom.MIN_FONT)


def small_text(page: Page, min_size: float = TEXT_MIN) -> list[str]:
    """Every visible text in the main area under `min_size` px (charts aside), each with its element and size."""
    return page.evaluate(_SMALL_TEXT, min_size)


def projector_problems(page: Page, min_font: float = CHART_TEXT_MIN, min_text: float = TEXT_MIN) -> list[str]:
    """What a projected page gets wrong, each with its values: text cut off, the page scrolling sideways,
    a formula in pieces, the sidebar open, text smaller than `min_text` px, chart text smaller than
    `min_font` px, a legend over an axis or subplot title, a tick label with an SI suffix. Waits for every
    chart on screen to be drawn."""
    page.wait_for_function(_CHARTS_DRAWN, timeout=WAIT_MS)
    problems = [f"cut off: {c}" for c in page.evaluate(_CUT_TEXT)]
    problems += [f"scrolls sideways: {w}" for w in page.evaluate(_SIDEWAYS)]
    problems += [f"formula in pieces: {f}" for f in formulas_in_pieces(page)]
    sidebar = page.evaluate(_SIDEBAR)
    if sidebar is not None and (sidebar["collapsed"] != "true" or sidebar["width"] > 1):
        problems.append(f"sidebar open: {sidebar}")
    problems += [f"text under {min_text} px: {t}" for t in small_text(page, min_text)]
    for chart in page.evaluate(_CHART_FONTS):
        size, text = chart["smallest"]
        if size < min_font:
            problems.append(f"chart {chart['chart']}: text {text!r} at {size} px < {min_font} px")
    problems += [f"legend overlap: {o}" for o in page.evaluate(_LEGEND_OVERLAPS)]
    problems += [f"tick label with an SI suffix: {t!r}" for t in page.evaluate(_SI_TICKS)]
    return problems


def assert_fits_projectors(page: Page) -> None:
    """At 1280 × 720 and at 1024 × 768 the page shows every label whole, does not scroll sideways, keeps
    its sidebar collapsed, draws its text at 20 px or more and its charts' at 18 px or more, keeps each
    legend off the axis and subplot titles and writes no tick label with an SI suffix (projector_problems).
    Leaves the window at 1280 × 720."""
    found = []
    for size in reversed(PROJECTORS):  # the narrow one first, so the page ends at 1280 × 720
        page.set_viewport_size(size)
        # Charts drawn for the wider window are redrawn for this one: wait for that, a while.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(f"() => ({_SIDEWAYS})().length === 0", timeout=10_000)
        found += [f"{size['width']}×{size['height']} {problem}" for problem in projector_problems(page)]
    assert not found, f"on a projector, {page.url}:\n" + "\n".join(found)
