"""A class on one server (or on replicas behind nginx): many concurrent sessions doing what learners do.

Each session is a client speaking Streamlit's own websocket protocol (the BackMsg / ForwardMsg
protobufs the browser sends and receives, from the streamlit package). It opens every page in
teaching order and, on each, works the controls a learner works there (CLASS_PLAN), each
--interactions times, sending exactly what the browser sends:

- a *live* control (ui/live.py: the chart redraws in the browser while the hand moves) costs the
  server nothing while it moves; 300 ms after the hand rests, ui/live.js's setStateValue sends the
  value once: one rerun whose widget states carry the component's state as JSON
  ({"home_scale": {"value": 2.0, "scene": …}}, as element.js's setStateValue(name, {value, scene}) sends
  it; ui/live.py's _take takes nothing else), scoped to the fragment that holds the chart (the whole page
  when none does). Checked against a browser before the scene was added: Chromium's BackMsg frames,
  decoded, for a drag on / and on /learning, were one `rerun_script` per rest of the hand. Until
  2026-12-07 this script still sent the older shape ({"home_scale": 2.0}), which the app ignores: its
  live moves changed nothing and its isolation check failed every session;
- a control that runs Python (a slider, a select, a button, an expander, a form's submit button such
  as /network's "Train the three networks") sends its rerun, in its fragment if it is in one;
- every rerun carries the page's current query string (the browser's address, which the app keeps
  in step with the bound widgets).

Think time. A learner looks at what a move changed before the next one: --think T (default 5 s)
makes each session wait a random time, uniform in [T/2, 3T/2], before each page and each interaction
(and start at a random moment in the first T seconds, as a class does not click in unison). 5 s is
a brisk class: one move every 5 s per student is 6 moves a second for 30 students, more than
the server's 3 reruns a second measured without live charts (issue 8). --think 0 sends everything as
fast as the server answers: a stress test, not a class.

Latency is timed from the request to the server's "script finished". One session first goes
through every page alone, so that imports and the shared caches are not billed to the class; its
opens are reported apart (warmup_open_by_page_s), as each page's first open on the server. On
/real-network that first open trains the three CNNs (st.cache_data, once per server), and every
session of the class then opens the page from the cache: the class's opens by page
(open_by_page_median_p95_max_s) beside that first open show that the class trained it once. (With
--url the server may have been warmed by scripts/serve.sh already: then the first open is a cache hit too.)

Isolation: after the class, each session makes a batch with its own channel count on /batch and
sets the home page's scale to a value no other session uses (own_scale); all wait until every
session has done so (a barrier), then each reruns the home page with nothing moved and opens
/steps, and checks that it reads back its own values: every "std before" equals its own scale
times that channel's std at ×1 (read by a fresh session before the class, not after this session
moved the scale), and /steps's batch has its own C. A value another session set (state kept in a
module global, say) fails the check; nothing else can (tests/bench/test_loadtest_isolation.py).
`--leak` proves it: it serves bench/seeded_app.py with BNVIZ_BENCH_LEAK=1, an app copy that keeps
the live charts' values in a module global; with 4 sessions, 3 fail (all but the last to set its
scale) and isolation_ok is false.

Memory: the servers' resident memory (VmRSS, /proc) before the class, at its peak (sampled every
0.2 s) and after. With --url no server is started: memory is read from the processes --pids names,
or else from every `streamlit run` process found in /proc (their sum: on a machine shared with other
servers, name the replicas with --pids).

    python3 bench/loadtest.py                         # 30 sessions on a server it starts
    python3 bench/loadtest.py --sessions 10 --interactions 1
    python3 bench/loadtest.py --url http://127.0.0.1:8650   # nginx in front of scripts/serve.sh
    python3 bench/loadtest.py --app /tmp/bnviz-old/app.py   # another checkout (a baseline)
    python3 bench/loadtest.py --sessions 4 --leak           # isolation_ok must come out false

Writes bench/results/loadtest.json (or --out) and prints a summary. Loopback addresses only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import statistics
import sys
import time
import traceback
from pathlib import Path

import pyarrow as pa
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import RESULTS, ROOT, seeded_app, serve  # noqa: E402

RUN_TIMEOUT = 120.0  # seconds for one rerun, generous: first trainings are not cached yet
SCALE = "home_scale"  # the home page's live control: "Multiply every activation by"
SCALE_RANGE = (0.1, 10.0, 0.1)  # its min, max, step
CHANNELS_KEY = "bt_channels"  # /batch's "Channels C"

# What a learner does on each page (its URL path), in order: (kind, the widget's key or label).
# live: a control of a live chart, by its name; form: a slider of a form, then the form's submit button.
CLASS_PLAN = {
    "": [("live", SCALE)],
    "batch": [("slider", CHANNELS_KEY), ("slider", "bt_n")],
    "steps": [("button", "steps_next"), ("select", "steps_channel")],
    "gamma-beta": [
        ("live", "gamma"),
        ("live", "beta"),
        ("button", "Recover the original"),
        ("open", "gb_open_target"),  # "Find the γ and β": a side section, built only while open
        ("slider", "gb_target_gamma"),
        ("live", "gb_nl_gamma"),
    ],
    "learning": [
        ("live", "learn_step"),
        ("open", "learn_open_landscape"),
        ("slider", "learn_my_gamma"),
        ("slider", "learn_lr"),
    ],
    "network": [("form", "net_lr")],
    "real-network": [("form", "cnn_lr")],  # the page opens on the default training; then another learning rate
    "questions": [("expander", "q_open_1")],
    "teach": [("select", "teach_step")],
}


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux); 0 for a process that has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def streamlit_pids() -> list[int]:
    """Every `streamlit run` process on this machine (its command line names streamlit and run)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                argv = (proc / "cmdline").read_bytes().split(b"\0")
                if any(a.endswith(b"streamlit") for a in argv) and b"run" in argv:
                    pids.append(int(proc.name))
    return sorted(pids)


