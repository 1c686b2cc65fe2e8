"""Classroom mode: switched on from a link, larger figures, a walk through the pages, hidden controls
(drawn in a container the app's style hides, so that their values still apply)."""

import plotly.graph_objects as go
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from helpers.apptest import by_label, hidden_keys, live_data
from ui import classroom


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
    assert live_data(classroom, "home_live")["figure"]["layout"]["font"]["size"] == 18
    assert "size" not in live_data(normal, "home_live")["figure"]["layout"].get("font", {})


def test_enlarge_puts_every_chart_text_at_18_px_or_more_for_a_projector():
    fig = go.Figure(go.Heatmap(z=[[1, 2]], colorbar=dict(title=dict(text="loss"))), layout=dict(height=300))
    fig.add_annotation(text="θ = 5", font=dict(size=11))  # a figure's own small note
    fig.update_layout(xaxis=dict(tickfont=dict(size=20)), title="curves", margin=dict(t=50))
    classroom.enlarge(fig)
    assert fig.layout.font.size == 18  # plotly.js's 12 px, × 1.5
    assert fig.layout.annotations[0].font.size == 18  # 11 px × 1.5 is 16.5, under the 18 px minimum
    assert fig.layout.xaxis.tickfont.size == 30  # a size of its own grows too
    # What the Streamlit theme's template would set (ticks 12 px) is set on the figure itself.
    assert (fig.layout.yaxis.tickfont.size, fig.layout.xaxis.title.font.size, fig.layout.legend.font.size) == (
        18,
        18,
        18,
    )
    assert (fig.data[0].colorbar.tickfont.size, fig.data[0].colorbar.title.font.size) == (18, 18)
    assert fig.layout.title.font.size == 25
    assert (fig.layout.height, fig.layout.margin.t) == (360, 75)  # room for the larger titles


def test_beside_stacks_columns_in_classroom_mode():
    def page():
        import streamlit as st

        from ui import classroom

        st.session_state.setdefault("classroom", st.query_params.get("classroom") == "1")
        controls, figure = classroom.beside([2, 3])
        controls.slider("γ", 0.0, 2.0, key="gamma")
        figure.markdown("the figure")

    at = AppTest.from_function(page).run()
    assert len(at.columns) == 2  # side by side on a screen
    at = AppTest.from_function(page)
    at.query_params["classroom"] = "1"
    at.run()
    assert len(at.columns) == 0  # one above the other on a projector
    assert at.slider[0].label == "γ" and at.markdown[0].value == "the figure"


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
    assert [c.value for c in at.caption] == ["Choose a prediction to unlock the action."]
    places = len(at.main.children)
    by_label(at.radio, "Your class's prediction").set_value("yes").run()
    assert not by_label(at.button, "Recover").disabled
    assert [c.value for c in at.caption] == ["Prediction made: the action is unlocked."]
    assert len(at.main.children) == places  # nothing came or went: the button kept its place


def test_a_link_can_hide_any_control():
    at = AppTest.from_function(_gated_page)
    at.query_params["hide"] = "gamma"
    at.run()
    assert hidden_keys(at) == {"seed", "gamma"}


def _prediction_page():
    import streamlit as st

    from ui import classroom

    st.session_state.classroom = True
    task = st.radio("task", ["a", "b"], key="task")
    if classroom.predict_first("p", "Where will γ end?", ["at 1", "at σ"], about=task):
        classroom.reveal("p", "at σ", "The loss asked for the input back.")


def test_a_prediction_unlocks_the_reveal_which_names_the_answer_and_whether_the_class_chose_it():
    at = AppTest.from_function(_prediction_page).run()
    assert [m.value for m in at.markdown] == ["**Predict first:** Where will γ end?"]
    at.radio(key="p").set_value("at 1").run()
    assert at.markdown[-1].value == (
        "**The answer: at σ.** Your class chose “at 1”: not this one. The loss asked for the input back."
    )
    assert not at.success and not at.error  # neutral: no green for a wrong guess, no red for the class
    at.radio(key="p").set_value("at σ").run()
    assert at.markdown[-1].value.startswith("**The answer: at σ.** Your class chose it.")


def test_a_changed_setting_asks_the_class_again():
    at = AppTest.from_function(_prediction_page).run()
    at.radio(key="p").set_value("at σ").run()
    at.radio(key="task").set_value("b").run()
    assert at.radio(key="p").value is None
    assert [m.value for m in at.markdown] == ["**Predict first:** Where will γ end?"]
    at.radio(key="task").set_value("a").run()  # and back: still a new question, asked again
    assert at.radio(key="p").value is None


def test_when_two_choices_are_both_right_the_reveal_names_both_and_either_counts():
    def page():
        import streamlit as st

        from ui import classroom

        st.session_state.classroom = True
        if classroom.predict_first("p", "Which ends lowest?", ["A", "B", "C"]):
            classroom.reveal("p", ("A", "B"))

    at = AppTest.from_function(page).run()
    at.radio(key="p").set_value("B").run()
    assert at.markdown[-1].value == "**The answer: A or B.** Your class chose it."
    at.radio(key="p").set_value("C").run()
    assert at.markdown[-1].value == "**The answer: A or B.** Your class chose “C”: not this one."
