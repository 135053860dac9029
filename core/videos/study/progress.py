"""Bookkeeping of a study session, apart from drawing: quiz keys and results, the flashcard queue, due times."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from core.videos.conversation import QuizProgress
from core.videos.study.model import Flashcard, QuizQuestion

QuizOutcome = Literal["correct", "incorrect"]
CardsView = Literal["Due now", "All cards"]
CARDS_VIEWS: tuple[CardsView, ...] = ("Due now", "All cards")


def quiz_key(questions: Sequence[QuizQuestion]) -> str:
    """Names one quiz by its questions, so progress saved for another quiz is not applied to this one."""
    text = json.dumps([q.to_dict() for q in questions], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fresh_progress(questions: Sequence[QuizQuestion]) -> QuizProgress:
    return QuizProgress(quiz_key(questions))


def progress_for(questions: Sequence[QuizQuestion], stored: QuizProgress | None) -> QuizProgress:
    """The stored progress if it belongs to these questions, else a start from the first question."""
    key = quiz_key(questions)
    return stored if stored is not None and stored.quiz == key else QuizProgress(key)


def chapter_label(index: int, titles: Sequence[str]) -> str:
    return f"{index + 1}. {titles[index]}" if index < len(titles) else f"Chapter {index + 1}"


@dataclass(frozen=True)
class QuizResults:
    correct: int
    total: int
    by_chapter: list[tuple[str, QuizOutcome]]  # one row per question: its chapter label and outcome
    missed: list[int]  # numbers of the questions answered wrongly (or not at all)

    @property
    def percent(self) -> float:
        return 100 * self.correct / self.total if self.total else 0.0


def quiz_results(questions: Sequence[QuizQuestion], progress: QuizProgress, titles: Sequence[str]) -> QuizResults:
    right = progress.correct([q.answer for q in questions])
    return QuizResults(
        correct=sum(right),
        total=len(questions),
        by_chapter=[
            (chapter_label(q.chapter, titles), "correct" if ok else "incorrect")
            for q, ok in zip(questions, right, strict=True)
        ],
        missed=[i for i, ok in enumerate(right) if not ok],
    )


def card_from_question(question: QuizQuestion) -> Flashcard:
    """A flashcard that asks a missed quiz question again."""
    front = question.question.removeprefix("Fill in the blank: ")
    kind: Literal["cloze", "concept"] = "cloze" if "_____" in front else "concept"
    return Flashcard(kind, front, f"{question.answer_text}\n\n{question.explanation}", question.start, question.chapter)


@dataclass(frozen=True)
class CardsProgress:
    """Where a user is in the flashcard queue: the card shown, whether its back is shown, a shuffled order."""

    position: int = 0
    revealed: bool = False
    order: tuple[int, ...] | None = None

    def current(self, queue: int) -> tuple[int, int]:
        """(position shown to the user, index into the queue) for a queue of `queue` cards (at least one)."""
        position = self.position % queue
        order = self.order if self.order and len(self.order) == queue else None
        return position, (order[position] if order else position)

    def reveal(self) -> CardsProgress:
        return replace(self, revealed=True)

    def skip(self, queue: int) -> CardsProgress:
        return replace(self, position=self.current(queue)[0] + 1)

    def shuffle(self, queue: int, rng: random.Random | None = None) -> CardsProgress:
        order = list(range(queue))
        (rng or random.Random()).shuffle(order)
        return CardsProgress(position=0, revealed=False, order=tuple(order))

    def rated(self, queue: int, view: CardsView) -> CardsProgress:
        """After a rating: a due card leaves the due queue, so the same position shows the next one."""
        position = self.current(queue)[0]
        return CardsProgress(position=position + (view != "Due now"), revealed=False, order=None)


def relative_time(when: datetime, now: datetime) -> str:
    seconds = (when - now).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"in {seconds / 60:.0f} min"
    if seconds < 86400:
        return f"in {seconds / 3600:.0f} h"
    return f"in {seconds / 86400:.0f} days"
