"""Talk to Videos: bring a video, get a timestamped transcript, and talk with it (text or voice)."""

import streamlit as st

from components.shared.errors import error_boundary
from components.shared.flash import show_flashes
from components.shared.navigation import TOOLS
from components.shared.shell import session_settings
from components.shared.space import owner_space
from components.videos import state as state
from components.videos.chat import render_chat
from components.videos.inputs import render_inputs, start_source
from components.videos.jobs import finish_job, job_panel, start_processing
from components.videos.player import render_library, render_player, render_transcript, render_video_header
from components.videos.study import render_flashcards, render_quiz, render_summary, study_service
from core.videos.library import VideoRecord

TOOL = next(t for t in TOOLS if t.url_path == "videos")

st.title("Talk to Videos")
st.caption(TOOL.summary)
settings = session_settings()
library = state.library(settings)
view = state.current()
record: VideoRecord | None = None

with error_boundary("opening the video library"):
    state.follow_url(view, library)  # a reload, a shared link, Back/Forward: the video the URL names
    finish_job(view)
    state.write_video_url(view)
    show_flashes(state.SCOPE)
    source = render_inputs(settings, view.busy)
    if source is not None and start_source(settings, library, source):
        st.rerun()
    if view.busy:
        job_panel()
    render_library(library, owner_space(settings))
    record = library.get(view.video_id) if view.video_id else None

if record is not None:
    with error_boundary("showing this video"):
        if render_video_header(record, view.busy):
            start_processing(state.processing_settings(settings), library, record.id)
            st.rerun()
        segments = library.transcript(record.id) or []
        left, right = st.columns([3, 2], gap="large")
        with left:
            render_player(library, record, view.start)
            if segments:
                render_transcript(record, segments, view.start)
        with right:
            if record.ready:
                ask, summary, quiz, cards = st.tabs(["Ask", "Summary", "Quiz", "Flashcards"])
                with ask:
                    render_chat(settings, library, record)
                study = study_service(settings, library)
                if study is not None:
                    with summary:
                        render_summary(study, record)
                    with quiz:
                        render_quiz(study, record)
                    with cards:
                        render_flashcards(study, record)
            else:
                st.info("The chat and the study tools open when the transcript and its index are ready.")
