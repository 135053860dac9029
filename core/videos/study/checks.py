"""Quality rules every quiz question and card passes, whichever engine made it."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from core.videos.study.model import Flashcard, QuizQuestion

NEAR_DUPLICATE = 0.85


def normalize(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s%.]", " ", text.lower())).strip(" .")


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, normalize(a), normalize(b)).ratio()


def supported_by(answer: str, evidence: str) -> bool:
    """True when the evidence passage states the answer: all its content words occur in the passage."""
    words = [w for w in normalize(answer).split() if len(w) > 2 or w.isdigit()]
    passage = f" {normalize(evidence)} "
    if not words:
        return f" {normalize(answer)} " in passage
    return all(re.search(rf"\b{re.escape(w)}\b", passage) for w in words)


FILLER = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "is", "are", "was", "were", "it", "its"}


def differ_in_content(a: str, b: str) -> bool:
    """True when two texts differ in a content word, not only in articles or a plural s.

    "In 1907 Stevens resigned" and "In 1904 Stevens resigned" read alike but state different facts.
    """
    words_a, words_b = set(normalize(a).split()), set(normalize(b).split())
    stems = {w.removesuffix("s") for w in words_a} & {w.removesuffix("s") for w in words_b}
    return any(w not in FILLER and w.removesuffix("s") not in stems for w in words_a ^ words_b)


def options_are_distinct(options: Sequence[str]) -> bool:
    normalized = [normalize(o) for o in options]
    if len(set(normalized)) != len(normalized) or any(not o for o in normalized):
        return False
    return all(
        similar(a, b) < NEAR_DUPLICATE or differ_in_content(a, b)
        for i, a in enumerate(options)
        for b in options[i + 1 :]
    )


def question_problem(question: QuizQuestion) -> str | None:
    """Why a question must be rejected, or None when it is sound."""
    if not 0 <= question.answer < 4:
        return "its answer is not one of the four options"
    if not options_are_distinct(question.options):
        return "two of its options are the same"
    if not supported_by(question.answer_text, question.evidence):
        return "its evidence passage does not state the correct answer"
    return None


def is_near_duplicate(question: QuizQuestion, kept: Iterable[QuizQuestion]) -> bool:
    return any(
        similar(question.question, other.question) >= NEAR_DUPLICATE
        or (normalize(question.answer_text) == normalize(other.answer_text) and question.evidence == other.evidence)
        for other in kept
    )


def shuffled(question: QuizQuestion, rng: random.Random) -> QuizQuestion:
    """The same question with its options in a random order (letters A–D follow the new order)."""
    order = list(range(4))
    rng.shuffle(order)
    options = tuple(question.options[i] for i in order)
    return QuizQuestion(
        question=question.question,
        options=(options[0], options[1], options[2], options[3]),
        answer=order.index(question.answer),
        explanation=question.explanation,
        evidence=question.evidence,
        start=question.start,
        chapter=question.chapter,
    )


def dedupe_cards(cards: Iterable[Flashcard]) -> list[Flashcard]:
    kept: list[Flashcard] = []
    for card in cards:
        if (
            card.front.strip()
            and card.back.strip()
            and all(similar(card.front, other.front) < NEAR_DUPLICATE for other in kept)
        ):
            kept.append(card)
    return kept
