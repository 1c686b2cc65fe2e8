"""The live charts' moving layer in Chromium (ui/live/layer.js): a key press on every live control moves
the traces it changes in the chart plotly drew, without plotly redrawing the figure, and what it draws is
what plotly draws once the hand rests, to a pixel. A press that moves an axis with numbers is drawn by
plotly, with the axis the core's figure would have."""

import re

import pytest

from helpers.pw_helpers import assert_no_exception, open_page

pytestmark = pytest.mark.browser

# (page, the range input's name): every live control of the app.
CONTROLS = [
    ("", "home_scale"),
    ("", "home_gamma"),
    ("", "home_beta"),
    ("gamma-beta", "gamma"),
    ("gamma-beta", "beta"),
    ("gamma-beta", "gb_nl_gamma"),
    ("gamma-beta", "gb_nl_beta"),
    ("learning", "learn_step"),
]

# What the chart shows: every path plotly drew for each trace (its d and transform) and each shape.
PICTURE = """(root) => {
  const gd = root.querySelector('.js-plotly-plot');
  const paths = {};
  gd.querySelectorAll('.trace').forEach((g) => {
    paths['trace ' + g.__data__[0].trace.index] = [...g.querySelectorAll('path')].map(
      (p) => (p.getAttribute('d') || '') + ' ' + (p.getAttribute('transform') || ''));
  });
  gd.querySelectorAll('.shapelayer path').forEach((p) => { paths['shape ' + p.dataset.index] = [p.getAttribute('d')]; });
  return {paths, drawn: root.dataset.drawn, plots: +(root.dataset.plots || 0)};
}"""

# Before a press: the picture at the first redraw after it, taken in the page as it happens (a later
# redraw by plotly, once the hand rests, cannot take its place).
AT_NEXT_REDRAW = f"""(root) => {{
  const picture = {PICTURE};
  window.__picture = new Promise((resolve) => {{
    const observer = new MutationObserver(() => {{ observer.disconnect(); resolve(picture(root)); }});
    observer.observe(root, {{attributes: true, attributeFilter: ['data-draws']}});
  }});
}}"""

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def chart_of(page, control: str):
    chart = page.locator(f'.bnviz-live:has(input[name="{control}"])')
    page.wait_for_function("(e) => Number(e.dataset.plots || 0) >= 1", arg=chart.element_handle())
    return chart


def press(page, chart, control: str, key: str | None = None) -> dict:
    """One key on the control (towards the other end at the top of its range); the picture as redrawn."""
    slider = chart.locator(f'input[name="{control}"]')
    if key is None:
        key = "ArrowLeft" if float(slider.input_value()) >= float(slider.get_attribute("max")) else "ArrowRight"
    chart.evaluate(AT_NEXT_REDRAW)
    slider.press(key)
    return page.evaluate("window.__picture")


def largest_gap(moved: dict, drawn: dict) -> float:
    """The largest difference, in pixels, between two pictures of the same elements."""
    assert moved.keys() == drawn.keys()
    gap = 0.0
    for name in drawn:
        assert len(moved[name]) == len(drawn[name]), name
        for a, b in zip(moved[name], drawn[name]):
            # the same path commands, numbers within a pixel
            assert NUMBER.sub("#", a) == NUMBER.sub("#", b), (name, a[:80], b[:80])
            pairs = zip(map(float, NUMBER.findall(a)), map(float, NUMBER.findall(b)))
            gap = max([gap, *(abs(x - y) for x, y in pairs)])
    return gap


@pytest.mark.parametrize("path, control", CONTROLS)
def test_a_key_press_moves_the_traces_in_place_as_plotly_would_draw_them(page, app_url, path, control):
    open_page(page, app_url, path)
    chart = chart_of(page, control)
    before = chart.evaluate(PICTURE)
    moved = press(page, chart, control)
    assert moved["drawn"] == "in place" and moved["plots"] == before["plots"]  # plotly drew nothing
    assert moved["paths"] != before["paths"]  # and the picture changed
    # Once the hand rests, plotly draws the figure again: the same picture.
    page.wait_for_function("([e, n]) => Number(e.dataset.plots) > n", arg=[chart.element_handle(), moved["plots"]])
    drawn = chart.evaluate(PICTURE)
    assert largest_gap(moved["paths"], drawn["paths"]) <= 1.0
    assert_no_exception(page)


def test_a_press_that_moves_an_axis_with_numbers_is_drawn_by_plotly_with_the_figures_axis(page, app_url):
    open_page(page, app_url, "gamma-beta")
    chart = chart_of(page, "gb_nl_gamma")
    # γ at its top: z = γ·x̂ + β leaves ±6, so the z axis, which has numbers, widens.
    moved = press(page, chart, "gb_nl_gamma", "End")
    assert moved["drawn"] == "plotly"
    ranges = chart.evaluate(
        "(root) => { const gd = root.querySelector('.js-plotly-plot');"
        " return [gd._fullLayout.xaxis.range, gd.layout.xaxis.range]; }"
    )
    drawn, wanted = ranges
    assert drawn == pytest.approx(wanted) and wanted[1] - wanted[0] > 12


def test_a_press_there_and_back_is_drawn_in_place_as_plotly_draws_it(page, app_url):
    """γ one step up moves y's density axis (bare) in place; one step down moves it back: every trace on it
    (y's bars, x's outline, the mean marker) follows, not only those plotly last drew otherwise."""
    open_page(page, app_url, "gamma-beta")
    chart = chart_of(page, "gamma")
    press(page, chart, "gamma", "ArrowRight")
    back = press(page, chart, "gamma", "ArrowLeft")
    assert back["drawn"] == "in place"
    page.wait_for_function("([e, n]) => Number(e.dataset.plots) > n", arg=[chart.element_handle(), back["plots"]])
    assert largest_gap(back["paths"], chart.evaluate(PICTURE)["paths"]) <= 1.0
