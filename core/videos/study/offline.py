"""The offline study engine (no LLM): summary, quiz and flashcards from the transcript itself."""

from __future__ import annotations

from core.videos.study.cards import make_flashcards
from core.videos.study.material import StudyMaterial, prepare
from core.videos.study.model import Flashcard, QuizQuestion, StudyResult, Summary
from core.videos.study.quiz import make_quiz
from core.videos.study.summary import summarize

__all__ = ["OfflineStudyEngine", "StudyMaterial", "make_flashcards", "make_quiz", "prepare", "summarize"]


class OfflineStudyEngine:
    """The offline engine behind the same interface as `LLMStudyBuilder`."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def summarize(self, material: StudyMaterial) -> StudyResult[Summary]:
        return StudyResult([summarize(material)])

    def make_quiz(self, material: StudyMaterial, count: int = 10) -> StudyResult[QuizQuestion]:
        return make_quiz(material, count, self.seed)

    def make_flashcards(self, material: StudyMaterial, count: int = 20) -> StudyResult[Flashcard]:
        return make_flashcards(material, count, self.seed)
