"""Drag γ and β: what the scale and shift are, how they can give back the input, and why BN has them."""

import streamlit as st

from content import gamma_beta as words
from content.registry import page_file
from sections.gamma_beta.channel import pick_channel
from sections.gamma_beta.drag import drag_section
from sections.gamma_beta.linear import linear_section
from sections.gamma_beta.nonlinearity import nearly_linear, nonlinearity_section
from sections.gamma_beta.peaks import peaks_section
from sections.gamma_beta.shape import shape_section
from sections.gamma_beta.state import channel_info, fit_to_batch, read_link
from sections.gamma_beta.target import target_section
from ui.guard import attempt, require_navigation
from ui.state import carry_batch, current_batch

require_navigation()


def header(anchor: str) -> None:
    """A section's numbered heading, with the anchor a link opens the page at (`?section=peaks`)."""
    st.header(words.heading(anchor), anchor=anchor)


st.title("Drag γ and β")
carry_batch()
read_link()
batch = current_batch()
info = attempt(channel_info, batch.x, failed=words.BATCH_REFUSED)
if info is None:
    st.page_link(page_file("batch"), label=words.ANOTHER_BATCH, icon=":material/grid_on:")
    st.stop()
fit_to_batch(batch.channels, info.ranges)

formula, intro = st.columns([2, 3], vertical_alignment="center")
formula.latex(r"\hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma\,\hat x + \beta")
intro.markdown(words.INTRO)
channel = pick_channel(batch, info)  # the batch's channel every section shows

header("spread-and-mean")
drag_section(batch, info, channel)

# Side material, closed: each bound to the link (`?gb_open_target=true` opens it) and built only while open
# (Streamlit reruns when it is opened), so a closed one costs no figure here and no chart in the browser.
target = st.expander(words.TARGET_TITLE, key="gb_open_target", bind="query-params")
if target.open:
    with target:
        st.markdown(words.TARGET_INTRO)
        target_section(batch, info, channel)

header("nonlinearity")
nonlinearity_section(batch, channel)
nearly_linear()

header("w-and-b")
st.markdown(words.WB_INTRO)
linear_section()
st.info(words.WB_ANSWER)

header("peaks")
st.markdown(words.PEAKS_INTRO)
peaks_section()

shape = st.expander(words.SHAPE_TITLE, key="gb_open_shape", bind="query-params")
if shape.open:
    with shape:
        st.markdown(words.SHAPE_INTRO)
        shape_section(batch, channel)
