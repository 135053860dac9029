"""Talk to Videos: bring a video, get a timestamped transcript, and talk with it (text or voice)."""

import streamlit as st

from components.shared.navigation import TOOLS
from components.shared.shell import session_settings
from components.videos import state as state
from components.videos.chat import render_chat
from components.videos.inputs import finish_job, job_panel, render_inputs, start_processing
from components.videos.player import plain, render_library, render_player, render_transcript
from components.videos.study import render_flashcards, render_quiz, render_summary, study_service

TOOL = next(t for t in TOOLS if t.url_path == "videos")

st.title("Talk to Videos")
st.caption(TOOL.summary)
settings = session_settings()
library = state.library(settings)

job = st.session_state.get(state.JOB)
if job is not None and job.done:
    finish_job()
state.show_flash()
render_inputs(settings)
if state.JOB in st.session_state:
    job_panel()
render_library(library)

video_id = st.session_state.get(state.VIDEO)
record = library.get(video_id) if video_id else None
if record is not None:
    st.divider()
    st.header(plain(record.title), anchor=False)
    if record.warning:
        st.warning(record.warning)
    if not record.ready:
        if record.error and state.JOB not in st.session_state:
            st.error(record.error)
        if state.JOB not in st.session_state and st.button("Process", type="primary", key="ttv.resume"):
            start_processing(state.processing_settings(settings), record.id)
            st.rerun()
    segments = library.transcript(record.id) or []
    left, right = st.columns([3, 2], gap="large")
    with left:
        render_player(library, record)
        if segments:
            render_transcript(record, segments)
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
