"""Make sure a page runs inside app.py's navigation, even on a freshly started server; and run an experiment
whose refusal the learner reads as a message (`attempt`).

Streamlit serves a folder named pages/ in its legacy multipage mode until some session has
run st.navigation. So the first request of a fresh server that goes straight to a page's URL
(a teacher's link opened before anyone has loaded the home page) runs that page file alone:
no classroom mode, no walk, the legacy navigation. Every page calls require_navigation()
first: in that case it switches the legacy mode off, as st.navigation would, and reruns, so
the same URL is served through app.py.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_navigation() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def attempt(compute, *args, failed: str = "", **kwargs):
    """compute(*args, **kwargs), or None once an st.error has said why it could not run.

    The core refuses what it cannot use (a batch, a setting) with a ValueError or a TypeError whose message is
    written for the learner (bnviz.core.validation): it is shown after `failed` ("These settings cannot be
    trained: "), never as a traceback. The caller decides what follows a None: skip a section, or st.stop().
    """
    try:
        return compute(*args, **kwargs)
    except (ValueError, TypeError) as err:
        st.error(f"{failed}{err}")
        return None
