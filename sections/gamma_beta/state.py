"""γ and β per channel: one source of truth (the session's tuples gb_gamma and gb_beta), two widgets each (§1's
live chart and its boxes); and what every section reads of the batch (its channels' statistics, sorted values).

Each control that is one widget is bound to the link under its key (`?gb_w_scale=2`). γ and β hold one value
per channel, which no single widget holds, so the page reads and writes them itself (`?gb_gamma=1,1,2.5`):
channels missing from the tuple take γ = 1, β = 0 (the batch's channel count is known only later, and each
channel's slider range then bounds them). So it does for the target's seed, which only a button moves.
"""

import streamlit as st

from bnviz.experiments import gamma_beta
from ui import live
from ui.links import Setting, arrived, claim, read, reject, write

LINKED = {
    "gb_gamma": Setting((), lo=0.0, hi=1e6, fill=1.0),
    "gb_beta": Setting((), lo=-1e6, hi=1e6, fill=0.0),
    "gb_target_seed": Setting(0, lo=0, hi=1_000_000),
}
DRAG = "gb_drag"  # the live chart of γ·x̂ + β; its controls "gamma" and "beta" hold the selected channel's values
ss = st.session_state


@st.cache_data(show_spinner=False)
def channel_info(x):
    """Each channel's μ_B, σ²_B, the recovering γ and β and the sliders' ranges (gamma_beta.channel_summary)."""
    return gamma_beta.channel_summary(x)


def sorted_x(x):
    """The batch x's channels sorted, (C, m), for the W1 distance: kept in the session while γ and β move
    (st.cache_data would hash the batch and copy the result on every drag)."""
    memo = ss.get("gb_sorted_x")
    if memo is None or memo[0] is not x:
        memo = ss["gb_sorted_x"] = (x, gamma_beta.sorted_channels(x))
    return memo[1]


def read_link():
    """On arriving, take γ, β and the target's seed from the link; otherwise keep the session's."""
    claim(*LINKED)
    if arrived():
        values, rejected = read(LINKED, st.query_params.to_dict())
        reject(*rejected)
        ss.update(values)
    for name, setting in LINKED.items():
        ss.setdefault(name, setting.default)


def write_link():
    """Make the address carry γ, β and the target's seed (defaults left out): from the fragments
    that change them, since a fragment's rerun does not run the page."""
    write({name: s.format(ss[name]) for name, s in LINKED.items() if not s.is_default(ss[name])}, LINKED)


def fit_to_batch(channels, ranges):
    """Fit the tuples to this batch (it may have changed on /batch since the last visit): one value
    per channel, each within its channel's slider range."""
    fitted = {
        "gb_gamma": tuple(
            gamma_beta.clamp(g, 0.0, r.gamma_max)
            for g, r in zip(gamma_beta.fit_to_channels(ss.gb_gamma, channels, 1.0), ranges)
        ),
        "gb_beta": tuple(
            gamma_beta.clamp(b, -r.beta_max, r.beta_max)
            for b, r in zip(gamma_beta.fit_to_channels(ss.gb_beta, channels, 0.0), ranges)
        ),
    }
    if fitted != {"gb_gamma": ss.gb_gamma, "gb_beta": ss.gb_beta} or arrived():  # another batch, or a link
        ss.update(fitted)
        moved()


def set_value(name, c, value):
    """Channel c's place in the tuple `name` ("gb_gamma" or "gb_beta")."""
    values = list(ss[name])
    values[c] = float(value)
    ss[name] = tuple(values)


class ChannelOwner:
    """The owner of §1's live γ and β (ui.live): channel c's place in the tuples gb_gamma and gb_beta."""

    def __init__(self, c: int):
        self.c = c

    def get(self, name: str, default: float) -> float:
        return ss[f"gb_{name}"][self.c]

    def set(self, name: str, value: float) -> None:
        set_value(f"gb_{name}", self.c, value)


def moved(values: dict[str, float] | None = None) -> None:
    """Python moved γ or β (a button, a box, the link, a batch that changed): the live control of the
    channel shown takes them (ui.live.set_values, the one way from Python to the browser)."""
    c = ss.get("gb_channel", 0)
    if c < len(ss.gb_gamma):
        live.set_values(DRAG, values or {"gamma": ss.gb_gamma[c], "beta": ss.gb_beta[c]}, ChannelOwner(c))


def set_all(gamma, beta):
    """γ and β of every channel, (C,) each."""
    ss.gb_gamma, ss.gb_beta = tuple(float(g) for g in gamma), tuple(float(b) for b in beta)
    moved()
