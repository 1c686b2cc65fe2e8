"""Live charts: controls that only redraw data the browser already has, redrawn by the browser.

A live chart is one Streamlit components-v2 element: native labelled `<input type="range">` controls,
a plotly figure styled in Python, and a chart *kind*, a JavaScript updater (in ui/live/kinds.js) that turns
the arrays sent once and the controls' values into the figure's new traces and text readouts. Each
`input` event asks for one redraw per animation frame (Plotly.react); no Python rerun happens while
the hand moves. When it stops (300 ms without a change), each changed control's value goes back to
Python as one state value, so the page's numbers, the shareable link and the tests see it.

    values = live_chart(
        "home_live", "scaled_histograms", fig, {"x": [...], "edges": [...]},
        [LiveControl("home_scale", "Multiply every activation by", 0.1, 10.0, 0.1, 1.0)],
    )
    values["home_scale"]  # 2.0, once the learner's hand has stopped at ×2

- `LiveControl(..., play=True)` adds a Play/Pause button (a native <button> with aria-pressed) that
  advances the control one animation frame at a time; its value goes back when play pauses.

- The control's name is its URL parameter (`?home_scale=2`): read on arrival (a bad value opens the
  default, named in the app's notice via ui.links.reject), written back on every run.
- The element's `data` changes only when Python sets the values (arrival, `set_values`): a rerun
  with the same data does not run the JavaScript again, and a chart is never torn down and rebuilt.
- plotly.js is the installed plotly package's own copy, served by Streamlit's static serving
  (`static/plotly.min.js`, copied at start-up by `serve_plotly_js`), never from a CDN.
- The JavaScript is ES modules in ui/live/: element.js, the element's lifecycle (the component's own
  script); kinds.js, one updater per chart kind, on maths.js, the NumPy functions it copies (tested
  against them by tests/test_live_js.py); figure.js, which applies an update to the figure by the
  `meta` of its traces and the `name` of its shapes and annotations that the figure builders set. The
  last three are served beside plotly.js (`serve_live_js`, in a folder named by their digest).
- Nothing given here is ever inserted as HTML by the JavaScript (labels and readouts are set as
  text), so labels that carry a learner's channel names are safe. A label's <sub>…</sub> (plotly's
  way, bnviz.notation's μ<sub>B</sub>) is drawn as a subscript element holding text.
"""

from __future__ import annotations

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
SERVED = ("maths.js", "kinds.js", "figure.js")  # loaded by element.js from the app's static folder
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
_STATE = "_live_"  # session key prefix: the values last pushed to the browser, and their revision


def serve_plotly_js() -> Path:
    """Copy the installed plotly package's plotly.min.js to static/, where Streamlit serves it.

    Idempotent (copied again only when the installed one differs in size); static/ is git-ignored.
    """
    source = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    target = STATIC / PLOTLY_JS
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        STATIC.mkdir(exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.part")  # one per process: servers may start together
        shutil.copyfile(source, partial)
        partial.replace(target)  # atomic: a request never sees half a file
    return target


def _modules_digest() -> str:
    digest = hashlib.sha256()
    for name in SERVED:
        digest.update((MODULES / name).read_bytes())
    return digest.hexdigest()[:12]


MODULES_URL = f"app/static/live-{_modules_digest()}/"  # new code, new folder: no browser keeps a stale module


def serve_live_js() -> Path:
    """Copy the live charts' modules (SERVED) to static/live-<digest>/, where Streamlit serves them and
    element.js imports them; folders of older digests are removed. Idempotent, atomic per folder."""
    folder = STATIC / MODULES_URL.removeprefix("app/static/").rstrip("/")
    if not folder.exists():
        STATIC.mkdir(exist_ok=True)
        partial = STATIC / f".{folder.name}.{os.getpid()}.part"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        for name in SERVED:
            shutil.copyfile(MODULES / name, partial / name)
        try:
            partial.rename(folder)  # atomic: a request never sees half a folder
        except OSError:  # another server made it first
            shutil.rmtree(partial, ignore_errors=True)
    for old in STATIC.glob("live-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
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


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared_figure(name: str, inputs, classroom_on: bool, _build, _args: tuple, _options: tuple) -> dict:
    return figure_json(_build(*_args, **dict(_options)))


def _state(key: str) -> dict:
    return st.session_state.setdefault(_STATE + key, {"revision": 0, "values": None})


def set_values(key: str, values: dict[str, float]) -> None:
    """Move the live chart `key`'s controls from Python (a Reset or Recover button's callback, or
    before the element is drawn): the browser takes these values on the next run."""
    current = st.session_state.get(key)
    if current is not None:
        for name, value in values.items():
            current[name] = value  # the component's state (Streamlit writes it through)
    state = _state(key)
    state["revision"] += 1
    state["values"] = {**(state["values"] or {}), **values}


def element_data(kind: str, figure: dict, arrays: dict, controls, values: dict, revision: int, readouts=()) -> dict:
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


def live_chart(
    key: str,
    kind: str,
    fig: go.Figure | dict,
    arrays: dict,
    controls: list[LiveControl],
    readouts: list[tuple[str, str]] = (),
    link: bool = True,
) -> dict[str, float]:
    """Draw a live chart and return its controls' values (as last sent back by the browser).

    key: the element's key ("home_live"); kind: the name of the chart's updater in ui/live/kinds.js;
    fig: the figure as first drawn, styled here (or as shared_figure gives it); arrays: what the
    update function reads (JSON lists); readouts: (name, label) of text the update function computes.
    link: bind each control to the URL under its name.
    """
    names = [c.name for c in controls]
    state = _state(key)
    if link:
        links.claim(*names)
    # On arrival, once: a fragment's rerun keeps arrived() of the run before it, and reading the link
    # again would send the browser an old value while the hand moves on.
    arrival = links.arrived() and state.get("read_in") != links.app_run()
    if arrival or state["values"] is None:
        state["read_in"] = links.app_run()
        held = st.session_state.get(key) or {}
        # Values Python set (held, or the default) are kept as they are: only the range bounds them.
        values = {c.name: c.clip(held.get(c.name, c.value)) for c in controls}
        if link:
            values |= _from_link(controls)
        if values != state["values"]:  # unchanged: the browser keeps its inputs (and a press not yet sent)
            set_values(key, values)
    # A value off the control's range (a shorter training has fewer steps): Python and the browser
    # both take the nearest one in range. A value off the step grid stays (a recovered γ is exact).
    held = {
        c.name: (st.session_state.get(key) or {}).get(c.name, state["values"].get(c.name, c.value)) for c in controls
    }
    off = {c.name: c.clip(held[c.name]) for c in controls if c.clip(held[c.name]) != held[c.name]}
    if off:
        set_values(key, off)
    pushed = {c.name: state["values"].get(c.name, c.value) for c in controls}
    figure = fig if isinstance(fig, dict) else figure_json(fig)
    data = element_data(kind, figure, arrays, controls, pushed, state["revision"], readouts)
    result = _component(
        key=key,
        data=data,
        default=pushed,
        **{f"on_{name}_change": _ignore for name in names},
    )
    values = {c.name: c.snap(result.get(c.name, pushed[c.name])) for c in controls}
    if link:
        links.write({c.name: c.setting.format(values[c.name]) for c in controls if values[c.name] != c.value}, names)
    return values


def _ignore() -> None:
    """Streamlit keeps a component's state value only for names with an on_<name>_change callback."""
