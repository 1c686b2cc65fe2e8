"""§4, how do γ and β fix the normalized peaks: one peak followed through BN, and a network trained with and
without γ and β after BN (bnviz.experiments.peaks)."""

import streamlit as st

from bnviz.experiments import peaks
from bnviz.figures import peaks as peaks_figures
from content import gamma_beta as words
from ui.classroom import beside
from ui.links import control
from ui.live import chart

PEAKS = words.peak_options(peaks.PEAK_VALUES)


@st.cache_data(show_spinner=False)
def peaks_run():
    """Both trainings of the peaks' section (about 0.2 s), once per server: they depend on nothing the learner sets."""
    return peaks.run()


@st.cache_data(show_spinner=False)
def peaks_loss_figure():
    result = peaks_run()
    return peaks_figures.loss_figure(result.loss(True), result.loss(False), float(result.floor.sum()))


@st.cache_data(show_spinner=False)
def peaks_switch_figure(peak):
    result = peaks_run()
    return peaks_figures.switch_figure(peaks.switch_curves(result), result.x, result.level, peak, height=280)


@st.fragment
def peaks_section() -> None:
    result = peaks_run()
    with control("peak"):
        label = st.radio(
            words.FOLLOW_PEAK,
            list(PEAKS),
            index=list(PEAKS.values()).index(peaks.DEFAULT_PEAK),
            key="gb_peak",  # `?gb_peak=9+in+channel+0`
            bind="query-params",
            persist_state="page",
            horizontal=True,
        )
    c, row = PEAKS[label]
    gamma, beta, _, _ = result.learned(True)
    table, kept = st.columns([3, 2], vertical_alignment="center")
    table.table(words.peak_table(peaks.follow_peak(result.x, c, row, gamma[c], beta[c])))
    kept.markdown(words.PEAK_KEPT)
    st.markdown(words.peaks_task(result))
    figure, summary = beside([3, 2])
    with figure:
        chart(peaks_switch_figure((c, row)), key="gb_peaks_switch")
    summary.markdown(words.peaks_summary(result, c, row))
    st.caption(words.PEAKS_CAPTION)
    numbers, why = st.columns([2, 3], vertical_alignment="center")
    numbers.table(words.learned_table(result))
    why.markdown(words.peak_height(result, c, row))
    with st.expander(words.PEAKS_DETAILS_TITLE):
        chart(peaks_loss_figure(), key="gb_peaks_loss")
        st.caption(words.LOSS_CAPTION)
        st.markdown(words.peaks_details(result.level, peaks.N, peaks.LR, peaks.STEPS))
