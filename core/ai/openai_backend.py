"""OpenAI and OpenAI-compatible backends (Ollama, vLLM, LM Studio, llama.cpp server: same code, base URL).

Chat and embeddings go through `langchain-openai`; transcription and speech through the `openai` SDK.
The SDK retries 408/409/429/5xx and connection errors with exponential backoff (`max_retries`); what
still fails is turned into an `AIError` whose message says what to do. Keys never enter messages.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from pydantic import SecretStr

from core.ai.base import (
    AIError,
    AuthError,
    Message,
    OfflineError,
    Progress,
    RateLimitError,
    Segment,
    ServiceError,
    SpeechAudio,
    TimeoutFailure,
    TranscriptionResult,
    Voice,
    no_progress,
)
from core.ai.local import split_sentences
from core.errors import UserError

if TYPE_CHECKING:
    import httpx2 as httpx

log = logging.getLogger(__name__)

OPENAI_VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
)
TTS_1_VOICES = ("alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer")
TTS_CHAR_LIMIT = 4096
UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024
#: Per-model duration limits (seconds) for one transcription request; whisper-1 has only the size limit.
DURATION_LIMITS = {"gpt-4o-transcribe": 1400.0, "gpt-4o-mini-transcribe": 1400.0, "gpt-4o-transcribe-diarize": 1400.0}
PIECE_BITRATE_KBPS = 48
OVERLAP_SECONDS = 1.5


#: Where the "OpenAI" choice connects: always OpenAI itself. It is passed explicitly, so the SDKs never fall
#: back to OPENAI_BASE_URL from the environment (that URL belongs to the OpenAI-compatible choice).
OPENAI_API_URL = "https://api.openai.com/v1"


def _where(base_url: str | None) -> str:
    return urlparse(base_url).netloc if base_url else "api.openai.com"


def _endpoint(base_url: str | None) -> str:
    """The URL a client is built with: the compatible server's, or OpenAI's when `base_url` is None."""
    return base_url or OPENAI_API_URL


def translate_error(exc: BaseException, base_url: str | None = None) -> AIError:
    """An OpenAI SDK exception as a short message a user can act on."""
    import openai

    where = _where(base_url)
    if isinstance(exc, AIError):
        return exc
    if isinstance(exc, UserError):  # e.g. the fetch guard refused the server's address
        return AIError(str(exc))
    if isinstance(exc, openai.AuthenticationError):
        return AuthError(
            f"{where} rejected the API key (401). Check the key in the sidebar or pick the offline engine."
        )
    if isinstance(exc, openai.PermissionDeniedError):
        return AuthError(f"{where} refused this request (403): the key has no access to this model.")
    if isinstance(exc, openai.RateLimitError):
        return RateLimitError(
            f"{where} is rate-limiting this key or its quota is used up (429). Wait a minute and retry, "
            "or check the account's billing."
        )
    if isinstance(exc, openai.NotFoundError):
        return AIError(f"{where} does not know this model or endpoint (404). Check the model name in the settings.")
    if isinstance(exc, openai.APITimeoutError):
        return TimeoutFailure(f"{where} did not answer in time, even after retries. Try again later.")
    if isinstance(exc, openai.APIConnectionError):
        return OfflineError(f"Cannot reach {where}. Check the internet connection or the base URL.")
    if isinstance(exc, openai.InternalServerError) or (
        isinstance(exc, openai.APIStatusError) and exc.status_code >= 500
    ):
        return ServiceError(
            f"{where} had a server error ({getattr(exc, 'status_code', 500)}), even after retries. Try again later."
        )
    if isinstance(exc, openai.BadRequestError):
        return AIError(f"{where} refused the request (400): {_short(exc)}")
    if isinstance(exc, openai.APIStatusError):
        return AIError(f"{where} answered with an error ({exc.status_code}).")
    if isinstance(exc, openai.OpenAIError):
        return AIError(f"The OpenAI client failed: {_short(exc)}")
    return AIError(f"The AI service failed ({type(exc).__name__}).")


def check_key(api_key: str, base_url: str | None = None, timeout: float = 10.0) -> None:
    """Ask the service to list its models with this key: raises the AIError a user would get at the first
    question (a rejected key, no internet), so a pasted key is checked when it is entered."""
    import openai

    try:
        openai.OpenAI(api_key=api_key, base_url=_endpoint(base_url), timeout=timeout, max_retries=0).models.list()
    except Exception as exc:
        raise translate_error(exc, base_url) from exc


def _short(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:200]
    return str(exc).split("\n")[0][:200]


def _api_key(api_key: str | None, base_url: str | None) -> str:
    if api_key:
        return api_key
    if base_url:
        return "not-needed"  # local OpenAI-compatible servers accept any key
    raise AuthError("No OpenAI API key: paste one in the sidebar (Keys for this session) or pick the offline engine.")


def _lc_messages(messages: Sequence[Message]) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in messages]


class OpenAIChat:
    """Chat through LangChain's ChatOpenAI (OpenAI or any OpenAI-compatible server)."""

    def __init__(
        self,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
    ) -> None:
        from langchain_openai import ChatOpenAI

        self.base_url = base_url
        self.name = f"{model} at {_where(base_url)}" if base_url else f"OpenAI {model}"
        self._llm = ChatOpenAI(
            model=model,
            api_key=SecretStr(_api_key(api_key, base_url)),
            base_url=_endpoint(base_url),
            timeout=timeout,
            max_retries=max_retries,
            temperature=0.2,
            http_client=http_client,
        )

    def complete(self, messages: Sequence[Message]) -> str:
        try:
            return str(self._llm.invoke(_lc_messages(messages)).content)
        except Exception as exc:
            raise translate_error(exc, self.base_url) from exc

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        try:
            for chunk in self._llm.stream(_lc_messages(messages)):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:
            raise translate_error(exc, self.base_url) from exc

    def structured(self, messages: Sequence[Message], schema: dict[str, Any]) -> dict[str, Any]:
        """Structured output against a JSON schema (OpenAI `response_format` json_schema)."""
        try:
            runnable = self._llm.with_structured_output(schema, method="json_schema")
            result = runnable.invoke(_lc_messages(messages))
        except Exception as exc:
            raise translate_error(exc, self.base_url) from exc
        if not isinstance(result, dict):
            raise AIError("The model's answer was not the JSON object that was asked for.")
        return result


