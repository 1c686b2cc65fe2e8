"""Classroom mode: large text and figures, fewer controls, predict-first prompts, page-by-page walk.

A teacher turns it on with the sidebar switch or with `?classroom=1` in a link, and can hide
any control with `?hide=seed,momentum` (names as in the page's link settings).
On a projector (1280 × 720, 1024 × 768) the sidebar starts collapsed, the text of metrics, buttons,
links and labels wraps rather than ending in "…", every text is at least 20 px and every chart's text
at least 18 px.
Pages use:
- `chart(fig, key)` instead of st.plotly_chart: larger fonts in classroom mode, PNG export, drawn by the
  live charts' element (ui.live.chart) with the app's one copy of plotly.js;
- `table(data, **options)` instead of st.dataframe: in classroom mode an HTML table (st.table) whose text
  the style enlarges, where st.dataframe's grid is drawn on a canvas at 14 px whatever the style;
- `beside(spec)` instead of st.columns where controls or numbers sit beside a figure: in classroom
  mode they are drawn one above the other, each at the full width;
- `ui.links.control(name, essential=...)` around a control: hidden when the link hides it, or when
  classroom mode is on and the control is not essential to the page's idea;
- `predict_first(key, question, choices)` before a reveal (recover, train, switch to eval):
  in classroom mode the class must commit to a prediction before the action is enabled.
"""

from __future__ import annotations

import streamlit as st
from pandas.io.formats.style import Styler

KEY = "classroom"
STUDENT = "student"  # a student link's switch: `?student=1`
ASK, REVEAL = "lesson_ask_", "lesson_reveal_"  # keys of a prompt's container and of its reveal's
FONT_SCALE = 1.5
MIN_FONT = 18  # px: the smallest chart text in classroom mode (the base font, 12 px × FONT_SCALE)

# Static CSS (no user input): larger text for the back of the room, and an empty span.
# Streamlit ends a label that does not fit its box in "…" (one line, overflow hidden): in classroom
# mode those of metrics, buttons, page links and widgets wrap instead, and a metric's value shrinks
# with its column (cqi: a hundredth of the metric's width), down to the 1.3rem of all text, rather than being cut; a formula in a label
# (KaTeX, laid out on one line by its own fixed boxes) is left whole. The main area takes
# the width the collapsed sidebar leaves, with less padding. Every text is 1.3rem (20.8 px) or more: KaTeX
# draws a subscript at 0.7 of its formula, so a formula is at least 1.8rem (its μ_B's B 20.2 px); a
# <sub> or <sup> at least 20 px; code, inputs and a select's options (in a popover outside the main area) 1.3rem.
_CSS = """
<style>
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMainBlockContainer"] { padding: 4rem 2rem 3rem; }
[data-testid="stMain"] :is([data-testid="stMetricLabel"], [data-testid="stPageLink-NavLink"],
  [data-testid^="stBaseButton"], [data-testid="stWidgetLabel"], [data-testid="stTab"])
  :is(div, span:not([aria-hidden]), p):not(.katex, .katex *) {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: break-word; height: auto;
}
[data-testid="stMain"] [data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMain"] h1 { font-size: 3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] td, [data-testid="stMain"] th { font-size: 1.3rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"] p,
[data-testid="stMain"] [data-testid="stMetricValue"] { font-size: clamp(1.3rem, 13cqi, 2.6rem) !important; }
[data-testid="stMain"] .katex { font-size: max(1.5em, 1.8rem); }
[data-testid="stMain"] :is([data-baseweb="select"] div, input, textarea, [data-testid="stSliderThumbValue"],
  [data-testid="stCode"] code, code, [data-testid="stFileUploaderDropzoneInstructions"] *),
[data-baseweb="popover"] :is(li, li *) { font-size: 1.3rem; }
[data-testid="stMain"] :is(sub, sup) { font-size: max(0.8em, 20px); }
</style>
<span class="bnviz-classroom"></span>
"""


def enabled() -> bool:
    return bool(st.session_state.get(KEY, False))


