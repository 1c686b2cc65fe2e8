"""Make sure a page runs inside app.py's navigation, even on a freshly started server.

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
