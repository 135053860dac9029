"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st


@st.cache_resource(show_spinner=False, max_entries=3)
def model(key: str, _progress=None):
    """A shared vision model (core.vision.models.LoadedModel); used under its lock or copied."""
    from core.vision.models import load_model

    return load_model(key, _progress)


@st.cache_data(show_spinner=False, max_entries=16)
def sample_image(name: str):
    """A sample image (core.vision.images.LoadedImage)."""
    from core.vision.images import load_sample

    return load_sample(name)
