"""Sentences that several pages say alike, the seeds their claims hold for, and the shape of a prediction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prediction:
    """A predict-first prompt: a page asks it in classroom mode (ui.classroom.predict_first) before its
    reveal, and the lesson plan (content.teach) quotes the same question.

    key: the session key of the class's choice (and of the prompt's parts on the page);
    choices: what the class may answer, the right one among them.
    """

    key: str
    question: str
    choices: tuple[str, ...]


# What a page says of a training holds for each of these seeds (and on every machine): the tests check
# every claim on every one, at three numpy SIMD levels (scripts/test.sh).
CLAIM_SEEDS = range(5)

# Under every training a page shows: why its last digits may differ from another machine's.
LAST_DIGITS = (
    "A training's last digits vary from machine to machine (numpy's arithmetic kernels differ by processor); "
    f"what the text claims of it is checked on seeds {CLAIM_SEEDS[0]} to {CLAIM_SEEDS[-1]} with numpy's AVX-512, "
    "AVX2 and SSE kernels."
)
