"""The home page: the formula, a live before/after, and the questions linked to their pages."""

import re

import numpy as np
import pytest

from bnviz.experiments.home import before_after
from bnviz.numbers import fixed
from content import home as text_home
from content import teach as lesson
from content.questions import HOME, QUESTIONS
from helpers.apptest import bar_mean, hand, live_data, open_link, run_page
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
    experiments = links[0:10:2]  # each question: its experiment, then its answer on /questions
    assert experiments == ["gamma-beta", "gamma-beta", "gamma-beta", "steps", "learning"]
    assert links[1:10:2] == ["questions"] * 5
    # each experiment's link opens its page at the section that answers the question (ui/section.js)
    sections = [at.get("page_link")[i].proto.query_string for i in range(0, 10, 2)]
    assert sections == [
        "section=w-and-b",
        "section=spread-and-mean",
        "section=peaks",
        "section=train-vs-eval",
        "section=on-one-time-axis-computed-per-batch-vs-learned",
    ]
    assert links[-7:] == ["batch", "steps", "gamma-beta", "learning", "network", "real-network", "questions"]


def test_the_learners_questions_have_one_numbering_the_one_of_the_questions_page():
    """The home page numbered its five questions 1 to 5 (the peaks "3"), /questions its eight 1 to 8 (the
    peaks "8"): now only /questions numbers them, and each home question opens the ones that answer it."""
    at = run_page()
    asked = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("?**")]
    assert len(asked) == 5 and not [q for q in asked if q[2].isdigit()]  # no number of its own
    titles = {q.number: q.title for q in QUESTIONS}
    answers = [el.proto for el in at.get("page_link") if el.proto.page == "questions"][:5]
    peaks = answers[2]
    assert peaks.query_string == "q_open_8=true" and "question 8" in at.get("page_link")[5].label
    assert "normalized peaks" in titles[8]
    assert answers[0].query_string == "q_open_1=true&q_open_3=true"
    assert "replace the weights W and bias b" in titles[3] and "Why add γ and β" in titles[1]


def traces(figure: dict, row: str) -> list[dict]:
    return [next(t for t in figure["data"] if t["meta"] == f"{row}_{c}") for c in range(4)]


def test_home_before_after_figure_shows_four_different_channels_normalized_to_mean_zero():
    before_after = live_data(run_page(), "home_live")["figure"]  # the live chart's figure, as first drawn
    means_before = [bar_mean(t) for t in traces(before_after, "before")]
    means_after = [bar_mean(t) for t in traces(before_after, "after")]
    assert np.ptp(means_before) > 10  # channels on very different scales
    np.testing.assert_allclose(means_after, 0, atol=0.1)  # binned, so up to half a bin


def test_at_the_default_the_before_axis_fits_the_batch_so_the_channels_differ_at_a_glance():
    """The axis runs from the batch's lowest to its highest value rounded out, not to where ×10 would
    take it: the widest channel fills more than half of it, the narrowest stays a spike."""
    figure = live_data(run_page(), "home_live")["figure"]
    x = default_batch().x
    lo, hi = figure["layout"]["xaxis"]["range"]
    assert lo <= x.min() and hi >= x.max() and np.ptp(x[:, 3]) / (hi - lo) > 0.5
    assert np.ptp(x[:, 2]) / (hi - lo) < 0.02


def test_home_scale_slider_scales_the_input_but_not_the_output():
    at = run_page()
    hand(at, "home_live", home_scale=4.0)  # as the live chart sends it back
    table = at.table[0].value
    before = [float(v) for v in table["std before"]]
    after = [float(v) for v in table["std after"]]
    unscaled = [float(v) for v in run_page().table[0].value["std before"]]
    np.testing.assert_allclose(before, 4 * np.array(unscaled), rtol=2e-3)
    np.testing.assert_allclose(after, 1.0, atol=1e-3)


def test_home_gamma_and_beta_set_channel_0s_spread_and_mean_after_bn_and_nothing_before():
    at = run_page()
    first = at.table[0].value
    hand(at, "home_live", home_gamma=2.5, home_beta=-1.5)  # as the live chart sends them back
    table = at.table[0].value
    y = before_after(default_batch().x, 1.0, 2.5, -1.5).y  # the core's
    assert table["mean after"].iloc[0] == y.mean(axis=0)[0] == pytest.approx(-1.5, abs=1e-12)
    assert table["std after"].iloc[0] == y.std(axis=0)[0] == pytest.approx(2.5, rel=1e-5)  # ε: just under γ
    np.testing.assert_allclose(table["std after"].iloc[1:], 1.0, rtol=2e-4)  # γ = 1, β = 0 (ε: channel 2 just under)
    assert list(table["std before"]) == list(first["std before"])  # before BN: nothing moved
    assert at.query_params["home_gamma"] == "2.5" and at.query_params["home_beta"] == "-1.5"


