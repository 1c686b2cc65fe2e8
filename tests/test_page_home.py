"""The home page: the formula, a live before/after, and the questions linked to their pages."""

import numpy as np
import pytest
from apptest import bar_mean, figures, live_data, run_page

from ui.state import default_batch


def test_home_states_the_formula_and_the_learners_questions():
    at = run_page()
    assert at.title[0].value == "Batch Normalization, and why γ and β exist"
    assert any(r"\sqrt{\sigma_B^2 + \epsilon}" in el.value for el in at.latex)
    text = " ".join(m.value for m in at.markdown)
    for question in [
        "Why add γ and β at all?",
        "Do γ and β just “undo” the normalization?",
        "how do γ and β fix the normalized peaks?",
        "Is the normalization per channel or over the whole batch?",
        "where is the learning?",
    ]:
        assert question in text


def test_home_links_every_page_in_teaching_order():
    at = run_page()
    links = [el.proto.page for el in at.get("page_link")]  # the URL path of each linked page
    assert links[:5] == ["gamma-beta", "gamma-beta", "gamma-beta", "steps", "learning"]  # the five questions
    assert at.get("page_link")[2].proto.query_string == "gb_open_peaks=true"  # the peaks' section, opened
    assert links[-6:] == ["batch", "steps", "gamma-beta", "learning", "network", "questions"]


def test_home_before_after_figures_show_four_channels_normalized_to_mean_zero():
    at = run_page()
    before = live_data(at, "home_live")["figure"]  # the live chart's figure, as first drawn
    (after,) = figures(at)
    assert len(before["data"]) == len(after["data"]) == 4
    means_before = [bar_mean(t) for t in before["data"]]
    means_after = [bar_mean(t) for t in after["data"]]
    assert np.ptp(means_before) > 10  # channels on very different scales
    np.testing.assert_allclose(means_after, 0, atol=0.1)  # binned, so up to half a bin


def test_home_scale_slider_scales_the_input_but_not_the_output():
    at = run_page()
    at.session_state["home_live"]["home_scale"] = 4.0  # as the live chart sends it back
    at.run()
    table = at.table[0].value
    before = [float(v) for v in table["std before"]]
    after = [float(v) for v in table["std after"]]
    unscaled = [float(v) for v in run_page().table[0].value["std before"]]
    np.testing.assert_allclose(before, 4 * np.array(unscaled), rtol=2e-3)
    np.testing.assert_allclose(after, 1.0, atol=1e-3)


def test_the_scale_widens_before_on_one_fixed_x_axis_while_after_does_not_move():
    at = run_page()
    x = default_batch().x
    first = live_data(at, "home_live")
    lo, hi = first["figure"]["layout"]["xaxis"]["range"]  # Before: the axis holds ×0.1 to ×10
    assert first["figure"]["layout"]["xaxis"]["autorange"] is False
    (after,) = figures(at)
    for scale in (0.1, 4.0, 10.0):
        at.session_state["home_live"]["home_scale"] = scale  # as the live chart sends it back
        at.run()
        assert live_data(at, "home_live") == first  # the same axis at every scale: the browser only rescales x
        # The batch's spread, on that axis: 1 % of its width at ×0.1, all of it at ×10.
        assert scale * np.ptp(x) / (hi - lo) == pytest.approx(scale / 10)
        (moved,) = figures(at)
        for a, b in zip(after["data"], moved["data"]):  # After: the same bars on the same axis
            assert (a["x"], a["width"]) == (b["x"], b["width"])
        assert moved["layout"]["xaxis"] == after["layout"]["xaxis"]
