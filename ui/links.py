"""Shareable links: the address bar is always a link to the current view.

Streamlit binds each control that is one widget and one URL parameter itself (`bind="query-params"`,
the widget's key is the parameter's name): it reads the link, drops an invalid value, leaves defaults
out of the address and keeps the value across page switches. This module holds only what that
binding cannot express:

- `control(name, essential)`: where to draw a control. A control hidden by the link (`?hide=seed`) or
  by classroom mode is still drawn, in a container the app's style hides, so that its value (from the
  link, or kept from before) still applies and its parameter stays in the link.
- `Setting`, `arrived`, `write`: values that no single widget holds, which the pages read and write
  themselves: one γ and one β per channel (`?gb_gamma=1,2.5`) and the learner's batch carried to other
  pages (`?batch.n=512`, see ui.state).
- `check_link`: after each run, one notice naming the parameters that could not be used (never their
  text), and the removal of parameters the app does not know.
- `ONE_ENTRY_PER_PAGE`: the browser's history holds one entry per page visited, whatever the learner
  moved there, so that Back leaves the page.
- `TO_SECTION`: a link that names a section (`?section=peaks`, content.registry.to_section) opens its page
  with that section's heading at the top of the window.
"""

from __future__ import annotations

import contextlib
import math
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from content.registry import SECTION

MAX_TEXT = 200  # longer URL values are refused unread
MAX_ITEMS = 64  # for tuple settings (one value per channel)
HIDDEN = "bnviz_hidden_"  # key prefix of the containers that hold hidden controls
# Constant CSS (no user input): the containers of hidden controls take no room and show nothing, nor does the
# layout wrapper Streamlit puts around each (else every hidden control leaves its gap in a column).
HIDDEN_CSS = (
    f'<style>[class*="st-key-{HIDDEN}"], [data-testid="stLayoutWrapper"]:has(> [class*="st-key-{HIDDEN}"]) '
    '{ display: none !important; }</style><span class="bnviz-links"></span>'
)
# A constant script (no user input), ui/history.js: Streamlit's client pushed a history entry for every
# address a run wrote, so Back went through the page's own moves; it keeps one entry per page.
ONE_ENTRY_PER_PAGE = "<script>" + Path(__file__).with_name("history.js").read_text(encoding="utf-8") + "</script>"
# A constant script (no user input), ui/section.js: brings the section a link names into view.
TO_SECTION = "<script>" + Path(__file__).with_name("section.js").read_text(encoding="utf-8") + "</script>"
# The app's own switches, read by ui.classroom (classroom mode, a student's link), and the section a link opens its page at (ui/section.js).
APP_PARAMS = ("classroom", "student", "hide", SECTION)
_REJECTED, _CUSTOM, _PAGE, _ARRIVED = "_links_rejected", "_links_custom", "_links_page", "_links_arrived"
_RUN = "_links_run"  # the number of app.py's runs in this session
_ARRIVAL = "_links_arrival"  # the number of the run in which the learner last came to a page
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


# --- where a control is drawn -------------------------------------------------------------------


def hidden_by_link() -> set[str]:
    """Controls a lesson link hides: `?hide=a,b` (names only; unknown names hide nothing)."""
    text = st.query_params.get("hide", "")
    return {name.strip() for name in text[:500].split(",") if name.strip()}


def is_shown(name: str, essential: bool = True) -> bool:
    """Whether the control `name` is visible: not when the link hides it, nor when classroom mode is on
    and the control is not essential to the idea at hand."""
    from ui.classroom import enabled  # ui.classroom's chart and prompts build on this module

    if name in hidden_by_link():
        return False
    return essential or not enabled()


def control(name: str, essential: bool = True, where=None) -> AbstractContextManager:
    """Where to draw the control `name`: `where` itself (the page, or a column) when it is shown, with no
    container of its own (each would be one more message per run); else a hidden container, so that
    the control still holds and binds its value."""
    if is_shown(name, essential):
        return contextlib.nullcontext() if where is None else where
    return (where if where is not None else st).container(key=HIDDEN + name)


