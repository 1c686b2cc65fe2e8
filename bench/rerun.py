"""Server-side time of one rerun of each page (Streamlit's AppTest), beside a one-slider script.

    python3 bench/rerun.py            # every page of bench/latency.py's matrix: a few minutes
    python3 bench/rerun.py --only learning --size default

Each case of bench/latency.py (a page, the slider a learner moves there, a size) runs app.py
in AppTest with that size's batch and settings in the session, opens the page once (its
trainings and caches warm), then moves the slider back and forth: each timed rerun sets the
slider to its neighbouring value and runs the whole script (AppTest has no fragments: a
fragment's slider reruns the page), with no browser and no websocket. The baseline is the
same on bench/minimal_app.py (one slider, one line of text), measured in the same run before
each page. Medians of --repeat reruns and their ratio go to bench/results/rerun.json.
Runs in this process with one BLAS thread, as the served app does.
"""

from __future__ import annotations

import os

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # no "missing ScriptRunContext" for the batch drawn here
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before NumPy is imported: the served app's setting

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import parse_qsl  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from latency import CASES, SIZES  # noqa: E402
from serving import RESULTS, ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))


def app_pages_without_pages_folder() -> None:
    """tests/conftest.py's autouse fixture, for good: every AppTest run goes through app.py.

    AppTest resets PagesManager.uses_pages_directory before each run and the PagesManager sets
    it to True because a pages/ folder exists, so runs after the first would execute the page
    file alone (streamlit/streamlit#9446); the real server clears it once st.navigation runs.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def page_files() -> dict[str, str]:
    """URL path -> page file, from the app's one list of pages (content.registry; the start page's path is "")."""
    from content.registry import PAGES

    return {page.url_path: page.file for page in PAGES}


def session_batch(shape: str | None):
    if shape is None:
        return None
    from bnviz import make_batch, preset
    from ui.state import Batch

    dims = tuple(int(v) for v in shape.split(","))
    name = "channels on very different scales"
    x = make_batch(preset(name, dims[1]), dims[0], spatial=dims[2:] or None, seed=0)
    return Batch(x, tuple(preset(name, dims[1])), 0, f"bench: {name}")


def find_slider(at, label: str):
    for widget in list(at.slider) + list(at.select_slider):
        if widget.label == label:
            return widget
    raise LookupError(
        f"no slider labelled {label!r}; sliders: {[w.label for w in at.slider] + [w.label for w in at.select_slider]}"
    )


def neighbour(widget) -> tuple:
    """The slider's current value and the one a step away (back, at the top)."""
    if widget.type == "select_slider":
        options = widget.options  # AppTest holds a select slider's options as their labels
        i = options.index(widget.format_func(widget.value))
        label = options[i + 1 if i + 1 < len(options) else i - 1]
        return widget.value, _raw_option(widget, label)
    value, step = widget.value, widget.step
    nxt = value + step if value + step <= widget.max else value - step
    return value, type(value)(round(nxt, 10))


def _raw_option(widget, label: str):
    """The select slider's option whose label is `label` (numbers, or the label itself)."""
    for cast in (float, int, str):
        try:
            raw = cast(label)
        except ValueError:
            continue
        if widget.format_func(raw) == label:
            return raw
    raise LookupError(f"cannot tell which option {label!r} of {widget.label!r} is")


def timed_reruns(at, label: str, repeat: int, submit: str | None = None) -> list[float]:
    """Move the slider to its neighbour and back, `repeat` times; seconds per rerun."""
    a, b = neighbour(find_slider(at, label))
    times = []
    for i in range(repeat + 1):  # the first move is not timed: the neighbour's computation is new
        find_slider(at, label).set_value(b if i % 2 == 0 else a)
        if submit:
            next(x for x in at.button if x.label == submit).click()
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
        if i:
            times.append(elapsed)
    return times


def open_page(script: str, page_file: str | None, batch, state: dict, query: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=600)
    if batch is not None:
        at.session_state["batch"] = batch
    for key, value in state.items():
        at.session_state[key] = value
    for key, value in parse_qsl(query):
        at.query_params[key] = value
    if page_file:
        at.switch_page(page_file)
    at.run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    return at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", help='a page\'s URL path ("" for home; repeatable)')
    parser.add_argument("--size", action="append", choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=6, help="timed reruns per case")
    args = parser.parse_args()
    app_pages_without_pages_folder()
    files = page_files()
    runs = []
    started = time.monotonic()
    for size, (shape, state) in SIZES.items():
        if args.size and size not in args.size:
            continue
        batch = session_batch(shape)
        for case in CASES:
            path, _, query = case.page.partition("?")
            if size not in case.sizes or (args.only is not None and path not in args.only):
                continue
            print(f"/{case.page} at {size} ...", flush=True)
            minimal = open_page(str(ROOT / "bench" / "minimal_app.py"), None, None, {}, "")
            base = statistics.median(timed_reruns(minimal, "value", args.repeat))
            at = open_page(str(ROOT / "app.py"), files[path], batch, state, query)
            times = timed_reruns(at, case.slider, args.repeat, case.submit)
            runs.append(
                {
                    "path": "/" + path,
                    "size": size,
                    "slider": case.slider,
                    "median_ms": 1000 * statistics.median(times),
                    "min_ms": 1000 * min(times),
                    "minimal_median_ms": 1000 * base,
                    "ratio": statistics.median(times) / base,
                    "reruns_ms": [round(1000 * t) for t in times],
                }
            )
    report = {
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average": os.getloadavg(),
        "wall_s": round(time.monotonic() - started),
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("rerun.json" if not (args.only or args.size) else "rerun-partial.json")
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nAppTest: median of {args.repeat} reruns, each moving the slider one step; minimal script in the same run")
    print(f"{'page':12} {'size':>13} {'page ms':>8} {'min. ms':>8} {'ratio':>7}")
    for r in runs:
        print(f"{r['path']:12} {r['size']:>13} {r['median_ms']:8.0f} {r['minimal_median_ms']:8.1f} {r['ratio']:7.1f}")
    print(f"{report['wall_s']} s; written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
