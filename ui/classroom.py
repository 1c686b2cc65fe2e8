"""Classroom mode: large text and figures, fewer controls, predict-first prompts, page-by-page walk.

A teacher turns it on with the sidebar switch or with `?classroom=1` in a link, and can hide
any control with `?hide=seed,momentum` (names as in the page's link settings).
Pages use:
- `chart(fig, key)` instead of st.plotly_chart: larger fonts in classroom mode, PNG export;
- `ui.links.control(name, essential=...)` around a control: hidden when the link hides it, or when
  classroom mode is on and the control is not essential to the page's idea;
- `predict_first(key, question, choices)` before a reveal (recover, train, switch to eval):
  in classroom mode the class must commit to a prediction before the action is enabled.
"""

from __future__ import annotations

import streamlit as st

KEY = "classroom"
FONT_SCALE = 1.5
PNG = {"toImageButtonOptions": {"format": "png", "scale": 2}, "displaylogo": False}

# Static CSS (no user input): larger text for the back of the room, and an empty span.
_CSS = """
<style>
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMain"] h1 { font-size: 3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] td, [data-testid="stMain"] th { font-size: 1.3rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"] p,
[data-testid="stMain"] [data-testid="stMetricValue"] { font-size: 2.6rem !important; }
[data-testid="stMain"] .katex { font-size: 1.5em; }
</style>
<span class="bnviz-classroom"></span>
"""


def enabled() -> bool:
    return bool(st.session_state.get(KEY, False))


def enlarge(fig):
    """The figure with fonts large enough for a projector (and a little taller)."""
    fig.update_layout(font=dict(size=round(12 * FONT_SCALE)))
    if fig.layout.height:
        fig.update_layout(height=int(fig.layout.height * 1.2))
    return fig


def chart(fig, key: str | None = None, **kwargs) -> None:
    """Draw a plotly figure; in classroom mode with fonts large enough for a projector."""
    if enabled():
        enlarge(fig)
    st.plotly_chart(fig, key=key, config=PNG, **kwargs)


def shared_chart(build, *args, key: str | None = None, by=None, **options) -> None:
    """Draw build(*args, **options) as chart() draws a figure, built once for every session that asks
    for the same arguments (and classroom mode): a rerun whose figure's inputs did not change, or
    that another learner's settings already drew, costs no plotly building.

    The arguments are hashed (st.cache_resource): pass settings and small arrays. by: what the
    arguments are computed from, hashed instead of them (the settings of a cached training).
    """
    name = f"{build.__module__}.{build.__qualname__}"
    options = tuple(sorted(options.items()))
    inputs = (args, options) if by is None else by
    fig = _shared_figure(name, inputs, enabled(), build, args, options)
    st.plotly_chart(fig, key=key, config=PNG)


@st.cache_resource(show_spinner=False, max_entries=512)
def _shared_figure(name: str, inputs, classroom: bool, _build, _args: tuple, _options: tuple):
    """The figure `name`(*args, **options), enlarged in classroom mode, for these inputs. Shared:
    never changed after this (st.plotly_chart only reads it)."""
    fig = _build(*_args, **dict(_options))
    return enlarge(fig) if classroom else fig


def predict_first(key: str, question: str, choices: list[str]) -> bool:
    """Ask the class to predict before a reveal. Returns whether the action may go ahead.

    Outside classroom mode it always may. The prediction stays in session_state[key], so the
    page can show it beside the result (see `prediction`).
    """
    if not enabled():
        return True
    with st.container(border=True):
        st.markdown(f"**Predict first:** {question}")
        st.radio("Your class's prediction", choices, index=None, key=key, horizontal=True)
    if st.session_state.get(key) is None:
        st.caption("Choose a prediction to unlock the action.")
        return False
    return True


def prediction(key: str) -> str | None:
    """The class's prediction for a reveal, to show next to what happened."""
    return st.session_state.get(key) if enabled() else None


def setup(pages: list) -> None:
    """Sidebar switch (bound to ?classroom=1) and the large-text style; call before page.run()."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(KEY, "") in ("1", "true", "on")
    st.sidebar.toggle(
        "Classroom mode",
        key=KEY,
        help="Large text and figures, fewer controls, predict-first prompts, Previous / Next.",
    )
    if enabled():
        # Not style alone (the span): st.html sends a style-only snippet to the event container,
        # whose elements the browser sometimes dropped on a page's first run; this one stays in
        # the sidebar, sent again on every run.
        st.sidebar.html(_CSS)
        st.query_params[KEY] = "1"
    elif KEY in st.query_params:
        del st.query_params[KEY]


def walk(pages: list, current) -> None:
    """Previous / Next links in teaching order, shown in classroom mode at the foot of a page."""
    if not enabled():
        return
    urls = [p.url_path for p in pages]
    i = urls.index(current.url_path) if current.url_path in urls else 0
    st.divider()
    left, right = st.columns(2)
    if i > 0:
        left.page_link(pages[i - 1], label=f"Previous: {pages[i - 1].title}", icon=":material/arrow_back:")
    if i < len(pages) - 1:
        right.page_link(pages[i + 1], label=f"Next: {pages[i + 1].title}", icon=":material/arrow_forward:")
