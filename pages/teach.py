"""For teachers: a 45-minute lesson (in progress)."""

import streamlit as st

st.title("For teachers: a 45-minute lesson")
st.info("A lesson plan with the sequence of views, the questions to ask and the misconceptions to listen for. This page is being built.")
