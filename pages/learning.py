"""Watch γ and β learned (in progress)."""

import streamlit as st

st.title("Watch γ and β learned")
st.info("Train γ and β by SGD and compare them with the per-batch statistics. This page is being built.")
