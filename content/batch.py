"""/batch's sentences for the lesson's second step: will another batch from the same distributions have the same
μ_B? Asked in classroom mode before "Draw another batch", answered from the two batches' means."""

from __future__ import annotations

import numpy as np

from bnviz.notation import MU_B
from content.common import Prediction

DRAW_PREDICTION = Prediction(
    "bt_predict_draw",
    f"We draw another batch from the same distributions. Will {MU_B} be the same?",
    ("Exactly the same", "Close but not equal", "Completely different"),
)
# "Close": every channel's mean moved by at most CLOSE standard errors σ/√m. Two batch means differ by about
# √2 of them; past 5 happens about once in 2,500 draws of a channel: a move that large is no mere wobble.
CLOSE = 5
HEADING = "Draw another batch: how much do the statistics move?"
SECTION = "draw-another-batch-how-much-do-the-statistics-move"  # the heading's anchor, as Streamlit makes it


def draw_moves(mu_before, mu_after, wobble) -> np.ndarray:
    """(C,) how far each channel's μ_B moved, in standard errors σ/√m (wobble); 0 for a constant channel."""
    moved = np.abs(np.asarray(mu_after, dtype=float) - np.asarray(mu_before, dtype=float))
    wobble = np.asarray(wobble, dtype=float)
    return np.divide(moved, wobble, out=np.where(moved > 0, np.inf, 0.0), where=wobble > 0)


def draw_answer(mu_before, mu_after, wobble) -> str:
    """The choice of DRAW_PREDICTION the two batches give: every μ_B equal, every one within CLOSE standard
    errors σ/√m of the one before, or not."""
    same, close, different = DRAW_PREDICTION.choices
    if np.array_equal(mu_before, mu_after):
        return same
    return close if np.all(draw_moves(mu_before, mu_after, wobble) <= CLOSE) else different


def draw_why(mu_before, mu_after, wobble, m: int) -> str:
    moves = draw_moves(mu_before, mu_after, wobble)
    return (
        f"Each channel's {MU_B} moved by at most {moves.max():.1f} standard errors σ/√m (m = {m:,}; “close”: "
        f"within {CLOSE}). Every mini-batch has its own mean."
    )


def mu_columns(seeds) -> tuple[str, str]:
    """The headers of the two batches' μ_B, named by their seeds."""
    return tuple(f"{MU_B}, seed {seed}" for seed in seeds[-2:])
