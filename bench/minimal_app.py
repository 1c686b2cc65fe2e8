"""The baseline for bench/latency.py: the smallest Streamlit page with one slider and one line of text.

Whatever a page's slider costs beyond this (its script, its figures, their drawing) is the
page's own; what this costs (the websocket round trip, a rerun, React) every page pays.
"""

import streamlit as st

value = st.slider("value", 0, 100, 50)
st.write(f"The slider is at {value}.")
