"""What /steps' sections share: the steps' names and keys, the session's choices kept in range of the batch,
the running statistics (cached), and the steps as the page shows them (in training or eval mode)."""

from dataclasses import dataclass

import numpy as np
import streamlit as st

from bnviz.core.data import ChannelSpec
from bnviz.core.norms import KINDS
from bnviz.core.steps import Step, batch_norm_steps
from bnviz.experiments.stepper import STEP_INPUT, RunningHistory, groups_choices, running_history, step_places
from content import steps as say
from ui.guard import attempt

MAX_BATCHES = 200
BATCHES = 20  # the batches slider's default
MOMENTA = [0.01, 0.05, 0.1, 0.2, 0.5, 1.0]
MOMENTUM = 0.1  # PyTorch's default

# The steps' labels, the same in training and eval mode (a radio whose labels change is a new widget to
# Streamlit, and would lose its selection when eval mode is switched on); the link carries the label:
# `?steps_step=5.+Normalize`.
STEP_NAMES = {
    s.key: f"{i}. {s.name.removeprefix('Batch ').capitalize()}"
    for i, s in enumerate(batch_norm_steps(np.array([[0.0], [1.0]]), 1.0, 0.0), start=1)
}
STEP_KEYS = list(STEP_NAMES)
BEFORE_NORMALIZE = STEP_KEYS.index("normalize") - 1  # where the class predicts what normalizing does


def keep_in_range(n: int, c: int) -> None:
    """A batch made later on /batch may have fewer channels or samples than the saved choices: those are moved
    back into range of its n samples and c channels before their widgets are drawn (only then, never on every
    run)."""
    groups = groups_choices(c)
    ss = st.session_state
    if ss.get("steps_channel", 0) >= c:
        ss["steps_channel"] = 0
    if ss.get("steps_sample", 0) >= n:
        ss["steps_sample"] = 0
    if ss.get("steps_step", "mean") not in STEP_INPUT:
        ss["steps_step"] = "mean"
    if ss.get("steps_kind", "batch") not in KINDS:
        ss["steps_kind"] = "batch"
    if ss.get("steps_groups", groups[len(groups) // 2]) not in groups:
        ss["steps_groups"] = groups[len(groups) // 2]


def named_radio(label: str, options, names: dict, key: str, **kwargs):
    """A horizontal radio of `options`, each shown by its name, bound to the link, which carries the name shown
    (`?steps_kind=LayerNorm`, `?steps_step=5.+Normalize`): the first is the default."""
    return st.radio(label, options, 0, key=key, bind="query-params", format_func=names.get, horizontal=True, **kwargs)


def move(delta: int) -> None:
    """Previous (-1) or Next (+1): the step radio's choice, moved within the steps."""
    i = STEP_KEYS.index(st.session_state["steps_step"]) + delta
    st.session_state["steps_step"] = STEP_KEYS[min(max(i, 0), len(STEP_KEYS) - 1)]


def batch_identity(batch) -> tuple:
    """What the class's predictions on this page are about besides their settings: the batch."""
    return (batch.source, batch.seed, tuple(batch.x.shape))


@st.cache_data(show_spinner=say.TRAINING_RUNNING, max_entries=8)
def history_of(x, spec_rows, seed, momentum, batches) -> dict:
    # Plain tuples in, plain arrays out: hashing or pickling an instance of a bnviz class fails
    # once Streamlit has reloaded bnviz after an edit (the class is no longer the same object).
    specs = None if spec_rows is None else [ChannelSpec(*row) for row in spec_rows]
    return vars(running_history(x, specs, seed, batches, momentum))


def running_statistics(batch, batches: int, momentum: float) -> RunningHistory:
    """The history up to at least `batches`, trained in a few cached lengths so that a large
    batch is not trained 200 times when the slider asks for 20."""
    length = next(t for t in (25, 50, 100, MAX_BATCHES) if t >= batches)
    rows = None if batch.specs is None else tuple((s.dist, s.mean, s.std) for s in batch.specs)
    return RunningHistory(**history_of(batch.x, rows, batch.seed, momentum, length))


@dataclass(frozen=True)
class Stepped:
    """The steps the page shows and what they were computed from.

    steps: the steps shown (eval mode's, with the running statistics, when it is on); batch_steps: the
    batch's own; places: the decimals of each quantity, one for every channel, wherever it is shown (the
    figure, the worked numbers, the tables, the sentences, the snippet, eval mode's running statistics too);
    history, batches: the running statistics and how many batches they have seen (eval mode), else None.
    """

    steps: list[Step]
    batch_steps: list[Step]
    places: dict[str, int]
    history: RunningHistory | None = None
    batches: int | None = None

    @property
    def eval_mode(self) -> bool:
        return self.history is not None


def stepped(batch, gamma: float, beta: float, eval_mode: bool) -> Stepped | None:
    """The batch's steps with γ and β, and in eval mode with the running statistics after the batches the
    slider asks for (a warning, and the batch's own, if none can be trained); None once an error has said
    why the batch cannot be stepped through."""
    batch_steps = attempt(batch_norm_steps, batch.x, gamma, beta, failed=say.STEP_FAILED)
    if batch_steps is None:
        return None
    places = step_places(batch_steps, gamma)
    if not eval_mode:
        return Stepped(batch_steps, batch_steps, places)
    k = st.session_state["steps_batches"]
    try:
        history = running_statistics(batch, k, st.session_state["steps_momentum"])
    except (ValueError, TypeError) as err:
        st.warning(say.no_running_statistics(err))  # not a refusal: the page goes on in training mode
        return Stepped(batch_steps, batch_steps, places)
    mean, var = history.running_mean[k], history.running_var[k]
    return Stepped(batch_norm_steps(batch.x, gamma, beta, mean=mean, var=var), batch_steps, places, history, k)
