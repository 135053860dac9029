"""The selection: a thumbnail grid with labels, most suspicious first; or transcript passages in time order."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import streamlit as st

from components.embeddings import state as keys
from components.shared.text import markdown_text
from core.embeddings.explore import PlotRows, thumbnail
from core.embeddings.text_datasets import Passage
from core.videos.transcript import format_timestamp

log = logging.getLogger(__name__)
MAX_THUMBNAILS = 60


def show_gallery(rows: PlotRows, selected: Sequence[str], tags_by_id: dict[str, list[str]]) -> None:
    position = {sid: i for i, sid in enumerate(rows.ids)}
    members = [position[sid] for sid in selected if sid in position]
    members.sort(key=lambda i: -float(rows.score[i]))
    shown = members[:MAX_THUMBNAILS]
    images: list[np.ndarray] = []
    captions: list[str] = []
    for i in shown:
        try:
            images.append(thumbnail(rows.filepaths[i]))
        except OSError:
            log.warning("thumbnail failed for %s", rows.filepaths[i], exc_info=True)
            continue
        caption = rows.labels[i]
        if rows.proposed[i] != rows.labels[i]:
            caption += f" → {rows.proposed[i]}?"
        caption += f" · {rows.score[i]:.2f}"
        tags = tags_by_id.get(rows.ids[i]) or []
        if tags:
            caption += " · #" + " #".join(tags)
        captions.append(caption)
    if len(members) > len(shown):
        st.caption(f"Showing the {len(shown)} most suspicious of {len(members)} selected samples.")
    else:
        st.caption("Label → neighbours' label (if different) · suspicion · tags")
    if images:
        with st.container(key=keys.GALLERY):
            st.image(images, caption=captions, width=72)


def show_passages(rows: PlotRows, selected: Sequence[str], passages: dict[str, Passage]) -> None:
    """The selection of a transcript dataset: passages in time order with their chapter and suspicion."""
    position = {sid: i for i, sid in enumerate(rows.ids)}
    members = sorted((position[sid] for sid in selected if sid in position), key=lambda i: passages[rows.ids[i]].start)
    shown = members[:MAX_THUMBNAILS]
    if len(members) > len(shown):
        st.caption(f"Showing the first {len(shown)} of {len(members)} selected passages.")
    with st.container(key=keys.PASSAGES, height=min(520, 90 * max(len(shown), 1)), border=True):
        for i in shown:
            passage = passages[rows.ids[i]]
            chapter = rows.labels[i]
            if rows.proposed[i] != rows.labels[i]:
                chapter += f" → {rows.proposed[i]}?"
            st.markdown(
                f"**{format_timestamp(passage.start)}–{format_timestamp(passage.end)}** · {markdown_text(chapter)}"
                f" · suspicion {rows.score[i]:.2f}"
            )
            st.caption(markdown_text(passage.text))
