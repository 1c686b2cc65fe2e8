"""ui.guard.attempt: an experiment the core refuses becomes a message on the page, never a traceback."""

from streamlit.testing.v1 import AppTest


def _page():
    import streamlit as st

    from ui.guard import attempt

    def refuse(x):
        raise ValueError(f"x must hold finite numbers; got {x}.")

    st.markdown(f"refused: {attempt(refuse, 'nan', failed='This batch cannot be used: ')}")
    st.markdown(f"computed: {attempt(lambda a, b: a + b, 1, b=2)}")


def test_attempt_shows_the_cores_refusal_after_what_failed_and_returns_none_else_the_result():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["This batch cannot be used: x must hold finite numbers; got nan."]
    assert [m.value for m in at.markdown] == ["refused: None", "computed: 3"]
