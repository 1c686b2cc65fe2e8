"""Live charts (ui/live.py) in Chromium, beside the one-slider page: redraw time, messages, drag, link, bytes.

    python3 bench/live.py                    # every live control in LIVE, and the rerun controls in RERUN
    python3 bench/live.py --only gamma-beta  # one page's live controls (and no rerun control)

One server of app.py and one of bench/minimal_app.py (one slider, one line of text) run for the
whole command; Chromium (tests/conftest.py's launch arguments) opens each page in a fresh
context. Pressed alternately, so both see the same machine load:
  - a live control: keydown → the chart redrawn (the live element's data-draws attribute, set
    once Plotly.react has drawn) → two animation frames (painted);
  - the minimal page's slider: keydown → its text changed → two animation frames.
Each press is then left to finish (the value sent back to Python after 300 ms, the page's URL
carrying it, the rerun done, the websocket quiet) before the next one. Per live control:
  - the median of the timed presses (after a few warm-up ones) and its ratio to the minimal
    page's (target ≤ 0.6×);
  - the websocket messages the page sent between the keydown and the redrawn chart (target 0;
    WebSocket.prototype.send wrapped before the app loads);
  - a one-second mouse drag across the control, pointer moves paced at 60 a second: the number
    of distinct animation frames in which the chart was redrawn (target ≥ 20), and the messages
    sent during it;
  - from the drag's mouseup to the page's URL carrying the new value (target ≤ 1 s);
  - the websocket bytes received per press (the one rerun with the value, once the hand stopped),
    against the same slider's bytes per press before it was live.
Controls that still rerun (RERUN) are pressed with bench/latency.py's Target (the same alternation):
their bytes per press, against the figure before the live charts (target: no more).
Results go to bench/results/live.json and a printed table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

# bench/ and tests/ (conftest's Chromium helpers), before the imports below (ruff sorts them).
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]

from latency import (  # noqa: E402
    FRAMES_JS,
    IDLE,
    Case,
    Target,
    add_press_options,
    browser_and_minimal,
    chart_selector,
    need_chromium,
    report_head,
    summary,
    tab,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402
from serving import RESULTS, ROOT, serve  # noqa: E402

TARGET_RATIO, TARGET_SENT, TARGET_DRAG_FRAMES, TARGET_URL_MS = 0.6, 0, 20, 1000
PRESS_TIMEOUT_MS = 60_000
QUIET_MS = 250  # a press has finished once no websocket message has arrived for this long
DRAG_S, DRAG_MOVES_PER_S = 1.0, 60  # a hand: pointer events at a display's rate
# Websocket kilobytes received per press before the live charts, from docs/performance.md's latency table
# (bench/latency.py at commit 86a6b8d, 2026-11-22): "today's" figure each control is held to.
BEFORE_KB = {
    ("/", "Multiply every activation by"): 29,
    ("/gamma-beta", "γ (scale)"): 22,
    ("/learning", "Step (move it, or press Play, to replay the training; nothing is retrained)"): 63,
    ("/batch", "Channels C"): 54,
}


@dataclass
class Live:
    """One live control: the page it is on (URL path), its label, and which of the live controls
    with that label (a page may show one in two sections). Its URL name is the input's."""

    page: str
    label: str
    nth: int = 0


# The live controls measured. Add one here when a page's control becomes live; a label not found
# as a live range input on its page is reported as "not live" and skipped.
LIVE = [
    Live("", "Multiply every activation by"),
    Live("", "γ of channel 0 (scale after BN)"),
    Live("", "β of channel 0 (shift after BN)"),
    Live("gamma-beta", "γ (scale)"),  # §1
    Live("gamma-beta", "β (shift)"),
    Live("gamma-beta", "γ before the nonlinearity"),  # §3
    Live("gamma-beta", "β before the nonlinearity"),
    Live("learning", "Step (move it, or press Play, to replay the training; nothing is retrained)"),
]
# Controls that still rerun: their bytes per press are held to the figure before the live charts.
RERUN = [Case("batch", "Channels C", "bt_hist")]

