"""Build the backends the settings select. Embedded ones are passed in as loaders (they are cached by
the caller); OpenAI ones are cheap to build per session (the key may be a session key)."""

from __future__ import annotations

from collections.abc import Callable

from core.ai.base import ChatModel, Embedder, SpeechSynthesizer, Transcriber
from core.config import Settings


def _key(settings: Settings) -> str | None:
    return settings.openai_api_key.get_secret_value() if settings.openai_api_key else None


def chat_model(settings: Settings) -> ChatModel | None:
    """None means the offline answer engine (no LLM)."""
    from core.ai.openai_backend import OpenAIChat

    if settings.mlstudio_chat_provider == "openai":
        return OpenAIChat(settings.mlstudio_chat_model, _key(settings), None)
    if settings.mlstudio_chat_provider == "openai_compatible":
        if not settings.openai_base_url:
            from core.ai.base import AIError

            raise AIError("The OpenAI-compatible backend needs OPENAI_BASE_URL (e.g. http://localhost:11434/v1).")
        return OpenAIChat(settings.mlstudio_chat_model, _key(settings), settings.openai_base_url)
    return None


def embedder(settings: Settings, local: Callable[[], Embedder]) -> Embedder:
    if settings.mlstudio_embeddings_provider == "openai":
        from core.ai.openai_backend import OpenAIEmbedder

        return OpenAIEmbedder(settings.mlstudio_embedding_model, _key(settings), settings.openai_base_url)
    return local()


def transcriber(settings: Settings, local: Callable[[], Transcriber]) -> Transcriber:
    if settings.mlstudio_transcription_provider == "openai":
        from core.ai.openai_backend import OpenAITranscriber

        return OpenAITranscriber(settings.mlstudio_transcription_model, _key(settings), settings.openai_base_url)
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

        return OpenAISpeech(settings.mlstudio_speech_model, _key(settings), settings.openai_base_url)
    if chosen == "espeak":
        return espeak()
    return piper()
