"""Talk to Videos: session-state keys (all under `ttv.`) and the services the page needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from components.videos import resources as videos_resources
from core.config import Settings

VIDEO = "ttv.video_id"
START = "ttv.start"
JOB = "ttv.job"
FLASH = "ttv.flash"
ENGINE = "ttv.engine"
VOICE_PROVIDER = "ttv.voice_provider"
VOICE = "ttv.voice"
SPEAK = "ttv.speak"
MIC = "ttv.mic"
MIC_DONE = "ttv.mic_done"
LAST_AUDIO = "ttv.last_audio"
TRANSCRIPTION = "ttv.transcription_provider"

TRANSCRIPTION_LABELS = {"local": "faster-whisper tiny.en (local, English)", "openai": "OpenAI (any language)"}


def processing_settings(settings: Settings) -> Settings:
    """The session settings with this page's transcription choice applied."""
    chosen = st.session_state.get(TRANSCRIPTION)
    return settings.with_overrides(mlstudio_transcription_provider=chosen) if chosen else settings


def history_key(video_id: str) -> str:
    return f"ttv.history.{video_id}"


def library(settings: Settings) -> Any:
    return videos_resources.library(str(settings.data_dir / "videos"))


def seek(seconds: float) -> None:
    """Button callback: jump the player to `seconds` (st.video is redrawn with that start_time)."""
    st.session_state[START] = float(seconds)


def select(video_id: str | None) -> None:
    st.session_state[VIDEO] = video_id
    st.session_state[START] = 0.0
    st.session_state.pop(ENGINE, None)


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


def show_flash() -> None:
    item = st.session_state.pop(FLASH, None)
    if item:
        kind, message = item
        {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)(message)


def staging_dir(settings: Settings) -> Path:
    folder = settings.data_dir / "videos" / "staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