def _font_sizes(node, path: str = ""):
    """(path, size) of every font size set in a figure's layout JSON: "annotations[2].font.size", 11."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "size" and path.endswith("font") and isinstance(value, int | float):
                yield f"{path}.size", value
            elif key != "template":
                yield from _font_sizes(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            if isinstance(item, dict):
                yield from _font_sizes(item, f"{path}[{i}]")


# Where a trace sets its own font (text on bars, colour bars); the rest of a trace is data.
_TRACE_FONTS = ("textfont", "insidetextfont", "outsidetextfont", "colorbar", "marker.colorbar")


def larger(size: float) -> int:
    """A font size for a projector: FONT_SCALE times larger, and at least MIN_FONT px."""
    return max(MIN_FONT, round(size * FONT_SCALE))


def enlarge(fig):
    """The figure with fonts large enough for a projector (and a little taller), changed in place.

    Every size the figure sets itself (an annotation's 11 px, an axis's ticks) becomes FONT_SCALE
    times larger and at least MIN_FONT px; the base font 12 px -> 18 px. The text a figure leaves to
    its template (tick labels, axis and legend titles, colour bars) is set to the base size too:
    st.plotly_chart's Streamlit theme sets them in its own template (ticks 12 px) whatever the base.
    """
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    for path, size in list(_font_sizes(layout)):
        fig.layout[path] = larger(size)
    base = fig.layout.font.size or larger(12)
    fig.update_layout(font_size=base)
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        axis.tickfont.size = axis.tickfont.size or base
        axis.title.font.size = axis.title.font.size or base
    fig.layout.legend.font.size = fig.layout.legend.font.size or base
    fig.layout.legend.title.font.size = fig.layout.legend.title.font.size or base
    if fig.layout.title.text:
        fig.layout.title.font.size = fig.layout.title.font.size or round(base * 1.4)  # plotly.js's ratio
    for trace in fig.data:
        for name in _TRACE_FONTS:
            if name in trace and trace[name] is not None:
                for path, size in list(_font_sizes(trace[name].to_plotly_json(), name)):
                    trace[path] = larger(size)
        if "colorbar" in trace and trace.showscale is not False:
            trace.colorbar.tickfont.size = trace.colorbar.tickfont.size or base
            trace.colorbar.title.font.size = trace.colorbar.title.font.size or base
    if fig.layout.height:
        fig.update_layout(height=int(fig.layout.height * 1.2))
    # Room for the larger title, subplot titles and legend above the plot, and the ticks beside it.
    margin = fig.layout.margin
    for side in ("t", "b", "l"):
        if margin[side] is not None:
            margin[side] = round(margin[side] * FONT_SCALE)
    return fig


def table(data, **options) -> None:
    """st.dataframe(data, **options); in classroom mode st.table(data), with the index hidden when
    options say hide_index=True. st.dataframe draws its cells on a canvas (Glide Data Grid) in the theme's
    small font, which no style reaches and Streamlit offers no option to enlarge; an HTML table's cells
    take the classroom style's 1.3rem."""
    if not enabled():
        st.dataframe(data, **options)
        return
    if options.get("hide_index"):
        data = (data if isinstance(data, Styler) else data.style).hide(axis="index")
    st.table(data)


def beside(spec, **kwargs) -> list:
    """st.columns(spec, **kwargs); in classroom mode as many containers, one above the other, so that
    controls stand above their figure and the figure takes the projector's full width."""
    if enabled():
        return [st.container() for _ in range(spec if isinstance(spec, int) else len(spec))]
    return st.columns(spec, **kwargs)


def chart(fig, key: str) -> None:
    """Draw a plotly figure; in classroom mode with fonts large enough for a projector (ui.live.chart: the
    app's one copy of plotly.js draws every chart)."""
    from ui import live  # live charts build on this module

    live.chart(fig, key)


def shared_chart(build, *args, key: str, by=None, **options) -> None:
    """Draw build(*args, **options) as chart() draws a figure, built once for every session that asks
    for the same arguments (and classroom mode): a rerun whose figure's inputs did not change, or
    that another learner's settings already drew, costs no plotly building.

    The arguments are hashed (st.cache_resource): pass settings and small arrays. by: what the
    arguments are computed from, hashed instead of them (the settings of a cached training).
    """
    from ui import live

    live.shared_chart(build, *args, key=key, by=by, **options)


