"""Embedding visualizer: project a FiftyOne dataset, lasso what looks wrong, fix it in FiftyOne."""

from __future__ import annotations

import streamlit as st

from components.embeddings.analysis import analysed
from components.embeddings.changes import change_log_panel, fiftyone_app_panel
from components.embeddings.datasets import (
    add_dataset_panels,
    database_faults,
    dataset_picker,
    stop_if_too_small,
    store_or_stop,
)
from components.embeddings.map_view import map_controls, map_rows, map_summary, selectable_scatter
from components.embeddings.pickers import embedder_picker, method_picker
from components.embeddings.projection import projected_map, projection_settings
from components.embeddings.selection import selection_panel
from components.embeddings.state import embeddings_state, restore_from_url, sync_url
from components.shared.errors import error_boundary
from components.shared.shell import session_settings
from components.shared.space import owner_space

st.title("Embedding visualizer")
st.caption(
    "Every sample of a dataset (images, or the passages of a video transcript) becomes a point; similar ones "
    "land close together. Circle odd points with the lasso, look at them, and tag, relabel or delete them in "
    "the FiftyOne dataset. Suspects are samples whose nearest neighbours mostly carry another label."
)

settings = session_settings()
space = owner_space(settings)
data_dir = space.root  # this owner's files; the FiftyOne database serves every owner
fo = store_or_stop(settings.data_dir)
state = embeddings_state()

with error_boundary("showing the embedding map"), database_faults(settings.data_dir):
    restore_from_url(state, data_dir)
    add_dataset_panels(fo, settings)

    top = st.columns([2, 2, 3])
    data = dataset_picker(top[0], fo, state, space)
    embedder = embedder_picker(top[1], state, data.kind)
    method = method_picker(top[2], state)
    stop_if_too_small(data)
    analysis = analysed(data_dir, data, embedder)

    request = projection_settings(state, method, len(data.samples))
    sync_url(state, data_dir)  # dataset, embedder and projection are settled (the page may stop below)
    entry = projected_map(fo, data_dir / "embeddings" / "jobs", state, data, analysis, request, embedder)

    style = map_controls(state, analysis.suspicion)
    rows = map_rows(data, analysis, entry, style)
    map_summary(rows, analysis.suspicion, entry, method)
    selectable_scatter(state, rows, style.color)

    selection_panel(state, data, rows, analysis.vectors)
    sync_url(state, data_dir)  # colouring and selection too
    change_log_panel(data.dataset)
    fiftyone_app_panel(state, settings, data.dataset, entry.brain_key)
