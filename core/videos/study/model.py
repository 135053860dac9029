"""What the study tools produce: chapters, a three-level summary, quiz questions, flashcards.

Every item carries `start` (seconds): the moment of the video it comes from, so the page can seek there.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Literal, TypeVar

from core.errors import UserError
from core.videos.chunks import TimedSentence

CardKind = Literal["term", "concept", "cloze", "true_false"]
T = TypeVar("T")
LETTERS = "ABCD"


@dataclass(frozen=True)
class Chapter:
    index: int
    title: str
    start: float
    end: float
    sentences: tuple[TimedSentence, ...]
    keyphrases: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class SummaryPoint:
    text: str
    start: float
    children: tuple[SummaryPoint, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "children": [c.to_dict() for c in self.children]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SummaryPoint:
        children = tuple(cls.from_dict(c) for c in data.get("children", []))
        return cls(str(data["text"]), float(data["start"]), children)


@dataclass(frozen=True)
class Summary:
    """Level 1: `points` (one per chapter); level 2: their children; level 3: the children's children."""

    overview: tuple[SummaryPoint, ...]
    points: tuple[SummaryPoint, ...]
    chapter_titles: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "overview": [p.to_dict() for p in self.overview],
            "points": [p.to_dict() for p in self.points],
            "chapter_titles": list(self.chapter_titles),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(
            tuple(SummaryPoint.from_dict(p) for p in data["overview"]),
            tuple(SummaryPoint.from_dict(p) for p in data["points"]),
            tuple(str(t) for t in data["chapter_titles"]),
        )


@dataclass(frozen=True)
class QuizQuestion:
    question: str
    options: tuple[str, str, str, str]
    answer: int  # index into options
    explanation: str
    evidence: str
    start: float
    chapter: int

    @property
    def answer_letter(self) -> str:
        return LETTERS[self.answer]

    @property
    def answer_text(self) -> str:
        return self.options[self.answer]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuizQuestion:
        options = tuple(str(o) for o in data["options"])
        if len(options) != 4:
            raise ValueError("a question needs exactly four options")
        return cls(
            question=str(data["question"]),
            options=(options[0], options[1], options[2], options[3]),
            answer=int(data["answer"]),
            explanation=str(data["explanation"]),
            evidence=str(data["evidence"]),
            start=float(data["start"]),
            chapter=int(data["chapter"]),
        )


@dataclass(frozen=True)
class Flashcard:
    kind: CardKind
    front: str
    back: str
    start: float
    chapter: int = 0
    end: float | None = None  # where its moment of the video ends (None: the page picks a short clip)

    @property
    def id(self) -> str:
        """Stable across runs: the same card text gives the same id (used for review state and Anki guids)."""
        digest = hashlib.sha1(f"{self.kind}\x1f{self.front}\x1f{self.back}".encode()).hexdigest()
        return digest[:16]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Flashcard:
        kind = str(data["kind"])
        if kind not in ("term", "concept", "cloze", "true_false"):
            raise ValueError(f"unknown card kind {kind!r}")
        end = data.get("end")
        return cls(
            kind,  # type: ignore[arg-type]
            str(data["front"]),
            str(data["back"]),
            float(data["start"]),
            int(data.get("chapter", 0)),
            None if end is None else float(end),
        )


@dataclass
class StudyResult(Generic[T]):
    """Items produced, and plain notes on anything short of what was asked (too few items, retries)."""

    items: list[T]
    notes: list[str] = field(default_factory=list)


class StudyError(UserError, ValueError):
    """The transcript cannot support the requested material; the message says what is needed."""