class Session:
    """One browser-like session over the websocket: reruns pages with given widget values, and keeps
    what the browser would know: the pages, the widgets on screen and their fragments, the address."""

    def __init__(self, url: str):
        self.url = url
        self.ws = None
        self.pages: list[str] = []
        self.page = ""
        self.query = ""  # the address's query string, as the app last set it
        self.widgets: dict[str, tuple] = {}  # key or label -> (kind, element or block, fragment id)
        self.values: dict[str, WidgetState] = {}  # widget id -> its value in the browser, sent with every rerun
        self.live: dict[str, dict] = {}  # a live chart's id -> the state the browser has sent

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def open(self, page: str) -> dict:
        """Open `page` (its URL path) as a link does: a rerun of that page with a fresh address."""
        self.page, self.query, self.widgets, self.values = page, "", {}, {}
        return await self.run()

    async def run(self, changes=(), fragment_id: str = "", triggers=()) -> dict:
        """Rerun the current page, or one fragment of it, with these widgets changed (WidgetState
        protos) and buttons pressed; collect what it shows, and the widgets drawn (self.widgets, by
        key and by label). As the browser does, the rerun carries every widget's value."""
        self.values.update((w.id, w) for w in changes)
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.widget_states.widgets.extend([*self.values.values(), *triggers])
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        elements, errors, received = [], [], 0
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RUN_TIMEOUT)
            received += len(raw)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "navigation":
                self.pages = [p.url_pathname for p in fm.navigation.app_pages]
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                elements.append(el)
                self._remember(el, fm.delta.fragment_id)
                if el.WhichOneof("type") == "exception":
                    errors.append(f"/{self.page}: {el.exception.type}: {el.exception.message[:200]}")
            elif kind == "delta" and fm.delta.WhichOneof("type") == "add_block":
                block = fm.delta.add_block
                if block.WhichOneof("type") == "expandable" and block.id:
                    self.widgets[block.id.rsplit("-", 1)[-1]] = ("expander", block, fm.delta.fragment_id)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    errors.append(f"/{self.page}: script finished with status {status}")
                    break
                # FINISHED_EARLY_FOR_RERUN: st.rerun() or a newer request; the next run follows.
                if status in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
                    break
        return {"latency": time.perf_counter() - start, "elements": elements, "errors": errors, "bytes": received}

    def _remember(self, el, fragment_id: str) -> None:
        kind = el.WhichOneof("type")
        widget = getattr(el, kind)
        widget_id = getattr(widget, "id", "") if kind != "bidi_component" else el.bidi_component.id
        if not widget_id:
            return
        self.widgets[widget_id.rsplit("-", 1)[-1]] = (kind, el, fragment_id)
        if widget_id not in self.values or getattr(widget, "set_value", False):  # Python set it
            value = browser_value(el)
            if value is not None:
                self.values[widget_id] = value
        if getattr(widget, "label", ""):
            self.widgets.setdefault(widget.label, (kind, el, fragment_id))
        if kind == "bidi_component":  # a live chart: each of its controls, by name
            for control in json.loads(el.bidi_component.json).get("controls", []):
                self.widgets[control["name"]] = ("live", el, fragment_id)

    async def act(self, action: str, name: str, k: int) -> dict:
        """The k-th move of the widget `name` (a key, a label or a live control's name), as the browser sends it."""
        kind, el, fragment_id = self.widgets[name]
        if action == "live":
            return await self.run([self.live_state(el, name, k)], fragment_id)
        if action == "form":  # a form's slider moves silently; its submit button sends the form
            submit = next(e for kd, e, _ in self.widgets.values() if kd == "button" and e.button.is_form_submitter)
            press = WidgetState(id=submit.button.id, trigger_value=True)
            return await self.run([slider_state(el.slider, moved(el.slider, k))], fragment_id, [press])
        if action == "slider":
            return await self.run([slider_state(el.slider, moved(el.slider, k))], fragment_id)
        if action == "select":
            options = el.selectbox.options
            return await self.run([WidgetState(id=el.selectbox.id, string_value=options[(k + 1) % len(options)])])
        if action == "button":
            return await self.run([], fragment_id, [WidgetState(id=el.button.id, trigger_value=True)])
        if action == "expander":  # open it, close it, open it…
            return await self.run([WidgetState(id=el.id, bool_value=k % 2 == 0)], fragment_id)
        if action == "open":  # a closed side section opened (and left open), to work a control in it
            return await self.run([WidgetState(id=el.id, bool_value=True)], fragment_id)
        raise ValueError(f"unknown action {action!r}")

    def live_state(self, el, name: str, k: int, value: float | None = None) -> WidgetState:
        """What ui/live.js sends when the hand rests on a live control: the component's state, with
        this control at its k-th move (or at `value`), as JSON."""
        component = el.bidi_component
        data = json.loads(component.json)  # the element's data: its figure and arrays too, parsed once
        control = next(c for c in data["controls"] if c["name"] == name)
        if value is None:  # a drag: 10 steps further from where Python drew it, kept in range
            direction = 1 if control["value"] + 10 * control["step"] <= control["max"] else -1
            value = control["value"] + direction * 10 * (k + 1) * control["step"]
            value = round(min(max(value, control["min"]), control["max"]), 10)
        state = self.live.setdefault(component.id, {})
        state[name] = {"value": value, "scene": data["revision"][1]}  # the scene: what the chart stands for
        return WidgetState(id=component.id, json_value=json.dumps(state))


