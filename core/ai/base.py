"""One small interface per AI capability, and the error every backend raises.

Backends: `core.ai.local` (embedded, no key, no internet), `core.ai.openai_backend` (OpenAI and any
OpenAI-compatible endpoint). `core.ai.factory` builds the ones the settings select.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from core.errors import UserError

Role = Literal["system", "user", "assistant"]

#: progress(fraction 0..1, message) — called by long operations; may raise to cancel.
Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    """The default progress callback: does nothing."""


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Word:
    """One recognized word with its time and the recognizer's confidence (0..1)."""

    word: str
    start: float
    end: float
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return {"w": self.word, "s": round(self.start, 3), "e": round(self.end, 3), "p": round(self.probability, 3)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Word:
        return cls(str(data["w"]), float(data["s"]), float(data["e"]), float(data["p"]))


@dataclass(frozen=True)
class Segment:
    """A timestamped piece of transcript (seconds from the start of the media).

    `words` is empty unless the recognizer gave per-word times and confidences (the local one does).
    """

    start: float
    end: float
    text: str
    speaker: str | None = None
    words: tuple[Word, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"start": round(self.start, 3), "end": round(self.end, 3), "text": self.text}
        if self.speaker:
            data["speaker"] = self.speaker
        if self.words:
            data["words"] = [w.to_dict() for w in self.words]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        words = tuple(Word.from_dict(w) for w in data.get("words") or ())
        return cls(float(data["start"]), float(data["end"]), str(data["text"]), data.get("speaker") or None, words)

    def shifted(self, offset: float) -> Segment:
        words = tuple(Word(w.word, w.start + offset, w.end + offset, w.probability) for w in self.words)
        return Segment(self.start + offset, self.end + offset, self.text, self.speaker, words)

    def clamped(self, duration: float | None) -> Segment:
        """Times (the words' too) kept inside 0..duration, and every end at or after its start."""
        limit = float("inf") if not duration or duration <= 0 else float(duration)

        def inside(value: float) -> float:
            return min(max(0.0, value), limit)

        start = inside(self.start)
        words = tuple(
            Word(w.word, inside(w.start), max(inside(w.start), inside(w.end)), w.probability) for w in self.words
        )
        return Segment(start, max(start, inside(self.end)), self.text, self.speaker, words)


@dataclass(frozen=True)
class TranscriptionResult:
    segments: list[Segment]
    language: str = "en"
    #: Mean log-probability of the decoded tokens (None when the backend does not say).
    avg_logprob: float | None = None
    duration: float | None = None


@dataclass(frozen=True)
class Voice:
    id: str
    label: str


@dataclass(frozen=True)
class SpeechAudio:
    data: bytes
    mime: str  # "audio/wav" or "audio/mpeg"


class AIError(UserError, RuntimeError):
    """A backend failed in a way a user can act on. `str(error)` is a short message saying what to do."""

    retryable = False


class AuthError(AIError):
    pass


class RateLimitError(AIError):
    retryable = True


class ServiceError(AIError):
    retryable = True


class TimeoutFailure(AIError):
    retryable = True


class OfflineError(AIError):
    retryable = True


class Cancelled(Exception):
    """Raised inside long work when the user pressed Cancel."""


@runtime_checkable
class ChatModel(Protocol):
    name: str

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...

    def structured(self, messages: Sequence[Message], schema: dict[str, Any]) -> dict[str, Any]:
        """A JSON object that validates against `schema` (a JSON schema with a "title")."""
        ...


@runtime_checkable
class Embedder(Protocol):
    name: str

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


@runtime_checkable
class Transcriber(Protocol):
    name: str
    #: True when it transcribes English only (the embedded tiny.en).
    english_only: bool

    def transcribe(self, audio: Path, progress: Progress = no_progress) -> TranscriptionResult: ...


@runtime_checkable
class SpeechSynthesizer(Protocol):
    name: str

    def voices(self) -> list[Voice]: ...

    def synthesize(self, text: str, voice: str | None = None) -> SpeechAudio: ...
