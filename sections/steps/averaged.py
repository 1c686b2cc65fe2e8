"""What is averaged together: the block of the N × C × (H·W) values each kind of normalization pools into one
mean and variance, and the statistics it computes on the learner's batch."""

import streamlit as st

from bnviz.core.norms import KINDS
from bnviz.experiments.stepper import groups_choices
from bnviz.figures.steps import pooled_block_figure
from content import steps as say
from content.steps import KIND_NAMES, by_channel, norm_places, norm_table, pooled_sentence
from sections.steps.state import named_radio
from ui import classroom
from ui.classroom import chart
from ui.links import control


def _norm_controls(n: int, c: int) -> tuple[str, int | None, int]:
    """The kind of normalization (`?steps_kind=LayerNorm`: the link carries the name shown), its groups G
    (GroupNorm) and the sample n (all but BatchNorm)."""
    a, b, d = st.columns([3, 1, 1])
    with control("kind", where=a):
        kind = named_radio(say.NORMALIZATION, KINDS, KIND_NAMES, "steps_kind")
    groups, sample = None, 0
    if kind == "group":
        choices = groups_choices(c)
        with control("groups", where=b):
            groups = st.selectbox(
                say.GROUPS, choices, len(choices) // 2, key="steps_groups", bind="query-params", help=say.GROUPS_HELP
            )
    if kind != "batch":
        with control("sample", where=d):
            sample = st.number_input(say.SAMPLE, 0, n - 1, 0, step=1, key="steps_sample", bind="query-params")
    return kind, groups, sample


@st.fragment
def averaged_together(x, channel: int) -> None:
    """x: the batch, (N, C) or (N, C, H, W); channel: the one the stepper follows, marked in red."""
    st.subheader(say.AVERAGED)
    st.markdown(say.AVERAGED_INTRO)
    kind, groups, sample = _norm_controls(*x.shape[:2])
    try:
        fig = pooled_block_figure(x.shape, kind, sample, channel, groups)
        table, total = norm_table(x, kind, groups, sample, channel)
    except ValueError as err:  # not a refusal of the batch: this norm alone does not fit it
        st.info(say.not_applicable(kind, err))
        return
    chart(fig, key="steps_block_figure")
    st.markdown(pooled_sentence(x.shape, kind, sample, channel, groups))
    st.markdown(say.statistics_heading(kind, len(table), total))
    classroom.table(
        by_channel(table, norm_places(x, kind, groups), {"values averaged": "{:,}"}),
        hide_index=True,
        key="steps_norm_table",
    )
