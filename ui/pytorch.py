"""“Do it in PyTorch”: the expander that shows a page's snippet (content.pytorch builds it)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from content.pytorch import Snippet, intro


def do_it_in_pytorch(batch, snippet: Callable[[], Snippet], key: str) -> None:
    """A closed expander with the lines of PyTorch that do what the page shows, and what they print.

    Bound to the link (`?{key}=true` opens it). The snippet is built, and its code drawn, only while the
    expander is open: Streamlit reruns when it is opened, so a closed one costs nothing."""
    box = st.expander("Do it in PyTorch", key=key, bind="query-params")
    if box.open:
        with box:
            st.markdown(intro(batch))
            st.code(snippet().text, language="python")
