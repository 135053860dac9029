"""What a tool page shows until the tool itself is built: what it will do, and nothing that pretends."""

from __future__ import annotations

import streamlit as st

from components.navigation import TOOLS


def show_planned(url_path: str, planned: list[str]) -> None:
    tool = next(t for t in TOOLS if t.url_path == url_path)
    st.title(tool.title)
    st.write(tool.summary)
    st.info("This tool is not built yet. Here is what it will do:", icon=":material/construction:")
    for item in planned:
        st.markdown(f"- {item}")
