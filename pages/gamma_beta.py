"""Drag γ and β (in progress)."""

import streamlit as st

st.title("Drag γ and β")
st.info("Drag the scale and shift, and recover the original distribution. This page is being built.")
