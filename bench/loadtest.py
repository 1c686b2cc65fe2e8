"""A classroom on one laptop: one `streamlit run` server, many concurrent sessions.

Each session is a client speaking Streamlit's own websocket protocol (the protobuf messages
the browser sends and receives, from the streamlit package): it opens every page in teaching
order, moves the first two sliders the page shows for a fixed number of interactions (a
slider in a fragment reruns its fragment only, as in the browser), and times each rerun from
the request to the server's "script finished". All sessions run at once, with no pause between
interactions unless --think says so: a class all moving sliders at the same instant. One session
first goes through every page alone, so that imports and caches are not billed to the class.
It then checks that no session saw another's values: each session sets the home page's scale
slider to its own value and reads back the standard deviations the page shows, and makes its
own batch on /batch (its own channel count) and reads back its shape on /steps. The server's
memory is sampled during the run (peak) and after it.

    python3 bench/loadtest.py                # 30 sessions, 3 interactions per slider page
    python3 bench/loadtest.py --sessions 5   # a quick run

Writes bench/results/loadtest.json and prints a summary. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from pathlib import Path

import pyarrow as pa
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import RESULTS, ROOT, serve  # noqa: E402

RUN_TIMEOUT = 120.0  # seconds for one rerun, generous: first training runs are not cached yet
SCALE_LABEL = "Multiply every activation by"
CHANNELS_LABEL = "Channels C"


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """One browser-like session over the websocket: reruns a page with given widget values."""

    def __init__(self, url: str):
        self.url = url
        self.ws = None
        self.pages: list[str] = []
        self.fragment_of: dict[str, str] = {}

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, page: str, widgets=(), query: str = "", fragment_id: str = "") -> dict:
        """Rerun `page` (its URL path), or one fragment of it, with these WidgetState protos;
        collect what it shows, and the fragment each widget was drawn in (self.fragment_of)."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.fragment_id = fragment_id
        for w in widgets:
            msg.rerun_script.widget_states.widgets.append(w)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        elements, errors, sent = [], [], 0
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT)
            sent += len(raw)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                self.pages = [p.url_pathname for p in fm.navigation.app_pages]
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                elements.append(el)
                if el.WhichOneof("type") == "slider":
                    self.fragment_of[el.slider.id] = fm.delta.fragment_id
                if el.WhichOneof("type") == "exception":
                    errors.append(f"{page}: {el.exception.type}: {el.exception.message[:200]}")
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    errors.append(f"{page}: script finished with status {status}")
                    break
                # FINISHED_EARLY_FOR_RERUN: st.rerun() or a newer request; the next run follows.
                if status in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
                    break
        return {"latency": time.perf_counter() - start, "elements": elements, "errors": errors, "bytes": sent}


def sliders(elements) -> list:
    return [el.slider for el in elements if el.WhichOneof("type") == "slider"]


def slider_state(slider, value: float):
    """The WidgetState the browser sends for a slider at `value` (a select slider's: an option's index)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    w = WidgetState(id=slider.id)
    if slider.type == slider.SELECT_SLIDER:  # `value` is an index; the browser sends the option's label
        w.string_array_value.data.extend([slider.options[int(round(value))]])
    else:
        w.double_array_value.data.extend([value])
    return w


def moved(slider, k: int) -> float:
    """The k-th value a learner would step to from the slider's default, kept in range."""
    start = slider.value[0] if slider.value else slider.default[0]
    value = start + (k + 1) * slider.step * (1 if start + slider.step <= slider.max else -1)
    return min(max(value, slider.min), slider.max)


def table_column(elements, column: str) -> list[float]:
    for el in elements:
        if el.WhichOneof("type") == "table":
            frame = pa.ipc.open_stream(el.table.arrow_data.data).read_all().to_pandas()
            return [float(v) for v in frame[column]]
    raise LookupError("no table on the page")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def batch_channels(elements) -> int | None:
    """C of the batch /steps says it uses ("Your batch: …, shape (N, C…)")."""
    for el in elements:
        if el.WhichOneof("type") == "markdown":
            m = re.search(r"shape \((\d+), (\d+)", el.markdown.body)
            if m and "Your batch" in el.markdown.body:
                return int(m.group(2))
    return None


async def peak_rss(pid: int, peak: list[float]) -> None:
    """Sample the server's resident memory every 0.2 s; keep the largest in peak[0]."""
    while True:
        peak[0] = max(peak[0], rss_mb(pid))
        await asyncio.sleep(0.2)


