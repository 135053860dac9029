"""The selection: its actions (tag, relabel, apply the neighbours' labels, delete, clear) and what it holds
(thumbnails of images, or a transcript's passages)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from components.embeddings import state as keys
from components.embeddings.datasets import OpenDataset
from components.embeddings.gallery import show_gallery, show_passages
from components.embeddings.state import EmbeddingsState
from components.shared.errors import error_boundary
from components.shared.flash import flash, show_flashes
from core.embeddings.actions import Action, apply_action
from core.embeddings.explore import PlotRows, known_selection, proposed_fixes
from core.embeddings.suspicion import relabel_effect


def _clear(state: EmbeddingsState) -> None:
    state.selected = []


def action_buttons(state: EmbeddingsState, classes: list[str], fixable: int) -> Action | None:
    """Four columns of actions; the one pressed, if any (Clear only empties the selection)."""
    act = st.columns(4)
    chosen: Action | None = None
    with act[0]:
        tag_name = st.text_input("Tag", value="suspect", key=keys.TAG_NAME)
        if st.button("Tag selection", key=keys.TAG, icon=":material/sell:"):
            chosen = Action("tag", tag_name)
    with act[1]:
        new_label = st.selectbox("New label", classes, key=keys.NEW_LABEL, accept_new_options=True)
        if st.button("Relabel selection", key=keys.RELABEL, icon=":material/edit:"):
            chosen = Action("relabel", str(new_label or ""))
    with act[2]:
        st.caption(f"{fixable} of the selected samples have neighbours that mostly say another label.")
        if st.button("Apply neighbours' labels", key=keys.FIX, icon=":material/auto_fix_high:", disabled=not fixable):
            chosen = Action("fix")
    with act[3]:
        st.caption("Removes the samples from the dataset (the image files stay; undo restores them).")
        if st.button("Delete selection", key=keys.DELETE, icon=":material/delete:"):
            chosen = Action("delete")
        st.button("Clear selection", key=keys.CLEAR, type="tertiary", on_click=_clear, args=(state,))
    return chosen


def selection_panel(state: EmbeddingsState, data: OpenDataset, rows: PlotRows, vectors: np.ndarray) -> None:
    state.selected = selected = known_selection(state.selected, data.samples.ids)
    st.subheader(f"Selection: {len(selected)} samples" if selected else "Selection")
    show_flashes(keys.SAVED)
    if not selected:
        st.caption("Draw a lasso (the default tool) or a box around points, or click one, to see those samples here.")
        return
    fixes = proposed_fixes(rows, selected)
    action = action_buttons(state, data.samples.classes, len(fixes))
    if action is not None:
        with (
            error_boundary("changing the selected samples"),
            st.spinner("Saving the change in FiftyOne...", show_time=True),
        ):
            change = apply_action(data.dataset, action, selected, fixes)
            if action.kind == "delete":
                state.selected = []
            flash(keys.SAVED, "success", f"Saved in FiftyOne: {change.summary}")
            if change.action == "relabel":
                _flash_effect(data, vectors, change.samples)
            st.rerun()
    if data.kind == "text":
        show_passages(rows, selected, data.passages)
    else:
        show_gallery(rows, selected, dict(zip(data.samples.ids, data.samples.tags, strict=True)))


def _flash_effect(data: OpenDataset, vectors: np.ndarray, changed: list[dict]) -> None:
    """After a relabel: does the embedding agree better with the new labels? (estimated, cross-validated)"""
    new_label = {sample["filepath"]: str(sample["new"]) for sample in changed}
    before = [str(label) for label in data.samples.labels]
    after = [new_label.get(path, label) for path, label in zip(data.samples.filepaths, before, strict=True)]
    with st.spinner("Estimating the effect of the change...", show_time=True):
        effect = relabel_effect(vectors, before, after)
    if effect is not None:
        flash(keys.SAVED, "info", effect.sentence)
