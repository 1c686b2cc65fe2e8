"""Where a question leads: the pages that explore it further, and its sources; the page's list of sources."""

import streamlit as st

from content import questions as text
from content.questions import SOURCES, Question
from content.registry import page_file


def links(q: Question):
    for link in q.links:
        st.page_link(
            page_file(link.page),
            label=link.label,
            icon=":material/arrow_forward:",
            query_params=link.opens,  # `?section=peaks`: the page opens at that section
        )


def sources():
    st.subheader(text.SOURCES_HEADING)
    for source in SOURCES.values():
        st.markdown(text.source_line(source))
