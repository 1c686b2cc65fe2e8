"""The first learner's page on a server that has just started: cold, and warmed by scripts/warm.py.

    python3 bench/cold_start.py                   # every page, 3 rounds: about 8 minutes
    python3 bench/cold_start.py --only network --rounds 5

The first student to open a page after `streamlit run` has started pays for the server's first run of it
(imports, trainings in st.cache_data, figures in st.cache_resource). For each page and round, three servers
are started afresh, one after the other, and each answers one load in a fresh Chromium context:
  - cold: `streamlit run app.py`, the page opened as soon as the server answers its health check;
  - warmed: the same, after scripts/warm.py has run every page once through a real session (what
    scripts/serve.sh now does before it prints the URL; how long that took is reported too), then the
    page loaded a second time (a server that has drawn it for a browser before: what warming can reach);
  - baseline: bench/minimal_app.py (one slider, one line of text), opened as soon as it answers: what
    any Streamlit server's first page costs on this machine in this run.
The time is bench/first_paint.py's: the page's own clock from the navigation's start to the first animation
frame where the run has finished and every chart the page shows once settled is drawn (counted once, on a
warm server, before the rounds). Medians over rounds, and ratios to the baseline, go to
bench/results/cold_start.json and a table (docs/performance.md keeps one).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from first_paint import MINIMAL_READY, READY, begin, charts_shown, finish, load  # noqa: E402
from latency import need_chromium  # noqa: E402
from serving import ROOT, serve  # noqa: E402

sys.path.insert(0, str(ROOT))
from conftest import CHROMIUM_ARGS  # noqa: E402


def warm(url: str) -> float:
    """Run scripts/warm.py on the server at `url`, as scripts/serve.sh does; its seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "warm.py"), url], check=True, capture_output=True)
    return time.perf_counter() - start


def first_load(browser, script: Path, path: str = "", ready: str = READY, want=None, warmed: bool = False):
    """A fresh server of `script`; its first load of `path` in ms, the warm-up's seconds (if warmed) and,
    if warmed, a second load's ms (a server that has answered this page before: what warming can reach)."""
    with serve(script, log_name="cold") as (url, _):
        warm_s = warm(url) if warmed else None
        first = load(browser, f"{url}/{path}", ready, want)
        return first, warm_s, load(browser, f"{url}/{path}", ready, want) if warmed else None


def main() -> None:
    args, pages, report = begin(__doc__, "rounds", 3, "fresh servers per page and kind")
    path = need_chromium()
    from playwright.sync_api import sync_playwright

    app, minimal = ROOT / "app.py", ROOT / "bench" / "minimal_app.py"
    with sync_playwright() as p, ExitStack() as stack:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        with serve(app, log_name="app") as (url, _):  # the charts each page shows once settled
            warm(url)
            charts = {page.url_path: charts_shown(browser, f"{url}/{page.url_path}") for page in pages}
        for page in pages:
            print(f"/{page.url_path} ...", flush=True)
            cold, warmed, warm_s, again, base = [], [], [], [], []
            for _ in range(args.rounds):  # the three kinds take turns, so that all see the same machine
                base.append(first_load(browser, minimal, ready=MINIMAL_READY)[0])
                cold.append(first_load(browser, app, page.url_path, want=charts[page.url_path])[0])
                ms, seconds, second = first_load(browser, app, page.url_path, want=charts[page.url_path], warmed=True)
                warmed.append(ms)
                warm_s.append(seconds)
                again.append(second)
            cold_ms, warmed_ms, again_ms, base_ms = (statistics.median(v) for v in (cold, warmed, again, base))
            report["pages"].append(
                {
                    "page": "/" + page.url_path,
                    "cold_ms": round(cold_ms),
                    "warmed_ms": round(warmed_ms),
                    "baseline_ms": round(base_ms),
                    "cold_ratio": round(cold_ms / base_ms, 2),
                    "warmed_ratio": round(warmed_ms / base_ms, 2),
                    "second_ms": round(again_ms),
                    "second_ratio": round(again_ms / base_ms, 2),
                    "warm_up_s": round(statistics.median(warm_s), 1),
                    "all": {
                        "cold": [round(t) for t in cold],
                        "warmed": [round(t) for t in warmed],
                        "second": [round(t) for t in again],
                    },
                    "all_baseline": [round(t) for t in base],
                }
            )
    finish(report, "cold_start", args.only is not None, table)


def table(report: dict) -> str:
    lines = [
        f"| page | cold server, median of {report['rounds']} | ratio | warmed server | ratio | its second load | ratio "
        "| one-slider page, cold | warm-up before the URL |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["pages"]:
        lines.append(
            f"| {r['page']} | {r['cold_ms'] / 1000:.2f} s | {r['cold_ratio']:.2f}× | {r['warmed_ms'] / 1000:.2f} s "
            f"| {r['warmed_ratio']:.2f}× | {r['second_ms'] / 1000:.2f} s | {r['second_ratio']:.2f}× "
            f"| {r['baseline_ms'] / 1000:.2f} s | {r['warm_up_s']:.1f} s |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
