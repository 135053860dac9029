"""The shared sidebar: active backends, and keys a user pastes for this session only."""

from __future__ import annotations

import logging

import streamlit as st

from components.shared import resources as shared_resources
from components.shared.text import markdown_text
from core.config import ConfigError, Settings, backend_status

log = logging.getLogger(__name__)

OPENAI_KEY = "shell.openai_api_key"
COMPATIBLE_URL = "shell.compatible_url"
COMPATIBLE_KEY = "shell.compatible_api_key"
SPOTIFY_ID = "shell.spotify_client_id"
SPOTIFY_SECRET = "shell.spotify_client_secret"
CHAT_PROVIDER = "shell.chat_provider"
EMBEDDINGS_PROVIDER = "shell.embeddings_provider"
TRANSCRIPTION_PROVIDER = "shell.transcription_provider"
SPEECH_PROVIDER = "shell.speech_provider"
KEY_CHECK = "shell.openai_key_check"  # (key, error message or None) of the last pasted key
STAY_OFFLINE = "shell.stay_offline"

CHAT_PROVIDER_LABELS = {
    "offline": "Offline engine (no key)",
    "openai": "OpenAI (api.openai.com)",
    "openai_compatible": "OpenAI-compatible server at a URL",
}
LOCAL_OR_OPENAI = {
    "local": "On this machine",
    "openai": "OpenAI (api.openai.com)",
    "openai_compatible": "The OpenAI-compatible server",
}
COMPATIBLE_CHOICES = (CHAT_PROVIDER, EMBEDDINGS_PROVIDER, TRANSCRIPTION_PROVIDER)
SPEECH_LABELS = {"piper": "Piper (local)", "espeak": "eSpeak NG (local)", "openai": "OpenAI"}


def session_settings() -> Settings:
    """The process settings with this session's pasted keys and choices applied."""
    base = shared_resources.base_settings()
    state = st.session_state
    typed_url = (state.get(COMPATIBLE_URL) or "").strip()
    # A URL typed here is the user's: the configured server's key never goes to it, and it is guarded.
    server = (
        {
            "openai_base_url": typed_url,
            "openai_compatible_api_key": state.get(COMPATIBLE_KEY) or "",
            "mlstudio_guard_compatible_url": True,
        }
        if typed_url and typed_url != base.openai_base_url
        else {"openai_compatible_api_key": state.get(COMPATIBLE_KEY) or None}
    )
    try:
        return base.with_overrides(
            **server,
            openai_api_key=_checked_key(),
            spotify_client_id=state.get(SPOTIFY_ID) or None,
            spotify_client_secret=state.get(SPOTIFY_SECRET) or None,
            mlstudio_chat_provider=state.get(CHAT_PROVIDER) or None,
            mlstudio_embeddings_provider=state.get(EMBEDDINGS_PROVIDER) or None,
            mlstudio_transcription_provider=state.get(TRANSCRIPTION_PROVIDER) or None,
            mlstudio_speech_provider=state.get(SPEECH_PROVIDER) or None,
        )
    except ConfigError as exc:
        st.sidebar.warning(markdown_text(f"Ignoring a session value: {exc}"))
        return base


def _check_pasted_key() -> None:
    """On entering a key: ask OpenAI at once, so a wrong key is said now, not at the first question."""
    from core.ai.base import AIError
    from core.ai.openai_backend import check_key

    key = (st.session_state.get(OPENAI_KEY) or "").strip()
    if not key:
        st.session_state.pop(KEY_CHECK, None)
        return
    try:
        check_key(key)
        st.session_state[KEY_CHECK] = (key, None)
    except AIError as exc:
        st.session_state[KEY_CHECK] = (key, str(exc))


def _checked_key() -> str | None:
    """The pasted key, unless OpenAI refused it (then the tools stay on what works without it)."""
    key = (st.session_state.get(OPENAI_KEY) or "").strip()
    check = st.session_state.get(KEY_CHECK)
    if not key or (check is not None and check[0] == key and check[1] is not None):
        return None
    return key


def _stay_offline() -> None:
    st.session_state[OPENAI_KEY] = ""
    st.session_state.pop(KEY_CHECK, None)
    for choice, offline in (
        (CHAT_PROVIDER, "offline"),
        (EMBEDDINGS_PROVIDER, "local"),
        (TRANSCRIPTION_PROVIDER, "local"),
    ):
        if st.session_state.get(choice) == "openai":
            st.session_state[choice] = offline
    if st.session_state.get(SPEECH_PROVIDER) == "openai":
        st.session_state[SPEECH_PROVIDER] = "piper"


def _key_verdict() -> None:
    key = (st.session_state.get(OPENAI_KEY) or "").strip()
    check = st.session_state.get(KEY_CHECK)
    if not key or check is None or check[0] != key:
        return
    if check[1] is None:
        st.caption(":material/check_circle: OpenAI accepted this key.")
        return
    st.error(markdown_text(check[1]), icon=":material/key_off:")
    st.button("Stay offline", key=STAY_OFFLINE, on_click=_stay_offline, help="Forget the key; use the built-in tools.")


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
            st.text_input(
                "OpenAI API key",
                type="password",
                key=OPENAI_KEY,
                placeholder="sk-...",
                help="Sent only to api.openai.com. Checked with OpenAI when you enter it.",
                on_change=_check_pasted_key,
            )
            _key_verdict()
            if any(st.session_state.get(key, None) == "openai_compatible" for key in COMPATIBLE_CHOICES):
                st.text_input(
                    "Server URL (OpenAI-compatible)",
                    key=COMPATIBLE_URL,
                    placeholder=base.openai_base_url or "http://localhost:11434/v1",
                    help="Ollama, vLLM, LM Studio or a llama.cpp server. Empty: the server the app is set up with.",
                )
                st.text_input(
                    "Server API key (if it needs one)",
                    type="password",
                    key=COMPATIBLE_KEY,
                    help="Sent only to the server URL above; your OpenAI key is never sent there.",
                )
            st.text_input("Spotify client ID", type="password", key=SPOTIFY_ID)
            st.text_input("Spotify client secret", type="password", key=SPOTIFY_SECRET)
        settings = session_settings()
        st.markdown("**What runs the tools**")
        for status in backend_status(settings):
            icon = ":material/check_circle:" if status.ready else ":material/radio_button_unchecked:"
            st.caption(f"{icon} {markdown_text(status.label)}", help=status.detail or None)
    return settings


def _choice(label: str, labels: dict[str, str], default: str, key: str) -> None:
    options = list(labels)
    st.selectbox(label, options, index=options.index(default), format_func=labels.__getitem__, key=key)
