"""Helpers for page tests with Streamlit's AppTest: run a page of app.py, read its figures."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
from conftest import ROOT
from streamlit.testing.v1 import AppTest

# Each page's side sections: closed expanders bound to the link (`?gb_open_shape=true`), built only while
# open. A test of what one shows opens it as a link does.
SECTIONS = {
    "gamma-beta": ("gb_open_target", "gb_open_shape", "gb_open_pytorch"),
    "steps": ("steps_open_pytorch",),
    "learning": ("learn_open_arithmetic", "learn_open_landscape", "learn_open_modes", "learn_open_momentum"),
    "network": ("net_open_inside", "net_open_jolt_why", "net_open_undo"),
    "real-network": ("cnn_open_stats", "cnn_open_momentum", "cnn_open_pytorch"),
}


def run_page(
    page: str | None = None, timeout: float = 30, session_state: dict | None = None, opened: tuple[str, ...] = ()
) -> AppTest:
    """Run app.py, optionally switched to pages/<page>.py, and return the finished AppTest. `opened`: the
    keys of the side sections to open (SECTIONS), as a link opens them."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (session_state or {}).items():
        at.session_state[key] = value
    for key in opened:
        at.query_params[key] = "true"
    if page:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_link(page: str, params: dict, timeout: float = 60) -> AppTest:
    """Open pages/<page>.py of app.py as a browser opens a link with these query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def all_open(page: str) -> dict:
    """Link parameters that open every side section of `page`."""
    return dict.fromkeys(SECTIONS.get(page, ()), "true")


def shown_cells(element) -> pd.DataFrame:
    """A table's cells as the learner reads them (an st.table or st.dataframe element): the strings its
    pandas Styler wrote, under the table's own columns and index; a table without a Styler, its values as text."""
    from streamlit import dataframe_util

    frame = element.value
    styler = element.proto.arrow_data.styler
    if not styler.display_values:
        return frame.astype(str)
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
    shown.columns, shown.index = frame.columns, frame.index
    return shown


NUMBER = re.compile(r"[-−]?\d[\d,]*(\.\d+)?")


def places_shown(texts) -> set[int]:
    """The numbers of decimals of the numbers among `texts` as written ("8.19" -> 2, "−3" -> 0); texts that
    are not a number ("", "—", "any (constant channel)") are left out. One rounding: a set of one."""
    return {len(m.group(1) or ".") - 1 for t in texts if (m := NUMBER.fullmatch(str(t).strip()))}


def same_number(text: str) -> str:
    """A number's text with the ASCII minus: prose writes "−3.01" where a table writes "-3.01"."""
    return text.replace("−", "-")


def hidden_keys(at: AppTest) -> set[str]:
    """Keys of the controls hidden by `?hide=` or classroom mode: ui.links.control still draws them (their
    values apply), inside a container keyed "bnviz_hidden_<name>" that the app's style hides."""
    from ui.links import HIDDEN

    boxes = [node for node in at.main if (getattr(node, "key", None) or "").startswith(HIDDEN)]
    return {node.key for box in boxes for node in box if node is not box and getattr(node, "key", None)}


def figures(at: AppTest) -> list[dict]:
    """The plotly figures on the page that no control of theirs moves, in the page's order, as the JSON dicts
    sent to the browser: st.plotly_chart's, and those drawn by the live charts' element (ui.live.chart)."""
    from helpers.shown import walk

    found = []
    for node in walk(at._tree):
        kind = getattr(node, "type", "")
        if kind == "plotly_chart":
            found.append(json.loads(node.proto.spec))
        elif kind == "bidi_component" and (data := json.loads(node.proto.json)).get("kind") == "static":
            found.append(data["figure"])
    return found


def bar_mean(trace: dict) -> float:
    """Mean of the distribution a pre-binned density histogram trace draws."""
    x, y, w = (np.asarray(_decode(trace[k]), dtype=float) for k in ("x", "y", "width"))
    mass = y * w
    return float(np.sum(x * mass) / np.sum(mass))


