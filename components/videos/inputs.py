"""Talk to Videos: the input tabs (link, upload, subtitles/text, local file) → the source the user gave."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from components.shared.text import markdown_text
from components.videos import state as state
from components.videos.jobs import PROCESS_STAGES, process_steps, start_job, start_processing
from core.config import Settings
from core.files import disk_full_as_user_error
from core.media.ffmpeg import describe_seconds
from core.media.local_files import LocalFileError, resolve_local_file
from core.videos import pipeline
from core.videos.library import Library, VideoRecord
from core.videos.sources import MEDIA_TYPES, check_upload_size, transcript_text


@dataclass(frozen=True)
class LinkSource:
    url: str


@dataclass(frozen=True)
class UploadSource:
    file: UploadedFile


@dataclass(frozen=True)
class TextSource:
    subtitles: UploadedFile | None
    pasted: str
    title: str


@dataclass(frozen=True)
class LocalSource:
    path: str


Source = LinkSource | UploadSource | TextSource | LocalSource


def render_inputs(settings: Settings, busy: bool) -> Source | None:
    """The transcription choice and one tab per kind of input; the source whose Process was pressed."""
    choices = list(state.TRANSCRIPTION_LABELS)
    st.selectbox(
        "Transcribe with",
        choices,
        index=choices.index(settings.mlstudio_transcription_provider),
        format_func=state.TRANSCRIPTION_LABELS.__getitem__,
        key=state.TRANSCRIPTION,
        help="Used when a video has no captions. The local model knows English only; OpenAI needs a key.",
    )
    _clear_taken_inputs(state.current())
    names = ["Link", "Upload", "Subtitles or text"] + ([] if settings.deployed else ["Local file"])
    tabs = st.tabs(names, key=state.INPUT_TAB, on_change="rerun")
    with tabs[0]:
        source: Source | None = _link_tab(busy)
    with tabs[1]:
        source = _upload_tab(settings, busy) or source
    with tabs[2]:
        source = _text_tab(busy) or source
    if not settings.deployed:
        with tabs[3]:
            source = _local_tab(settings, busy) or source
    return source


def _link_tab(busy: bool) -> LinkSource | None:
    url = st.text_input("Video link", placeholder="https://www.youtube.com/watch?v=...", key=state.URL)
    st.caption("Captions are used when the site has them; otherwise the audio is downloaded and transcribed.")
    return LinkSource(url) if st.button("Process", type="primary", key=state.PROCESS_LINK, disabled=busy) else None


def _clear_taken_inputs(view: state.VideosState) -> None:
    """After a source went into the library its inputs start empty, so nothing is processed twice."""
    if view.inputs_cleared != view.inputs_round:
        for key in (state.URL, state.PASTED, state.TEXT_TITLE, state.LOCAL_PATH):
            st.session_state.pop(key, None)
        view.inputs_cleared = view.inputs_round


def _upload_tab(settings: Settings, busy: bool) -> UploadSource | None:
    with st.container(key=state.UPLOAD):
        uploaded = st.file_uploader(
            f"Video or audio file (up to {settings.mlstudio_max_upload_mb} MB "
            f"and {describe_seconds(settings.max_media_seconds)})",
            type=list(MEDIA_TYPES),
            key=state.keyed(state.UPLOAD_FILE, state.current().inputs_round),
            max_upload_size=settings.mlstudio_max_upload_mb,
        )
    pressed = st.button("Process", type="primary", key=state.PROCESS_UPLOAD, disabled=busy or uploaded is None)
    return UploadSource(uploaded) if pressed and uploaded is not None else None


def _text_tab(busy: bool) -> TextSource | None:
    with st.container(key=state.SUBTITLES):
        subtitles = st.file_uploader(
            "Subtitle file (.srt or .vtt)",
            type=["srt", "vtt"],
            key=state.keyed(state.SUBTITLES_FILE, state.current().inputs_round),
        )
    pasted = st.text_area(
        "…or paste a transcript",
        key=state.PASTED,
        height=120,
        placeholder="Lines may start with a timestamp, like 1:23 or [00:01:23].",
    )
    title = st.text_input("Title", key=state.TEXT_TITLE, placeholder="My lecture")
    pressed = st.button("Process", type="primary", key=state.PROCESS_TEXT, disabled=busy)
    return TextSource(subtitles, pasted, title) if pressed else None


def _local_tab(settings: Settings, busy: bool) -> LocalSource | None:
    media_dir = settings.mlstudio_media_dir
    if media_dir is None:
        st.info("Set MLSTUDIO_MEDIA_DIR to a folder to open media files from this computer.")
        return None
    st.caption(f"Files inside {media_dir}")
    raw = st.text_input("Path of a file inside that folder", key=state.LOCAL_PATH)
    pressed = st.button("Process", type="primary", key=state.PROCESS_LOCAL, disabled=busy or not raw.strip())
    return LocalSource(raw) if pressed else None


def start_source(settings: Settings, library: Library, source: Source) -> bool:
    """Check the source and start processing it; False (with a message on screen) if it cannot be used."""
    settings = state.processing_settings(settings)
    try:
        if isinstance(source, LinkSource):
            return _start_link(settings, library, source.url)
        if isinstance(source, UploadSource):
            record = _ingest_upload(settings, library, source.file)
        elif isinstance(source, TextSource):
            raw = source.subtitles.getvalue() if source.subtitles is not None else None
            name = source.subtitles.name if source.subtitles is not None else ""
            given = transcript_text(raw, name, source.pasted, source.title)
            if given is None:
                st.warning("Upload a subtitle file or paste a transcript first.")
                return False
            record = pipeline.ingest_transcript_text(library, given.text, given.title, given.kind)
        else:
            path = resolve_local_file(source.path, settings.mlstudio_media_dir, settings.deployed)
            record = pipeline.ingest_media_file(
                library,
                path,
                path.name,
                "local",
                str(path),
                settings.max_upload_bytes,
                max_seconds=settings.max_media_seconds,
            )
    except (pipeline.InputError, LocalFileError) as exc:
        st.error(markdown_text(str(exc)))
        return False
    start_processing(settings, library, record.id)
    state.current().inputs_round += 1
    return True


def _start_link(settings: Settings, library: Library, url: str) -> bool:
    if not url.strip():
        st.warning("Paste a video link first.")
        return False
    from core.media.download import DownloadError, check_url

    try:
        url = check_url(url, settings.deployed)
    except DownloadError as exc:
        st.error(markdown_text(str(exc)))
        return False
    start_job(
        "Fetching the link",
        LinkWork(settings, library, url),
        ("download", *PROCESS_STAGES),
    )
    state.current().inputs_round += 1
    return True


@dataclass(frozen=True)
class LinkWork:
    """The job for a link: download (or fetch captions), then process like any other video."""

    settings: Settings
    library: Library
    url: str

    def __call__(self, reporter: pipeline.ProgressReporter) -> object:
        s = self.settings
        record = pipeline.ingest_url(
            self.library, self.url, s.deployed, s.max_upload_bytes, reporter, max_seconds=s.max_media_seconds
        )
        return process_steps(s, self.library, record.id, reporter)


def _ingest_upload(settings: Settings, library: Library, uploaded: UploadedFile) -> VideoRecord:
    check_upload_size(uploaded.size, settings.mlstudio_max_upload_mb)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by the with below)
        dir=state.staging_dir(settings), suffix=Path(uploaded.name).suffix, delete=False
    )
    path = Path(handle.name)
    try:
        with disk_full_as_user_error("saving the upload"), handle:
            uploaded.seek(0)
            while block := uploaded.read(1 << 20):
                handle.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        return pipeline.ingest_media_file(
            library,
            path,
            uploaded.name,
            "upload",
            uploaded.name,
            settings.max_upload_bytes,
            move=True,
            max_seconds=settings.max_media_seconds,
        )
    finally:
        path.unlink(missing_ok=True)
