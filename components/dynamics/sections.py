"""The switch between the page's sections (Explore, Search, Maps, About)."""

from __future__ import annotations

import streamlit as st

from components.dynamics import state as keys
from core.dynamics.link import Section


def section_picker(current: Section) -> Section:
    keys.seed_widgets({keys.SECTION: current})
    chosen = st.radio(
        "Section",
        list(Section),
        format_func=lambda section: section.label,
        horizontal=True,
        key=keys.SECTION,
        label_visibility="collapsed",
    )
    return chosen if chosen is not None else current
