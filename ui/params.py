"""Shareable links: a page's settings written to and read from the URL's query parameters.

A page declares its settings once, with their defaults and bounds:

    SETTINGS = {"gb_channel": Setting(0, lo=0, hi=3), "gb_gamma": Setting(1.0, lo=0.0, hi=5.0)}
    bind(SETTINGS, prefix="gb_")

and creates its widgets with `key=` only. On the first run of a page in a browser session,
valid values from the link are put into st.session_state; anything missing uses its default,
anything invalid uses its default with a short notice. On every run, the settings that differ
from their defaults are written back to the URL, so the address bar is always a link to the
current view. Nothing from the URL is ever rendered: notices name the setting, not its text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

MAX_TEXT = 200  # longer URL values are refused unread
MAX_ITEMS = 64  # for list settings (one value per channel)
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Setting:
    """One page setting: its default, and what a value from a link must be.

    The type follows the default: bool, int, float, str, or a tuple of floats (one per
    channel). lo and hi bound numbers (and each item of a tuple); choices lists the
    allowed strings (or numbers).
    """

    default: Any
    lo: float | None = None
    hi: float | None = None
    choices: tuple | None = None
    fill: float | None = None  # for a tuple: the value of an item the link leaves out

    def is_default(self, value) -> bool:
        """Whether `value` needs no place in a link (a tuple of nothing but `fill` counts)."""
        if isinstance(self.default, tuple) and self.fill is not None and isinstance(value, (tuple, list)):
            return all(float(v) == self.fill for v in value)
        return value == self.default

    def expected(self) -> str:
        """What a valid value is, in words, for the notice."""
        if self.choices is not None:
            return "one of " + ", ".join(str(c) for c in self.choices)
        kind = {bool: "on or off", int: "a whole number", float: "a number", str: "text"}.get(
            type(self.default), "numbers separated by commas"
        )
        if self.lo is not None and self.hi is not None and not isinstance(self.default, bool):
            kind += f" from {self.lo:g} to {self.hi:g}"
        return kind

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


def read_link(settings: dict[str, Setting], prefix: str, params: dict[str, str]) -> tuple[dict, list[str]]:
    """Values from a link's parameters, and the names of the settings that could not be used.

    params: the URL's query parameters (name -> text); a setting's URL name is its key
    without the page prefix ("gb_gamma" -> "gamma").
    """
    values, rejected = {}, []
    for key, setting in settings.items():
        name = key.removeprefix(prefix)
        if name not in params:
            continue
        try:
            values[key] = setting.parse(params[name])
        except (ValueError, TypeError, OverflowError):
            rejected.append(name)
    return values, rejected


def link_params(settings: dict[str, Setting], prefix: str, state) -> dict[str, str]:
    """The query parameters for the current values: only those that differ from the default."""
    out = {}
    for key, setting in settings.items():
        if key in state and not setting.is_default(state[key]):
            out[key.removeprefix(prefix)] = setting.format(state[key])
    return out


def bind(settings: dict[str, Setting], prefix: str, batch: bool = False) -> None:
    """Load the link's settings on this page's first run in the session, then keep the URL current.

    batch: the page shows the learner's batch, so its link also carries what draws that batch
    (`batch.n=512&batch.seed=3`, see ui.state.batch_link), and opening the link draws it.
    """
    loaded_flag, written = f"_link_loaded_{prefix}", f"_link_written_{prefix}"
    params = st.query_params.to_dict()
    # A link is read on the page's first run in the session, and again when the learner arrives
    # from another page at an address this page did not write (a page_link with query
    # parameters). Not while they stay on the page: a rerun can carry an address one step
    # behind the one just written, which would move a slider back.
    arrived = st.session_state.get("_link_page") != prefix
    st.session_state["_link_page"] = prefix
    if not st.session_state.get(loaded_flag) or (arrived and params != st.session_state.get(written, params)):
        st.session_state[loaded_flag] = True
        values, rejected = read_link(settings, prefix, params)
        for key, value in values.items():
            st.session_state[key] = value
        if batch:
            from ui.state import load_batch_link  # ui.state builds its settings with this module

            rejected += load_batch_link(params)
        if rejected:
            st.session_state[f"_link_rejected_{prefix}"] = rejected
    # Streamlit forgets a widget's value once a run has not drawn it (a control hidden in
    # classroom mode, the learner on another page): a copy outside the widgets brings it back.
    # Only a missing value is written: writing a widget's key on every run would make each
    # rerun send its value back to the browser, undoing a press made while the rerun went on.
    saved = st.session_state.setdefault(f"_link_saved_{prefix}", {})
    for key, setting in settings.items():
        if key in st.session_state:
            saved[key] = st.session_state[key]
        else:
            st.session_state[key] = saved.get(key, setting.default)
    rejected = st.session_state.pop(f"_link_rejected_{prefix}", None)  # shown once
    if rejected:
        details = "; ".join(f"{name} (expected {_setting(settings, prefix, name).expected()})" for name in rejected)
        st.info(f"This link had settings that could not be used, so their defaults are shown: {details}.")
    write_link(settings, prefix, batch)


def _setting(settings: dict[str, Setting], prefix: str, name: str) -> Setting:
    if prefix + name in settings:
        return settings[prefix + name]
    from ui.state import BATCH_LINK, BATCH_SETTINGS

    return BATCH_SETTINGS["bt_" + name.removeprefix(BATCH_LINK)]


def write_link(settings: dict[str, Setting], prefix: str, batch: bool = False) -> None:
    """Make the URL a link to the current view: the settings that differ from their defaults,
    the batch (with batch=True), and the classroom switches.

    bind calls it on every full run; a fragment whose controls are settings calls it first,
    since a fragment's rerun does not run bind.
    """
    keep = {k: v for k, v in st.query_params.to_dict().items() if k in ("classroom", "hide")}
    wanted = keep | link_params(settings, prefix, st.session_state)
    if batch:
        from ui.state import batch_link

        wanted |= batch_link()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[f"_link_written_{prefix}"] = wanted
