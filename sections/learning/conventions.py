"""One running average, three ways to write its momentum: PyTorch's, Keras' and cs231n's."""

import pandas as pd
import streamlit as st

from bnviz.numbers import fixed_cells
from content import learning as say
from ui import classroom


def conventions(momentum: float) -> None:
    """The update in each convention, the same momentum written in each, and the variance's update."""
    for line in say.conventions_latex(momentum):
        st.latex(line)
    classroom.table(
        pd.DataFrame(say.conventions_table(momentum))
        .T.rename_axis(say.CONVENTION)
        .style.format(fixed_cells(say.momentum_places(momentum))),
        key="learn_conventions",
    )
    st.caption(say.conventions_note(momentum))
