"""Question 9 (do γ and β matter in a real network?): /real-network's three networks at its default settings, the
same cached training; one block's γ and β set back to 1 and 0 after training, and the share of its outputs near
zero with and without γ and β."""

import streamlit as st

from bnviz.core.digits import split
from bnviz.experiments import cnn
from bnviz.experiments.cnn import CHANNELS, CNNResult, CNNSettings
from content import questions as text
from content.real_network import arm_box
from sections.questions.common import BIND, readouts
from sections.real_network.training import train
from ui.links import control

BLOCKS = list(range(1, len(CHANNELS) + 1))


@st.cache_data(show_spinner=False, max_entries=len(BLOCKS))
def reset_accuracy(settings: CNNSettings, _result: CNNResult, block: int) -> float:
    """Test accuracy (eval mode) of the trained BN network with every channel of block `block` at γ = 1, β = 0,
    for every session alike; `settings` names the training (`_result` is not hashed)."""
    return cnn.with_block_reset(_result["bn"].net, block).accuracy(split().test)[1]


@st.fragment
def experiment():
    with control("real_block"):
        block = st.radio(text.REAL_BLOCK, BLOCKS, index=len(BLOCKS) - 1, key="q_real_block", bind=BIND, horizontal=True)
    result = train(text.REAL_SETTINGS)  # the page's own training: shared with /real-network, trained once
    bn, affine_free = result["bn"], result["bn_no_affine"]
    if bn.net is None:
        st.info(arm_box(bn))
        return
    after = reset_accuracy(result.settings, result, block)
    st.markdown(text.REAL_ACCURACY)
    readouts(
        (text.AS_TRAINED, text.arm_accuracy(bn)),
        (text.reset_label(block), text.percent(after)),
        (text.WITHOUT_GAMMA_BETA, text.arm_accuracy(affine_free)),
    )
    st.markdown(text.near_zero_heading(block))
    readouts(
        (text.NEAR_WITH, text.arm_near_zero(bn, block)), (text.NEAR_WITHOUT, text.arm_near_zero(affine_free, block))
    )
    st.caption(text.real_caption(result.settings, block, CHANNELS[block - 1], bn.final_accuracy, after))
