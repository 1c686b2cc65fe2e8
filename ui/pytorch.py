"""“Do it in PyTorch”: the expander that shows a page's snippet (content.pytorch builds it)."""

from __future__ import annotations

import streamlit as st

from content.pytorch import Snippet, intro


def do_it_in_pytorch(batch, snippet: Snippet) -> None:
    """A closed expander with the lines of PyTorch that do what the page shows, and what they print."""
    with st.expander("Do it in PyTorch"):
        st.markdown(intro(batch))
        st.code(snippet.text, language="python")
