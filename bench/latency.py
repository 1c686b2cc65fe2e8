"""Slider-to-updated-chart latency and bytes per interaction of every page, in Chromium, beside a one-slider page.

    python3 bench/latency.py --all                     # every case below: 7 to 9 minutes
    python3 bench/latency.py --only gamma-beta         # one page, at each of its sizes
    python3 bench/latency.py --only steps --size default

For each size (the default batch; the largest the UI allows: a fully connected 4096 × 16 batch
and a convolutional 128 × 16 × 16 × 16 one, with /batch's and /network's own settings at their
largest) one app server runs (bench/seeded_app.py puts the batch and settings in each new
session), and one server of bench/minimal_app.py (one slider, one line of text) runs for the
whole command. Chromium (the launch arguments of tests/conftest.py) opens a page in a fresh
context, finds the slider a learner moves there by its label, and, alternating with the minimal
page so both see the same machine load, focuses the slider, presses an arrow key and times, in
the page, from the keydown event (for /network, whose sliders sit in a form: the click on
"Train the three networks") until both
  - the script (or the slider's fragment) has run and finished: the app root's
    data-test-script-state went to "running" and back to "notRunning" (a run so short that
    React never shows "running" counts as finished when the chart has changed and the app is
    idle), and
  - the watched chart (by its key) or the minimal page's text has stopped changing: the last
    DOM mutation inside it, followed by QUIET_MS without one (not counted).
Each press is checked to have changed what is watched. The bytes of the websocket frames the
browser received during the press are counted too. Then the same presses go through
bench/loadtest.py's websocket client, no browser (to the slider's fragment, as the browser
sends them), on the page and on the minimal page: the time to the server's "script finished"
is what the server and the protocol cost; the rest of the browser's time is React and plotly.
Chromium's Performance metrics give the page's main-thread work per press (TaskDuration, and
its script, layout and style parts). Medians of the timed presses (after a few
warm-up presses), their ratio to the minimal page's, and the targets (1.5× at the default
size, 2.5× at the largest; under 150 KB per interaction) go to bench/results/latency.json and
a printed table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# bench/ and tests/ (conftest's Chromium helpers), before the imports below (ruff sorts them).
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]

from conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from serving import RESULTS, ROOT, seeded_app, serve  # noqa: E402

QUIET_MS = 250  # a chart counts as redrawn once nothing in it has changed for this long
PRESS_TIMEOUT_MS = 120_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TARGET_DEFAULT, TARGET_LARGEST, TARGET_BYTES = 1.5, 2.5, 150_000

# The sizes: the session's batch and settings each page starts from. /steps's only slider is
# shown in eval mode, so every size switches eval mode on.
LARGEST_FC = "4096,16"
LARGEST_CONV = "128,16,16,16"
SIZES = {
    "default": (None, {"steps_eval": True}),
    LARGEST_FC: (
        LARGEST_FC,
        {
            "steps_eval": True,
            "bt_n": 4096,
            "bt_channels": 16,  # /batch draws its own batch from its settings
            "net_width": 64,
            "net_depth": 6,
            "net_steps": 1000,
            "net_batch_size": 64,  # /network's largest
        },
    ),
    LARGEST_CONV: (
        LARGEST_CONV,
        {
            "steps_eval": True,
            "bt_kind": "convolutional",
            "bt_n": 128,
            "bt_channels": 16,
            "bt_size": 16,
        },
    ),
}


@dataclass
class Case:
    """One page, the slider a learner moves on it, the chart that answers, and its sizes."""

    page: str  # URL path, with a query string if the slider needs one
    slider: str  # the slider's label
    chart: str  # the key of the plotly chart to watch
    sizes: list[str] = field(default_factory=lambda: list(SIZES))
    submit: str | None = None  # a form's submit button, clicked after the press
    note: str = ""


# The home page's slider is a live chart now (no rerun while the hand moves): bench/live.py measures it.
CASES = [
    Case("batch", "Channels C", "bt_hist", note="largest: /batch's own settings (4096 × 16, 128 × 16 × 16 × 16)"),
    Case("steps", "Training batches seen before eval", "steps_running_figure"),
    Case("gamma-beta", "γ (scale)", "gb_stages"),
    Case("learning", "Step (move it to replay the training; nothing is retrained)", "learn_history"),
    Case(
        "network",
        "Learning rate",
        "net_curves",
        ["default", LARGEST_FC],
        submit="Train the three networks",
        note="own data; largest: 6 layers × 64 units, 1000 steps, batch 64",
    ),
    Case("questions?q_open_1=true", "γ (scale), every channel", "q_sigmoid"),
]

# Installed in the page: resolves with the times (ms, from the start event) at which the script
# started and finished and the watched element last changed.
WATCH_JS = """
([selector, startEvent, quietMs, timeoutMs]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const target = document.querySelector(selector);
  const r = {t0: null, running: null, idle: null, lastChange: null};
  window.__bnvizPress = new Promise((resolve) => {
    let quiet = null;
    const onStart = (e) => { if (r.t0 === null) r.t0 = performance.now(); };
    const finish = (why) => {
      scriptObserver.disconnect(); chartObserver.disconnect(); clearTimeout(limit);
      document.removeEventListener(startEvent, onStart, true);
      resolve({...r, why});
    };
    // Done once the watched element has changed, the app is idle, and nothing has moved for
    // quietMs. A very short run may never show "running" in the DOM (React batches the
    // started and finished messages when they arrive together); then the change is the proof.
    const idleNow = () => app.getAttribute('data-test-script-state') === 'notRunning';
    const check = () => {
      if (r.lastChange === null || !idleNow()) return;
      clearTimeout(quiet);
      quiet = setTimeout(() => { if (idleNow()) finish('ok'); }, quietMs);
    };
    document.addEventListener(startEvent, onStart, true);
    // Records carry the value before each change, so a short run seen in one batch of
    // records (running, then notRunning) is not missed.
    const scriptObserver = new MutationObserver((records) => {
      const states = records.slice(1).map((m) => m.oldValue).concat([app.getAttribute('data-test-script-state')]);
      for (const s of states) {
        if (s === 'running' && r.t0 !== null && r.running === null) r.running = performance.now();
        if (s === 'notRunning' && r.running !== null) { r.idle = performance.now(); check(); }
      }
    });
    scriptObserver.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
    const chartObserver = new MutationObserver(() => {
      if (r.t0 !== null) { r.lastChange = performance.now(); check(); }
    });
    chartObserver.observe(target, {subtree: true, childList: true, characterData: true, attributes: true});
    const limit = setTimeout(() => finish('timeout'), timeoutMs);
  });
  return target !== null;
}
"""

# Installed before the app loads: the time (performance.now()) each websocket message reaches
# the page's JavaScript, to split a press into "until the last message" (server, network, and
# the page's main thread when it is busy) and "after it" (the browser alone).
FRAMES_JS = """
(() => {
  const Native = window.WebSocket;
  window.__bnvizFrames = [];
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', () => window.__bnvizFrames.push(performance.now()));
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
})();
"""

# What the watched element shows: a plotly chart's data, or the element's text.
SIGNATURE_JS = """
(selector) => {
  const el = document.querySelector(selector);
  const gd = el && el.querySelector('.js-plotly-plot');
  if (gd && gd._fullData) {  // the traces' data, and the shapes and annotations (a step marker)
    const data = gd._fullData.map((t) => [Array.from(t.x || []), Array.from(t.y || [])]);
    return JSON.stringify([data, gd.layout.shapes || [], (gd.layout.annotations || []).map((a) => [a.x, a.y, a.text])]);
  }
  return el ? el.innerText : null;
}
"""


class Target:
    """One browser tab on one page: its slider, what to watch, the bytes it receives."""

    def __init__(self, name: str, page, url: str, path: str, slider_label: str, watch: str, submit: str | None = None):
        self.name, self.page, self.watch, self.url = name, page, watch, url
        self.received = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        page.add_init_script(FRAMES_JS)
        # Chromium's own count of the page's main-thread work (seconds of script, layout, style).
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        page.goto(url)  # the root first: the app's navigation is set up before a deep link
        page.wait_for_selector(IDLE, timeout=300_000)
        page.goto(f"{url}/{path}")
        page.wait_for_selector('[data-testid="stMain"]')
        page.wait_for_selector(watch, timeout=300_000)
        page.wait_for_selector(IDLE, timeout=300_000)
        page.wait_for_load_state("networkidle")
        if page.get_by_role("dialog").count():  # a notice would keep the focus
            page.keyboard.press("Escape")
        block = page.locator('[data-testid="stSlider"]').filter(has_text=re.compile(re.escape(slider_label)))
        self.slider = block.get_by_role("slider").first
        self.slider.wait_for()
        self.submit = page.get_by_role("button", name=submit) if submit else None
        self.key = "ArrowRight"

    def _main_thread(self) -> dict:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return {
            k: metrics.get(k, 0.0) for k in ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")
        }

    def _count(self, payload) -> None:
        self.received += len(payload)

    def press(self) -> dict:
        """Press the arrow key once on the slider (and submit); return timings in ms, bytes, and whether it changed."""
        page, s = self.page, self.slider
        value, top, bottom = (float(s.get_attribute(a)) for a in ("value", "max", "min"))
        if value >= top:
            self.key = "ArrowLeft"
        elif value <= bottom:
            self.key = "ArrowRight"
        before = page.evaluate(SIGNATURE_JS, self.watch)
        s.focus()
        start_event = "click" if self.submit else "keydown"
        if not page.evaluate(WATCH_JS, [self.watch, start_event, QUIET_MS, PRESS_TIMEOUT_MS]):
            raise RuntimeError(f"{self.name}: nothing matches {self.watch!r}")
        self.received = 0
        page.evaluate("window.__bnvizFrames = []")
        work_before = self._main_thread()
        s.press(self.key)
        if self.submit:
            self.submit.click()
        r = page.evaluate("window.__bnvizPress")
        if r["why"] != "ok":
            raise RuntimeError(
                f"{self.name}: a press ({self.key}, slider at {value}, now {s.get_attribute('value')}) "
                f"did not finish within {PRESS_TIMEOUT_MS} ms: {r}"
            )
        after = page.evaluate(SIGNATURE_JS, self.watch)
        page.wait_for_selector(IDLE)
        idle = r["idle"] if r["idle"] is not None else r["lastChange"]
        frames = [t for t in page.evaluate("window.__bnvizFrames") if t >= r["t0"]]
        work = {k: 1000 * (v - work_before[k]) for k, v in self._main_thread().items()}
        return {
            "main_thread_ms": work,
            "first_message_ms": frames[0] - r["t0"] if frames else None,
            "last_message_ms": frames[-1] - r["t0"] if frames else None,
            "total_ms": max(idle, r["lastChange"]) - r["t0"],
            "script_done_ms": idle - r["t0"],
            "chart_done_ms": r["lastChange"] - r["t0"],
            "bytes": self.received,
            "running_seen": r["running"] is not None,
            "changed": before != after,
        }


def summary(presses: list[dict]) -> dict:
    total = [p["total_ms"] for p in presses]
    return {
        "median_ms": statistics.median(total),
        "min_ms": min(total),
        "max_ms": max(total),
        "median_script_done_ms": statistics.median(p["script_done_ms"] for p in presses),
        "median_chart_done_ms": statistics.median(p["chart_done_ms"] for p in presses),
        "median_first_message_ms": _median(p["first_message_ms"] for p in presses),
        "median_last_message_ms": _median(p["last_message_ms"] for p in presses),
        "median_main_thread_ms": {
            k: statistics.median(p["main_thread_ms"][k] for p in presses) for k in presses[0]["main_thread_ms"]
        },
        "median_bytes": statistics.median(p["bytes"] for p in presses),
        "max_bytes": max(p["bytes"] for p in presses),
        "unchanged_presses": sum(not p["changed"] for p in presses),
        "presses_with_running_seen": sum(p["running_seen"] for p in presses),
        "presses_ms": [round(t) for t in total],
    }


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


@contextmanager
def tab(browser):
    """A fresh browser context (a new Streamlit session) and its page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(120_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def chart_selector(key: str) -> str:
    # Streamlit gives an element with a key the class st-key-<key>.
    return f".st-key-{key} .bnviz-chart"  # ui.live.chart's element (every chart with no control)


def server_only(app_url: str, page: str, label: str, presses: int, warmup: int) -> dict:
    """The same presses without a browser: bench/loadtest.py's websocket client sends the
    slider's next value (to its fragment, as the browser does) and times the rerun until the
    server's "script finished"; what the browser adds is the rest."""
    import asyncio

    from loadtest import Session, slider_state

    path, _, query = page.partition("?")

    async def go() -> list[dict]:
        async with Session(app_url.replace("http://", "ws://") + "/_stcore/stream") as s:
            await s.run("", query="")
            opened = await s.run(path, query=query)
            slider = next(
                el.slider for el in opened["elements"] if el.WhichOneof("type") == "slider" and el.slider.label == label
            )
            value, step, direction, out = (slider.value or slider.default)[0], slider.step, 1, []
            for i in range(warmup + presses):
                if not slider.min <= value + direction * step <= slider.max:
                    direction = -direction
                value += direction * step
                r = await s.run(
                    path, [slider_state(slider, value)], query=query, fragment_id=s.fragment_of.get(slider.id, "")
                )
                if r["errors"]:
                    raise RuntimeError(r["errors"])
                if i >= warmup:
                    out.append(r)
            return out

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's event loop
        runs = pool.submit(asyncio.run, go()).result()
    return {
        "median_ms": 1000 * statistics.median(r["latency"] for r in runs),
        "median_bytes": statistics.median(r["bytes"] for r in runs),
        "presses_ms": [round(1000 * r["latency"]) for r in runs],
    }


def measure(browser, case: Case, size: str, app_url: str, minimal: Target, args) -> dict:
    """Alternate presses between the case's page and the minimal page; return both summaries."""
    with tab(browser) as page:
        target = Target(
            f"/{case.page} at {size}", page, app_url, case.page, case.slider, chart_selector(case.chart), case.submit
        )
        results = {"page": [], "minimal": []}
        for i in range(args.warmup + args.presses):
            for name, t in (("page", target), ("minimal", minimal)):
                p = t.press()
                if i >= args.warmup:
                    results[name].append(p)
    out = {name: summary(presses) for name, presses in results.items()}
    # A form's slider needs its submit button: the websocket client skips those.
    if not case.submit:
        out["server_only"] = server_only(app_url, case.page, case.slider, args.presses, args.warmup)
        out["minimal_server_only"] = server_only(minimal.url, "", "value", args.presses, args.warmup)
        out["server_only_ratio"] = out["server_only"]["median_ms"] / out["minimal_server_only"]["median_ms"]
    ratio = out["page"]["median_ms"] / out["minimal"]["median_ms"]
    goal = TARGET_DEFAULT if size == "default" else TARGET_LARGEST
    return {
        "path": "/" + case.page.split("?")[0],
        "query": case.page.partition("?")[2],
        "slider": case.slider,
        "chart": case.chart,
        "size": size,
        "note": case.note,
        **out,
        "ratio": ratio,
        "ratio_target": goal,
        "ratio_met": ratio <= goal,
        "bytes_met": out["page"]["median_bytes"] < TARGET_BYTES,
    }


# --- what bench/latency.py and bench/live.py share: options, the report's head, the browser and the minimal page


def add_press_options(parser: argparse.ArgumentParser, presses: int, warmup: int) -> None:
    parser.add_argument("--presses", type=int, default=presses, help="timed presses per control")
    parser.add_argument("--warmup", type=int, default=warmup, help="presses not timed, first")


def need_chromium() -> str:
    path = chromium_path()
    if path is None:
        sys.exit("Chromium not found: install Debian's chromium (apt-get install chromium).")
    return path


def report_head(args, **more) -> dict:
    """The start of a results file: the presses, the machine and its load when the run began."""
    return {
        "presses": args.presses,
        "warmup": args.warmup,
        **more,
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average_start": os.getloadavg(),
    }


def browser_and_minimal(p, stack: ExitStack, path: str):
    """Chromium, closed with `stack`, and a tab on the one-slider page (bench/minimal_app.py), served for it."""
    browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    stack.callback(browser.close)
    minimal_url, _ = stack.enter_context(serve(ROOT / "bench" / "minimal_app.py", log_name="minimal"))
    minimal = Target(
        "minimal", stack.enter_context(tab(browser)), minimal_url, "", "value", '[data-testid="stMarkdown"]'
    )
    return browser, minimal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="every page at every size")
    parser.add_argument("--only", action="append", help='a page\'s URL path ("" for home; repeatable)')
    parser.add_argument("--size", action="append", choices=list(SIZES), help="only these sizes (repeatable)")
    add_press_options(parser, presses=7, warmup=2)
    args = parser.parse_args()
    if not args.all and args.only is None:
        parser.error("say --all, or --only PAGE")
    cases = [c for c in CASES if args.all or c.page.split("?")[0] in args.only]
    sizes = [s for s in SIZES if not args.size or s in args.size]
    path = need_chromium()
    from playwright.sync_api import sync_playwright

    report = report_head(args, quiet_ms=QUIET_MS) | {"runs": []}
    started = time.monotonic()
    with sync_playwright() as p, ExitStack() as stack:
        browser, minimal = browser_and_minimal(p, stack, path)
        for size in sizes:
            todo = [c for c in cases if size in c.sizes]
            if not todo:
                continue
            batch, state = SIZES[size]
            with seeded_app(batch, state) as (app_url, _):
                for case in todo:
                    print(f"/{case.page} at {size} ...", flush=True)
                    report["runs"].append(measure(browser, case, size, app_url, minimal, args))
    report["wall_s"] = round(time.monotonic() - started)
    report["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("latency.json" if args.all else "latency-partial.json")
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"\nmedian of {args.presses} presses (after {args.warmup}), keydown to chart redrawn; ratio to the "
        f"minimal page in the same run; KB received per press; 'server': the same presses through a websocket "
        f"client, no browser (ms to script finished), beside the minimal page's ('min. s.'); 'busy': ms of "
        f"work on the page's main thread per press (Chromium's TaskDuration)"
    )
    print(table(report["runs"]))
    print(f"{report['wall_s']} s; written to {out.relative_to(ROOT)}")


def _ms(run: dict, key: str) -> str:
    return f"{run[key]['median_ms']:7.0f}" if run.get(key) else f"{'—':>7}"


def table(runs: list[dict]) -> str:
    rows = [
        f"{'page':12} {'size':>13} {'page ms':>8} {'min. ms':>8} {'ratio':>6} {'target':>7} {'KB':>7} {'server':>7} {'min. s.':>7} {'busy':>6} {'unchanged':>9}"
    ]
    for r in runs:
        ok = "ok" if r["ratio_met"] else "MISS"
        rows.append(
            f"{r['path']:12} {r['size']:>13} {r['page']['median_ms']:8.0f} {r['minimal']['median_ms']:8.0f} "
            f"{r['ratio']:6.2f} {ok:>4}{r['ratio_target']:3} {r['page']['median_bytes'] / 1000:7.1f} "
            f"{_ms(r, 'server_only')} {_ms(r, 'minimal_server_only')} "
            f"{r['page']['median_main_thread_ms']['TaskDuration']:6.0f} {r['page']['unchanged_presses']:9d}"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
