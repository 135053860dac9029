"""Quiz and flashcard bookkeeping: which quiz a saved progress belongs to, results, the card queue."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.ai.local import MiniLMEmbedder
from core.videos.conversation import QuizProgress
from core.videos.library import Library
from core.videos.study.model import QuizQuestion
from core.videos.study.progress import (
    CardsProgress,
    card_from_question,
    progress_for,
    quiz_key,
    quiz_results,
    relative_time,
)
from core.videos.study.service import StudyService
from tests.study.lecture import lecture_segments


def question(text: str, answer: int = 0, chapter: int = 0) -> QuizQuestion:
    return QuizQuestion(text, ("a", "b", "c", "d"), answer, "Because.", "evidence", 12.0, chapter)


def test_progress_applies_only_to_the_quiz_it_was_saved_for() -> None:
    quiz = [question("One?"), question("Two?")]
    other = [question("One?"), question("Three?")]
    saved = QuizProgress(quiz_key(quiz), position=1, answers={0: 0})
    assert quiz_key(quiz) == quiz_key(list(quiz)) != quiz_key(other)
    assert progress_for(quiz, saved) is saved
    assert progress_for(other, saved) == QuizProgress(quiz_key(other))
    assert progress_for(quiz, None).position == 0


def test_results_per_chapter_and_missed_questions() -> None:
    quiz = [question("One?", 0, 0), question("Two?", 1, 1), question("Three?", 2, 5)]
    progress = QuizProgress(quiz_key(quiz), position=3, answers={0: 0, 1: 3})
    results = quiz_results(quiz, progress, ["Volcanoes", "Plants"])
    assert (results.correct, results.total, results.missed) == (1, 3, [1, 2])
    assert round(results.percent) == 33
    assert results.by_chapter == [("1. Volcanoes", "correct"), ("2. Plants", "incorrect"), ("Chapter 6", "incorrect")]


def test_card_from_a_missed_question() -> None:
    card = card_from_question(question("Fill in the blank: _____ is hot."))
    assert (card.kind, card.front, card.start) == ("cloze", "_____ is hot.", 12.0)
    assert card.back.startswith("a\n\nBecause.")
    assert card_from_question(question("What is lava?")).kind == "concept"


def test_card_queue_positions() -> None:
    start = CardsProgress()
    assert start.current(3) == (0, 0)
    assert start.skip(3).skip(3).skip(3).current(3) == (0, 0)  # wraps around
    assert start.reveal().revealed and not start.revealed
    shuffled = start.shuffle(4, random.Random(1))
    assert sorted(shuffled.order or ()) == [0, 1, 2, 3]
    position, index = shuffled.current(4)
    assert position == 0 and index == shuffled.order[0]
    assert shuffled.current(3) == (0, 0)  # the order is for another queue length: ignored
    rated = start.skip(5).reveal()
    assert rated.rated(5, "Due now") == CardsProgress(position=1)  # the rated card left the due queue
    assert rated.rated(5, "All cards") == CardsProgress(position=2)


def test_relative_time() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert relative_time(now + timedelta(seconds=30), now) == "now"
    assert relative_time(now + timedelta(minutes=10), now) == "in 10 min"
    assert relative_time(now + timedelta(hours=5), now) == "in 5 h"
    assert relative_time(now + timedelta(days=3), now) == "in 3 days"


def test_service_keeps_quiz_progress_and_a_new_quiz_starts_over(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    library = Library(tmp_path)
    library.create("lecture", "Three topics", "pasted", "pasted text", status="ready")
    library.save_transcript("lecture", lecture_segments())
    service = StudyService(library, embedder, None)
    questions = service.quiz("lecture", 3).items
    progress = service.quiz_progress("lecture", questions)
    assert progress.position == 0
    service.save_quiz_progress("lecture", progress.with_answer(0, 1).next())

    reopened = StudyService(Library(tmp_path), embedder, None)  # a reload: a new session, same library
    stored = reopened.stored_quiz("lecture")
    assert stored is not None and stored.items == questions
    restored = reopened.quiz_progress("lecture", stored.items)
    assert (restored.position, restored.chosen(0)) == (1, 1)

    again = reopened.quiz("lecture", 3, regenerate=True).items
    assert reopened.quiz_progress("lecture", again).position == 0
    reopened.save_quiz_progress("lecture", reopened.quiz_progress("lecture", again).next())
    reopened.restart_quiz("lecture", again)
    assert reopened.quiz_progress("lecture", again).position == 0