class OpenAIEmbedder:
    def __init__(
        self,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
    ) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.base_url = base_url
        self.name = f"{model} at {_where(base_url)}"
        self._emb = OpenAIEmbeddings(
            model=model,
            api_key=SecretStr(_api_key(api_key, base_url)),
            base_url=_endpoint(base_url),
            timeout=timeout,
            max_retries=max_retries,
            check_embedding_ctx_length=False,
            http_client=http_client,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        try:
            return self._emb.embed_documents(texts)
        except Exception as exc:
            raise translate_error(exc, self.base_url) from exc

    def embed_query(self, text: str) -> list[float]:
        try:
            return self._emb.embed_query(text)
        except Exception as exc:
            raise translate_error(exc, self.base_url) from exc


def _client(
    api_key: str | None,
    base_url: str | None,
    timeout: float,
    max_retries: int,
    http_client: httpx.Client | None = None,
) -> Any:
    import openai

    return openai.OpenAI(
        api_key=_api_key(api_key, base_url),
        base_url=_endpoint(base_url),
        timeout=timeout,
        max_retries=max_retries,
        http_client=http_client,
    )


def merge_pieces(pieces: Sequence[tuple[float, float, list[Segment]]]) -> list[Segment]:
    """Segments of overlapping pieces (piece start, nominal start, piece-relative segments) on one clock.

    Each piece starts `overlap` seconds before its nominal start (the cut); a segment is kept by the
    piece whose nominal range holds the segment's midpoint, so the overlap is not transcribed twice.
    """
    merged: list[Segment] = []
    for i, (offset, nominal, segments) in enumerate(pieces):
        next_nominal = pieces[i + 1][1] if i + 1 < len(pieces) else float("inf")
        for segment in segments:
            shifted = segment.shifted(offset)
            middle = (shifted.start + shifted.end) / 2
            if nominal <= middle < next_nominal:
                merged.append(shifted)
    return merged


class OpenAITranscriber:
    """OpenAI transcription with segment timestamps (whisper-1 verbose_json, or the diarizing model)."""

    english_only = False

    def __init__(
        self,
        model: str = "whisper-1",
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 300.0,
        max_retries: int = 2,
        upload_limit: int = UPLOAD_LIMIT_BYTES,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.name = f"{model} at {_where(base_url)}" if base_url else f"OpenAI {model}"
        self.upload_limit = upload_limit
        self._client = _client(api_key, base_url, timeout, max_retries, http_client)
        if model.startswith("gpt-4o") and "diarize" not in model:
            raise AIError(
                f"{model} returns no timestamps. Set MLSTUDIO_TRANSCRIPTION_MODEL to whisper-1 "
                "or gpt-4o-transcribe-diarize."
            )

    def max_piece_seconds(self) -> float:
        by_size = (self.upload_limit * 0.9) / (PIECE_BITRATE_KBPS * 1000 / 8)
        return min(by_size, DURATION_LIMITS.get(self.model, float("inf")))

    def transcribe(self, audio: Path, progress: Progress = no_progress) -> TranscriptionResult:
        from core.media.ffmpeg import cut_piece, detect_silences, plan_cuts, probe

        duration = probe(audio).duration
        max_piece = self.max_piece_seconds()
        cuts = plan_cuts(duration, detect_silences(audio) if duration > max_piece else [], max_piece, OVERLAP_SECONDS)
        pieces: list[tuple[float, float, list[Segment]]] = []
        nominal = 0.0
        with tempfile.TemporaryDirectory(prefix="mlstudio-openai-") as tmp:
            for number, (start, end) in enumerate(cuts):
                progress(number / len(cuts), f"Uploading piece {number + 1} of {len(cuts)}")
                path = cut_piece(
                    audio,
                    Path(tmp) / f"piece{number}.mp3",
                    start,
                    end,
                    ["-ac", "1", "-ar", "16000", "-c:a", "libmp3lame", "-b:a", f"{PIECE_BITRATE_KBPS}k"],
                )
                pieces.append((start, nominal, self._transcribe_piece(path)))
                nominal = end
        progress(1.0, "Transcribed")
        return TranscriptionResult(merge_pieces(pieces), "", None, duration)

    def _transcribe_piece(self, path: Path) -> list[Segment]:
        diarize = "diarize" in self.model
        try:
            with path.open("rb") as handle:
                if diarize:
                    response = self._client.audio.transcriptions.create(
                        model=self.model, file=handle, response_format="diarized_json", chunking_strategy="auto"
                    )
                else:
                    response = self._client.audio.transcriptions.create(
                        model=self.model,
                        file=handle,
                        response_format="verbose_json",
                        timestamp_granularities=["segment"],
                    )
        except Exception as exc:
            raise translate_error(exc, self.base_url) from exc
        segments = getattr(response, "segments", None) or []
        result = []
        for seg in segments:
            get = seg.get if isinstance(seg, dict) else lambda k, s=seg: getattr(s, k, None)
            text = str(get("text") or "").strip()
            if text:
                result.append(Segment(float(get("start") or 0), float(get("end") or 0), text, get("speaker")))
        return result


class OpenAISpeech:
    def __init__(
        self,
        model: str = "gpt-4o-mini-tts",
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 2,
    ) -> None:
        self.model = model
        self.base_url = base_url
        self.name = f"OpenAI {model}"
        self._client = _client(api_key, base_url, timeout, max_retries)

    def voices(self) -> list[Voice]:
        names = TTS_1_VOICES if self.model.startswith("tts-1") else OPENAI_VOICES
        return [Voice(v, v.capitalize()) for v in names]

    def synthesize(self, text: str, voice: str | None = None) -> SpeechAudio:
        if not text.strip():
            raise AIError("There is no text to speak.")
        parts: list[bytes] = []
        for piece in split_sentences(text, TTS_CHAR_LIMIT):
            try:
                response = self._client.audio.speech.create(
                    model=self.model, voice=voice or "alloy", input=piece, response_format="mp3"
                )
            except Exception as exc:
                raise translate_error(exc, self.base_url) from exc
            parts.append(response.content)
        return SpeechAudio(b"".join(parts), "audio/mpeg")
