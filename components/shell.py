"""The shared sidebar: active backends, and keys a user pastes for this session only."""

from __future__ import annotations

import logging

import streamlit as st

from components.resources import base_settings
from core.config import ConfigError, Settings, backend_status

log = logging.getLogger(__name__)

OPENAI_KEY = "shell.openai_api_key"
SPOTIFY_ID = "shell.spotify_client_id"
SPOTIFY_SECRET = "shell.spotify_client_secret"
CHAT_PROVIDER = "shell.chat_provider"

CHAT_PROVIDER_LABELS = {
    "offline": "Offline engine (no key)",
    "openai": "OpenAI",
    "openai_compatible": "OpenAI-compatible server",
}


def session_settings() -> Settings:
    """The process settings with this session's pasted keys and choices applied."""
    base = base_settings()
    state = st.session_state
    try:
        return base.with_overrides(
            openai_api_key=state.get(OPENAI_KEY) or None,
            spotify_client_id=state.get(SPOTIFY_ID) or None,
            spotify_client_secret=state.get(SPOTIFY_SECRET) or None,
            mlstudio_chat_provider=state.get(CHAT_PROVIDER) or None,
        )
    except ConfigError as exc:
        st.sidebar.warning(f"Ignoring a session value: {exc}")
        return base


def render_sidebar() -> Settings:
    """Draw the backend panel and the session-key form; return the settings in effect."""
    base = base_settings()
    with st.sidebar:
        with st.expander("Keys for this session", icon=":material/key:"):
            st.caption(
                "Kept in this browser session only: never written to disk, logs or URLs. "
                "Closing the tab forgets them."
            )
            providers = list(CHAT_PROVIDER_LABELS)
            st.selectbox(
                "Chat backend",
                providers,
                index=providers.index(base.mlstudio_chat_provider),
                format_func=CHAT_PROVIDER_LABELS.__getitem__,
                key=CHAT_PROVIDER,
            )
            st.text_input("OpenAI API key", type="password", key=OPENAI_KEY, placeholder="sk-...")
            st.text_input("Spotify client ID", type="password", key=SPOTIFY_ID)
            st.text_input("Spotify client secret", type="password", key=SPOTIFY_SECRET)
        settings = session_settings()
        st.markdown("**Backends**")
        for status in backend_status(settings):
            icon = ":material/check_circle:" if status.ready else ":material/radio_button_unchecked:"
            st.caption(f"{icon} {status.label}")
    return settings
