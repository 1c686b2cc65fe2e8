"""Bring your own activations: a .npy, .npz or .csv file (or the example) as the batch every page uses.

A refused file is said in the session (`bt_upload_msg`), not with ui.guard.attempt: it is refused in the
uploader's callback, before the page runs, and the message must stand under the uploader on every run after
it, with the batch the learner still has."""

from pathlib import Path

import streamlit as st

from bnviz.core.io import MAX_MB, UploadError, default_array, load_activations, npz_arrays
from bnviz.experiments import batches
from content import batch as text
from ui.state import Batch, current_batch, set_batch

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "activations_conv.npy"
HOOK_SCRIPT = EXAMPLE.parent / "save_activations.py"
ss = st.session_state


def refuse(err: Exception):
    """Say why a file was refused, and that the learner's batch is still the one they had."""
    kept = current_batch()
    ss.bt_upload_msg = ("error", text.refused(err, kept.x.shape, kept.source))


def use_file(f, name: str, array: str | None = None):
    """Load an upload (or the example) as the batch; on any problem keep the batch and say why."""
    try:
        x = load_activations(f, name, array=array)
    except (ValueError, TypeError) as err:  # UploadError is a ValueError
        refuse(err)
        return
    x, note = batches.keep_channels(x)
    label = f"{name} [{array}]" if array else name
    set_batch(Batch(x, None, 0, f"upload: {label}"))
    ss.bt_upload_for = "pending"  # the settings at the next run: moving any of them draws again
    ss.bt_upload_msg = ("success", text.loaded(label, x.shape, note))


def on_upload():
    f = ss.get("bt_upload")
    ss.bt_npz_labels = None
    if f is None:  # the learner removed the file: the batch stays as it is
        ss.bt_upload_msg = None
        return
    array = None
    if f.name.lower().endswith(".npz"):
        try:
            infos = npz_arrays(f, f"'{f.name}'")
        except UploadError as err:
            refuse(err)
            return
        array = default_array(infos)
        if len(infos) > 1:
            ss.bt_npz_labels = {info.name: info.label for info in infos}
            ss.bt_npz_pick = array
    use_file(f, f.name, array)


def on_npz_pick():
    if ss.get("bt_upload") is not None:
        use_file(ss.bt_upload, ss.bt_upload.name, ss.bt_npz_pick)


def load_example():
    with open(EXAMPLE, "rb") as f:
        use_file(f, EXAMPLE.name)


def upload():
    st.subheader(text.UPLOAD)
    st.markdown(text.UPLOAD_RULES)
    st.file_uploader(
        text.FILE, type=["npy", "npz", "csv"], key="bt_upload", on_change=on_upload, max_upload_size=MAX_MB
    )
    if ss.get("bt_npz_labels"):
        st.selectbox(
            text.NPZ_ARRAY,
            list(ss.bt_npz_labels),
            key="bt_npz_pick",
            format_func=ss.bt_npz_labels.get,
            on_change=on_npz_pick,
        )
    message = ss.get("bt_upload_msg")
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    example = st.container(horizontal=True)
    example.button(text.LOAD_EXAMPLE, on_click=load_example, key="bt_example", help=text.EXAMPLE_HELP)
    example.download_button(
        text.DOWNLOAD_EXAMPLE,
        data=EXAMPLE.read_bytes(),
        file_name=EXAMPLE.name,
        on_click="ignore",
        key="bt_example_down",
    )
    with st.expander(text.HOOK):
        st.code(HOOK_SCRIPT.read_text(), language="python")
    with st.expander(text.CSV_LAYOUT):
        st.markdown(text.CSV_RULES)