def slider_state(slider, value: float) -> WidgetState:
    """The WidgetState the browser sends for a slider at `value` (a select slider's: an option's index)."""
    w = WidgetState(id=slider.id)
    if slider.type == slider.SELECT_SLIDER:  # `value` is an index; the browser sends the option's label
        w.string_array_value.data.extend([slider.options[int(round(value))]])
    else:
        w.double_array_value.data.extend([value])
    return w


def browser_value(el) -> WidgetState | None:
    """The value the browser holds for a widget Python has just drawn (None: it sends none until used)."""
    kind = el.WhichOneof("type")
    w = getattr(el, kind)
    if kind == "slider":
        return slider_state(w, (w.value or w.default)[0]) if len(w.default) == 1 else None
    if kind == "checkbox":
        return WidgetState(id=w.id, bool_value=w.value if w.set_value else w.default)
    if kind in ("radio", "selectbox"):
        value = w.raw_value if w.set_value else (w.options[w.default] if w.options else "")
        return WidgetState(id=w.id, string_value=value)
    if kind == "number_input":
        value = w.value if w.set_value else w.default
        if w.data_type == w.INT:
            return WidgetState(id=w.id, int_value=int(value))
        return WidgetState(id=w.id, double_value=value)
    return None  # buttons (triggers), uploads, downloads, live charts (until the hand moves)


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


def batch_channels(elements) -> int | None:
    """C of the batch /steps says it uses ("Your batch: …, shape (N, C…)")."""
    for el in elements:
        if el.WhichOneof("type") == "markdown":
            m = re.search(r"shape \((\d+), (\d+)", el.markdown.body)
            if m and "Your batch" in el.markdown.body:
                return int(m.group(2))
    return None


# --- the isolation check -------------------------------------------------------------------------


def own_scale(index: int) -> float:
    """Session `index`'s scale on the home page: on the control's grid, in its range, and no other
    session's (0.2, 0.3, …, 10 skipping the default ×1; sessions beyond 98 share)."""
    lo, hi, step = SCALE_RANGE
    grid = [round(lo + step * i, 1) for i in range(1, round((hi - lo) / step) + 1)]
    grid.remove(1.0)
    return grid[index % len(grid)]


