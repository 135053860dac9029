"""The embedder box and the projection-method control beside the dataset box."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.embeddings import state as keys
from components.embeddings.state import EmbeddingsState, seed, set_view
from components.shared.text import markdown_text
from core.embeddings.embedders import EMBEDDERS
from core.embeddings.projections import METHOD_LABELS
from core.embeddings.view import METHOD_CHOICES, Method


def embedder_picker(column: Any, state: EmbeddingsState, kind: str) -> str:
    """The embedders for this kind of data (images or text); the first is the default."""
    choices = [key for key, info in EMBEDDERS.items() if info.kind == kind]
    seed(keys.EMBEDDER, state.view.embedder or choices[0])
    wanted = st.session_state[keys.EMBEDDER]
    if wanted not in choices:
        if state.restored:  # a link's embedder; after a dataset switch the box just starts at the default
            st.warning(
                markdown_text(
                    f"The embedding {wanted!r} does not fit this dataset; showing {EMBEDDERS[choices[0]].label}."
                )
            )
        st.session_state[keys.EMBEDDER] = choices[0]
    embedder: str = column.selectbox(
        "Embedding",
        choices,
        format_func=lambda key: EMBEDDERS[key].label,
        key=keys.EMBEDDER,
        help=" ".join(f"{EMBEDDERS[k].label}: {EMBEDDERS[k].description}" for k in choices),
    )
    set_view(state, embedder=None if embedder == choices[0] else embedder)
    return embedder


def method_picker(column: Any, state: EmbeddingsState) -> Method:
    seed(keys.METHOD, state.view.method)
    method: Method = column.segmented_control(
        "Projection", list(METHOD_CHOICES), format_func=METHOD_LABELS.__getitem__, key=keys.METHOD, required=True
    )
    set_view(state, method=method)
    return method
