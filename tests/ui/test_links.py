"""ui.links: the values a page reads from and writes to the link itself, the one notice for the
parameters a link could not use, and controls a link hides but whose values still apply."""

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from content.registry import PAGES
from ui.links import MAX_TEXT, Setting, _same, read

SETTINGS = {
    "gb_channel": Setting(0, lo=0, hi=3),
    "gb_gamma": Setting(1.0, lo=0.0, hi=5.0),
    "gb_nonlinearity": Setting("sigmoid", choices=("sigmoid", "tanh", "relu")),
    "gb_recover": Setting(False),
    "gb_betas": Setting((0.0, 0.0), lo=-10.0, hi=10.0),
}
NOTICE = "This link had settings that could not be used, so their defaults are shown: "


def test_valid_values_are_read_with_their_types():
    values, rejected = read(
        SETTINGS,
        {"gb_channel": "2", "gb_gamma": "2.5", "gb_nonlinearity": "tanh", "gb_recover": "1", "gb_betas": "1,-2.5"},
    )
    assert values == {
        "gb_channel": 2,
        "gb_gamma": 2.5,
        "gb_nonlinearity": "tanh",
        "gb_recover": True,
        "gb_betas": (1.0, -2.5),
    }
    assert rejected == []


@pytest.mark.parametrize(
    "name, text",
    [
        ("gb_channel", "2.5"),  # not whole
        ("gb_channel", "99"),  # out of range
        ("gb_channel", "1e400"),
        ("gb_gamma", "nan"),
        ("gb_gamma", "inf"),
        ("gb_gamma", "-1"),
        ("gb_gamma", "1e308"),
        ("gb_gamma", "<script>alert(1)</script>"),
        ("gb_nonlinearity", "softmax"),
        ("gb_nonlinearity", "**bold** [link](http://x)"),
        ("gb_recover", "maybe"),
        ("gb_betas", "1,,x"),
        ("gb_betas", ",".join(["1"] * 65)),
        ("gb_gamma", "1" * (MAX_TEXT + 1)),
    ],
)
def test_invalid_values_are_rejected_by_name(name, text):
    values, rejected = read(SETTINGS, {name: text})
    assert values == {} and rejected == [name]


def test_unknown_parameters_are_ignored():
    assert read(SETTINGS, {"evil": "<b>x</b>"}) == ({}, [])


def test_only_values_that_differ_from_their_defaults_need_a_place_in_the_link():
    gamma = Setting((), lo=0.0, hi=1e6, fill=1.0)  # one γ per channel, as /gamma-beta keeps them
    assert gamma.is_default((1.0, 1.0, 1.0)) and not gamma.is_default((1.0, 2.5, 1.0))
    assert gamma.format((1.0, 2.5, 1.0, 1.0)) == "1,2.5"  # trailing channels at γ = 1 are left out
    assert SETTINGS["gb_gamma"].is_default(1.0) and not SETTINGS["gb_gamma"].is_default(1.5)


def test_a_value_round_trips_through_its_text():
    state = {
        "gb_channel": 3,
        "gb_gamma": math.pi,
        "gb_nonlinearity": "relu",
        "gb_recover": True,
        "gb_betas": (1.25, -3.0),
    }
    values, rejected = read(SETTINGS, {name: SETTINGS[name].format(v) for name, v in state.items()})
    assert rejected == []
    assert values["gb_gamma"] == pytest.approx(math.pi, rel=1e-5)
    assert {k: v for k, v in values.items() if k != "gb_gamma"} == {k: v for k, v in state.items() if k != "gb_gamma"}


@pytest.mark.parametrize(
    "texts, value, same",
    [
        (["1.0"], 1.0, True),  # Streamlit dropped it from the link as the default: not a rejected value
        (["2"], 2, True),
        (["true"], True, True),
        (["tanh"], "tanh", True),
        (["1", "2"], (1.0, 2.0), True),
        (["2.5"], 2, False),  # an int widget corrected 2.5 to 2: the link's value was not used
        (["nan"], 1.0, False),
        (["<b>x</b>"], "x", False),
        (["1"], (1.0, 2.0), False),
    ],
)
def test_a_links_text_is_the_same_as_a_value_only_when_it_stands_for_it(texts, value, same):
    assert _same(texts, value) is same


def test_every_pages_url_path_is_its_file_name():
    # Until a session has run st.navigation, a fresh server serves pages/ in legacy mode and
    # finds a page by its file name: a link to /gamma-beta must name pages/gamma-beta.py, or the
    # first visitor sees "Page not found". AppTest's switch_page relies on the same match.
    assert len(PAGES) == 9
    for page in PAGES:
        assert page.url_path in ("", Path(page.file).stem), page.file
    assert [p.url_path for p in PAGES].count("") == 1