def predict_first(key: str, question: str, choices, *, about=None) -> bool:
    """Ask the class to predict before a reveal. Returns whether the action may go ahead.

    Outside classroom mode it always may. The prediction stays in session_state[key], so the page can
    name it in its reveal (`reveal`). about: what the prediction is about (the task, the dataset, the
    settings that change the answer, as a hashable value): when it changes, the class is asked again.
    The prompt stands in a container keyed `lesson_ask_<key>` (the lesson's projector test finds it).
    """
    if not enabled():
        return True
    # A prediction made about other settings is not one about these: forget it, and ask again.
    stamp = f"{key}__about"
    if stamp in st.session_state and st.session_state[stamp] != about:
        st.session_state.pop(key, None)
    st.session_state[stamp] = about
    # As many elements before and after the prediction: when an element comes and goes, every later
    # one moves to a new place in the fragment's rerun, and Streamlit must clear the old ones. Once in
    # the tests it did not: the old, disabled button stayed beside the new one (test_browser_classroom).
    with st.container(border=True, key=f"{ASK}{key}"):
        st.markdown(f"**Predict first:** {question}")
        # Kept for the session: the lesson's Previous and Next do not lock the action again.
        st.radio(
            "Your class's prediction", list(choices), index=None, key=key, horizontal=True, persist_state="session"
        )
        ready = st.session_state.get(key) is not None
        st.caption("Prediction made: the action is unlocked." if ready else "Choose a prediction to unlock the action.")
    return ready


def prediction(key: str) -> str | None:
    """The class's prediction for a reveal, to show next to what happened."""
    return st.session_state.get(key) if enabled() else None


def told(said: str, right: str | tuple[str, ...]) -> str:
    """Whether the class's choice was a right one, said alike on every page."""
    return (
        "Your class chose it."
        if said in ((right,) if isinstance(right, str) else right)
        else (f"Your class chose “{said}”: not this one.")
    )


def reveal(key: str, right: str | tuple[str, ...], why: str = "") -> None:
    """After a reveal, in classroom mode: the right answer in a neutral box (no green for a wrong guess,
    no red for the class), whether the class chose it, and why. Keyed `lesson_reveal_<key>`.
    right: the choice that is right (computed from the run where it depends on it), or the choices that are
    all right (two networks that end within a hair of each other): "A or B"."""
    said = prediction(key)
    if said is None:
        return
    answer = right if isinstance(right, str) else " or ".join(right)
    with st.container(border=True, key=f"{REVEAL}{key}"):
        st.markdown(f"**The answer: {answer}.** {told(said, right)}" + (f" {why}" if why else ""))


def part(key: str, role: str):
    """A container holding one part of a lesson step, `role` "control" or "result" of the prediction
    `key`: the lesson's projector test checks that the prompt, the control and the result are in view."""
    assert role in ("control", "result")
    return st.container(key=f"lesson_{role}_{key}")


def stage(key: str, heading: str, anchor: str, spec=2) -> tuple:
    """A lesson step's one screen, in classroom mode: its heading (the lesson's link scrolls to `anchor`), then
    the prompt's place above the control's on the left and the result's on the right (st.columns(spec)).
    Returns the containers (ask, control, result); control and result are `part`s of the prediction `key`."""
    st.subheader(heading, anchor=anchor)
    left, right = st.columns(spec, gap="medium")
    with left:
        ask, control = st.container(), part(key, "control")
    with right:
        result = part(key, "result")
    return ask, control, result


def student() -> bool:
    """Whether this session came from a student link (`?student=1`): no lesson plan and no answers for
    the teacher, for the rest of the session. The switch stays in the address, so that a link a student
    copies is a student link too. Call before st.navigation, which leaves /teach out."""
    if st.query_params.get(STUDENT, "") in ("1", "true", "on"):
        st.session_state[STUDENT] = True
    if st.session_state.get(STUDENT, False):
        st.query_params[STUDENT] = "1"
        return True
    return False


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
        st.set_page_config(initial_sidebar_state="collapsed")  # the room sees the lesson, not the menu
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
