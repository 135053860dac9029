"""Baseline for the cold-start benchmark: the smallest Streamlit app (a title and a line of text)."""

import streamlit as st

st.title("Hello")
st.write("The smallest Streamlit app, for comparison.")
