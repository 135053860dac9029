"""Talk to Videos: one transcript line as the user sees it (uncertain words lighter) and its correction.

The recognizer's unsure words (probability under LOW_CONFIDENCE) are shown in a lighter colour, with their
probabilities in the line's tooltip. A line's edit button opens a dialog; saving goes through
core.videos.corrections (the index is rebuilt, stored study material forgotten), then this session's
answer engine and study service are rebuilt from the corrected text.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.shared import resources as shared_resources
from components.shared.flash import flash
from components.shared.memo import forget
from components.shared.shell import session_settings
from components.shared.text import markdown_text
from components.videos import state as state
from components.videos.study import study_service
from core.ai import factory
from core.ai.base import Embedder, Segment
from core.errors import UserError
from core.videos.corrections import Forget, correct_line, is_corrected, revert_corrections, uncertain_words
from core.videos.library import Library, VideoRecord
from core.videos.transcript import LOW_CONFIDENCE, format_timestamp, word_spans

EDIT = "ttv.edit"  # base of the per-line edit buttons' keys
EDIT_TEXT = "ttv.edit_text"
EDIT_SAVE = "ttv.edit_save"
REVERT = "ttv.revert_transcript"
CORRECT_HINT = "A line is wrong? Its pencil button corrects it; answers and study material follow."


def line_markdown(segment: Segment) -> str:
    """The line as escaped Markdown; words the recognizer was unsure of in gray."""
    speaker = f"**{markdown_text(segment.speaker)}:** " if segment.speaker else ""
    if not segment.words:
        return speaker + markdown_text(segment.text)
    pieces = [
        f":gray[{markdown_text(text)}]"
        if word is not None and word.probability < LOW_CONFIDENCE
        else markdown_text(text)
        for text, word in word_spans(segment)
    ]
    return speaker + "".join(pieces)


def line_tooltip(segment: Segment) -> str | None:
    unsure = uncertain_words(segment)
    if not unsure:
        return None
    listed = ", ".join(f"{markdown_text(u.word)} ({u.probability:.0%})" for u in unsure)
    return f"The recognizer was unsure of: {listed}. Press the pencil to correct this line."


def render_line(cell: DeltaGenerator, edit_cell: DeltaGenerator, record: VideoRecord, line: int, seg: Segment) -> None:
    cell.markdown(line_markdown(seg), help=line_tooltip(seg))
    if edit_cell.button(
        "", key=state.keyed(EDIT, line), icon=":material/edit:", type="tertiary", help="Correct this line"
    ):
        _edit_dialog(record, line, seg)


@st.dialog("Correct a transcript line")
def _edit_dialog(record: VideoRecord, line: int, segment: Segment) -> None:
    st.caption(f"At {format_timestamp(segment.start)}–{format_timestamp(segment.end)}. Play it to hear what is said.")
    unsure = uncertain_words(segment)
    if unsure:
        st.caption("Unsure words: " + ", ".join(f"{markdown_text(u.word)} ({u.probability:.0%})" for u in unsure))
    text = st.text_area("Corrected text", segment.text, key=state.keyed(EDIT_TEXT, line), max_chars=2000)
    if st.button("Save correction", type="primary", key=state.keyed(EDIT_SAVE, line)):
        settings = session_settings()
        library = state.library(settings)
        try:
            changed = _apply(
                library, record, lambda embedder, study: correct_line(library, record.id, line, text, embedder, study)
            )
        except UserError as exc:
            st.error(str(exc))
            return
        st.session_state.pop(state.keyed(EDIT_TEXT, line), None)
        flash(
            state.SCOPE,
            "success" if changed else "info",
            "Line corrected: answers, chapters and study material now use the corrected text."
            if changed
            else "The line is unchanged.",
        )
        st.rerun()


def render_revert(library: Library, record: VideoRecord) -> None:
    """A button to put the recognizer's transcript back, when the user corrected lines."""
    if not is_corrected(library, record.id):
        return
    if st.button("Undo my corrections", key=REVERT, icon=":material/undo:", help="Back to the recognizer's text"):
        try:
            _apply(library, record, lambda embedder, study: revert_corrections(library, record.id, embedder, study))
        except UserError as exc:
            st.error(str(exc))
            return
        flash(state.SCOPE, "info", "The recognizer's transcript is back; answers and study material follow it.")
        st.rerun()


def _apply(library: Library, record: VideoRecord, change: Callable[[Embedder, Forget], bool]) -> bool:
    settings = session_settings()
    embedder = factory.embedder(settings, shared_resources.text_embedder)
    service = study_service(settings, library)

    def forget_study(video_id: str) -> None:
        if service is not None:
            service.forget_generated(video_id)

    with st.spinner("Rebuilding the search index from the corrected transcript…", show_time=True):
        changed = bool(change(embedder, forget_study))
    if changed:
        forget(state.ENGINE_MEMO)
    return changed