# --- a page run as app.py runs it ------------------------------------------------------------------


def _page():
    """app.py's frame around one page: a bound slider, a radio, a per-channel tuple the page keeps."""
    import streamlit as st

    from ui import links

    before = links.snapshot("demo")
    slot = st.empty()
    with links.control("gamma"):
        st.slider("gamma", 0.0, 5.0, value=1.0, key="demo_gamma", bind="query-params")
    st.radio("mode", ["a", "b"], index=0, key="demo_mode", bind="query-params")
    betas = {"demo_betas": links.Setting((), lo=-10.0, hi=10.0, fill=0.0)}
    links.claim(*betas)
    if links.arrived():
        values, rejected = links.read(betas, st.query_params.to_dict())
        links.reject(*rejected)
        if "demo_betas" in values:
            st.session_state.betas = values["demo_betas"]
    st.button("shift", key="demo_shift", on_click=lambda: st.session_state.update(betas=(0.0, 2.0)))
    betas_now = st.session_state.setdefault("betas", ())
    links.write({"demo_betas": betas["demo_betas"].format(betas_now)} if any(betas_now) else {}, betas)
    st.markdown(f"gamma is {st.session_state.demo_gamma}, betas are {betas_now}")
    links.check_link(before, slot)


def run_with(params: dict) -> AppTest:
    at = AppTest.from_function(_page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_page_opens_with_the_links_values():
    at = run_with({"demo_gamma": "2.5", "demo_mode": "b", "demo_betas": "1,-2"})
    assert at.slider[0].value == 2.5 and at.radio[0].value == "b"
    assert at.markdown[0].value == "gamma is 2.5, betas are (1.0, -2.0)"
    assert not at.info


def test_a_default_value_in_a_link_is_no_rejected_setting():
    at = run_with({"demo_gamma": "1.0", "demo_mode": "a"})  # Streamlit drops both: they are the defaults
    assert not at.info and at.slider[0].value == 1.0


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "nan", "1e400", "**bold** [x](http://evil)"])
def test_a_bad_link_opens_with_defaults_and_one_notice_that_names_but_never_repeats_it(text):
    at = run_with({"demo_gamma": text, "demo_mode": "b", "demo_betas": text})
    assert at.slider[0].value == 1.0 and at.radio[0].value == "b"
    assert at.markdown[0].value == "gamma is 1.0, betas are ()"
    (notice,) = [i.value for i in at.info]
    assert notice == NOTICE + "demo_betas, demo_gamma."
    assert text not in notice
    assert "demo_gamma" not in at.query_params and "demo_betas" not in at.query_params
    assert at.query_params["demo_mode"] == "b"


def test_unknown_parameters_are_dropped_and_never_shown():
    at = run_with({"evil": "<img src=x onerror=alert(1)>", "hide": "seed"})
    assert not at.info and "evil" not in at.query_params
    assert at.query_params["hide"] == "seed"  # the app's own switches stay


def test_a_value_the_page_keeps_itself_is_written_to_the_link():
    at = run_with({})
    at.button(key="demo_shift").click().run()
    assert at.query_params["demo_betas"] == "0,2" and at.markdown[0].value == "gamma is 1.0, betas are (0.0, 2.0)"


def test_a_stale_address_on_the_same_page_does_not_move_a_kept_value_back():
    # The page reads its own values from the link only on arriving; a rerun's address can be one
    # step behind the value just written.
    at = run_with({"demo_betas": "1"})
    at.button(key="demo_shift").click().run()
    at.query_params["demo_betas"] = "1"  # an older address
    at.run()
    assert at.markdown[0].value == "gamma is 1.0, betas are (0.0, 2.0)" and at.query_params["demo_betas"] == "0,2"


def test_arriving_from_another_page_reads_the_link_again():
    # A page_link with query parameters changes the address without a new session.
    at = run_with({"demo_betas": "1"})
    at.query_params["demo_betas"] = "3,4"
    at.session_state["_links_page"] = "other"  # the last run was another page's
    at.run()
    assert at.markdown[0].value == "gamma is 1.0, betas are (3.0, 4.0)"


def test_a_control_the_link_hides_takes_its_value_from_the_link_and_keeps_it():
    at = run_with({"hide": "gamma", "demo_gamma": "3"})
    (block,) = [b for b in at.main if getattr(b, "key", None) == "bnviz_hidden_gamma"]
    assert block.slider[0].key == "demo_gamma"  # drawn in the container the app's style hides
    assert at.markdown[0].value == "gamma is 3.0, betas are ()"
    at.run()
    assert at.markdown[0].value == "gamma is 3.0, betas are ()" and at.query_params["demo_gamma"] == "3"