def test_the_scale_changes_no_data_sent_to_the_browser_which_redraws_both_rows_itself():
    at = run_page()
    first = live_data(at, "home_live")
    for scale in (0.1, 4.0, 10.0):
        hand(at, "home_live", home_scale=scale)  # as the live chart sends it back
        assert live_data(at, "home_live") == first  # the browser draws the hand's value: nothing new sent
        assert at.session_state["home_scale"] == scale  # the owner has the hand's value


def anchor(heading: str) -> str:
    """The anchor Streamlit's client gives a heading without one of its own, for plain ASCII text: lower case,
    each run of other characters a "-" ("On one time axis: computed per batch vs learned" ->
    "on-one-time-axis-computed-per-batch-vs-learned")."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def test_each_home_question_opens_the_section_that_answers_it_and_says_its_number():
    """A link to /gamma-beta names one of its numbered sections (content.gamma_beta.SECTIONS), and says its number
    as the page does; one to /steps or /learning a heading of that page, as Streamlit anchors it."""
    for question in HOME:
        section = question.opens["section"]
        at = open_link(question.page, question.opens, timeout=120)
        headings = {h.proto.anchor or anchor(h.value): h.value for h in [*at.header, *at.subheader]}
        assert section in headings, (question.text, sorted(headings))
        if question.page == "gamma-beta":
            number = headings[section].split(".")[0]
            assert question.label.startswith(f"Section {number} of"), (question.label, headings[section])


# --- classroom mode: the lesson's first step (content.teach.PLAN[0]) ------------------------------------

STEP = lesson.PLAN[0]


def scale_control(at) -> dict:
    return next(c for c in live_data(at, "home_live")["controls"] if c["name"] == "home_scale")


def test_in_classroom_mode_the_scale_is_locked_and_nothing_says_the_answer_until_the_class_has_chosen():
    at = open_link("home", lesson.teacher_link(STEP))
    assert scale_control(at)["disabled"] and scale_control(at)["value"] == 1.0
    text = " ".join(m.value for m in [*at.markdown, *at.caption])
    assert text_home.TRY not in text and "stays put" not in text and "does not change" not in text
    assert any(r"\sqrt{\sigma_B^2 + \epsilon}" in el.value for el in at.latex)  # the formula stays
    hidden = {c["name"] for c in live_data(at, "home_live")["controls"] if c["hidden"]}
    assert hidden == {"home_gamma", "home_beta"}  # the link shows the scale alone
    # A link's scale does not get past the lock: ×1 until the class has chosen.
    at = open_link("home", lesson.teacher_link(STEP) | {"home_scale": "4"})
    assert scale_control(at)["value"] == 1.0 and at.session_state["home_scale"] == 1.0


def test_once_the_class_has_chosen_the_scale_moves_and_the_reveal_names_the_cores_answer():
    at = open_link("home", lesson.teacher_link(STEP))
    predict = text_home.SCALE_PREDICTION
    at.radio(key=predict.key).set_value(predict.choices[0]).run()
    assert not scale_control(at)["disabled"]
    assert not [m for m in at.markdown if m.value.startswith("**The answer:")]  # the scale has not moved yet
    hand(at, "home_live", home_scale=4.0)
    (said,) = [m.value for m in at.markdown if m.value.startswith("**The answer:")]
    assert said.startswith("**The answer: Unchanged.** Your class chose “4 times larger”: not this one.")
    y = before_after(default_batch().x, 4.0, 1.0, 0.0).y
    assert ", ".join(fixed(s, 3) for s in y.std(axis=0)) in said  # the std after BN the page computed


def test_the_scale_answer_is_computed_from_batchnorm_so_a_huge_eps_would_change_it():
    x = default_batch().x
    assert text_home.scale_answer(x) == "Unchanged"
    assert text_home.scale_answer(x, eps=1e6) == "4 times larger"  # ε dominates: the output grows with x


def test_in_classroom_mode_before_bn_and_after_bn_stand_side_by_side_one_row_per_channel():
    figure = live_data(open_link("home", lesson.teacher_link(STEP)), "home_live")["figure"]
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == ["before BN", "after BN"]
    for k in range(4):
        before, after = (next(t for t in figure["data"] if t["meta"] == f"{row}_{k}") for row in ("before", "after"))
        # the same row (y axis domain), before in the left column and after in the right one
        yb, ya = figure["layout"][f"yaxis{before['yaxis'][1:]}"], figure["layout"][f"yaxis{after['yaxis'][1:]}"]
        assert yb["domain"] == ya["domain"]
        xb, xa = figure["layout"][f"xaxis{before['xaxis'][1:]}"], figure["layout"][f"xaxis{after['xaxis'][1:]}"]
        assert xb["domain"][1] < xa["domain"][0]
