"""Question 8 (why the next layer needs γ and β): a peak followed through BN, sigmoid and the next layer, in the
two trainings of /gamma-beta's peaks section."""

import streamlit as st

from bnviz.experiments import peaks
from bnviz.numbers import fixed
from content import questions as text
from content.gamma_beta import peak_options, peak_table
from sections.questions.common import BIND, readouts
from ui.links import control

PEAKS = peak_options(peaks.PEAK_VALUES)


@st.cache_data(show_spinner=False)
def peaks_run():
    """Question 8's two trainings (bnviz.experiments.peaks), the ones of /gamma-beta's peaks section."""
    return peaks.run()


@st.fragment
def experiment():
    with control("peak"):
        label = st.radio(
            text.FOLLOW_PEAK,
            list(PEAKS),
            index=list(PEAKS.values()).index(peaks.DEFAULT_PEAK),
            key="q_peak",
            bind=BIND,
            horizontal=True,
        )
    c, row = PEAKS[label]
    result = peaks_run()
    gamma, beta, _, _ = result.learned(True)
    st.table(peak_table(peaks.follow_peak(result.x, c, row, gamma[c], beta[c])))
    needed, with_, without = result.peak_outputs(c, row)
    st.markdown(text.peak_needs(result.x[row, c], result.level))
    readouts(
        (text.NEEDED, fixed(needed, 3)), (text.WITH_LEARNED, fixed(with_, 3)), (text.WITH_FIXED, fixed(without, 3))
    )
    st.caption(text.peaks_caption(result.level, result.final_loss(True), result.final_loss(False)))