# --- values no single widget holds ---------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """A value a page reads from and writes to the link itself: its default and what a valid one is.

    The type follows the default: bool, int, float, str, or a tuple of floats (one per channel).
    lo and hi bound numbers (and each item of a tuple); choices lists the allowed values; fill is
    the value of a tuple's item that the link leaves out (trailing items at `fill` are not written).
    """

    default: Any
    lo: float | None = None
    hi: float | None = None
    choices: tuple | None = None
    fill: float | None = None

    def is_default(self, value) -> bool:
        """Whether `value` needs no place in a link (a tuple of nothing but `fill` counts)."""
        if isinstance(self.default, tuple) and self.fill is not None and isinstance(value, (tuple, list)):
            return all(float(v) == self.fill for v in value)
        return value == self.default

    def _number(self, text: str, kind: type):
        value = kind(text)  # int("2.5") and float("x") raise ValueError
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("not finite")
        if (self.lo is not None and value < self.lo) or (self.hi is not None and value > self.hi):
            raise ValueError("out of range")
        return value

    def parse(self, text: str):
        """The value a URL text stands for; ValueError if it is not a valid one."""
        if len(text) > MAX_TEXT:
            raise ValueError("too long")
        default = self.default
        if isinstance(default, bool):
            low = text.strip().lower()
            if low not in _TRUE | _FALSE:
                raise ValueError("not a switch")
            value = low in _TRUE
        elif isinstance(default, int):
            value = self._number(text.strip(), int)
        elif isinstance(default, float):
            value = self._number(text.strip(), float)
        elif isinstance(default, tuple):
            items = [t for t in text.split(",") if t.strip()]
            if not items or len(items) > MAX_ITEMS:
                raise ValueError("wrong number of items")
            value = tuple(self._number(t.strip(), float) for t in items)
        else:
            value = text
        if self.choices is not None and value not in self.choices:
            raise ValueError("not a choice")
        return value

    def format(self, value) -> str:
        """The URL text for a value (the inverse of parse)."""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float):
            return f"{value:.6g}"
        if isinstance(value, (tuple, list)):
            items = [float(v) for v in value]
            while self.fill is not None and items and items[-1] == self.fill:
                items.pop()  # trailing items at their fill value: the link leaves them out
            return ",".join(f"{v:.6g}" for v in items)
        return str(value)


def read(settings: dict[str, Setting], params: dict[str, str]) -> tuple[dict, list[str]]:
    """Values of `settings` (URL name -> Setting) found in `params`, and the names that could not be used."""
    values, rejected = {}, []
    for name, setting in settings.items():
        if name in params:
            try:
                values[name] = setting.parse(params[name])
            except (ValueError, TypeError, OverflowError):
                rejected.append(name)
    return values, rejected


def arrived() -> bool:
    """Whether this run is the page's first since the learner came to it (from another page, or by
    opening a link): the moment a page reads from the link the values it keeps itself. Not while they
    stay on the page: a rerun's address can be one step behind the value just written."""
    return st.session_state.get(_ARRIVED, True)


def arrival() -> int:
    """The number of app.py's run (counted in this session) in which the learner last came to the page. Code that draws a part
    of the page only later in the visit (a chart shown once the class has predicted) reads the link at its
    first drawing since this run, and claims the link's parameters until then (claim) so that they stay."""
    return st.session_state.get(_ARRIVAL, 0)


def claim(*names: str) -> None:
    """Say that this page reads and writes the parameters `names` itself (check_link leaves them alone)."""
    st.session_state.setdefault(_CUSTOM, set()).update(names)


def reject(*names: str) -> None:
    """Say that the link's parameters `names` could not be used (shown once, in check_link's notice)."""
    st.session_state.setdefault(_REJECTED, []).extend(names)
    for name in names:
        if name in st.query_params:
            del st.query_params[name]


def write(params: dict[str, str], names) -> None:
    """Make the address carry `params` for the page's own parameters `names` (the others untouched)."""
    for name in names:
        if name in params:
            if st.query_params.get(name) != params[name]:
                st.query_params[name] = params[name]
        elif name in st.query_params:
            del st.query_params[name]


# --- after the run ------------------------------------------------------------------------------


def snapshot(page: str) -> dict[str, list[str]]:
    """The link's parameters as this run of `page` (its URL path) found them; call before the page runs."""
    state = st.session_state
    state[_ARRIVED], state[_PAGE] = state.get(_PAGE) != page, page
    state[_RUN] = state.get(_RUN, 0) + 1
    if state[_ARRIVED]:
        state[_ARRIVAL] = state[_RUN]
    state[_CUSTOM] = set()
    return {name: st.query_params.get_all(name) for name in st.query_params}


def _same(texts: list[str], value) -> bool:
    """Whether a link's text stands for `value` (so that Streamlit dropped it only as the default)."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(texts) != len(values):
        return False
    for text, v in zip(texts, values):
        if isinstance(v, bool):
            same = text.strip().lower() == str(v).lower()
        elif isinstance(v, (int, float)):
            try:
                same = float(text) == float(v)
            except ValueError:
                same = False
        else:
            same = text == str(v)
        if not same:
            return False
    return True


def check_link(before: dict[str, list[str]], notice_slot) -> None:
    """Name, once, the link's parameters that could not be used, and drop the ones the app does not know.

    before: snapshot() from the start of the run. A bound widget's parameter that Streamlit dropped
    (or corrected) and whose value is not the text's is one that could not be used; so is any the
    page passed to reject(). Nothing from the URL is ever shown: the notice names parameters only.
    """
    state, custom = st.session_state, st.session_state.get(_CUSTOM, set())
    rejected = list(dict.fromkeys(state.pop(_REJECTED, [])))
    for name, texts in before.items():
        if name in APP_PARAMS or name in custom or name.startswith("batch.") or name in rejected:
            continue
        if name not in state:  # not a control of this page, nor a value it keeps: ignored, never shown
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get_all(name) != texts and not _same(texts, state[name]):
            rejected.append(name)
    if rejected:
        notice_slot.info(
            "This link had settings that could not be used, so their defaults are shown: " + ", ".join(rejected) + "."
        )
    # The arrival is over: a fragment's rerun that follows (it does not run snapshot) is not one.
    state[_ARRIVED] = False
