"""What a user does with one video that must outlive a session: the chat and a quiz in progress.

Plain typed records with a JSON form; the library stores them per video (`Library.chat`,
`Library.quiz_progress`), so a reload or a shared link shows the same conversation and quiz.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from core.videos.transcript import format_timestamp

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Citation:
    number: int
    start: float
    end: float
    text: str

    @property
    def label(self) -> str:
        return format_timestamp(self.start)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Citation:
        return cls(int(data["number"]), float(data["start"]), float(data["end"]), str(data["text"]))


@dataclass(frozen=True)
class ChatTurn:
    """One message of the chat with a video: the user's question or the answer with its citations."""

    role: Role
    content: str
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "content": self.content, "citations": [c.to_dict() for c in self.citations]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChatTurn:
        role = str(data["role"])
        if role not in ("user", "assistant"):
            raise ValueError(f"unknown chat role {role!r}")
        citations = tuple(Citation.from_dict(c) for c in data.get("citations") or ())
        return cls("user" if role == "user" else "assistant", str(data["content"]), citations)


@dataclass(frozen=True)
class QuizProgress:
    """Where a user is in one quiz: the quiz it belongs to (`quiz`, a key of its questions), the
    question on screen and the options chosen so far (question number → option number)."""

    quiz: str
    position: int = 0
    answers: Mapping[int, int] = field(default_factory=dict)

    def chosen(self, question: int) -> int | None:
        return self.answers.get(question)

    def with_answer(self, question: int, option: int) -> QuizProgress:
        return replace(self, answers={**self.answers, question: option})

    def next(self) -> QuizProgress:
        return replace(self, position=self.position + 1)

    def finished(self, questions: int) -> bool:
        return self.position >= questions

    def correct(self, answers: Sequence[int]) -> list[bool]:
        """Per question (given each question's right option), whether the chosen option was right."""
        return [self.answers.get(i) == right for i, right in enumerate(answers)]

    def to_dict(self) -> dict[str, Any]:
        return {"quiz": self.quiz, "position": self.position, "answers": {str(k): v for k, v in self.answers.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QuizProgress:
        answers = {int(k): int(v) for k, v in dict(data.get("answers") or {}).items()}
        return cls(str(data["quiz"]), max(0, int(data.get("position", 0))), answers)


def speakable(text: str) -> str:
    """An answer as it should be read aloud: without citation marks like [2]."""
    return re.sub(r"\s*\[\d+\]", "", text).replace("From the video:", "The video says:")
