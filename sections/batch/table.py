"""The channel table: each channel's distribution, edited cell by cell; the batch is drawn again at once."""

import streamlit as st

from bnviz.core.data import DISTRIBUTIONS
from bnviz.experiments import batches
from bnviz.numbers import fixed_cells
from content import batch as text
from sections.batch.state import reconciled_specs
from ui import classroom

ss = st.session_state


def channel_table() -> tuple:
    """Draw the table and return the channels' specs, as the learner left them."""
    st.markdown(text.TABLE)
    specs = reconciled_specs()
    # The editor draws its cells on a canvas in a small font no style reaches: in classroom mode the room
    # reads the channels from a large HTML table, and the teacher edits them in the expander below it.
    editor_place = st.container()
    if classroom.enabled():
        shown = batches.specs_frame(specs).style.format("{:g}", subset=[batches.MEAN, batches.SPREAD])
        st.table(shown.format(fixed_cells(3), subset=[batches.OUT_MEAN, batches.OUT_STD]))  # as the editor's %.3f
        editor_place = st.expander(text.EDIT)
    edited = editor_place.data_editor(
        batches.specs_frame(specs),
        key=f"bt_editor_{ss.bt_editor_v}",
        num_rows="fixed",
        height=35 * (len(specs) + 1) + 3,  # every channel visible, no inner scrolling (rows are 35 px)
        disabled=["_index", batches.OUT_MEAN, batches.OUT_STD],
        column_config={
            batches.FAMILY: st.column_config.SelectboxColumn(
                options=list(DISTRIBUTIONS), required=True, help=text.FAMILY_HELP
            ),
            batches.MEAN: st.column_config.NumberColumn(help=text.MEAN_HELP),
            batches.SPREAD: st.column_config.NumberColumn(help=text.SPREAD_HELP),
            batches.OUT_MEAN: st.column_config.NumberColumn(format="%.3f", help=text.OUT_MEAN_HELP),
            batches.OUT_STD: st.column_config.NumberColumn(format="%.3f", help=text.OUT_STD_HELP),
        },
    )
    new_specs, errors = batches.specs_from_frame(edited, specs)
    if new_specs != specs or errors:
        ss.bt_specs, ss.bt_edit_errors = new_specs, errors
        ss.bt_editor_v += 1  # show the table as accepted: a refused cell goes back to its old value
        st.rerun()
    for message in ss.get("bt_edit_errors", []):
        st.error(message)
    st.caption(text.RELU)
    return specs
