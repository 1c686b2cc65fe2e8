"""ui.params: settings read from a link, validated, and written back to the URL."""

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.params import MAX_TEXT, Setting, link_params, read_link

SETTINGS = {
    "gb_channel": Setting(0, lo=0, hi=3),
    "gb_gamma": Setting(1.0, lo=0.0, hi=5.0),
    "gb_nonlinearity": Setting("sigmoid", choices=("sigmoid", "tanh", "relu")),
    "gb_recover": Setting(False),
    "gb_betas": Setting((0.0, 0.0), lo=-10.0, hi=10.0),
}


def test_valid_values_are_read_with_their_types():
    values, rejected = read_link(
        SETTINGS, "gb_", {"channel": "2", "gamma": "2.5", "nonlinearity": "tanh", "recover": "1", "betas": "1,-2.5"}
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
        ("channel", "2.5"),  # not whole
        ("channel", "99"),  # out of range
        ("channel", "1e400"),
        ("gamma", "nan"),
        ("gamma", "inf"),
        ("gamma", "-1"),
        ("gamma", "1e308"),
        ("gamma", "<script>alert(1)</script>"),
        ("nonlinearity", "softmax"),
        ("nonlinearity", "**bold** [link](http://x)"),
        ("recover", "maybe"),
        ("betas", "1,,x"),
        ("betas", ",".join(["1"] * 65)),
        ("gamma", "1" * (MAX_TEXT + 1)),
    ],
)
def test_invalid_values_are_rejected_by_name(name, text):
    values, rejected = read_link(SETTINGS, "gb_", {name: text})
    assert values == {} and rejected == [name]


def test_unknown_parameters_are_ignored():
    assert read_link(SETTINGS, "gb_", {"evil": "<b>x</b>"}) == ({}, [])


def test_only_settings_that_differ_from_their_defaults_go_into_the_link():
    state = {"gb_channel": 0, "gb_gamma": 1.5, "gb_nonlinearity": "sigmoid", "gb_betas": (0.5, 0.0)}
    assert link_params(SETTINGS, "gb_", state) == {"gamma": "1.5", "betas": "0.5,0"}


def test_a_link_round_trips():
    state = {
        "gb_channel": 3,
        "gb_gamma": math.pi,
        "gb_nonlinearity": "relu",
        "gb_recover": True,
        "gb_betas": (1.25, -3.0),
    }
    values, rejected = read_link(SETTINGS, "gb_", link_params(SETTINGS, "gb_", state))
    assert rejected == []
    assert values["gb_gamma"] == pytest.approx(math.pi, rel=1e-5)
    assert {k: v for k, v in values.items() if k != "gb_gamma"} == {k: v for k, v in state.items() if k != "gb_gamma"}


def _page():
    import streamlit as st

    from ui.params import Setting, bind

    bind({"demo_gamma": Setting(1.0, lo=0.0, hi=5.0), "demo_mode": Setting("a", choices=("a", "b"))}, prefix="demo_")
    st.slider("gamma", 0.0, 5.0, key="demo_gamma")
    st.radio("mode", ["a", "b"], key="demo_mode")


def run_with(params: dict) -> AppTest:
    at = AppTest.from_function(_page)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_a_page_opens_with_the_links_settings():
    at = run_with({"gamma": "2.5", "mode": "b"})
    assert at.slider(key="demo_gamma").value == 2.5 and at.radio(key="demo_mode").value == "b"
    assert not at.info and not at.exception


def test_a_bad_link_opens_with_defaults_and_a_notice_that_does_not_echo_it():
    at = run_with({"gamma": "<img src=x onerror=alert(1)>", "mode": "b"})
    assert at.slider(key="demo_gamma").value == 1.0 and at.radio(key="demo_mode").value == "b"
    notice = at.info[0].value
    assert "gamma (expected a number from 0 to 5)" in notice and "<img" not in notice
    assert not at.exception


def test_changing_a_control_writes_it_to_the_url():
    at = run_with({})
    at.slider(key="demo_gamma").set_value(3.0).run()
    assert at.query_params["gamma"] == "3"
    at.slider(key="demo_gamma").set_value(1.0).run()
    assert "gamma" not in at.query_params


def test_every_pages_url_path_is_its_file_name():
    # Until a session has run st.navigation, a fresh server serves pages/ in legacy mode and
    # finds a page by its file name: a link to /gamma-beta must name pages/gamma-beta.py, or the
    # first visitor sees "Page not found". AppTest's switch_page relies on the same match.
    # app.py builds its st.Page list from the registry: the one page without a url_path is the default.
    from content.registry import PAGES

    assert len(PAGES) == 8
    assert [p.url_path for p in PAGES].count("") == 1
    for p in PAGES:
        assert p.file == f"pages/{Path(p.file).stem}.py" and p.url_path in ("", Path(p.file).stem), p.file


def test_arriving_from_another_page_at_an_address_the_page_did_not_write_reads_it():
    # A page_link with query parameters changes the address without a new session.
    at = run_with({"gamma": "2.5"})
    at.slider(key="demo_gamma").set_value(3.0).run()
    assert at.slider(key="demo_gamma").value == 3.0 and at.query_params["gamma"] == "3"
    at.query_params["gamma"] = "4"
    at.query_params["mode"] = "b"
    at.session_state["_link_page"] = "other_"  # the last run was another page's
    at.run()
    assert at.slider(key="demo_gamma").value == 4.0 and at.radio(key="demo_mode").value == "b"
    at.run()  # the address it now writes is its own: nothing is read again
    assert at.slider(key="demo_gamma").value == 4.0 and at.query_params["gamma"] == "4"


def test_a_stale_address_on_the_same_page_does_not_move_a_control_back():
    # Pressing a slider quickly, a rerun can carry the address from before the last write.
    at = run_with({})
    at.slider(key="demo_gamma").set_value(3.0).run()
    at.slider(key="demo_gamma").set_value(3.5)
    at.query_params["gamma"] = "1.5"  # an older address
    at.run()
    assert at.slider(key="demo_gamma").value == 3.5 and at.query_params["gamma"] == "3.5"


def _page_with_a_hideable_slider():
    import streamlit as st

    from ui.params import Setting, bind

    bind({"demo_gamma": Setting(1.0, lo=0.0, hi=5.0)}, prefix="demo_")
    if st.session_state.get("show", True):
        st.slider("gamma", 0.0, 5.0, key="demo_gamma")
    st.markdown(f"gamma is {st.session_state.demo_gamma}")


def test_a_control_not_drawn_for_a_few_runs_keeps_its_value():
    at = AppTest.from_function(_page_with_a_hideable_slider).run()
    at.slider(key="demo_gamma").set_value(3.0).run()
    at.session_state["show"] = False
    at.run()
    at.run()  # Streamlit has now dropped the widget's own value
    assert at.markdown[0].value == "gamma is 3.0" and at.query_params["gamma"] == "3"
    at.session_state["show"] = True
    at.run()
    assert at.slider(key="demo_gamma").value == 3.0
