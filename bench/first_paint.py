"""Cold first paint of every page, in Chromium, beside a one-slider page in the same run.

    python3 bench/first_paint.py                  # every page, 5 loads each: about 3 minutes
    python3 bench/first_paint.py --only "" --only gamma-beta --loads 9

A learner opening a link: a fresh browser context each time (empty cache, a new Streamlit session), on a
server already warm (each page opened once, not timed, before the timed loads). The time is the page's
own clock (performance.now(), from the navigation's start) at the first animation frame where
  - the script has run and finished (the app root's data-test-script-state is "notRunning" and the
    page's title is on screen), and
  - as many charts as the page shows once settled (counted on the untimed load, after its network has
    stayed the same for SETTLED_MS: a chart's element mounts after the run, once its code has loaded) have been drawn: each of
    Streamlit's plotly charts holds plotly's SVG, each chart of the live charts' element (ui/live.py:
    live_chart, chart) has been drawn by plotly (data-plots ≥ 1); a closed expander's charts are not shown, and not counted.
For bench/minimal_app.py (one slider, one line of text): the slider's line of text on screen. The pages
and the minimal page take turns, so that both see the same machine. Medians, the ratio to the minimal
page and the targets of issue 23 (≤ 3 s; stretch ≤ 2× the minimal page) go to
bench/results/first_paint.json and a table (docs/performance.md keeps one).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from latency import need_chromium  # noqa: E402
from serving import RESULTS, ROOT, serve  # noqa: E402

sys.path.insert(0, str(ROOT))
from conftest import CHROMIUM_ARGS  # noqa: E402

from content.registry import PAGES  # noqa: E402

TARGET_S = 3.0
STRETCH = 2.0  # × the one-slider page
SETTLED_MS = 2000  # the untimed load: the count of drawn charts unchanged this long
# The charts shown and drawn; ready (performance.now()) once the run has finished and `want` are drawn.
DRAWN = """() => {
  const shown = (e) => e.getClientRects().length > 0;
  return {
    plotly: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter((e) => shown(e) && e.querySelector('.main-svg')).length,
    live: [...document.querySelectorAll('.bnviz-live, .bnviz-chart')].filter((e) => shown(e) && Number(e.dataset.plots || 0) >= 1).length,
  };
}"""
READY = f"""(want) => {{
  const app = document.querySelector('[data-test-script-state]');
  if (!app || app.dataset.testScriptState !== 'notRunning' || !document.querySelector('h1')) return false;
  const drawn = ({DRAWN})();
  return drawn.plotly >= want.plotly && drawn.live >= want.live ? performance.now() : false;
}}"""
MINIMAL_READY = """() => {
  const text = [...document.querySelectorAll('[data-testid="stMarkdown"]')].find((e) => e.innerText.includes('The slider is at'));
  return text && document.querySelector('input[type="range"], [role="slider"]') ? performance.now() : false;
}"""


def load(browser, url: str, ready: str = READY, want: dict | None = None) -> float:
    """Open `url` in a fresh context: ms from the navigation's start to `ready` (with `want`, the charts)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        return page.wait_for_function(ready, arg=want, polling="raf").json_value()
    finally:
        context.close()


def charts_shown(browser, url: str) -> dict:
    """The charts the page shows once settled: drawn, and the same count for SETTLED_MS (each chart's element
    mounts once its code has loaded, after the run: a bench may wait where a test may not)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        page.wait_for_function(READY, arg={"plotly": 0, "live": 0})
        seen, since = None, time.monotonic()
        while time.monotonic() - since < SETTLED_MS / 1000:
            now = page.evaluate(DRAWN)
            if now != seen:
                seen, since = now, time.monotonic()
            page.wait_for_timeout(100)
        return seen
    finally:
        context.close()


def begin(doc: str, count: str, default: int, help: str) -> tuple[argparse.Namespace, list, dict]:
    """What every page benchmark starts with: its options (--only, and how many loads or rounds: `count`),
    the pages to measure, and its report's header (the machine, the time, its load)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", help='a page\'s URL path ("" for home; repeatable)')
    parser.add_argument(f"--{count}", type=int, default=default, help=help)
    args = parser.parse_args()
    pages = [p for p in PAGES if args.only is None or p.url_path in args.only]
    report = {
        count: getattr(args, count),
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average_start": os.getloadavg(),
        "pages": [],
    }
    return args, pages, report


def finish(report: dict, name: str, partial: bool, table) -> None:
    """Write the report to bench/results/<name>.json (<name>-partial.json for some pages) and print its table."""
    report["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / (f"{name}-partial.json" if partial else f"{name}.json")
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(table(report))
    print(f"written to {out.relative_to(ROOT)}")


def main() -> None:
    args, pages, report = begin(__doc__, "loads", 5, "timed loads per page")
    path = need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, ExitStack() as stack:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        app_url, _ = stack.enter_context(serve(ROOT / "app.py", log_name="app"))
        minimal_url, _ = stack.enter_context(serve(ROOT / "bench" / "minimal_app.py", log_name="minimal"))
        load(browser, minimal_url, MINIMAL_READY)  # warm: the first run of each page is not a learner's
        charts = {page.url_path: charts_shown(browser, f"{app_url}/{page.url_path}") for page in pages}
        for page in pages:
            print(f"/{page.url_path} ...", flush=True)
            times, minimal = [], []
            for _ in range(args.loads):
                minimal.append(load(browser, minimal_url, MINIMAL_READY))
                times.append(load(browser, f"{app_url}/{page.url_path}", want=charts[page.url_path]))
            page_ms, minimal_ms = statistics.median(times), statistics.median(minimal)
            report["pages"].append(
                {
                    "page": "/" + page.url_path,
                    "title": page.title,
                    "ms": round(page_ms),
                    "minimal_ms": round(minimal_ms),
                    "ratio": round(page_ms / minimal_ms, 2),
                    "all_ms": [round(t) for t in times],
                    "charts": charts[page.url_path],
                    "met": page_ms <= 1000 * TARGET_S,
                    "stretch_met": page_ms <= STRETCH * minimal_ms,
                }
            )
    finish(report, "first_paint", args.only is not None, table)


def table(report: dict) -> str:
    lines = [
        f"| page | charts drawn (Streamlit's, the app's plotly.js) | first paint, median of {report['loads']} | one-slider page "
        f"| ratio (stretch ≤ {STRETCH:g}×) | ≤ {TARGET_S:g} s |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in report["pages"]:
        charts = f"{r['charts'].get('plotly', 0)}, {r['charts'].get('live', 0)}"
        stretch = "met" if r["stretch_met"] else "**missed**"
        target = "met" if r["met"] else "**missed**"
        lines.append(
            f"| {r['page']} | {charts} | {r['ms'] / 1000:.2f} s | {r['minimal_ms'] / 1000:.2f} s "
            f"| {r['ratio']:.2f}×, {stretch} | {target} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
