"""What a page shows a learner, as text: every string of an AppTest run, with how the browser renders it.

shown_text(at) -> [(where, text, rendering)], rendering one of
- "markdown": Streamlit renders Markdown and KaTeX (`$\\mu_B$`) in it: st.markdown, captions, titles,
  alerts, widget labels and help, radio options, metrics, expander and tab labels, page links,
  st.table's headers, index and cells;
- "latex": st.latex, KaTeX throughout;
- "plain": shown as typed: selectbox and select_slider options, st.dataframe's headers and cells,
  a live chart's control and readout labels (set with textContent);
- "plotly": plotly's own text (titles, axis titles, legend names, hover templates, annotations), where
  <sub>…</sub> and <sup>…</sup> render and `$` does not.
"""

from __future__ import annotations

import functools
import json
import re

import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

PAGES = ("home", "batch", "steps", "gamma-beta", "learning", "network", "questions", "teach")

MARKDOWN_ELEMENTS = {"markdown", "caption", "title", "header", "subheader", "info", "warning", "success", "error"}
LABELLED = {"expander", "tab", "metric"}
PLAIN_OPTIONS = {"selectbox", "select_slider", "multiselect"}


def walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def _frame_text(frame: pd.DataFrame) -> list[str]:
    """A table's header, index and cells as text."""
    texts = [str(c) for c in frame.columns] + [str(i) for i in frame.index]
    texts += [str(v) for v in frame.to_numpy().ravel()]
    return texts


def _table_text(node) -> list[str]:
    """A table's text as shown: with a pandas Styler, its cells as the Styler's format() wrote them."""
    frame = node.value
    styler = node.proto.arrow_data.styler
    if styler.display_values:
        shown = dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
        return (
            [str(c) for c in frame.columns]
            + [str(i) for i in frame.index]
            + _frame_text(shown)[len(shown.columns) + len(shown) :]
        )
    return _frame_text(frame)


def _plotly_text(figure: dict) -> list[str]:
    """Every string plotly draws from a figure's JSON: titles, names, hover templates, annotations, tick text."""
    keys = {"text", "name", "hovertemplate", "texttemplate", "ticktext", "title"}
    found = []

    def visit(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, k)
        elif isinstance(value, list):
            for v in value:
                visit(v, key)
        elif isinstance(value, str) and key in keys:
            found.append(value)

    visit(figure)
    return found


def shown_text(at: AppTest) -> list[tuple[str, str, str]]:
    """(where, text, rendering) for every string the page's elements show; see the module's docstring."""
    out = []
    for node in walk(at._tree):
        kind = getattr(node, "type", "")
        if kind in MARKDOWN_ELEMENTS:
            out.append((kind, node.value, "markdown"))
        elif kind == "latex":
            out.append((kind, node.value, "latex"))
        elif kind == "page_link":
            out.append((kind, node.value, "markdown"))
        elif kind in LABELLED:
            out.append((kind, node.label, "markdown"))
            if kind == "metric":
                out += [(kind, node.value, "markdown"), (kind, node.proto.delta, "markdown")]
                out.append((kind, node.proto.help, "markdown"))
        elif kind == "table":
            out += [(kind, t, "markdown") for t in _table_text(node)]
        elif isinstance(node, Dataframe):
            out += [(kind, t, "plain") for t in _table_text(node)]
        elif kind == "plotly_chart":
            out += [(kind, t, "plotly") for t in _plotly_text(json.loads(node.proto.spec))]
        elif kind == "bidi_component":
            data = json.loads(node.proto.json)
            if "figure" in data:  # a live chart (ui/live.py)
                out += [(kind, t, "plotly") for t in _plotly_text(data["figure"])]
                out += [(kind, c["label"], "plain") for c in data.get("controls", [])]
                out += [(kind, r["label"], "plain") for r in data.get("readouts", [])]
        if hasattr(node, "label") and kind not in LABELLED | {"expander", "tab"} and isinstance(node.label, str):
            out.append((kind, node.label, "markdown"))  # a widget's label
        if getattr(node, "help", None) and kind != "metric":
            out.append((kind, node.help, "markdown"))
        if kind in PLAIN_OPTIONS:
            out += [(kind, str(o), "plain") for o in node.options]
        elif kind == "radio":
            out += [(kind, str(o), "markdown") for o in node.options]
    return [(where, text, how) for where, text, how in out if text]


def outside_math(text: str, rendering: str) -> str:
    """The part of `text` a learner reads as typed: without its KaTeX spans (`$…$`) where they render."""
    if rendering == "latex":
        return ""
    if rendering == "markdown":
        return re.sub(r"\$[^$]+\$", " ", text)
    return text


@functools.cache
def page_text(page: str) -> tuple:
    """(where, text, rendering) of everything the page shows at its default settings, every side section
    open (/questions with every question open, /teach with the answers to listen for)."""
    from content.questions import QUESTIONS
    from helpers.apptest import all_open, open_link, run_page

    if page == "questions":
        at = open_link("questions", {f"q_open_{q.number}": "true" for q in QUESTIONS})
    elif page == "teach":
        at = open_link("teach", {"teach_answers": "true"})
    elif page == "home":
        at = run_page(timeout=60)
    else:
        at = open_link(page, all_open(page), timeout=60)
    return tuple(shown_text(at))