async def classroom_session(url: str, index: int, interactions: int, record: dict, think: float = 0.0) -> None:
    async with Session(url) as s:
        first = await s.run("")
        record["errors"] += first["errors"]
        for page in s.pages:
            opened = await s.run(page)
            record["open"].append(opened["latency"])
            record["errors"] += opened["errors"]
            state = {}
            for slider in sliders(opened["elements"])[:2]:
                for k in range(interactions):
                    state[slider.id] = slider_state(slider, moved(slider, k))
                    # A slider in a fragment reruns only its fragment, as in the browser.
                    result = await s.run(page, state.values(), fragment_id=s.fragment_of.get(slider.id, ""))
                    record["pages"].setdefault(page, []).append(result["bytes"])
                    record["page_latency"].setdefault(page, []).append(result["latency"])
                    if think:
                        await asyncio.sleep(think)
                    record["interact"].append(result["latency"])
                    record["bytes"].append(result["bytes"])
                    record["errors"] += result["errors"]
        # Isolation: this session's own scale, read back from the numbers the page shows.
        home = await s.run("")
        base = table_column(home["elements"], "std before")
        scale = round(0.5 + 0.3 * index, 1)
        mine = await s.run(
            "", [slider_state(next(x for x in sliders(home["elements"]) if x.label == SCALE_LABEL), scale)]
        )
        shown = table_column(mine["elements"], "std before")
        same_scale = all(abs(a - scale * b) <= 2e-3 * max(1.0, scale * b) for a, b in zip(shown, base))
        # And the batch: this session's own channel count, made on /batch, read back on /steps.
        channels = 1 + index % 16
        made = await s.run("batch")
        c_slider = next(x for x in sliders(made["elements"]) if x.label == CHANNELS_LABEL)
        await s.run("batch", [slider_state(c_slider, channels)])
        await asyncio.sleep(0.2)  # let other sessions make theirs in between
        steps = await s.run("steps")
        record["errors"] += made["errors"] + steps["errors"]
        same_batch = batch_channels(steps["elements"]) == channels
        record["isolated"].append(same_scale and same_batch)


async def main_async(args) -> dict:
    with serve(ROOT / "app.py", log_name="loadtest") as (http_url, server):
        url = http_url.replace("http://", "ws://") + "/_stcore/stream"
        record = {
            "open": [],
            "interact": [],
            "bytes": [],
            "pages": {},
            "page_latency": {},
            "errors": [],
            "isolated": [],
        }
        # Warm-up: one session through every page, so caches and imports are not billed to the class.
        warm = {"open": [], "interact": [], "bytes": [], "pages": {}, "page_latency": {}, "errors": [], "isolated": []}
        await classroom_session(url, 0, 1, warm)
        if warm["errors"]:
            raise RuntimeError(f"the warm-up session failed: {warm['errors']}")
        rss_before, peak = rss_mb(server.pid), [0.0]
        sampler = asyncio.create_task(peak_rss(server.pid, peak))
        start = time.perf_counter()
        await asyncio.gather(
            *(classroom_session(url, i, args.interactions, record, args.think) for i in range(args.sessions))
        )
        wall = time.perf_counter() - start
        sampler.cancel()
        rss_after = rss_mb(server.pid)
    q = statistics.quantiles(record["interact"], n=20) if len(record["interact"]) > 1 else [float("nan")] * 19
    return {
        "sessions": args.sessions,
        "interactions_per_slider": args.interactions,
        "think_s": args.think,
        "reruns": len(record["open"]) + len(record["interact"]),
        "errors": record["errors"],
        "isolation_ok": all(record["isolated"]) and len(record["isolated"]) == args.sessions,
        "open_median_s": statistics.median(record["open"]),
        "interaction_median_s": statistics.median(record["interact"]),
        "interaction_p95_s": q[18],
        "interaction_by_page_median_p95_s": {
            page: [round(statistics.median(t), 2), round(_p95(t), 2)] for page, t in record["page_latency"].items()
        },
        "interaction_bytes_median": statistics.median(record["bytes"]),
        "interaction_bytes_median_by_page": {page: statistics.median(b) for page, b in record["pages"].items()},
        "server_rss_mb_peak": round(peak[0], 1),
        "server_mb_per_session_at_peak": round((peak[0] - rss_before) / args.sessions, 2),
        "server_rss_mb_before": round(rss_before, 1),
        "server_rss_mb_after": round(rss_after, 1),
        "server_mb_per_session": round((rss_after - rss_before) / args.sessions, 2),
        "wall_s": round(wall, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--interactions", type=int, default=3, help="moves per slider (two sliders per page)")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each session waits after an interaction (0: every session as fast as it can)",
    )
    args = parser.parse_args()
    summary = asyncio.run(main_async(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loadtest.json").write_text(json.dumps(summary, indent=2))
    for key, value in summary.items():
        print(f"{key:28} {value if not isinstance(value, float) else round(value, 3)}")
    return 0 if not summary["errors"] and summary["isolation_ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
