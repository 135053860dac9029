"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st


@st.cache_resource(show_spinner=False)
def store(data_dir: str):
    """The `fiftyone` module, configured for this data dir, its database started once per process.
    A failure raises core.embeddings.store.StoreError (not cached: the next call tries again)."""
    from pathlib import Path

    from core.embeddings.store import open_store

    return open_store(Path(data_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def analysis(data_dir: str, dataset_name: str, embedder: str, filepaths: tuple, labels: tuple):
    """(embeddings, suspicion) for a dataset's files and current labels; read-only, shared by sessions.
    Call core.embeddings.embedders.embed with a progress bar first when files are not embedded yet."""
    from pathlib import Path

    from core.embeddings.embedders import embed
    from core.embeddings.suspicion import stored_suspicion

    vectors = embed(Path(data_dir), dataset_name, embedder, list(filepaths))
    vectors.setflags(write=False)
    return vectors, stored_suspicion(Path(data_dir), dataset_name, embedder, vectors, list(labels))
