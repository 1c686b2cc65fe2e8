"""What /batch keeps in the session: the channel table's specs, the seed a new draw moves to, and the batch every
page uses, drawn from the settings unless the learner's upload stands."""

import numpy as np
import streamlit as st

from bnviz.core.data import preset
from bnviz.experiments import batches
from content import batch as text
from ui.state import BATCH_SETTINGS, Batch, current_batch, recipe_link, set_batch

DEFAULT_SIZE = BATCH_SETTINGS["size"].default
ss = st.session_state


@st.cache_data(max_entries=32, show_spinner=False)
def draw(settings: batches.BatchRecipe) -> np.ndarray:
    return settings.draw()


def reconciled_specs() -> tuple:
    """The table's specs, reset when the preset changes and resized with the channel count."""
    ss.setdefault("bt_editor_v", 0)
    wanted = (ss.bt_preset, ss.bt_channels)
    if ss.get("bt_specs_for") != wanted:
        before = ss.get("bt_specs_for") or (None, None)
        ss.bt_specs = batches.reconcile_specs(ss.bt_preset, ss.bt_channels, ss.get("bt_specs"), before[0])
        ss.bt_specs_for = wanted
        ss.bt_editor_v += 1  # a fresh editor: its pending edits belonged to the old table
        ss.bt_edit_errors = []
    return ss.bt_specs


def draw_another():
    ss.bt_seed = (ss.bt_seed + 1) % (batches.MAX_SEED + 1)


def the_batch(specs: tuple) -> tuple[batches.BatchRecipe, Batch, bool]:
    """The settings the controls and the table (specs) describe, the batch every page uses, and whether it is the
    learner's upload: it stands until a setting moves; otherwise the batch is drawn again when the settings change."""
    settings = batches.BatchRecipe(ss.bt_kind, ss.bt_n, ss.get("bt_size", DEFAULT_SIZE), ss.bt_seed, tuple(specs))
    batch = current_batch()
    if batch.specs is None and ss.get("bt_upload_for") == "pending":
        ss.bt_upload_for = settings
    uploaded = batch.specs is None and ss.get("bt_upload_for") == settings
    if not uploaded and not (batch.specs is not None and ss.get("bt_drawn") == settings):
        edited = settings.specs != tuple(preset(ss.bt_preset, ss.bt_channels))
        link = None if edited else recipe_link(ss)  # edited cells are not in a link
        batch = Batch(
            draw(settings), settings.specs, settings.seed, text.drawn_source(ss.bt_preset, edited, settings.seed), link
        )
        set_batch(batch)
        ss.bt_drawn = settings
    return settings, batch, uploaded
