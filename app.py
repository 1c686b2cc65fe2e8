"""bnviz: an interactive lesson on Batch Normalization and why γ and β exist.

Run with `streamlit run app.py`. The navigation below is the one place pages are declared,
in teaching order; each page has a stable URL path.
"""

import streamlit as st

from ui import classroom

st.set_page_config(page_title="bnviz · Batch Normalization", page_icon="📊", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Start here", icon=":material/home:", default=True),
    st.Page("pages/batch.py", title="Make a batch", icon=":material/grid_on:", url_path="batch"),
    st.Page("pages/steps.py", title="Step through BN", icon=":material/stairs:", url_path="steps"),
    st.Page("pages/gamma-beta.py", title="Drag γ and β", icon=":material/tune:", url_path="gamma-beta"),
    st.Page("pages/learning.py", title="Watch them learned", icon=":material/trending_down:", url_path="learning"),
    st.Page("pages/network.py", title="Why BN helps", icon=":material/hub:", url_path="network"),
    st.Page("pages/questions.py", title="Learners' questions", icon=":material/help:", url_path="questions"),
    st.Page("pages/teach.py", title="For teachers", icon=":material/school:", url_path="teach"),
]

page = st.navigation(PAGES)
classroom.setup(PAGES)
page.run()
classroom.walk(PAGES, page)