def own_channels(index: int) -> int:
    """Session `index`'s channel count on /batch: 1 to 16 (sessions 16 apart share one)."""
    return 1 + index % 16


def reads_back(own: float, reference: list[float], shown: list[float], rtol: float = 2e-3) -> bool:
    """Whether the home page shows this session's own scale: each channel's "std before" is `own`
    times that channel's std at ×1 (`reference`, read by a fresh session), within rtol."""
    return len(shown) == len(reference) > 0 and all(
        abs(s - own * r) <= rtol * max(1.0, abs(own * r)) for s, r in zip(shown, reference)
    )


async def reference_std(url: str) -> list[float]:
    """The home page's "std before" of each channel at the default scale ×1, in a fresh session."""
    async with Session(url) as s:
        await s.run()
        home = await s.open("")
        control = next(c for c in json.loads(s.widgets[SCALE][1].bidi_component.json)["controls"])
        if control["value"] != 1.0:
            raise RuntimeError(f"a fresh session's scale is {control['value']}, not ×1")
        return table_column(home["elements"], "std before")


async def isolation(s: Session, index: int, reference: list[float], barrier: asyncio.Barrier) -> tuple[bool, list]:
    """Set this session's own batch and scale, wait for every session to set theirs, then read them
    back: the home page rerun with nothing moved (as any press elsewhere on it reruns it), and /steps."""
    scale, channels = own_scale(index), own_channels(index)
    await s.open("batch")
    _, c_slider, fragment_id = s.widgets[CHANNELS_KEY]
    made = await s.run([slider_state(c_slider.slider, channels)], fragment_id)
    await s.open("")
    _, chart, fragment_id = s.widgets[SCALE]
    await s.run([s.live_state(chart, SCALE, 0, value=scale)], fragment_id)
    await asyncio.wait_for(barrier.wait(), 10 * RUN_TIMEOUT)  # every session has set its own values
    home = await s.run()
    steps = await s.open("steps")
    errors = made["errors"] + home["errors"] + steps["errors"]
    ok = reads_back(scale, reference, table_column(home["elements"], "std before"))
    return ok and batch_channels(steps["elements"]) == channels, errors


# --- the class ------------------------------------------------------------------------------------


async def learner(url: str, index: int, args, record: dict, reference: list[float], barrier) -> None:
    """One learner: every page in teaching order, each page's controls as CLASS_PLAN says, then the
    isolation check."""
    rng = random.Random(index)

    async def think():
        if args.think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.think)

    async with Session(url) as s:
        if args.think:
            await asyncio.sleep(rng.uniform(0, args.think))
        first = await s.run()
        record["errors"] += first["errors"]
        for page in s.pages:
            await think()
            opened = await s.open(page)
            record["open"].append(opened["latency"])
            record["open_by_page"].setdefault(page, []).append(opened["latency"])
            record["errors"] += opened["errors"]
            for action, name in CLASS_PLAN.get(page, []):
                for k in range(args.interactions):
                    await think()
                    if name not in s.widgets:
                        record["errors"].append(f"/{page}: no widget {name!r} to move")
                        break
                    result = await s.act(action, name, k)
                    kind = "live" if action == "live" else "python"
                    record["interact"].append(result["latency"])
                    record["by_kind"].setdefault(kind, []).append(result["latency"])
                    record["page_latency"].setdefault(page, []).append(result["latency"])
                    record["pages"].setdefault(page, []).append(result["bytes"])
                    record["bytes"].append(result["bytes"])
                    record["errors"] += result["errors"]
        if barrier is not None:
            ok, errors = await isolation(s, index, reference, barrier)
            record["isolated"].append(ok)
            record["errors"] += errors


def new_record() -> dict:
    return {"open": [], "interact": [], "by_kind": {}, "bytes": [], "pages": {}, "page_latency": {}, "errors": []} | {
        "isolated": [],
        "open_by_page": {},
    }


async def sample_rss(pids: list[int], peak: list[float]) -> None:
    """Sample the servers' summed resident memory every 0.2 s; keep the largest in peak[0]."""
    while True:
        peak[0] = max(peak[0], sum(rss_mb(p) for p in pids))
        await asyncio.sleep(0.2)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


