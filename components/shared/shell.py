"""The shared sidebar: active backends, and keys a user pastes for this session only."""

from __future__ import annotations

import logging

import streamlit as st

from components.shared import resources as shared_resources
from core.config import ConfigError, Settings, backend_status

log = logging.getLogger(__name__)

OPENAI_KEY = "shell.openai_api_key"
SPOTIFY_ID = "shell.spotify_client_id"
SPOTIFY_SECRET = "shell.spotify_client_secret"
CHAT_PROVIDER = "shell.chat_provider"
EMBEDDINGS_PROVIDER = "shell.embeddings_provider"
TRANSCRIPTION_PROVIDER = "shell.transcription_provider"
SPEECH_PROVIDER = "shell.speech_provider"

CHAT_PROVIDER_LABELS = {
    "offline": "Offline engine (no key)",
    "openai": "OpenAI",
    "openai_compatible": "OpenAI-compatible server",
}
LOCAL_OR_OPENAI = {"local": "On this machine", "openai": "OpenAI"}
SPEECH_LABELS = {"piper": "Piper (local)", "espeak": "eSpeak NG (local)", "openai": "OpenAI"}


def session_settings() -> Settings:
    """The process settings with this session's pasted keys and choices applied."""
    base = shared_resources.base_settings()
    state = st.session_state
    try:
        return base.with_overrides(
            openai_api_key=state.get(OPENAI_KEY) or None,
            spotify_client_id=state.get(SPOTIFY_ID) or None,
            spotify_client_secret=state.get(SPOTIFY_SECRET) or None,
            mlstudio_chat_provider=state.get(CHAT_PROVIDER) or None,
            mlstudio_embeddings_provider=state.get(EMBEDDINGS_PROVIDER) or None,
            mlstudio_transcription_provider=state.get(TRANSCRIPTION_PROVIDER) or None,
            mlstudio_speech_provider=state.get(SPEECH_PROVIDER) or None,
        )
    except ConfigError as exc:
        st.sidebar.warning(f"Ignoring a session value: {exc}")
        return base


def render_sidebar() -> Settings:
    """Draw the backend panel and the session-key form; return the settings in effect."""
    base = shared_resources.base_settings()
    with st.sidebar:
        with st.expander("Keys for this session", icon=":material/key:"):
            st.caption(
                "Kept in this browser session only: never written to disk, logs or URLs. Closing the tab forgets them."
            )
            _choice("Chat backend", CHAT_PROVIDER_LABELS, base.mlstudio_chat_provider, CHAT_PROVIDER)
            _choice("Embeddings", LOCAL_OR_OPENAI, base.mlstudio_embeddings_provider, EMBEDDINGS_PROVIDER)
            _choice("Transcription", LOCAL_OR_OPENAI, base.mlstudio_transcription_provider, TRANSCRIPTION_PROVIDER)
            _choice("Speech", SPEECH_LABELS, base.mlstudio_speech_provider, SPEECH_PROVIDER)
            st.text_input("OpenAI API key", type="password", key=OPENAI_KEY, placeholder="sk-...")
            st.text_input("Spotify client ID", type="password", key=SPOTIFY_ID)
            st.text_input("Spotify client secret", type="password", key=SPOTIFY_SECRET)
        settings = session_settings()
        st.markdown("**Backends**")
        for status in backend_status(settings):
            icon = ":material/check_circle:" if status.ready else ":material/radio_button_unchecked:"
            st.caption(f"{icon} {status.label}")
    return settings


def _choice(label: str, labels: dict[str, str], default: str, key: str) -> None:
    options = list(labels)
    st.selectbox(label, options, index=options.index(default), format_func=labels.__getitem__, key=key)
