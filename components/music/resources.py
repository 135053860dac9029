"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st


@st.cache_resource(show_spinner=False, max_entries=3)
def catalog_index(parquet_path: str, mtime_ns: int, name: str):
    """The catalog as a query-ready index (standardized features + FAISS), one per file version.

    Read-only once built, so sessions share it. `mtime_ns` makes a re-downloaded file a new entry.
    """
    from pathlib import Path

    from core.music.catalog import read_parquet_catalog
    from core.music.engine import CatalogIndex

    del mtime_ns
    return CatalogIndex(read_parquet_catalog(Path(parquet_path)), name)
