"""The batch every page now uses: what it is, and its downloads."""

from functools import partial

import streamlit as st

from bnviz.core.io import to_csv_bytes, to_npy_bytes
from content import batch as text
from ui.state import Batch

# Each download: its label, the writer of its bytes, its file name, its MIME type and its widget key.
DOWNLOADS = (
    (text.DOWNLOAD_CSV, to_csv_bytes, "bnviz_batch.csv", "text/csv", "bt_csv"),
    (text.DOWNLOAD_NPY, to_npy_bytes, "bnviz_batch.npy", "application/octet-stream", "bt_npy"),
)


def summary(batch: Batch, uploaded: bool):
    if uploaded:
        st.info(text.showing_upload(batch.source, batch.x.shape))
    st.success(text.every_page_uses(batch.source, batch.x.shape))
    if batch.link is None and not uploaded:
        st.caption(text.NOT_YOUR_EDITS)
    downloads = st.container(horizontal=True)
    for label, write, name, mime, key in DOWNLOADS:  # each file written only when the learner asks for it
        downloads.download_button(
            label, data=partial(write, batch.x), file_name=name, mime=mime, on_click="ignore", key=key
        )
