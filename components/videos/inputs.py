"""Talk to Videos: the input tabs (link, upload, subtitles/text, local file) and the progress panel."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import streamlit as st

from components.shared import resources as shared_resources
from components.videos import resources as videos_resources
from components.videos import state as state
from core.ai import factory
from core.config import Settings
from core.media.local_files import LocalFileError, resolve_local_file
from core.videos import pipeline
from core.videos.jobs import Job

log = logging.getLogger(__name__)

MEDIA_TYPES = ["mp4", "webm", "mkv", "mov", "avi", "m4v", "mp3", "wav", "m4a", "ogg", "oga", "opus", "flac", "aac"]


def _process_steps(settings: Settings, library, video_id: str, reporter: pipeline.ProgressReporter):
    return pipeline.process(
        library,
        video_id,
        lambda: factory.transcriber(settings, videos_resources.transcriber),
        lambda: factory.embedder(settings, shared_resources.text_embedder),
        reporter,
    )


def start_job(label: str, work, stages: tuple[str, ...]) -> None:
    st.session_state[state.JOB] = Job(label, work, stages).start()


def start_processing(settings: Settings, video_id: str) -> None:
    library = state.library(settings)
    start_job(
        "Processing",
        lambda reporter: _process_steps(settings, library, video_id, reporter),
        ("extract", "transcribe", "index"),
    )
    state.select(video_id)


def render_inputs(settings: Settings) -> None:
    choices = list(state.TRANSCRIPTION_LABELS)
    st.selectbox(
        "Transcribe with",
        choices,
        index=choices.index(settings.mlstudio_transcription_provider),
        format_func=state.TRANSCRIPTION_LABELS.__getitem__,
        key=state.TRANSCRIPTION,
        help="Used when a video has no captions. The local model knows English only; OpenAI needs a key.",
    )
    settings = state.processing_settings(settings)
    names = ["Link", "Upload", "Subtitles or text"] + ([] if settings.deployed else ["Local file"])
    tabs = st.tabs(names)
    busy = state.JOB in st.session_state
    with tabs[0]:
        _link_tab(settings, busy)
    with tabs[1]:
        _upload_tab(settings, busy)
    with tabs[2]:
        _text_tab(settings, busy)
    if not settings.deployed:
        with tabs[3]:
            _local_tab(settings, busy)


def _link_tab(settings: Settings, busy: bool) -> None:
    url = st.text_input("Video link", placeholder="https://www.youtube.com/watch?v=...", key="ttv.url")
    st.caption("Captions are used when the site has them; otherwise the audio is downloaded and transcribed.")
    go = st.button("Process", type="primary", key="ttv.process_link", disabled=busy)
    if go:
        if not url.strip():
            st.warning("Paste a video link first.")
            return
        from core.media.download import DownloadError, check_url

        try:
            url = check_url(url, settings.deployed)
        except DownloadError as exc:
            st.error(str(exc))
            return
        library = state.library(settings)

        def work(reporter: pipeline.ProgressReporter):
            record = pipeline.ingest_url(library, url, settings.deployed, settings.max_upload_bytes, reporter)
            return _process_steps(settings, library, record.id, reporter)

        start_job("Fetching the link", work, ("download", "extract", "transcribe", "index"))
        st.rerun()


def _upload_tab(settings: Settings, busy: bool) -> None:
    uploaded = st.file_uploader(
        f"Video or audio file (up to {settings.mlstudio_max_upload_mb} MB)",
        type=MEDIA_TYPES,
        key="ttv.upload",
        max_upload_size=settings.mlstudio_max_upload_mb,
    )
    if st.button("Process", type="primary", key="ttv.process_upload", disabled=busy or uploaded is None):
        assert uploaded is not None
        if uploaded.size > settings.max_upload_bytes:
            st.error(
                f"This file is {uploaded.size / 2**20:.0f} MB; the limit is {settings.mlstudio_max_upload_mb} MB. "
                "Trim it, upload the audio only, or use subtitles."
            )
            return
        library = state.library(settings)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by the with below)
            dir=state.staging_dir(settings), suffix=Path(uploaded.name).suffix, delete=False
        )
        with handle:
            uploaded.seek(0)
            while block := uploaded.read(1 << 20):
                handle.write(block)
        path = Path(handle.name)
        try:
            record = pipeline.ingest_media_file(
                library, path, uploaded.name, "upload", uploaded.name, settings.max_upload_bytes, move=True
            )
        except pipeline.InputError as exc:
            st.error(str(exc))
            return
        finally:
            path.unlink(missing_ok=True)
        start_processing(settings, record.id)
        st.rerun()


def _text_tab(settings: Settings, busy: bool) -> None:
    subtitle = st.file_uploader("Subtitle file (.srt or .vtt)", type=["srt", "vtt"], key="ttv.subtitles")
    pasted = st.text_area(
        "…or paste a transcript",
        key="ttv.pasted",
        height=120,
        placeholder="Lines may start with a timestamp, like 1:23 or [00:01:23].",
    )
    title = st.text_input("Title", key="ttv.text_title", placeholder="My lecture")
    if st.button("Process", type="primary", key="ttv.process_text", disabled=busy):
        library = state.library(settings)
        try:
            if subtitle is not None:
                if subtitle.size > 20 * 2**20:
                    st.error("This subtitle file is too large (over 20 MB). Check that it is really subtitles.")
                    return
                raw = subtitle.getvalue()
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    st.error("This subtitle file is not UTF-8 text. Save it as UTF-8 and upload it again.")
                    return
                record = pipeline.ingest_transcript_text(library, text, title or subtitle.name, "subtitles")
            elif pasted.strip():
                record = pipeline.ingest_transcript_text(library, pasted, title or "Pasted transcript", "pasted")
            else:
                st.warning("Upload a subtitle file or paste a transcript first.")
                return
        except pipeline.InputError as exc:
            st.error(str(exc))
            return
        start_processing(settings, record.id)
        st.rerun()


def _local_tab(settings: Settings, busy: bool) -> None:
    media_dir = settings.mlstudio_media_dir
    if media_dir is None:
        st.info("Set MLSTUDIO_MEDIA_DIR to a folder to open media files from this computer.")
        return
    st.caption(f"Files inside {media_dir}")
    raw = st.text_input("Path of a file inside that folder", key="ttv.local_path")
    if st.button("Process", type="primary", key="ttv.process_local", disabled=busy or not raw.strip()):
        try:
            path = resolve_local_file(raw, media_dir, settings.deployed)
            record = pipeline.ingest_media_file(
                state.library(settings), path, path.name, "local", str(path), settings.max_upload_bytes
            )
        except (pipeline.InputError, LocalFileError) as exc:
            st.error(str(exc))
            return
        start_processing(settings, record.id)
        st.rerun()


@st.fragment(run_every=0.5)
def job_panel() -> None:
    """Progress of the running job with a Cancel button; when it ends, the whole page is redrawn."""
    job: Job | None = st.session_state.get(state.JOB)
    if job is None:
        return
    if not job.done:
        st.progress(job.fraction, text=f"{job.message} · {job.fraction:.0%}")
        if st.button("Cancel", key="ttv.cancel", icon=":material/cancel:"):
            job.cancel()
            st.caption("Cancelling…")
        return
    finish_job()
    st.rerun(scope="app")


def finish_job() -> None:
    job: Job | None = st.session_state.pop(state.JOB, None)
    if job is None:
        return
    if job.error:
        state.flash("warning" if job.cancelled else "error", job.error)
    elif job.result is not None:
        state.select(job.result.id)
        state.flash("success", f"“{job.result.title}” is ready: ask it anything below.")