# Before the app loads: the time each websocket message is sent (the app's one socket), and of
# each keydown. latency.FRAMES_JS, installed too, keeps the prototype, so this wrap reaches it.
SENT_JS = """
window.__bnvizSent = [];
const __bnvizSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (...args) { window.__bnvizSent.push(performance.now()); return __bnvizSend.apply(this, args); };
"""

# On the focused control: resolves with the keydown's time, the time the watched thing changed
# (a live chart's data-draws, or the text of `selector`), and two animation frames later.
PRESS_JS = """
(control, [selector, timeoutMs]) => {
  const root = selector ? document.querySelector('[data-testid="stMain"]') : control.closest('.bnviz-live');
  const read = selector ? () => (document.querySelector(selector) || {}).innerText : () => root.dataset.draws;
  const before = read();
  window.__bnvizPress = new Promise((resolve) => {
    let t0 = null;
    let over = false;
    const onKey = () => { if (t0 === null) t0 = performance.now(); };
    const done = (why) => {
      if (over) return;
      over = true;
      observer.disconnect(); clearTimeout(limit); document.removeEventListener('keydown', onKey, true);
      const changed = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({why, t0, changed, painted: performance.now()})));
    };
    document.addEventListener('keydown', onKey, true);
    const observer = new MutationObserver(() => { if (t0 !== null && read() !== before) done('ok'); });
    observer.observe(root, selector ? {subtree: true, childList: true, characterData: true}
                                    : {attributes: true, attributeFilter: ['data-draws']});
    const limit = setTimeout(() => done('timeout'), timeoutMs);
  });
}
"""

# The page's URL carries the control's value (compared as numbers: "2" for 2.0).
# For a per-channel value (/gamma-beta's γ and β: `gb_gamma=1,1.5,1,1`), one of the list's.
URL_HAS_VALUE_JS = """
(control) => {
  const want = parseFloat(control.value);
  const ok = [...new URLSearchParams(location.search)].some(([name, held]) =>
    (name === control.name || name.endsWith('_' + control.name)) && held.split(',').some((v) => parseFloat(v) === want));
  if (ok && window.__bnvizUrlAt == null) window.__bnvizUrlAt = performance.now();
  return ok;
}
"""

# Before a drag: an animation-frame counter, and the frames in which the live chart was redrawn.
DRAG_JS = """
(control) => {
  const root = control.closest('.bnviz-live');
  const d = window.__bnvizDrag = {frame: 0, drawFrames: [], down: null, up: null, running: true};
  window.__bnvizUrlAt = null;
  const tick = () => { d.frame += 1; if (d.running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new MutationObserver(() => d.drawFrames.push([d.frame, performance.now()]))
    .observe(root, {attributes: true, attributeFilter: ['data-draws']});
  window.addEventListener('mousedown', () => { d.down ??= performance.now(); }, true);
  window.addEventListener('mouseup', () => { d.up ??= performance.now(); }, true);
}
"""


