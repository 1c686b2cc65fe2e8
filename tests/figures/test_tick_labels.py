"""Tick labels are plain numbers or "1e−4", never an SI suffix: plotly's default exponentformat "B" writes
0.0001 as "100μ", and in this app μ is a mean. bnviz's template (bnviz.figures.common) sets the format on
every axis and colour bar; every figure a page shows (its side sections open) uses it."""

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from bnviz.figures.common import EXPONENT_FORMAT, TEMPLATE, style
from content.questions import QUESTIONS
from content.registry import PAGES
from helpers.apptest import all_open, figures, open_link

NOT_SI = ("e", "E", "power", "none")


def exponent_formats(fig: dict) -> dict[str, str | None]:
    """Every axis's and colour bar's exponentformat in a figure's JSON, as plotly.js resolves it: its own,
    else its template's (the template's layout.xaxis holds for xaxis2, xaxis3…). By path: "xaxis2" -> "e"."""
    layout = fig.get("layout", {})
    template = layout.get("template", {})
    found = {}
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")):
            found[name] = axis.get("exponentformat", template.get("layout", {}).get(name[:5], {}).get("exponentformat"))
        elif name.startswith("coloraxis") and axis.get("showscale", True) is not False:
            default = template.get("layout", {}).get("coloraxis", {}).get("colorbar", {})
            found[f"{name}.colorbar"] = axis.get("colorbar", {}).get("exponentformat", default.get("exponentformat"))
    for i, trace in enumerate(fig.get("data", [])):
        kind = trace.get("type", "scatter")
        defaults = (template.get("data", {}).get(kind) or [{}])[0]
        for where, owner, default in (
            ("colorbar", trace, defaults),
            ("marker.colorbar", trace.get("marker", {}), defaults.get("marker", {})),
        ):
            if "colorbar" in owner:  # a trace on a shared coloraxis has none of its own
                own = owner["colorbar"].get("exponentformat")
                found[f"data[{i}].{where}"] = own or default.get("colorbar", {}).get("exponentformat")
    return found


def test_the_template_writes_small_numbers_with_an_exponent_not_a_greek_mu():
    fig = style(go.Figure(go.Scatter(x=[0, 1], y=[1e-4, 3e-4])))
    assert fig.layout.template == pio.templates[TEMPLATE]
    template = pio.templates[TEMPLATE]
    assert template.layout.xaxis.exponentformat == template.layout.yaxis.exponentformat == EXPONENT_FORMAT == "e"
    assert template.layout.coloraxis.colorbar.exponentformat == "e"
    assert template.data.heatmap[0].colorbar.exponentformat == template.data.contour[0].colorbar.exponentformat == "e"
    assert template.data.heatmap[0].colorscale  # plotly_white's own defaults are kept beside it


def test_a_subplot_axis_and_a_colour_bar_take_the_format_from_the_template():
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2)
    fig.add_trace(go.Contour(z=[[1e-4, 2e-4], [3e-4, 4e-4]], colorbar=dict(title="loss")), row=1, col=2)
    # As every figure builder does: style() gives it the template, whoever set plotly's default last (Streamlit
    # sets its own when a test in this process imported its plotly module after bnviz's figures).
    fig = style(fig)
    assert exponent_formats(json.loads(fig.to_json())) == {
        "xaxis": "e",
        "xaxis2": "e",
        "yaxis": "e",
        "yaxis2": "e",
        "data[0].colorbar": "e",
    }


@pytest.mark.parametrize("page", [p.url_path for p in PAGES if p.url_path != "teach"])
def test_every_axis_of_every_figure_on_the_page_writes_no_si_suffix(page):
    opened = {f"q_open_{q.number}": "true" for q in QUESTIONS} if page == "questions" else all_open(page)
    at = open_link(page or "home", opened, timeout=120)
    live = [json.loads(el.proto.json) for el in at.get("bidi_component")]
    shown = figures(at) + [data["figure"] for data in live if "figure" in data and data.get("kind") != "static"]
    assert shown, f"/{page} shows no figure"
    for i, fig in enumerate(shown):
        formats = exponent_formats(fig)
        assert formats, f"/{page} figure {i} has no axis"
        wrong = {path: value for path, value in formats.items() if value not in NOT_SI}
        assert not wrong, f"/{page} figure {i}: exponentformat {wrong} (plotly's default 'B' writes 1e-4 as 100μ)"
