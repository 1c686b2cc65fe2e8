"""Watch γ and β learned: μ_B and σ²_B are recomputed for every batch, γ and β move under SGD."""

import hashlib

import numpy as np
import streamlit as st

from content import learning as say
from content.learning import END_ANCHOR, END_HEADING, END_KEY
from content.registry import page_file
from sections.learning import channels, conventions, ends, landscape, modes, replay
from sections.learning import settings as controls
from sections.learning.runs import channels_of, run_training
from ui import classroom
from ui.guard import attempt, require_navigation
from ui.state import carry_batch, current_batch

require_navigation()

st.title(say.TITLE)
carry_batch()
st.markdown(say.INTRO)

batch = current_batch()
st.caption(say.training_data(batch.source, batch.x.shape, batch.specs is not None))
st.page_link(page_file("batch"), label=say.MAKE_BATCH, icon=":material/grid_on:")
# What the training learns from: a prediction about one batch is not one about another.
batch_id = (batch.source, hashlib.sha256(np.ascontiguousarray(batch.x).tobytes()).hexdigest())
data = (batch.specs, None) if batch.specs is not None else (None, batch.x)

# In classroom mode the lesson's step stands on one screen: the prompt, the task and the channel on the left,
# where γ and β go on the right (drawn once the class has predicted). Elsewhere the page reads as before.
ASK, STEP_CONTROLS, STEP_RESULT = (
    classroom.stage(END_KEY, END_HEADING, END_ANCHOR) if classroom.enabled() else (None, None, None)
)

# --- the training's settings ---------------------------------------------------------------------
task = controls.task_control(where=STEP_CONTROLS)
controls.training_controls()
settings = controls.chosen_settings(task)

# --- the task and its optimum ------------------------------------------------------------------
trained = attempt(run_training, *data, settings, failed=say.TRAIN_FAILED)
if trained is None:
    st.stop()
exp, hist, (gamma_star, beta_star), _ = trained
c = controls.channel_control(exp.channels, where=STEP_CONTROLS)

# The reveal: in classroom mode the class predicts where training takes γ and β before seeing it.
ready = ends.predicted(settings, c, batch_id, ask=ASK)
if not ready:
    replay.keep_in_link()
else:
    # Every channel's γ, β, μ and σ, and the one rounding of each: the metrics, the task's explanation, the
    # time axis and the table below all quote them.
    end_table, end_places = channels_of(*data, settings)
    if STEP_RESULT is not None:
        ends.ends_revealed(data, settings, exp, hist, c, end_places, where=STEP_RESULT)
    ends.the_task(exp, gamma_star, beta_star, c, end_places)
    ends.how_it_went(exp, hist, gamma_star, beta_star, c)
    ends.end_metrics(exp, hist, end_table, end_places, c)

    # --- one time axis and one step up close -----------------------------------------------------
    replay.replay(data, settings, c, end_places)
    channels.every_channel(end_table, end_places)

# Side topics, closed so that the training above stays in view; each bound to the link
# (`?learn_open_modes=true` opens train vs eval) and built only while it is open (Streamlit reruns when
# one is opened): a closed one costs no training or figure here and no chart in the browser.
if ready:
    LANDSCAPE = st.expander(say.LANDSCAPE, key="learn_open_landscape", bind="query-params")
    if LANDSCAPE.open:
        with LANDSCAPE:
            landscape.your_turn(data, settings, c, float(gamma_star[c]), float(beta_star[c]))

MODES = st.expander(say.MODES, key="learn_open_modes", bind="query-params")
if MODES.open:
    with MODES:
        modes.train_vs_eval(data, settings, hist.steps, c, batch_id)

CONVENTIONS = st.expander(say.CONVENTIONS_TITLE, key="learn_open_momentum", bind="query-params")
if CONVENTIONS.open:
    with CONVENTIONS:
        conventions.conventions(settings.momentum)