async def run_class(http_url: str, pids: list[int], args) -> dict:
    url = http_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    # Warm-up: one session through every page, so caches and imports are not billed to the class.
    warm = new_record()
    await learner(url, 0, argparse.Namespace(interactions=1, think=0.0), warm, [], None)
    if warm["errors"]:
        raise RuntimeError(f"the warm-up session failed: {warm['errors']}")
    reference = await reference_std(url)
    record, barrier = new_record(), asyncio.Barrier(args.sessions)
    rss_before, peak = sum(rss_mb(p) for p in pids), [0.0]
    sampler = asyncio.create_task(sample_rss(pids, peak))
    start = time.perf_counter()
    outcomes = await asyncio.gather(
        *(learner(url, i, args, record, reference, barrier) for i in range(args.sessions)), return_exceptions=True
    )
    wall = time.perf_counter() - start
    sampler.cancel()
    rss_after = sum(rss_mb(p) for p in pids)
    record["errors"] += [
        "a session failed: " + "".join(traceback.format_exception(o)[-3:])
        for o in outcomes
        if isinstance(o, BaseException)
    ]
    reruns = len(record["open"]) + len(record["interact"]) + 6 * len(record["isolated"])  # 6 in isolation()
    interact = record["interact"] or [float("nan")]
    return {
        "sessions": args.sessions,
        "interactions_per_control": args.interactions,
        "think_s": args.think,
        "servers": len(pids),
        "reruns": reruns,
        "reruns_per_s": round(reruns / wall, 2),
        "errors": record["errors"],
        "isolation_ok": all(record["isolated"]) and len(record["isolated"]) == args.sessions,
        "isolation_failed_sessions": record["isolated"].count(False),
        "open_median_s": round(statistics.median(record["open"]), 3),
        "warmup_open_by_page_s": {page: round(t[0], 2) for page, t in warm["open_by_page"].items()},
        "warmup_interaction_by_page_s": {page: [round(x, 2) for x in t] for page, t in warm["page_latency"].items()},
        "open_by_page_median_p95_max_s": {
            page: [round(statistics.median(t), 2), round(_p95(t), 2), round(max(t), 2)]
            for page, t in record["open_by_page"].items()
        },
        "interaction_median_s": round(statistics.median(interact), 3),
        "interaction_p95_s": round(_p95(interact), 3),
        "interaction_by_kind_median_p95_s": {
            kind: [round(statistics.median(t), 2), round(_p95(t), 2)] for kind, t in record["by_kind"].items()
        },
        "interaction_by_page_median_p95_s": {
            page: [round(statistics.median(t), 2), round(_p95(t), 2)] for page, t in record["page_latency"].items()
        },
        "interaction_bytes_median": statistics.median(record["bytes"]) if record["bytes"] else None,
        "interaction_bytes_median_by_page": {page: statistics.median(b) for page, b in record["pages"].items()},
        "server_rss_mb_before": round(rss_before, 1),
        "server_rss_mb_peak": round(peak[0], 1),
        "server_rss_mb_after": round(rss_after, 1),
        "server_mb_per_session": round((rss_after - rss_before) / args.sessions, 2),
        "server_mb_per_session_at_peak": round((peak[0] - rss_before) / args.sessions, 2),
        "wall_s": round(wall, 1),
    }


async def main_async(args) -> dict:
    if args.url:
        pids = args.pids or streamlit_pids()
        return await run_class(args.url, pids, args) | {"url": args.url, "pids": pids}
    if args.leak:
        server = seeded_app(None, leak=True)
    elif args.app:
        server = serve(args.app.resolve(), cwd=args.app.resolve().parent, log_name="loadtest")
    else:
        server = serve(ROOT / "app.py", log_name="loadtest")
    with server as (http_url, proc):
        return await run_class(http_url, [proc.pid], args) | {"app": str(args.app or "app.py"), "leak": args.leak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--interactions", type=int, default=2, help="moves of each control CLASS_PLAN names")
    parser.add_argument("--think", type=float, default=5.0, help="mean seconds a learner waits before a move (0: none)")
    parser.add_argument("--url", help="a running server (or nginx) to load; none is started")
    parser.add_argument("--pids", type=int, nargs="*", help="with --url: the server processes whose memory to read")
    parser.add_argument("--app", type=Path, help="serve this app.py instead (another checkout, for a baseline)")
    parser.add_argument("--leak", action="store_true", help="serve an app copy that leaks state between sessions")
    parser.add_argument("--out", type=Path, default=RESULTS / "loadtest.json")
    args = parser.parse_args()
    summary = asyncio.run(main_async(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    for key, value in summary.items():
        print(f"{key:34} {value}")
    return 0 if not summary["errors"] and summary["isolation_ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
