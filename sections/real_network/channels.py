"""What γ and β learned: each channel's γ and β beside its running σ and μ, and one channel set back to γ = 1,
β = 0, with the test accuracy before and after."""

import streamlit as st

from bnviz.core.digits import split
from bnviz.experiments import cnn
from bnviz.experiments.cnn import CHANNELS, CNNResult, CNNSettings
from bnviz.figures import cnn as figures
from content import real_network as words
from ui.classroom import beside, shared_chart
from ui.links import control


@st.cache_data(show_spinner=False, max_entries=64)
def reset_accuracy(settings: CNNSettings, _result: CNNResult, block: int, channel: int) -> tuple[float, float]:
    """Test accuracy of the trained BN network as it is, and with channel `channel` of block `block` at γ = 1,
    β = 0 (eval mode), for every session alike."""
    arm = _result["bn"]  # its test accuracy as trained is the training's last evaluation
    return arm.final_accuracy, cnn.with_channel_reset(arm.net, block, channel).accuracy(split().test)[1]


def channels_section(result: CNNResult) -> None:
    st.subheader(words.GAMMA_BETA_HEADING, anchor=words.GAMMA_BETA_ANCHOR)
    net = result["bn"].net
    if net is None:
        st.info(words.arm_box(result["bn"]))
        return
    block = int(st.session_state.get("cnn_block", len(CHANNELS)))
    facts = cnn.channel_facts(net, block)
    shared_chart(figures.channels_figure, facts, by=(result.settings, block), key="cnn_channels")
    st.markdown(words.channels_summary(facts))
    left, right = beside([2, 3])
    with left, control("reset_channel"):
        st.selectbox(
            words.RESET_LABEL,
            [int(c) for c in facts.by_gamma],
            key=f"cnn_reset_channel_{block}",
            format_func=lambda c: f"channel {c} (γ = {facts.gamma[c]:.2f}, β = {facts.beta[c]:.2f})",
        )
        reset = st.toggle(words.RESET_TOGGLE, key="cnn_reset")
    channel = int(st.session_state[f"cnn_reset_channel_{block}"])
    before, after = reset_accuracy(result.settings, result, block, channel)
    with right:
        st.markdown(words.reset_summary(block, channel, before, after if reset else None))
