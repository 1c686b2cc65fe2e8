"""Streamlit-side helpers shared by the pages (bnviz itself never imports streamlit)."""