def main_thread_ms(cdp) -> float:
    """Chromium's busy time on the page's main thread so far (TaskDuration), in ms."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return 1000 * metrics.get("TaskDuration", 0.0)


QUIET_JS = "(ms) => { const f = window.__bnvizFrames; return !f.length || performance.now() - f[f.length - 1] > ms; }"


class LivePage:
    """A tab on a page with a live control: the control, and the bytes the page receives."""

    def __init__(self, page, url: str, case: Live):
        self.page, self.case = page, case
        self.received = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        page.add_init_script(FRAMES_JS)
        page.add_init_script(SENT_JS)
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        page.goto(url)  # the root first: the app's navigation is set up before a deep link
        page.wait_for_selector(IDLE, timeout=300_000)
        if case.page:
            page.goto(f"{url}/{case.page}")
            page.wait_for_selector('[data-testid="stMain"]')
            page.wait_for_selector(IDLE, timeout=300_000)
        page.wait_for_load_state("networkidle")
        controls = page.locator(".bnviz-live").get_by_role("slider", name=case.label, exact=True)
        try:  # the live charts are drawn by the component's script after the run: wait for this one
            controls.nth(case.nth).wait_for(timeout=30_000)
        except PlaywrightTimeoutError:
            pass  # not live on this page: reported and skipped
        self.live = controls.count() > case.nth
        self.control = controls.nth(case.nth)
        if self.live:
            # plotly.js loaded and the chart drawn once
            self.control.evaluate(
                "(c) => new Promise((ok) => { const r = c.closest('.bnviz-live'); "
                "const t = () => Number(r.dataset.draws || 0) ? ok() : requestAnimationFrame(t); t(); })"
            )
            self.name = self.control.get_attribute("name")
        self.key = "ArrowRight"

    def _count(self, payload) -> None:
        self.received += len(payload)

    def settle(self) -> None:
        """The value is in the URL, the rerun with it is done, and no message has come for QUIET_MS."""
        self.page.wait_for_function(URL_HAS_VALUE_JS, arg=self.control.element_handle(), polling="raf")
        self.page.wait_for_selector(IDLE)
        self.page.wait_for_function(QUIET_JS, arg=QUIET_MS, polling=50)

    def press(self) -> dict:
        """One arrow key on the live control: keydown → redrawn → two frames; messages sent; bytes; URL."""
        page, c = self.page, self.control
        value, top, bottom = float(c.input_value()), float(c.get_attribute("max")), float(c.get_attribute("min"))
        self.key = "ArrowLeft" if value >= top else "ArrowRight" if value <= bottom else self.key
        c.focus()
        c.evaluate(PRESS_JS, [None, PRESS_TIMEOUT_MS])
        page.evaluate("() => { window.__bnvizUrlAt = null; window.__bnvizFrames = []; }")
        self.received = 0
        busy = main_thread_ms(self.cdp)
        c.press(self.key)
        r = page.evaluate("window.__bnvizPress")
        busy = main_thread_ms(self.cdp) - busy
        if r["why"] != "ok":
            raise RuntimeError(f"/{self.case.page} {self.case.label}: not redrawn within {PRESS_TIMEOUT_MS} ms: {r}")
        sent = page.evaluate(
            "([a, b]) => window.__bnvizSent.filter((t) => t >= a && t <= b).length", [r["t0"], r["changed"]]
        )
        self.settle()
        return {
            "total_ms": r["painted"] - r["t0"],
            "redrawn_ms": r["changed"] - r["t0"],
            "sent_before_redrawn": sent,
            "main_thread_ms": busy,
            "url_ms": page.evaluate("window.__bnvizUrlAt") - r["t0"],
            "bytes": self.received,
        }

    def drag(self) -> dict:
        """A one-second mouse drag from one end of the control to the other, then the link."""
        page, c = self.page, self.control
        c.evaluate(DRAG_JS)
        box = c.bounding_box()
        y, x0, x1 = box["y"] + box["height"] / 2, box["x"] + 2, box["x"] + box["width"] - 2
        if float(c.input_value()) > (float(c.get_attribute("min")) + float(c.get_attribute("max"))) / 2:
            x0, x1 = x1, x0  # start at the far end, so the drag changes the value from its first move
        page.mouse.move(x0, y)
        page.mouse.down()
        start, moves, gaps, last = time.monotonic(), 0, [], time.monotonic()
        while (elapsed := time.monotonic() - start) < DRAG_S:
            page.mouse.move(x0 + (x1 - x0) * elapsed / DRAG_S, y)
            moves += 1
            gaps.append(time.monotonic() - last)
            last = time.monotonic()
            # paced like a hand (pointer events at a display's rate), not as fast as the protocol goes
            time.sleep(max(0.0, (moves / DRAG_MOVES_PER_S) - (time.monotonic() - start)))
        page.mouse.move(x1, y)
        page.mouse.up()
        page.wait_for_function(URL_HAS_VALUE_JS, arg=c.element_handle(), polling="raf", timeout=PRESS_TIMEOUT_MS)
        d = page.evaluate("window.__bnvizDrag")
        url_at = page.evaluate("window.__bnvizUrlAt")
        during = [f for f, t in d["drawFrames"] if d["down"] <= t <= d["up"]]
        sent = page.evaluate(
            "([a, b]) => window.__bnvizSent.filter((t) => t >= a && t <= b).length", [d["down"], d["up"]]
        )
        page.evaluate("() => { window.__bnvizDrag.running = false; }")
        page.wait_for_selector(IDLE)
        return {
            # Each move waits for Chromium's acknowledgement: on a loaded machine fewer than 60 get through.
            "pointer_moves": moves + 1,
            "max_move_gap_ms": 1000 * max(gaps),
            "drag_ms": d["up"] - d["down"],
            "frames_during": d["frame"],
            "redrawn_frames": len(set(during)),
            "sent_during": sent,
            "url_after_mouseup_ms": url_at - d["up"],
            "value": float(c.input_value()),
        }


def minimal_press(t: Target) -> dict:
    """The one-slider page: keydown → its text changed → two animation frames; then its run finishes."""
    page, s = t.page, t.slider
    value, top, bottom = (float(s.get_attribute(a)) for a in ("value", "max", "min"))
    t.key = "ArrowLeft" if value >= top else "ArrowRight" if value <= bottom else t.key
    s.focus()
    s.evaluate(PRESS_JS, [t.watch, PRESS_TIMEOUT_MS])
    t.received = 0
    busy = t._main_thread()["TaskDuration"]
    s.press(t.key)
    r = page.evaluate("window.__bnvizPress")
    busy = 1000 * (t._main_thread()["TaskDuration"] - busy)
    if r["why"] != "ok":
        raise RuntimeError(f"minimal page: text unchanged within {PRESS_TIMEOUT_MS} ms: {r}")
    page.wait_for_selector(IDLE)
    return {
        "total_ms": r["painted"] - r["t0"],
        "redrawn_ms": r["changed"] - r["t0"],
        "main_thread_ms": busy,
        "bytes": t.received,
    }


def measure_live(browser, app_url: str, case: Live, minimal: Target, args) -> dict:
    with tab(browser) as page:
        lp = LivePage(page, app_url, case)
        head = {"path": "/" + case.page, "label": case.label, "nth": case.nth}
        if not lp.live:
            return head | {"live": False}
        presses, base = [], []
        for i in range(args.warmup + args.presses):
            p, m = lp.press(), minimal_press(minimal)
            if i >= args.warmup:
                presses.append(p)
                base.append(m)
        drag = lp.drag()
    med = statistics.median(p["total_ms"] for p in presses)
    med_min = statistics.median(m["total_ms"] for m in base)
    kb = statistics.median(p["bytes"] for p in presses) / 1000
    before_kb = BEFORE_KB.get((head["path"], case.label))
    sent = max(p["sent_before_redrawn"] for p in presses)
    return head | {
        "live": True,
        "name": lp.name,
        "median_ms": med,
        "median_redrawn_ms": statistics.median(p["redrawn_ms"] for p in presses),
        "minimal_median_ms": med_min,
        "minimal_median_redrawn_ms": statistics.median(m["redrawn_ms"] for m in base),
        "ratio": med / med_min,
        "ratio_met": med / med_min <= TARGET_RATIO,
        "median_main_thread_ms": statistics.median(p["main_thread_ms"] for p in presses),
        "minimal_median_main_thread_ms": statistics.median(m["main_thread_ms"] for m in base),
        "max_sent_before_redrawn": sent,
        "sent_met": sent <= TARGET_SENT,
        "median_press_url_ms": statistics.median(p["url_ms"] for p in presses),
        "median_kb": kb,
        "before_kb": before_kb,
        "bytes_met": None if before_kb is None else kb <= before_kb,
        "drag": drag,
        "drag_met": drag["redrawn_frames"] >= TARGET_DRAG_FRAMES,
        "url_met": drag["url_after_mouseup_ms"] <= TARGET_URL_MS,
        "presses": presses,
        "minimal_presses": base,
    }


def measure_rerun(browser, app_url: str, case: Case, minimal: Target, args) -> dict:
    """bench/latency.py's press (keydown → script done and chart quiet) on a control that still reruns."""
    with tab(browser) as page:
        t = Target(f"/{case.page}", page, app_url, case.page, case.slider, chart_selector(case.chart), case.submit)
        presses = []
        for i in range(args.warmup + args.presses):
            p = t.press()
            minimal_press(minimal)  # the same alternation as the live controls
            if i >= args.warmup:
                presses.append(p)
    s = summary(presses)
    path = "/" + case.page.split("?")[0]
    before_kb = BEFORE_KB.get((path, case.slider))
    kb = s["median_bytes"] / 1000
    return {
        "path": path,
        "label": case.slider,
        "median_kb": kb,
        "max_kb": s["max_bytes"] / 1000,
        "before_kb": before_kb,
        "bytes_met": None if before_kb is None else kb <= before_kb,
        "median_ms": s["median_ms"],
        "unchanged_presses": s["unchanged_presses"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", help='a page\'s URL path ("" for home; repeatable)')
    add_press_options(parser, presses=9, warmup=3)
    args = parser.parse_args()
    live = [c for c in LIVE if args.only is None or c.page in args.only]
    rerun = [c for c in RERUN if args.only is None or c.page in args.only]
    path = need_chromium()
    from playwright.sync_api import sync_playwright

    report = report_head(args) | {
        "targets": {
            "ratio": TARGET_RATIO,
            "sent": TARGET_SENT,
            "drag_frames": TARGET_DRAG_FRAMES,
            "url_ms": TARGET_URL_MS,
        },
        "live": [],
        "rerun": [],
    }
    started = time.monotonic()
    with sync_playwright() as p, ExitStack() as stack:
        browser, minimal = browser_and_minimal(p, stack, path)
        app_url, _ = stack.enter_context(serve(ROOT / "app.py", log_name="app"))
        for case in live:
            print(f"live: /{case.page} {case.label} ...", flush=True)
            report["live"].append(measure_live(browser, app_url, case, minimal, args))
        for case in rerun:
            print(f"rerun: /{case.page} {case.slider} ...", flush=True)
            report["rerun"].append(measure_rerun(browser, app_url, case, minimal, args))
    report["wall_s"] = round(time.monotonic() - started)
    report["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("live.json" if args.only is None else "live-partial.json")
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"\nmedian of {args.presses} presses (after {args.warmup}), each alternating with the one-slider page; load "
        f"average {report['load_average_start'][0]:.1f} → {report['load_average_end'][0]:.1f}"
    )
    print(table(report))
    print(f"{report['wall_s']} s; written to {out.relative_to(ROOT)}")


def _ok(met: bool | None) -> str:
    return "—" if met is None else "ok" if met else "MISS"


def table(report: dict) -> str:
    rows = [
        f"{'page':12} {'control':30} {'ms':>5} {'min. ms':>7} {'ratio ≤0.6':>11} {'sent =0':>8} "
        f"{'drag frames ≥20':>16} {'URL ms ≤1000':>13} {'KB (before)':>14}"
    ]
    for r in report["live"]:
        if not r["live"]:
            rows.append(f"{r['path']:12} {r['label'][:30]:30} not live on this branch: skipped")
            continue
        d = r["drag"]
        before = "" if r["before_kb"] is None else f" ({r['before_kb']})"
        rows.append(
            f"{r['path']:12} {r['label'][:30]:30} {r['median_ms']:5.0f} {r['minimal_median_ms']:7.0f} "
            f"{r['ratio']:6.2f} {_ok(r['ratio_met']):>4} {r['max_sent_before_redrawn']:3d} {_ok(r['sent_met']):>4} "
            f"{d['redrawn_frames']:11d} {_ok(r['drag_met']):>4} {d['url_after_mouseup_ms']:8.0f} {_ok(r['url_met']):>4} "
            f"{r['median_kb']:6.1f}{before:>5} {_ok(r['bytes_met'])}"
        )
    for r in report["rerun"]:
        before = "" if r["before_kb"] is None else f" ({r['before_kb']})"
        rows.append(
            f"{r['path']:12} {r['label'][:30]:30} {'still reruns: bytes per press only':>70} "
            f"{r['median_kb']:6.1f}{before:>5} {_ok(r['bytes_met'])}"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
