"""Embedding visualizer: this session's state (one object under one key), its widget keys, and its link.

The view (dataset, embedder, projection and its settings, colouring, the stored selection's id) is in
the URL; the selection's sample ids are stored server-side (core.embeddings.selections).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import streamlit as st

from components.shared.session import tool_state, url_changes, write_url
from components.shared.text import markdown_text
from core.embeddings.projection_jobs import ProjectionJob
from core.embeddings.selections import load_selection, save_selection
from core.embeddings.view import URL_NAMES, View, from_query, problems_message, to_query

SCOPE = "emb"
STATE = "emb.state"
# flash scopes: a message shown once after the rerun, where it belongs on the page
IMPORTED, JOB_NEWS, SAVED = "emb.imported", "emb.job", "emb.saved"
# session memos (components.shared.memo)
PROJECTION_MEMO, EVENT_MEMO, KEPT_MEMO = "emb.projection", "emb.last_event", "emb.kept"

# widget keys
RETRY_STORE = "emb.retry_store"
UPLOAD, UPLOAD_NAME, IMPORT_ZIP = "emb.upload", "emb.upload_name", "emb.import"
ZOO, ZOO_SPLIT, ZOO_COUNT, ZOO_LOAD = "emb.zoo", "emb.zoo_split", "emb.zoo_count", "emb.zoo_load"
VIDEO, IMPORT_VIDEO = "emb.video", "emb.import_video"
DATASET, EMBEDDER, METHOD = "emb.dataset", "emb.embedder", "emb.method"
UMAP_NEIGHBORS, UMAP_MIN_DIST = "emb.umap_neighbors", "emb.umap_min_dist"
TSNE_PERPLEXITY, TSNE_ITERS = "emb.tsne_perplexity", "emb.tsne_iters"
USE_SAMPLE, RUN, STOP_JOB = "emb.use_sample", "emb.run", "emb.stop_job"
COLOR, ONLY_SUSPECTS, CHART = "emb.color", "emb.only_suspects", "emb.chart"
TAG_NAME, TAG, NEW_LABEL, RELABEL = "emb.tag_name", "emb.tag", "emb.new_label", "emb.relabel"
FIX, DELETE, CLEAR = "emb.fix", "emb.delete", "emb.clear"
UNDO, EXPORT, LAUNCH_APP, APP_PANEL = "emb.undo", "emb.export", "emb.launch_app", "emb.app_panel"
EXPORT_LABELS = "emb.export_labels"
# containers (their keys are CSS classes the browser tests look for: .st-key-emb_gallery)
GALLERY, PASSAGES = "emb_gallery", "emb_passages"


@dataclass
class EmbeddingsState:
    view: View = field(default_factory=View)
    selected: list[str] = field(default_factory=list)  # sample ids, in selection order
    job: ProjectionJob | None = None  # a running UMAP / t-SNE
    job_key: tuple[str, str, str] | None = None  # (dataset, embedder, method) it was started for
    app_url: str | None = None  # the FiftyOne App, once launched
    restored: bool = False  # this run took the view from the URL (until the URL is written again)


def embeddings_state() -> EmbeddingsState:
    return tool_state(STATE, EmbeddingsState)


def seed(key: str, value: Any) -> None:
    """Give a widget its value from the state when it has none (first draw, or after it was hidden)."""
    if key not in st.session_state:
        st.session_state[key] = value


def restore_from_url(state: EmbeddingsState, data_dir: Path) -> None:
    """On a fresh session (reload, shared link) or Back/Forward: take the view from the URL."""
    query = url_changes(SCOPE, URL_NAMES)
    if query is None:
        return
    write_url(SCOPE, URL_NAMES, query)  # taken: the widgets are in charge until the URL changes again
    view, problems = from_query(query)
    selected: list[str] = []
    if view.selection is not None:
        stored = load_selection(data_dir, view.selection)
        if stored is None or stored.dataset != view.dataset:
            problems.append("its selection is no longer stored")
            view = replace(view, selection=None)
        else:
            selected = stored.sample_ids
    if problems:
        st.warning(markdown_text(problems_message(problems)), icon=":material/link_off:")
    state.view, state.selected, state.restored = view, selected, True
    widgets: dict[str, Any] = {
        DATASET: view.dataset,
        METHOD: view.method,
        COLOR: view.color,
        ONLY_SUSPECTS: view.only_suspects,
        UMAP_NEIGHBORS: view.umap.num_neighbors,
        UMAP_MIN_DIST: view.umap.min_dist,
        TSNE_PERPLEXITY: view.tsne.perplexity,
        TSNE_ITERS: view.tsne.max_iters,
    }
    for key, value in widgets.items():
        st.session_state[key] = value
    if view.embedder is None:
        st.session_state.pop(EMBEDDER, None)
    else:
        st.session_state[EMBEDDER] = view.embedder


def set_view(state: EmbeddingsState, **changes: Any) -> None:
    state.view = replace(state.view, **changes)


def sync_url(state: EmbeddingsState, data_dir: Path) -> None:
    """Write the current view (and the selection's stored id) to the URL; one history entry per change."""
    selection = save_selection(data_dir, state.view.dataset, state.selected) if state.selected else None
    set_view(state, selection=selection)
    state.restored = False
    write_url(SCOPE, URL_NAMES, to_query(state.view))
