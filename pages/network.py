"""Why BN helps (in progress)."""

import streamlit as st

st.title("Why BN helps")
st.info("Train the same small network with and without BatchNorm. This page is being built.")
