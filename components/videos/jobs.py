"""Talk to Videos: the processing job — started in the background, shown with progress and Cancel."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.shared import resources as shared_resources
from components.shared.flash import flash
from components.videos import resources as videos_resources
from components.videos import state as state
from core.ai import factory
from core.ai.base import AIError, Cancelled
from core.config import Settings
from core.videos import pipeline
from core.videos.jobs import Job, JobStatus
from core.videos.library import Library
from core.videos.study.model import StudyError
from core.videos.study.service import StudyService

log = logging.getLogger(__name__)

PROCESS_STAGES = ("extract", "transcribe", "index", "deck")


def process_steps(
    settings: Settings, library: Library, video_id: str, reporter: pipeline.ProgressReporter
) -> pipeline.VideoRecord:
    record = pipeline.process(
        library,
        video_id,
        lambda: factory.transcriber(settings, videos_resources.transcriber),
        lambda: factory.embedder(settings, shared_resources.text_embedder),
        reporter,
    )
    make_deck(settings, library, video_id, reporter)
    return record


def make_deck(settings: Settings, library: Library, video_id: str, reporter: pipeline.ProgressReporter) -> None:
    """The flashcards, made right after processing (like the index), so the deck is there when the tab opens.

    The video is ready whatever happens here: a deck that cannot be made now is made when the tab opens.
    """
    try:
        reporter.report("deck", 0.0, "Making flashcards")
        service = StudyService(library, shared_resources.text_embedder(), factory.chat_model(settings))
        service.ensure_deck(
            video_id, progress=lambda fraction, step: reporter.report("deck", fraction, f"Making flashcards: {step}")
        )
        reporter.report("deck", 1.0, "Ready")
    except (StudyError, AIError, Cancelled) as exc:
        log.info("no flashcards made for %s after processing: %s", video_id, exc)
    except Exception:
        log.exception("making the flashcards of %s failed", video_id)


@dataclass(frozen=True)
class ProcessWork:
    """The job for a video already in the library: extract, transcribe, index (finished steps are kept)."""

    settings: Settings
    library: Library
    video_id: str

    def __call__(self, reporter: pipeline.ProgressReporter) -> Any:
        return process_steps(self.settings, self.library, self.video_id, reporter)


def start_job(label: str, work: Any, stages: tuple[str, ...]) -> None:
    state.current().job = Job(label, work, stages, alive=session_alive()).start()


SESSION_GRACE_SECONDS = 60.0  # a reconnecting tab (sleep, flaky network) keeps its job


def session_alive() -> Callable[[], bool]:
    """A check the job's thread can call: False once this browser session has been gone for a minute."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), context.session_id
    gone_since: list[float] = []

    def alive() -> bool:
        if runtime.is_active_session(session_id):
            gone_since.clear()
            return True
        gone_since[:] = gone_since or [time.monotonic()]
        return time.monotonic() - gone_since[0] < SESSION_GRACE_SECONDS

    return alive


def start_processing(settings: Settings, library: Library, video_id: str) -> None:
    start_job("Processing", ProcessWork(settings, library, video_id), PROCESS_STAGES)
    state.current().select(video_id)


@st.fragment(run_every=0.5)
def job_panel() -> None:
    """Progress of the running job with a Cancel button; when it ends, the whole page is redrawn."""
    job = state.current().job
    if job is None:
        return
    if job.status is JobStatus.RUNNING:
        st.progress(job.fraction, text=job.progress_text())
        if job.cancelling:
            st.caption("Cancelling: stopping at the next step…")
        elif st.button("Cancel", key=state.CANCEL, icon=":material/cancel:"):
            job.cancel()
            st.rerun(scope="fragment")
        return
    finish_job(state.current())
    st.rerun(scope="app")


def finish_job(view: state.VideosState) -> None:
    """If the job has ended: forget it, open what it made, and say how it went (shown after the rerun)."""
    job = view.job
    if job is None or job.status is JobStatus.RUNNING:
        return
    view.job = None
    if job.status is JobStatus.CANCELLED:
        if view.video_id is None:  # else the video's header says it, beside its one Process button
            flash(state.SCOPE, "warning", job.error or "Cancelled.")
    elif job.status is JobStatus.FAILED:
        flash(state.SCOPE, "error", job.error or "Processing failed.")
    elif job.result is not None:
        view.select(job.result.id)
        flash(state.SCOPE, "success", f"“{job.result.title}” is ready: ask it anything below.")
