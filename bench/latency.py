"""Slider-to-updated-chart latency of a page in Chromium, beside a one-slider page in the same run.

For each batch asked for, the script starts two servers with `streamlit run` on free loopback
ports: bnviz's app (app.py, or bench/seeded_app.py when a batch is put in the session) and
bench/minimal_app.py (one slider, one line of text). Chromium (Playwright, the launch arguments
of tests/conftest.py) opens both; then, alternating between the two so that both see the same
machine load, it focuses the slider, presses an arrow key and times, in the page, from the
keydown event until both
  - the script has run and finished: the app root's data-test-script-state went to "running"
    and back to "notRunning" (a run so short that React never shows "running" counts as
    finished when the watched element has changed and the app is idle), and
  - the watched element (a plotly chart, or the minimal page's text) has stopped changing:
    the last DOM mutation inside it, followed by QUIET_MS without one (not counted).
Each press is checked to have changed what is watched. The medians of the timed presses (after
a few warm-up presses) are reported with their ratio, and written to bench/results/.

    python3 bench/latency.py                                   # /gamma-beta, slider "γ (scale)"
    python3 bench/latency.py --batch default --batch 4096,16 --batch 64,16,32,32
    python3 bench/latency.py --page "" --slider "Multiply every activation by"   # the home page

--batch N,C or N,C,H,W puts a batch of that shape (a bnviz.data preset, --preset) into the
session before the page runs (bench/seeded_app.py); "default" uses the app as it is served.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM_ARGS, chromium_path, free_port, wait_healthy  # noqa: E402

QUIET_MS = 250  # a chart counts as redrawn once nothing in it has changed for this long
PRESS_TIMEOUT_MS = 60_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Installed in the page: resolves with the times (ms, from the keydown) at which the script
# started and finished and the watched element last changed.
WATCH_JS = """
([selector, index, quietMs, timeoutMs]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const target = document.querySelectorAll(selector)[index];
  const r = {t0: null, running: null, idle: null, lastChange: null};
  window.__bnvizPress = new Promise((resolve) => {
    let quiet = null;
    const onKey = (e) => { if (r.t0 === null) r.t0 = performance.now(); };
    const finish = (why) => {
      scriptObserver.disconnect(); chartObserver.disconnect(); clearTimeout(limit);
      document.removeEventListener('keydown', onKey, true);
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
    document.addEventListener('keydown', onKey, true);
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
  return target !== undefined;
}
"""

# What the watched element shows: a plotly chart's data, or the element's text.
SIGNATURE_JS = """
([selector, index]) => {
  const el = document.querySelectorAll(selector)[index];
  const gd = el && el.querySelector('.js-plotly-plot');
  if (gd && gd._fullData) return JSON.stringify(gd._fullData.map((t) => [Array.from(t.x || []), Array.from(t.y || [])]));
  return el ? el.innerText : null;
}
"""


@contextmanager
def server(script: Path, cwd: Path, env: dict | None = None):
    """`streamlit run script` on a free loopback port; yields its URL, stops it afterwards."""
    port = free_port()
    log = open(RESULTS / f"latency-server-{port}.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    except BaseException:
        print(f"server log kept in {log.name}", file=sys.stderr)
        raise
    else:
        Path(log.name).unlink(missing_ok=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def seeded_app_dir(stack: ExitStack) -> Path:
    """A temporary folder whose main script is bench/seeded_app.py, linking to the app's files."""
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bnviz-bench-")))
    for name in ("pages", "ui", "bnviz", ".streamlit"):
        (folder / name).symlink_to(ROOT / name)
    (folder / "seeded_app.py").symlink_to(ROOT / "bench" / "seeded_app.py")
    return folder


class Target:
    """One browser tab on one app: its slider, what to watch, and the presses timed on it."""

    def __init__(self, name: str, page, url: str, path: str, slider_label: str, watch: str, index: int):
        self.name, self.page, self.watch, self.index = name, page, watch, index
        page.goto(url)  # the root first: the app's navigation is set up before a deep link
        page.wait_for_selector(IDLE, timeout=120_000)
        page.goto(f"{url}/{path}")
        page.wait_for_selector('[data-testid="stMain"]')
        page.wait_for_function(
            "([s, i]) => document.querySelectorAll(s).length > i", arg=[watch, index], timeout=120_000
        )
        page.wait_for_selector(IDLE, timeout=120_000)
        page.wait_for_load_state("networkidle")
        notice = page.get_by_role("dialog")
        if notice.count():  # a notice (e.g. "Page not found" on a fresh server) would keep the focus
            page.keyboard.press("Escape")
        block = page.locator('[data-testid="stSlider"]').filter(has_text=re.compile(re.escape(slider_label)))
        self.slider = block.get_by_role("slider").first
        self.slider.wait_for()
        self.key = "ArrowRight"
        self.times: list[float] = []

    def press(self) -> dict:
        """Press the arrow key once on the slider; return the timings in ms and whether it changed."""
        page, s = self.page, self.slider
        value, top, bottom = (float(s.get_attribute(a)) for a in ("value", "max", "min"))
        if value >= top:
            self.key = "ArrowLeft"
        elif value <= bottom:
            self.key = "ArrowRight"
        before = page.evaluate(SIGNATURE_JS, [self.watch, self.index])
        s.focus()
        if not page.evaluate(WATCH_JS, [self.watch, self.index, QUIET_MS, PRESS_TIMEOUT_MS]):
            raise RuntimeError(f"nothing matches {self.watch!r} number {self.index}")
        s.press(self.key)
        r = page.evaluate("window.__bnvizPress")
        if r["why"] != "ok":
            raise RuntimeError(
                f"{self.name}: a press ({self.key}, slider at {value}, now {s.get_attribute('value')}) "
                f"did not finish within {PRESS_TIMEOUT_MS} ms: {r}"
            )
        after = page.evaluate(SIGNATURE_JS, [self.watch, self.index])
        page.wait_for_selector(IDLE)
        idle = r["idle"] if r["idle"] is not None else r["lastChange"]
        return {
            "total_ms": max(idle, r["lastChange"]) - r["t0"],
            "script_done_ms": idle - r["t0"],
            "chart_done_ms": r["lastChange"] - r["t0"],
            "running_seen": r["running"] is not None,
            "changed": before != after,
        }


def summary(presses: list[dict]) -> dict:
    total = [p["total_ms"] for p in presses]
    return {
        "median_ms": statistics.median(total),
        "p90_ms": sorted(total)[max(0, int(round(0.9 * len(total))) - 1)],
        "min_ms": min(total),
        "max_ms": max(total),
        "median_script_done_ms": statistics.median(p["script_done_ms"] for p in presses),
        "median_chart_done_ms": statistics.median(p["chart_done_ms"] for p in presses),
        "unchanged_presses": sum(not p["changed"] for p in presses),
        "presses_with_running_seen": sum(p["running_seen"] for p in presses),
        "presses": total,
    }


def measure(browser, args, batch: str) -> dict:
    """Alternate presses between the page and the minimal page; return both summaries."""
    with ExitStack() as stack:
        if batch == "default":
            page_url = stack.enter_context(server(ROOT / args.app, ROOT))
        else:
            folder = seeded_app_dir(stack)
            env = {"BNVIZ_BENCH_BATCH": batch, "BNVIZ_BENCH_PRESET": args.preset, "BNVIZ_BENCH_APP": str(ROOT / args.app)}
            page_url = stack.enter_context(server(folder / "seeded_app.py", folder, env))
        minimal_url = stack.enter_context(server(ROOT / "bench" / "minimal_app.py", ROOT))
        targets = {}
        for name, url, path, label, watch, index in [
            ("page", page_url, args.page, args.slider, '[data-testid="stPlotlyChart"]', args.chart),
            ("minimal", minimal_url, "", "value", '[data-testid="stMarkdown"]', 0),
        ]:
            context = stack.enter_context(_context(browser))
            targets[name] = Target(name, context.new_page(), url, path, label, watch, index)
        results = {name: [] for name in targets}
        for i in range(args.warmup + args.presses):
            for name, target in targets.items():
                p = target.press()
                if i >= args.warmup:
                    results[name].append(p)
        out = {name: summary(presses) for name, presses in results.items()}
        out["ratio"] = out["page"]["median_ms"] / out["minimal"]["median_ms"]
        return out


@contextmanager
def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default="gamma-beta", help='URL path of the page ("" for the home page)')
    parser.add_argument("--slider", default="γ (scale)", help="label of the slider to press")
    parser.add_argument("--chart", type=int, default=0, help="which plotly chart on the page to watch (0 = first)")
    parser.add_argument("--batch", action="append", help='"default", or N,C / N,C,H,W to put in the session (repeatable)')
    parser.add_argument("--preset", default="channels on very different scales", help="preset for --batch shapes")
    parser.add_argument("--presses", type=int, default=15, help="timed presses per page and batch")
    parser.add_argument("--warmup", type=int, default=3, help="presses not timed, first")
    parser.add_argument("--app", default="app.py", help="the app's main script, relative to the repository")
    args = parser.parse_args()
    batches = args.batch or ["default"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = chromium_path()
    if path is None:
        sys.exit("Chromium not found: install Debian's chromium (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    report = {"page": args.page, "slider": args.slider, "chart": args.chart, "presses": args.presses,
              "quiet_ms": QUIET_MS, "time": time.strftime("%Y-%m-%d %H:%M:%S"), "load_average": os.getloadavg(), "runs": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            for batch in batches:
                print(f"measuring /{args.page} with batch {batch} ...", flush=True)
                report["runs"][batch] = measure(browser, args, batch)
        finally:
            browser.close()
    slug = re.sub(r"[^a-z0-9]+", "-", (args.page or "home").lower()).strip("-")
    out = RESULTS / f"latency-{slug}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n/{args.page}, slider {args.slider!r}: median of {args.presses} presses, keydown to chart redrawn")
    print(f"{'batch':>16} {'page ms':>9} {'minimal ms':>11} {'ratio':>6} {'page p90':>9} {'unchanged':>10}")
    for batch, r in report["runs"].items():
        print(f"{batch:>16} {r['page']['median_ms']:9.0f} {r['minimal']['median_ms']:11.0f} {r['ratio']:6.2f} "
              f"{r['page']['p90_ms']:9.0f} {r['page']['unchanged_presses'] + r['minimal']['unchanged_presses']:10d}")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
