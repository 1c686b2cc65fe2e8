"""The lesson's question on a skewed channel: what does normalizing do to the shape of its values? Asked
before normalizing is shown (classroom mode), answered under the chart of normalizing."""

from bnviz.experiments.gamma_beta import shape_statistics
from bnviz.experiments.stepper import skewness_before_after
from content.steps import SHAPE, is_skewed, shape_answer, shape_why
from sections.steps.state import BEFORE_NORMALIZE, batch_identity
from ui.classroom import predict_first, reveal


def asked(x, channel: int, index: int) -> bool:
    """Whether step `index` shows the question: on a skewed channel, from the step before normalizing on (it
    stays on screen through scale and shift)."""
    return is_skewed(shape_statistics(x[:, channel])["skewness"]) and index >= BEFORE_NORMALIZE


def predicted(batch, channel: int, where) -> bool:
    """The prompt, in `where`; whether the class has answered."""
    with where:
        return predict_first(SHAPE.key, SHAPE.question, SHAPE.choices, about=(batch_identity(batch), channel))


def answered(x, steps, channel: int, where) -> None:
    """The answer, with the skewness of x before and after normalizing, in `where`."""
    with where:
        before, after = skewness_before_after(x, steps, channel)
        reveal(SHAPE.key, shape_answer(before, after), shape_why(before, after))
