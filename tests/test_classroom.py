"""Classroom mode: switched on from a link, larger figures, a walk through the pages, hidden controls
(drawn in a container the app's style hides, so that their values still apply)."""

from apptest import by_label, figures, hidden_keys
from conftest import ROOT
from streamlit.testing.v1 import AppTest


def run_home(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    return at


def test_classroom_link_turns_the_mode_on_with_larger_figure_fonts():
    normal, classroom = run_home({}), run_home({"classroom": "1"})
    assert by_label(normal.toggle, "Classroom mode").value is False
    assert by_label(classroom.toggle, "Classroom mode").value is True
    assert figures(classroom)[0]["layout"]["font"]["size"] == 18
    assert "size" not in figures(normal)[0]["layout"].get("font", {})


def test_classroom_mode_walks_the_pages_in_teaching_order():
    at = run_home({"classroom": "1"})
    walk = [el.proto for el in at.get("page_link") if el.proto.label.startswith(("Previous", "Next"))]
    assert [(p.label, p.page) for p in walk] == [("Next: Make a batch", "batch")]
    assert not [el for el in run_home({}).get("page_link") if el.proto.label.startswith("Next")]


def test_switching_the_toggle_on_writes_it_to_the_link():
    at = run_home({})
    by_label(at.toggle, "Classroom mode").set_value(True).run()
    assert at.query_params["classroom"] == "1"
    by_label(at.toggle, "Classroom mode").set_value(False).run()
    assert "classroom" not in at.query_params


def _gated_page():
    import streamlit as st

    from ui import classroom, links

    st.session_state.setdefault("classroom", True)
    with links.control("seed", essential=False):
        st.number_input("seed", key="seed")
    with links.control("gamma"):
        st.slider("gamma", 0.0, 2.0, key="gamma")
    ready = classroom.predict_first("predict_recover", "Will y equal x?", ["yes", "no"])
    st.button("Recover", disabled=not ready)


def test_predict_first_gates_the_action_and_nonessential_controls_are_hidden():
    at = AppTest.from_function(_gated_page).run()
    assert hidden_keys(at) == {"seed"}  # seed is not essential: hidden in classroom mode; gamma is shown
    assert by_label(at.button, "Recover").disabled
    by_label(at.radio, "Your class's prediction").set_value("yes").run()
    assert not by_label(at.button, "Recover").disabled


def test_a_link_can_hide_any_control():
    at = AppTest.from_function(_gated_page)
    at.query_params["hide"] = "gamma"
    at.run()
    assert hidden_keys(at) == {"seed", "gamma"}
