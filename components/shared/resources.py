"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st

from core.config import Settings, load_settings


@st.cache_resource(show_spinner=False)
def base_settings() -> Settings:
    """Settings from the environment and secrets.toml, read once per process."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def text_embedder():
    """all-MiniLM-L6-v2 from the installed package (thread-safe: encodes under a lock)."""
    from core.ai.local import shared_minilm

    return shared_minilm()
