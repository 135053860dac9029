"""Build the backends the settings select. Embedded ones are passed in as loaders (they are cached by
the caller); OpenAI ones are cheap to build per session (the key may be a session key).

"OpenAI" and "an OpenAI-compatible server" are two choices with two keys: the OpenAI key goes only to
api.openai.com, the server's key only to the server's URL (OPENAI_BASE_URL or the one typed in the
sidebar). Connections to the server go through the fetch guard: public addresses only when deployed and
the URL is the user's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.ai.base import AIError, ChatModel, Embedder, SpeechSynthesizer, Transcriber
from core.config import Settings

if TYPE_CHECKING:
    import httpx2 as httpx

CHAT_TIMEOUT = 60.0
TRANSCRIPTION_TIMEOUT = 300.0


def _openai_key(settings: Settings) -> str | None:
    return settings.openai_api_key.get_secret_value() if settings.openai_api_key else None


@dataclass(frozen=True)
class CompatibleServer:
    """Where the OpenAI-compatible choice connects, with its own key and a guarded HTTP client."""

    url: str
    api_key: str | None
    guarded: bool

    def http_client(self, timeout: float) -> httpx.Client:
        from core.net.guard import guard_for
        from core.net.httpx_transport import guarded_client

        return guarded_client(guard_for(self.guarded), timeout)


def compatible_server(settings: Settings) -> CompatibleServer:
    """The compatible server the settings name; a UserError when it has no URL or (deployed) a private one."""
    from core.net.guard import guard_for

    url = settings.openai_base_url
    if not url:
        raise AIError(
            "The OpenAI-compatible server needs its URL: type it in the sidebar (Keys for this session), "
            "e.g. http://localhost:11434/v1 for Ollama."
        )
    guarded = settings.deployed and settings.mlstudio_guard_compatible_url
    guard_for(guarded).check_url(url)
    key = settings.openai_compatible_api_key.get_secret_value() if settings.openai_compatible_api_key else None
    return CompatibleServer(url, key or None, guarded)


def chat_model(settings: Settings) -> ChatModel | None:
    """None means the offline answer engine (no LLM)."""
    from core.ai.openai_backend import OpenAIChat

    if settings.mlstudio_chat_provider == "openai":
        return OpenAIChat(settings.mlstudio_chat_model, _openai_key(settings), None)
    if settings.mlstudio_chat_provider == "openai_compatible":
        server = compatible_server(settings)
        return OpenAIChat(
            settings.mlstudio_chat_model, server.api_key, server.url, http_client=server.http_client(CHAT_TIMEOUT)
        )
    return None


def embedder(settings: Settings, local: Callable[[], Embedder]) -> Embedder:
    from core.ai.openai_backend import OpenAIEmbedder

    model = settings.mlstudio_embedding_model
    if settings.mlstudio_embeddings_provider == "openai":
        return OpenAIEmbedder(model, _openai_key(settings), None)
    if settings.mlstudio_embeddings_provider == "openai_compatible":
        server = compatible_server(settings)
        return OpenAIEmbedder(model, server.api_key, server.url, http_client=server.http_client(CHAT_TIMEOUT))
    return local()


def transcriber(settings: Settings, local: Callable[[], Transcriber]) -> Transcriber:
    from core.ai.openai_backend import OpenAITranscriber

    model = settings.mlstudio_transcription_model
    if settings.mlstudio_transcription_provider == "openai":
        return OpenAITranscriber(model, _openai_key(settings), None)
    if settings.mlstudio_transcription_provider == "openai_compatible":
        server = compatible_server(settings)
        client = server.http_client(TRANSCRIPTION_TIMEOUT)
        return OpenAITranscriber(model, server.api_key, server.url, http_client=client)
    return local()


def speech(
    settings: Settings,
    piper: Callable[[], SpeechSynthesizer],
    espeak: Callable[[], SpeechSynthesizer],
    provider: str | None = None,
) -> SpeechSynthesizer:
    chosen = provider or settings.mlstudio_speech_provider
    if chosen == "openai":
        from core.ai.openai_backend import OpenAISpeech

        return OpenAISpeech(settings.mlstudio_speech_model, _openai_key(settings), None)
    if chosen == "espeak":
        return espeak()
    return piper()