def _decode(value):
    """plotly may send arrays as {'dtype': ..., 'bdata': base64}: turn them back into lists."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return value


def by_label(widgets, label: str):
    """The one widget of `widgets` (at.button, at.toggle, …) whose label is `label`: found by what the
    learner reads, not by its position on the page."""
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r} among {[w.label for w in widgets]}"
    return found[0]


def live_data(at: AppTest, key: str) -> dict:
    """What the live chart `key` (ui/live.py) sends to the browser: its kind, figure, arrays, controls."""
    (element,) = [el for el in at.get("bidi_component") if el.proto.id.endswith("-" + key)]
    return json.loads(element.proto.json)


def small_chart_text(at: AppTest, smallest: float = 18) -> list[str]:
    """Text of the page's charts (st.plotly_chart's and the live charts') that a projector would show too
    small: a font size under `smallest` px in a figure's layout or traces (its template aside), or an
    axis whose tick labels or title have no size of their own (st.plotly_chart's Streamlit theme then
    draws them at 12 and 14 px, whatever the base font). Each as "chart 2: annotations[0].font.size = 11"."""
    live = [json.loads(el.proto.json) for el in at.get("bidi_component")]
    charts = figures(at) + [data["figure"] for data in live if "figure" in data and data.get("kind") != "static"]
    found = []

    def walk(chart: int, node, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "size" and path.endswith("font") and value < smallest:
                    found.append(f"chart {chart}: {path}.size = {value}")
                elif key not in ("template", "x", "y", "z", "customdata", "text"):
                    walk(chart, value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(chart, item, f"{path}[{i}]")

    for i, fig in enumerate(charts):
        walk(i, fig.get("layout", {}), "")
        for t, trace in enumerate(fig.get("data", [])):
            walk(i, trace, f"data[{t}]")
        for name, axis in fig.get("layout", {}).items():
            if name.startswith(("xaxis", "yaxis")):
                if "size" not in axis.get("tickfont", {}) or "size" not in axis.get("title", {}).get("font", {}):
                    found.append(f"chart {i}: {name} leaves its text's size to the template")
    return found


def hand(at: AppTest, key: str, **values) -> AppTest:
    """Move the live chart `key`'s controls as the browser does when the hand stops: its component state
    takes `values` (ui/live/element.js's setStateValue), the next run fires the change callbacks, as a
    real session's would. Returns the AppTest after that run.

    AppTest has no element for a components-v2 element, so this sends its state as the browser does: one
    JSON widget state under the element's id (AppTest's own _run takes the widget states to send)."""
    from helpers.shown import walk

    (element,) = [n for n in walk(at._tree) if getattr(n, "type", "") == "bidi_component" and key in n.proto.id]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = element.proto.id
    scene = json.loads(element.proto.json)["revision"][1]  # the scene the values belong to (a channel)
    sent = {name: {"value": value, "scene": scene} for name, value in values.items()}
    state.json_value = json.dumps({**(at.session_state[key] or {}), **sent})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def kept(data: dict, before: dict) -> bool:
    """Whether the browser keeps what a live chart shows: the same figure and arrays, and the same revision
    (its inputs stay where the hand left them; only the values sent, the owner's, may have moved)."""
    return all(data[k] == before[k] for k in ("figure", "arrays", "revision", "readouts"))


_STEP_LINK = re.compile(r"\[([^\]]+)\]\(\./([^?)]*)\?([^)]*)\)")


def lesson_links(at: AppTest) -> list[tuple[str, str, dict[str, str]]]:
    """/teach's links to the open step's view, in order (the teacher's, then the student's): (label, the page's
    URL path, its query parameters). Markdown links relative to the app's root ("./batch?…", "./?…")."""
    from urllib.parse import parse_qsl

    return [(label, path, dict(parse_qsl(q))) for m in at.markdown for label, path, q in _STEP_LINK.findall(m.value)]
