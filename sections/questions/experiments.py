"""Each question's experiment, by the question's key: drawn as a fragment (its controls rerun it alone), and in
classroom mode, for a question with a prediction, the same function run with the page and its stage."""

import streamlit as st

from sections.questions import channel, eval_mode, learning, one, peaks, real, replace, undo, why

# Questions 1 to 3 run on the learner's batch x; the others on data of their own (question 9: /real-network's
# digits, and its training).
ON_YOUR_BATCH = {"why": why.experiment, "undo": st.fragment(undo.experiment), "replace": replace.experiment}
OWN_BATCH = {
    "channel": channel.experiment,
    "learning": learning.experiment,
    "eval": st.fragment(eval_mode.experiment),
    "one": st.fragment(one.experiment),
    "peaks": peaks.experiment,
    "real": real.experiment,
}
# In classroom mode an experiment with a prediction runs with the page, not as a fragment: the prompt beside it
# unlocks it, and the written answer below it follows the class's choice.
PREDICTED = {"undo": undo.experiment, "eval": eval_mode.experiment, "one": one.experiment}


def experiment(key: str, x) -> None:
    """Question `key`'s experiment; x: the learner's batch, (N, C) or (N, C, H, W)."""
    if key in ON_YOUR_BATCH:
        ON_YOUR_BATCH[key](x)
    else:
        OWN_BATCH[key]()


def predicted(key: str, x, ready: bool, controls, result) -> None:
    """Classroom mode: question `key`'s experiment, its controls in `controls` and what it shows in `result`."""
    if key in ON_YOUR_BATCH:
        PREDICTED[key](x, ready, controls, result)
    else:
        PREDICTED[key](ready, controls, result)
