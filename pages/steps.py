"""Step through BatchNorm (in progress)."""

import streamlit as st

st.title("Step through BatchNorm")
st.info("Walk through mean, centre, variance, normalize, scale and shift on your batch. This page is being built.")
