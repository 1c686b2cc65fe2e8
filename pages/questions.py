"""Learners' questions (in progress)."""

import streamlit as st

st.title("Learners' questions")
st.info("The questions learners ask, each answered by an experiment. This page is being built.")
