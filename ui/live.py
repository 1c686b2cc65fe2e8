"""Live charts: controls that only redraw data the browser already has, redrawn by the browser.

A live chart is one Streamlit components-v2 element: native labelled `<input type="range">` controls,
a plotly figure styled in Python, and a chart *kind*, a JavaScript updater (in ui/live/kinds.js) that turns
the arrays sent once and the controls' values into the figure's new traces and text readouts. Each
`input` event asks for one redraw per animation frame (Plotly.react); no Python rerun happens while
the hand moves. When it stops (300 ms without a change), each changed control's value goes back to
Python, and the control's change callback writes it into the value's one owner (see "one owner per
value" below), so the page's numbers, the shareable link and the tests see it.

    values = live_chart(
        "home_live", "scaled_histograms", fig, {"x": [...], "edges": [...]},
        [LiveControl("home_scale", "Multiply every activation by", 0.1, 10.0, 0.1, 1.0)],
    )
    values["home_scale"]  # 2.0, once the learner's hand has stopped at ×2

- `LiveControl(..., play=True)` adds a Play/Pause button (a native <button> with aria-pressed) and its
  speed (a labelled native <select>: 0.5×, 1×, 2×, 4×). Play advances the control by the time elapsed,
  across its whole range in 10 s at 1× whatever its number of steps and the frame rate; its value goes
  back when play pauses.

- The control's name is its URL parameter (`?home_scale=2`): read on arrival (a bad value opens the
  default, named in the app's notice via ui.links.reject), written back on every run.
- The element's `data` carries the owner's values and a revision that only `set_values` moves: a chart
  drawn again shows the owner's values, and a rerun never moves an input under the hand.
- plotly.js is the installed plotly package's own copy, served by Streamlit's static serving beside
  the modules below (copied at start-up by `serve_live_js`), never from a CDN.
- The JavaScript is ES modules in ui/live/: element.js, the element's lifecycle (the component's own
  script); kinds.js, one updater per chart kind, on maths.js, the NumPy functions it copies (tested
  against them by tests/ui/test_live_js.py); figure.js, which applies an update to the figure by the
  `meta` of its traces and the `name` of its shapes and annotations that the figure builders set. The
  last three are served with plotly.js, in one folder named by their digest (`serve_live_js`).
- Nothing given here is ever inserted as HTML by the JavaScript (labels and readouts are set as
  text), so labels that carry a learner's channel names are safe. A label's <sub>…</sub> (plotly's
  way, bnviz.notation's μ<sub>B</sub>) is drawn as a subscript element holding text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import plotly
import plotly.graph_objects as go
import streamlit as st

from ui import classroom, links

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"  # Streamlit serves it at app/static/ (server.enableStaticServing)
PLOTLY_JS = "plotly.min.js"
DEBOUNCE_MS = 300  # the hand has stopped: send the values back to Python
MODULES = Path(__file__).with_name("live")  # the live charts' JavaScript and CSS
SERVED = ("maths.js", "kinds.js", "figure.js", "layer.js")  # loaded by element.js from the app's static folder
_JS = (MODULES / "element.js").read_text(encoding="utf-8")
_CSS = (MODULES / "element.css").read_text(encoding="utf-8")
# Static markup: the JavaScript fills the controls and readouts in, as text; "Drawing…" stands where the
# chart comes until plotly.js and the modules have drawn it.
_HTML = (
    '<div class="bnviz-live">'
    '<div class="bnviz-live-controls"></div>'
    '<div class="bnviz-live-readouts" aria-live="polite"></div>'
    '<p class="bnviz-live-drawing" role="status">Drawing the chart…</p>'
    '<div class="bnviz-live-chart"></div>'
    "</div>"
)
# A chart with no control (chart(), shared_chart()): the same element and plotly.js, its own root class so
# that it is never taken for a live chart, and no controls or readouts.
_CHART_HTML = (
    '<div class="bnviz-chart">'
    '<p class="bnviz-live-drawing" role="status">Drawing the chart…</p>'
    '<div class="bnviz-live-chart"></div>'
    "</div>"
)
_STATE = "_live_"  # session key prefix: each chart's revision (set_values counts them), and its link's reading


PLOTLY_SOURCE = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
# The date every served file carries (Last-Modified). Streamlit's static serving sends no Cache-Control, so a
# browser keeps a file for a tenth of its age (HTTP's heuristic freshness, RFC 9111 4.2.2) and then asks for it
# again, which Streamlit answers with the whole file: a plotly.js copied a minute ago came again with nearly
# every page load (4.8 MB, and Chromium compiled it anew each time, about a second of its CPU per load). The
# folder's name changes with what it holds, so a browser may keep these files as long as it likes.
SERVED_DATE = 946_684_800  # 2000-01-01 00:00 UTC


def _modules_digest() -> str:
    """The digest of what serve_live_js serves: the modules, and the installed plotly.js (its version and size)."""
    digest = hashlib.sha256()
    for name in SERVED:
        digest.update((MODULES / name).read_bytes())
    digest.update(f"plotly {plotly.__version__} {PLOTLY_SOURCE.stat().st_size}".encode())
    return digest.hexdigest()[:12]


MODULES_URL = f"app/static/live-{_modules_digest()}/"  # new code, new folder: no browser keeps a stale file


def serve_live_js() -> Path:
    """Copy the live charts' modules (SERVED) and the installed plotly package's plotly.min.js to
    static/live-<digest>/, where Streamlit serves them and element.js loads them, dated SERVED_DATE; folders of
    older digests are removed then. Idempotent, atomic per folder; static/ is git-ignored. Called on every run
    (app.py), it costs one stat once the folder is there."""
    folder = STATIC / MODULES_URL.removeprefix("app/static/").rstrip("/")
    if folder.exists():
        return folder
    STATIC.mkdir(exist_ok=True)
    partial = STATIC / f".{folder.name}.{os.getpid()}.part"  # one per process: servers may start together
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    for name, source in [(name, MODULES / name) for name in SERVED] + [(PLOTLY_JS, PLOTLY_SOURCE)]:
        shutil.copyfile(source, partial / name)
        os.utime(partial / name, (SERVED_DATE, SERVED_DATE))
    try:
        partial.rename(folder)  # atomic: a request never sees half a folder
    except OSError:  # another server made it first
        shutil.rmtree(partial, ignore_errors=True)
    for old in STATIC.glob("live-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    (STATIC / PLOTLY_JS).unlink(missing_ok=True)  # where plotly.js was served before
    return folder


@dataclass(frozen=True)
class LiveControl:
    """One native range input: its name (the state value's and the URL parameter's), its label,
    its range and step, and its default value. decimals: shown in its readout (from step by default)."""

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float
    decimals: int | None = None
    help: str = ""
    hide_as: str | None = None  # its name in `?hide=` (and whether classroom mode hides it: essential)
    essential: bool = True
    play: bool = False  # a Play/Pause button beside it advances it, step by step, in the browser
    disabled: bool = False  # shown but locked (classroom mode: until the class has predicted)

    def clip(self, value: float) -> float:
        """`value` clipped to [min, max], kept off the step grid (a recovered γ is shown exactly)."""
        return min(max(float(value), self.min), self.max)

    def snap(self, value: float) -> float:
        """The value the range input takes for `value`: clipped to [min, max], on the step grid."""
        value = min(max(float(value), self.min), self.max)
        steps = math.floor((value - self.min) / self.step + 0.5)  # a tie goes up, as the browser's input
        if self.min + steps * self.step > self.max + 1e-9:  # a max off the grid: the last step below it
            steps -= 1
        return round(self.min + steps * self.step, 10)

    @property
    def setting(self) -> links.Setting:
        return links.Setting(float(self.value), lo=self.min, hi=self.max)

    def spec(self, value: float) -> dict:
        """The control as the browser draws it, showing `value`; hidden as ui.links.control would hide it."""
        spec = asdict(self) | {"value": value}
        spec["hidden"] = self.hide_as is not None and not links.is_shown(self.hide_as, self.essential)
        del spec["hide_as"], spec["essential"]
        if spec["decimals"] is None:
            spec["decimals"] = max(0, -math.floor(math.log10(self.step) + 1e-9)) if self.step < 1 else 0
        return spec


def figure_json(fig: go.Figure) -> dict:
    """A plotly figure as the JSON plotly.js takes (arrays as plotly's typed-array dicts)."""
    if classroom.enabled():
        classroom.enlarge(fig)
    return json.loads(fig.to_json())


def shared_figure(build, *args, by=None, **options) -> dict:
    """build(*args, **options) as figure_json gives it, built once for every session that asks for
    the same arguments (and classroom mode): for a live chart's first drawing, which the browser
    then redraws. Shared: never changed after this. The arguments are hashed (st.cache_resource);
    by: what they are computed from, hashed instead of them."""
    name = f"{build.__module__}.{build.__qualname__}"
    options = tuple(sorted(options.items()))
    inputs = (args, options) if by is None else by
    return _shared_figure(name, inputs, classroom.enabled(), build, args, options)


@st.cache_resource(show_spinner=False, max_entries=512)  # every chart's (ui.classroom's cache held 512)
def _shared_figure(name: str, inputs, classroom_on: bool, _build, _args: tuple, _options: tuple) -> dict:
    return figure_json(_build(*_args, **dict(_options)))


# --- one owner per value -------------------------------------------------------------------------
# A live control's value has one owner in Python: by default the session key named like the control
# (`st.session_state["home_scale"]`), or what the page says (SessionOwner's interface: /gamma-beta
# keeps one γ and one β per channel). The value moves two ways, each by one function:
# - the hand (the browser): the component's change callback, _take, writes the value the browser sent
#   into the owner; the browser already shows it, so nothing is sent back;
# - Python (a link, a button, a box, a range that shrank): set_values writes the owner and bumps the
#   chart's revision: the browser takes the values the next run sends, and echoes them into the
#   component's state (so that a later hand move back to the old value still reaches Python).
# The element's data carries the values Python last set (told), with the revision; a hand move changes
# neither, so the rerun after it sends the chart nothing new (its figure and arrays are the bulk of a
# rerun's bytes). The browser remembers what it showed under that revision (ui/live/element.js), so a
# chart drawn again (classroom mode switched, the page left and visited again) shows the hand's value;
# it takes the data's values only when the revision (or the scene: /gamma-beta's channel) changed, so a
# rerun never moves a control under the hand.


class SessionOwner:
    """The default owner: each control's value in the session key of its name."""

    def get(self, name: str, default: float) -> float:
        return st.session_state.get(name, default)

    def set(self, name: str, value: float) -> None:
        st.session_state[name] = float(value)


DEFAULT_OWNER = SessionOwner()


def _record(key: str) -> dict:
    """The chart's revision (set_values counts), the values Python last told the browser (None: tell the
    owner's at the next drawing) and the scene they were told for."""
    return st.session_state.setdefault(_STATE + key, {"revision": 0, "told": None, "scene": None})


def set_values(key: str, values: dict[str, float], owner=DEFAULT_OWNER) -> None:
    """Move the live chart `key`'s controls from Python (a Reset or Recover button's callback, a link, a
    range that shrank): into their owner, with a new revision, so that the browser takes them on the next
    run (and echoes them into the component's state: a later hand move back to its old value still counts)."""
    for name, value in values.items():
        owner.set(name, value)
    record = _record(key)
    record["revision"] += 1
    record["told"] = None


def _take(key: str, control: LiveControl, owner, scene) -> None:
    """The change callback of a control: the value the browser sent (the hand stopped; or its echo of a
    value Python set), {"value": v, "scene": s}, goes to its owner, as it is (clipped to the range), if it
    belongs to the scene the owner stands for (a value sent for channel 0 that arrives after the switch
    to channel 1 is not channel 1's)."""
    sent = (st.session_state.get(key) or {}).get(control.name)
    if isinstance(sent, dict) and sent.get("scene") == scene and sent.get("value") is not None:
        owner.set(control.name, control.clip(sent["value"]))


def element_data(kind: str, figure: dict, arrays: dict, controls, values: dict, revision, readouts=()) -> dict:
    """What the browser receives (JSON): the kind of chart, the styled figure, the arrays, the
    controls with the values to show, the readouts' labels, and the revision of those values."""
    return {
        "kind": kind,
        "figure": figure,
        "arrays": arrays,
        "controls": [c.spec(values[c.name]) for c in controls],
        "readouts": [{"name": name, "label": label} for name, label in readouts],
        "revision": revision,
        "debounce": DEBOUNCE_MS,
        "modules": MODULES_URL,
    }


def _from_link(controls) -> dict[str, float]:
    """On arrival: the link's values for the controls, the unusable ones rejected (named in the notice)."""
    settings = {c.name: c.setting for c in controls}
    found, bad = links.read(settings, st.query_params.to_dict())
    if bad:
        links.reject(*bad)
    return {c.name: c.snap(found[c.name]) for c in controls if c.name in found}


_component = st.components.v2.component("bnviz_live", html=_HTML, css=_CSS, js=_JS, isolate_styles=False)
_chart_component = st.components.v2.component("bnviz_chart", html=_CHART_HTML, css=_CSS, js=_JS, isolate_styles=False)


def live_chart(
    key: str,
    kind: str,
    fig: go.Figure | dict,
    arrays: dict,
    controls: list[LiveControl],
    readouts: list[tuple[str, str]] = (),
    link: bool = True,
    owner=DEFAULT_OWNER,
    scene=None,
) -> dict[str, float]:
    """Draw a live chart and return its controls' values, as their owner holds them.

    key: the element's key ("home_live"); kind: the name of the chart's updater in ui/live/kinds.js;
    fig: the figure as first drawn, styled here (or as shared_figure gives it); arrays: what the
    updater reads (JSON lists); readouts: (name, label) of text the updater computes.
    link: bind each control to the URL under its name. owner: where the values live (SessionOwner's
    get and set). scene: what the controls stand for (/gamma-beta's channel): when it changes, the
    browser takes the values sent, as when Python sets them.
    """
    names = [c.name for c in controls]
    if link:
        links.claim(*names)
    # Once per visit, at the chart's first drawing since the learner came to the page (on arrival, or later
    # for a chart shown only once the class has predicted: the page claims its parameters until then).
    read_in = _STATE + key + "_read_in"  # the arrival whose link was read
    if link and st.session_state.get(read_in) != links.arrival():
        st.session_state[read_in] = links.arrival()
        found = _from_link(controls)
        if found:
            set_values(key, found, owner)
    values = {c.name: owner.get(c.name, c.value) for c in controls}
    # A value off the control's range (a shorter training has fewer steps): the nearest in range. A value
    # off the step grid stays (a recovered γ is exact).
    off = {c.name: c.clip(values[c.name]) for c in controls if c.clip(values[c.name]) != values[c.name]}
    if off:
        set_values(key, off, owner)
        values |= off
    record = _record(key)
    if record["told"] is None or record["scene"] != scene or set(record["told"]) != set(names):
        record["told"], record["scene"] = dict(values), scene
    figure = fig if isinstance(fig, dict) else figure_json(fig)
    data = element_data(kind, figure, arrays, controls, record["told"], [record["revision"], scene], readouts)
    data["chart"] = key  # what the browser remembers the chart's values under
    _component(
        key=key,
        data=data,
        default={name: {"value": value, "scene": scene} for name, value in values.items()},
        **{f"on_{c.name}_change": functools.partial(_take, key, c, owner, scene) for c in controls},
    )
    if link:
        links.write({c.name: c.setting.format(values[c.name]) for c in controls if values[c.name] != c.value}, names)
    return values


# --- charts with no control ----------------------------------------------------------------------
# Every other chart is drawn by the same element and the same copy of plotly.js (kind "static": nothing to
# update; ui.classroom.chart and shared_chart call these), not by st.plotly_chart: Streamlit's plotly chart
# loads a second copy of plotly.js (a 4.7 MB script), which made the pages with live charts the app's
# slowest to first paint (bench/first_paint.py, docs/performance.md).


def chart(fig: go.Figure | dict, key: str) -> None:
    """Draw a plotly figure (as ui.classroom.chart does: enlarged in classroom mode) with the live charts'
    plotly.js. `fig`: a figure, or the JSON figure_json or shared_figure gives."""
    figure = fig if isinstance(fig, dict) else figure_json(fig)
    data = element_data("static", figure, {}, [], {}, None) | {"chart": key}
    _chart_component(key=key, data=data)


def shared_chart(build, *args, key: str, by=None, **options) -> None:
    """chart() of build(*args, **options), built once for every session that asks for the same arguments
    (shared_figure; as ui.classroom.shared_chart)."""
    chart(shared_figure(build, *args, by=by, **options), key)
