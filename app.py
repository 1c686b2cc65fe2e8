"""bnviz: an interactive lesson on Batch Normalization and why γ and β exist.

Run with `streamlit run app.py`. The pages are declared once, in teaching order, in content/registry.py;
each has a stable URL path.
"""

import streamlit as st

from content.registry import PAGES as REGISTRY
from ui import classroom, links, live, style

st.set_page_config(page_title="bnviz · Batch Normalization", page_icon="📊", layout="wide")
live.serve_live_js()  # the live charts load plotly.js and their modules from the app itself, never from a CDN

# A student link (`?student=1`) leaves the teacher's page, and so its answers, out of the session.
PAGES = [
    st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path)
    for p in REGISTRY
    if not (p.teacher_only and classroom.student())
]

page = st.navigation(PAGES)
classroom.setup(PAGES)
st.sidebar.html(links.HIDDEN_CSS + style.CSS)  # the app's style, sent again on every run
st.sidebar.html(links.ONE_ENTRY_PER_PAGE, unsafe_allow_javascript=True)  # a constant: Back leaves the page
st.sidebar.html(links.TO_SECTION, unsafe_allow_javascript=True)  # a constant: `?section=peaks` opens there
link = links.snapshot(page.url_path)
notice = st.empty()
page.run()
links.check_link(link, notice)
classroom.walk(PAGES, page)
