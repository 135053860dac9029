"""The only place with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what is returned here must be
safe to use from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st

from core.config import Settings, load_settings


@st.cache_resource(show_spinner=False)
def base_settings() -> Settings:
    """Settings from the environment and secrets.toml, read once per process."""
    return load_settings()
