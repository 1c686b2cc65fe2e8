"""“Do it in PyTorch”: the same network, data, weights and batches as an nn.Module, in a closed expander that
prints the page's test accuracies."""

import streamlit as st

from bnviz.experiments.cnn import NORMS, CNNResult
from content.pytorch import real_network_intro, real_network_snippet


def pytorch_section(result: CNNResult) -> None:
    """Bound to the link (`?cnn_open_pytorch=true` opens it); the snippet is built only while it is open."""
    box = st.expander("Do it in PyTorch", key="cnn_open_pytorch", bind="query-params")
    if box.open:
        with box:
            st.markdown(real_network_intro())
            accuracies = {norm: result[norm].final_accuracy for norm in NORMS}
            st.code(real_network_snippet(result.settings, accuracies).text, language="python")
