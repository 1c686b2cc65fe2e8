"""Make a batch (in progress)."""

import streamlit as st

st.title("Make a batch")
st.info("Shape a batch of activations channel by channel; every other page uses it. This page is being built.")
