"""What the questions' sections share: the link binding, and the per-channel table."""

import pandas as pd
import streamlit as st

from bnviz.numbers import fixed

# Every control, and each question's expander, is bound to the link under its key:
# ?q_open_2=true&q_recover=1 opens question 2 at the recovering values. A closed question's controls
# are not drawn: their values stay in the session and come back to the link when it is opened again.
BIND = "query-params"


def rebuilt(cached, result):
    """cached(*args), a cached experiment's fields as a plain dict (or a tuple of them and its figure), as a
    function that returns them rebuilt as the core's `result` class. The cache keeps a core result as a plain
    dict: when Streamlit reloads a changed module, a fragment's rerun still holds the old result class, which
    pickle refuses."""

    def view(*args):
        out = cached(*args)
        return (result(**out[0]), *out[1:]) if isinstance(out, tuple) else result(**out)

    return view


def readouts(*shown: tuple[str, str]):
    """One row of readouts side by side, each a (label, value) pair."""
    for column, (label, value) in zip(st.columns(len(shown)), shown):
        column.metric(label, value)


def three_decimals(value) -> str:
    return fixed(value, 3)  # no "−0.000" for rounding noise


def channel_table(columns: dict, formats: dict | None = None):
    """One row per channel, three decimals unless `formats` says otherwise; the values stay numbers."""
    frame = pd.DataFrame(columns)
    frame.index = pd.Index([f"channel {c}" for c in range(len(frame))], name="channel")
    styler = frame.style.format(three_decimals)
    if formats:
        styler = styler.format(formats, subset=list(formats))
    st.table(styler)
