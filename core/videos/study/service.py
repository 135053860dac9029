"""Study material for a video in the library: built once per engine, kept with the video.

The summary and the last quiz are stored as JSON beside the transcript; the flashcard deck and its
review state live in the library database (`ReviewStore`), and so does where the user is in the quiz.
Reopening a video reuses all of it.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Protocol

from core.ai.base import ChatModel, Embedder, Progress, no_progress
from core.videos.conversation import QuizProgress
from core.videos.library import Library, safe_id
from core.videos.study.chapters import MIN_WORDS
from core.videos.study.llm import LLMStudyBuilder
from core.videos.study.model import Flashcard, QuizQuestion, StudyError, StudyResult, Summary
from core.videos.study.offline import OfflineStudyEngine, StudyMaterial, prepare
from core.videos.study.progress import fresh_progress, progress_for
from core.videos.study.review import ReviewStore, ScheduledCard

DECK_SIZE = 20  # cards made when a video is processed (the page's default count)
DEFAULT_MOMENT = 8.0  # seconds replayed for a card whose sentence cannot be found
MOMENT_SLACK = 2.0  # how far a card's start may be from its sentence's start


def with_moment(card: Flashcard, material: StudyMaterial) -> Flashcard:
    """The card with the end of its sentence's moment, if it has none (an LLM's card gives only the start)."""
    if card.end is not None:
        return card
    sentence = min(material.sentences, key=lambda s: abs(s.start - card.start), default=None)
    if sentence is None or abs(sentence.start - card.start) > MOMENT_SLACK:
        return card
    return replace(card, end=max(sentence.end, card.start + 1.0))


class StudyEngine(Protocol):
    def summarize(self, material: StudyMaterial) -> StudyResult[Summary]: ...

    def make_quiz(self, material: StudyMaterial, count: int = 10) -> StudyResult[QuizQuestion]: ...

    def make_flashcards(self, material: StudyMaterial, count: int = 20) -> StudyResult[Flashcard]: ...


class StudyService:
    def __init__(self, library: Library, embedder: Embedder, chat: ChatModel | None, seed: int = 0) -> None:
        self.library = library
        self.embedder = embedder
        self.engine: StudyEngine = OfflineStudyEngine(seed) if chat is None else LLMStudyBuilder(chat, seed=seed)
        self.engine_name = "offline engine" if chat is None else chat.name
        self.reviews = ReviewStore(library.db_path)
        self._materials: dict[str, StudyMaterial] = {}
        self._word_counts: dict[str, int] = {}  # the three study tabs ask on every rerun: read the transcript once
        self._lock = threading.Lock()

    def _file(self, kind: str) -> str:
        return f"study/{kind}.{safe_id(self.engine_name)}.json"

    def material(self, video_id: str, progress: Progress = no_progress) -> StudyMaterial:
        with self._lock:
            if video_id not in self._materials:
                segments = self.library.transcript(video_id)
                if not segments:
                    raise StudyError("This video has no transcript yet; process it first.")
                self._materials[video_id] = prepare(segments, self.embedder, progress)
            return self._materials[video_id]

    def too_short(self, video_id: str) -> str | None:
        """What to say when the transcript is certainly too short for study material (a word count, before
        any work; a longer one can still fall short once only full sentences count)."""
        words = self._word_counts.get(video_id)
        if words is None:
            words = sum(len(segment.text.split()) for segment in self.library.transcript(video_id) or [])
            with self._lock:
                self._word_counts[video_id] = words
        if words >= MIN_WORDS:
            return None
        return (
            f"The transcript has {words} words; a summary, a quiz and generated cards need at least {MIN_WORDS} "
            "(about half a minute of speech). Add a longer video or transcript, or write your own cards."
        )

    def forget_generated(self, video_id: str) -> None:
        """The transcript changed: drop the prepared material and the stored summary and quiz (of every engine)."""
        with self._lock:
            self._materials.pop(video_id, None)
            self._word_counts.pop(video_id, None)
        for stored in (self.library.folder(video_id) / "study").glob("*.json"):
            if stored.name.startswith(("summary.", "quiz.")):
                stored.unlink(missing_ok=True)
        self.reviews.forget_generated(video_id)  # the deck is made again from the new text; reviewed cards stay

    def has_summary(self, video_id: str) -> bool:
        return self.library.read_json(video_id, self._file("summary")) is not None

    def chapter_titles(self, video_id: str) -> list[str]:
        stored = self.library.read_json(video_id, self._file("summary"))
        if stored:
            return [str(t) for t in stored["summary"]["chapter_titles"]]
        return [c.title for c in self.material(video_id).chapters]

    def stored_quiz(self, video_id: str) -> StudyResult[QuizQuestion] | None:
        stored = self.library.read_json(video_id, self._file("quiz"))
        if not stored:
            return None
        return StudyResult([QuizQuestion.from_dict(q) for q in stored["questions"]], list(stored["notes"]))

    def summary(self, video_id: str, regenerate: bool = False) -> StudyResult[Summary]:
        stored = None if regenerate else self.library.read_json(video_id, self._file("summary"))
        if stored:
            return StudyResult([Summary.from_dict(stored["summary"])], list(stored.get("notes", [])))
        result = self.engine.summarize(self.material(video_id))
        if result.items:
            self.library.write_json(
                video_id, self._file("summary"), {"summary": result.items[0].to_dict(), "notes": result.notes}
            )
        return result

    def quiz(self, video_id: str, count: int, regenerate: bool = False) -> StudyResult[QuizQuestion]:
        stored = None if regenerate else self.stored_quiz(video_id)
        if stored is not None and len(stored.items) >= count:
            return StudyResult(stored.items[:count], stored.notes)
        result = self.engine.make_quiz(self.material(video_id), count)
        self.library.write_json(
            video_id,
            self._file("quiz"),
            {"count": count, "questions": [q.to_dict() for q in result.items], "notes": result.notes},
        )
        self.library.save_quiz_progress(video_id, fresh_progress(result.items))
        return result

    def quiz_progress(self, video_id: str, questions: list[QuizQuestion]) -> QuizProgress:
        """Where the user is in this quiz (kept in the library, so it survives a reload)."""
        return progress_for(questions, self.library.quiz_progress(video_id))

    def save_quiz_progress(self, video_id: str, progress: QuizProgress) -> None:
        self.library.save_quiz_progress(video_id, progress)

    def restart_quiz(self, video_id: str, questions: list[QuizQuestion]) -> None:
        self.library.save_quiz_progress(video_id, fresh_progress(questions))

    def deck(self, video_id: str) -> list[ScheduledCard]:
        return self.reviews.deck(video_id)

    def build_deck(
        self, video_id: str, count: int = DECK_SIZE, progress: Progress = no_progress
    ) -> StudyResult[ScheduledCard]:
        """(Re)generate the flashcards. The cards the user added and the cards already reviewed stay, with
        their schedule; every card gets the end of its moment, so the page can replay it."""
        material = self.material(video_id, lambda fraction, message: progress(0.9 * fraction, message))
        progress(0.9, "writing the cards")
        result = self.engine.make_flashcards(material, count)
        if result.items:
            self.reviews.save_deck(video_id, [with_moment(card, material) for card in result.items])
        return StudyResult(self.reviews.deck(video_id), result.notes)

    def ensure_deck(
        self, video_id: str, count: int = DECK_SIZE, progress: Progress = no_progress
    ) -> StudyResult[ScheduledCard] | None:
        """Build the deck if the engine has not made one for this video yet (None when it had)."""
        if self.reviews.has_generated(video_id):
            return None
        return self.build_deck(video_id, count, progress)

    def moment(self, video_id: str, card: Flashcard) -> tuple[float, float]:
        """Where the card's moment of the video starts and ends (a card that does not say: its sentence)."""
        if card.end is not None and card.end > card.start:
            return card.start, card.end
        sentences = self.material(video_id).sentences
        sentence = min(sentences, key=lambda s: abs(s.start - card.start)) if sentences else None
        if sentence is None or abs(sentence.start - card.start) > MOMENT_SLACK:
            return card.start, card.start + DEFAULT_MOMENT
        return card.start, max(sentence.end, card.start + 1.0)
