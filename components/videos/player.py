"""Talk to Videos: the player, the navigable transcript, exports, and the library list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from components.shared.shell import session_settings
from components.shared.text import markdown_text
from components.videos import state as state
from components.videos.transcript_lines import CORRECT_HINT, render_line, render_revert
from components.videos.waveform import render_waveform
from core.ai.base import Segment
from core.spaces import Space
from core.videos import pipeline
from core.videos.corrections import uncertain_words
from core.videos.library import Library, VideoRecord
from core.videos.sources import export_stem
from core.videos.study.review import ReviewStore
from core.videos.transcript import EXPORT_FORMATS, export, format_timestamp

PAGE_LINES = 120
EXPORT_MIME = {"txt": "text/plain", "srt": "application/x-subrip", "vtt": "text/vtt", "json": "application/json"}


def render_player(library: Library, record: VideoRecord, start_at: float) -> None:
    start = int(start_at)
    media = library.media_path(record)
    clickable = False
    if media is not None and record.media_mime:
        if record.media_mime.startswith("audio"):
            clickable = render_waveform(pipeline.audio_path(library, record.id), record.duration, start_at)
            st.audio(str(media), format=record.media_mime, start_time=start)
        else:
            st.video(str(media), format=record.media_mime, start_time=start)
    elif record.media_mime == "video/embed":
        st.video(record.source, start_time=start)
    else:
        st.info("This transcript has no media attached; the timestamps refer to the original recording.")
    if start:
        st.caption(f"Playing from {format_timestamp(start)}")
    elif clickable:
        st.caption("Click the waveform to play from that moment.")


def render_transcript(record: VideoRecord, segments: list[Segment], current: float) -> None:
    library = state.library(session_settings())
    head, filt = st.columns([2, 3])
    head.subheader("Transcript")
    needle = filt.text_input(
        "Find in transcript", key=state.FIND, label_visibility="collapsed", placeholder="Find in transcript"
    )
    shown = [(i, s) for i, s in enumerate(segments) if not needle or needle.lower() in s.text.lower()]
    pages = max(1, (len(shown) + PAGE_LINES - 1) // PAGE_LINES)
    page = 1
    if pages > 1:
        page = int(st.number_input("Page", 1, pages, 1, key=state.TRANSCRIPT_PAGE))
    playing = next((i for i, s in enumerate(segments) if s.start <= current < s.end), None) if current else None
    with st.container(height=380, key=state.TRANSCRIPT_BOX):
        if not shown:
            st.caption("No line matches.")
        for i, segment in shown[(page - 1) * PAGE_LINES : page * PAGE_LINES]:
            left, right, edit = st.columns([1, 6, 0.5], vertical_alignment="center", gap="small")
            active = i == playing
            left.button(
                format_timestamp(segment.start),
                key=state.keyed(state.SEGMENT, i),
                type="primary" if active else "tertiary",
                on_click=state.seek,
                args=(segment.start,),
                help="Play from here",
            )
            render_line(right, edit, record, i, segment)
    unsure = any(uncertain_words(s) for s in segments)
    st.caption(("Gray words: the recognizer was unsure (hover the line). " if unsure else "") + CORRECT_HINT)
    render_revert(library, record)
    cols = st.columns(len(EXPORT_FORMATS))
    stem = export_stem(record.title)
    for col, fmt in zip(cols, EXPORT_FORMATS, strict=True):
        col.download_button(
            f".{fmt}",
            export(segments, fmt),
            file_name=f"{stem}.{fmt}",
            mime=EXPORT_MIME[fmt],
            key=state.keyed(state.EXPORT, fmt),
            icon=":material/download:",
            on_click="ignore",
        )


def render_library(library: Library, space: Space) -> None:
    records = library.list()
    with st.expander(f"Library ({len(records)})", icon=":material/video_library:", expanded=not records):
        if not space.shared:
            st.caption(
                f"Private to {'your account' if space.kind == 'account' else 'this browser'}: other visitors "
                "never see these videos. The sidebar's Private space panel has the link that opens them elsewhere."
            )
        if not records:
            st.caption("Videos you process are kept here, so reopening one costs nothing.")
            return
        for record in records:
            c1, c2, c3 = st.columns([6, 1, 1], vertical_alignment="center")
            when = dt.datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M")
            length = format_timestamp(record.duration) if record.duration else "–"
            status = "" if record.ready else f" · {record.status}"
            details = f"{length} · {when} · {plain(source_words(record))}{status}"
            c1.markdown(f"**{plain(record.title)}**  \n:gray[{details}]")
            c2.button("Open", key=state.keyed(state.OPEN, record.id), on_click=state.select, args=(record.id,))
            c3.button(
                "Delete",
                key=state.keyed(state.DELETE, record.id),
                icon=":material/delete:",
                on_click=_delete,
                args=(library, record.id),
            )


def source_words(record: VideoRecord) -> str:
    """Where a library entry came from, so two recordings of one name can be told apart."""
    media = "audio" if (record.media_mime or "").startswith("audio") else "video"
    if record.source_kind == "url":
        return f"link to {urlsplit(record.source).hostname or record.source}"
    if record.source_kind == "upload":
        return f"uploaded {media} {Path(record.source).name}"
    if record.source_kind == "local":
        return f"local {media} {Path(record.source).name}"
    return {"subtitles": "subtitle file", "pasted": "pasted transcript"}.get(record.source_kind, record.source_kind)


def _delete(library: Library, video_id: str) -> None:
    ReviewStore(library.db_path).delete_video(video_id)
    library.delete(video_id)  # with its chat and quiz progress
    view = state.current()
    view.cards.pop(video_id, None)
    if view.video_id == video_id:
        view.select(None)


def plain(text: str) -> str:
    """Escape Markdown so a title is shown as typed."""
    return markdown_text(text)


def render_video_header(record: VideoRecord, busy: bool) -> bool:
    """The open video's title and notes; for an unfinished one its error and a Process button (True when pressed)."""
    st.divider()
    st.header(plain(record.title), anchor=False)
    if record.warning:
        st.warning(markdown_text(record.warning))
    if record.ready or busy:
        return False
    if record.error == pipeline.CANCELLED_MESSAGE:
        st.info(record.error, icon=":material/pause_circle:")
    elif record.error:
        st.error(markdown_text(record.error))
    return st.button("Process", type="primary", key=state.RESUME)
