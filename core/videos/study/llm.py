"""Study material from a chat model (OpenAI or any OpenAI-compatible server) via structured output.

Map-reduce over the same chapters the offline engine finds: each chapter is summarized and questioned
on its own (map), then the chapter summaries are reduced to an overview. The model sees numbered
sentences and cites sentence numbers, which the code turns into timestamps and evidence passages, so
every item is checked against what the video actually says. Invalid or unsupported items are rejected
and asked for again, a bounded number of times; what could not be produced is reported in notes.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any

from core.ai.base import AIError, AuthError, ChatModel, Message
from core.videos.chunks import TimedSentence
from core.videos.study.checks import dedupe_cards, is_near_duplicate, question_problem, shuffled
from core.videos.study.material import StudyMaterial
from core.videos.study.model import Chapter, Flashcard, QuizQuestion, StudyResult, Summary, SummaryPoint

log = logging.getLogger(__name__)

SYSTEM = (
    "You write study material about one video from its transcript. Use only what the numbered "
    "sentences say; never add outside facts. Refer to sentences by their numbers."
)


def _point(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"text": {"type": "string"}, "sentence": {"type": "integer", "description": ref}},
        "required": ["text", "sentence"],
        "additionalProperties": False,
    }


CHAPTER_SUMMARY_SCHEMA: dict[str, Any] = {
    "title": "ChapterSummary",
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "a short chapter title (2-6 words)"},
        "main_point": _point("number of the sentence that states it"),
        "sub_points": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "sentence": {"type": "integer"},
                    "details": {"type": "array", "items": _point("number of the sentence that states it")},
                },
                "required": ["text", "sentence", "details"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["title", "main_point", "sub_points"],
    "additionalProperties": False,
}

OVERVIEW_SCHEMA: dict[str, Any] = {
    "title": "Overview",
    "type": "object",
    "properties": {"points": {"type": "array", "items": _point("number of the sentence it rests on")}},
    "required": ["points"],
    "additionalProperties": False,
}

QUIZ_SCHEMA: dict[str, Any] = {
    "title": "Quiz",
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "question": {"type": "string"},
                    "options": {"type": "array", "items": {"type": "string"}, "minItems": 4, "maxItems": 4},
                    "correct_option": {"type": "integer", "minimum": 0, "maximum": 3},
                    "explanation": {"type": "string"},
                    "evidence_sentence": {"type": "integer"},
                },
                "required": ["question", "options", "correct_option", "explanation", "evidence_sentence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}

CARDS_SCHEMA: dict[str, Any] = {
    "title": "Flashcards",
    "type": "object",
    "properties": {
        "cards": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["term", "concept", "cloze", "true_false"]},
                    "front": {"type": "string"},
                    "back": {"type": "string"},
                    "sentence": {"type": "integer"},
                },
                "required": ["kind", "front", "back", "sentence"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["cards"],
    "additionalProperties": False,
}


class LLMStudyBuilder:
    def __init__(self, chat: ChatModel, attempts: int = 3, seed: int = 0) -> None:
        self.chat = chat
        self.attempts = attempts
        self.seed = seed

    # ------------------------------------------------------------ plumbing

    def _ask(self, prompt: str, schema: dict[str, Any], notes: list[str]) -> dict[str, Any] | None:
        """One structured call, retried on invalid output; None (with a note) when every try failed."""
        messages = [Message("system", SYSTEM), Message("user", prompt)]
        for attempt in range(1, self.attempts + 1):
            try:
                return self.chat.structured(messages, schema)
            except AuthError:
                raise
            except AIError as exc:
                log.warning("structured output attempt %d failed: %s", attempt, exc)
                last = str(exc)
        notes.append(f"The model failed {self.attempts} times ({last}); that part is missing.")
        return None

    @staticmethod
    def _numbered(material: StudyMaterial, chapter: Chapter) -> str:
        first = material.sentences.index(chapter.sentences[0])
        return "\n".join(f"[{first + i}] {s.text}" for i, s in enumerate(chapter.sentences))

    @staticmethod
    def _sentence(material: StudyMaterial, chapter: Chapter | None, number: Any) -> TimedSentence | None:
        try:
            index = int(number)
        except (TypeError, ValueError):
            return None
        if not 0 <= index < len(material.sentences):
            return None
        sentence = material.sentences[index]
        if chapter is not None and sentence not in chapter.sentences:
            return None
        return sentence

    @staticmethod
    def _passage(material: StudyMaterial, sentence: TimedSentence) -> str:
        """The evidence passage: the cited sentence with its neighbours."""
        index = material.sentences.index(sentence)
        return " ".join(s.text for s in material.sentences[max(0, index - 1) : index + 2])

    # ------------------------------------------------------------ summary

    def summarize(self, material: StudyMaterial) -> StudyResult[Summary]:
        notes: list[str] = []
        titles: list[str] = []
        points: list[SummaryPoint] = []
        for chapter in material.chapters:
            data = self._ask(
                "Summarize this chapter of the video in three levels: one main point, 2-4 sub-points, "
                "and 1-2 details under each sub-point. Each item names the sentence number it comes "
                f"from.\n\n{self._numbered(material, chapter)}",
                CHAPTER_SUMMARY_SCHEMA,
                notes,
            )
            if data is None:
                titles.append(chapter.title)
                points.append(SummaryPoint(chapter.sentences[0].text, chapter.start))
                continue
            titles.append(str(data.get("title") or chapter.title))
            points.append(
                self._summary_point(material, chapter, data.get("main_point", {}), data.get("sub_points", []))
            )
        digest = "\n".join(f"[{material.sentences.index(self._nearest(material, p.start))}] {p.text}" for p in points)
        overview_data = self._ask(
            "Here are the main points of each chapter of a video, each with the number of the sentence it "
            f"rests on. Write an overview of the whole video in 3-5 points.\n\n{digest}",
            OVERVIEW_SCHEMA,
            notes,
        )
        overview: list[SummaryPoint] = []
        for item in _items(overview_data, "points"):
            sentence = self._sentence(material, None, item.get("sentence"))
            if sentence is not None and str(item.get("text", "")).strip():
                overview.append(SummaryPoint(str(item["text"]).strip(), sentence.start))
        if not overview:
            overview = [SummaryPoint(p.text, p.start) for p in points]
        return StudyResult([Summary(tuple(overview), tuple(points), tuple(titles))], notes)

    def _summary_point(
        self, material: StudyMaterial, chapter: Chapter, main: dict[str, Any], subs: Sequence[dict[str, Any]]
    ) -> SummaryPoint:
        def timed(item: dict[str, Any]) -> float:
            sentence = self._sentence(material, chapter, item.get("sentence"))
            return sentence.start if sentence is not None else chapter.start

        children = tuple(
            SummaryPoint(
                str(sub.get("text", "")).strip(),
                timed(sub),
                tuple(
                    SummaryPoint(str(d.get("text", "")).strip(), timed(d))
                    for d in _items(sub, "details")
                    if str(d.get("text", "")).strip()
                ),
            )
            for sub in subs
            if str(sub.get("text", "")).strip()
        )
        text = str(main.get("text", "")).strip() or chapter.sentences[0].text
        return SummaryPoint(text, timed(main), children)

    @staticmethod
    def _nearest(material: StudyMaterial, seconds: float) -> TimedSentence:
        return min(material.sentences, key=lambda s: abs(s.start - seconds))

    # ------------------------------------------------------------ quiz

    def make_quiz(self, material: StudyMaterial, count: int = 10) -> StudyResult[QuizQuestion]:
        notes: list[str] = []
        rng = random.Random(self.seed)
        quotas = _spread(count, [len(c.sentences) for c in material.chapters])
        questions: list[QuizQuestion] = []
        rejected: list[str] = []
        for chapter, quota in zip(material.chapters, quotas, strict=True):
            kept: list[QuizQuestion] = []
            for _attempt in range(self.attempts):
                missing = quota - len(kept)
                if missing <= 0:
                    break
                avoid = "".join(f"\n- {q.question}" for q in [*questions, *kept])
                data = self._ask(
                    f"Write {missing} multiple-choice questions about this chapter. Each has exactly 4 "
                    "options, one correct; the correct option must be stated in its evidence sentence. "
                    "Give a one-sentence explanation."
                    + (f"\nDo not repeat these questions:{avoid}" if avoid else "")
                    + f"\n\n{self._numbered(material, chapter)}",
                    QUIZ_SCHEMA,
                    notes,
                )
                for item in _items(data, "questions"):
                    question, problem = self._question(material, chapter, item)
                    if question is None or problem:
                        rejected.append(problem or "malformed")
                        continue
                    if is_near_duplicate(question, [*questions, *kept]):
                        rejected.append("a near-duplicate of another question")
                        continue
                    kept.append(shuffled(question, rng))
            questions.extend(kept[:quota])
        if rejected:
            notes.append(f"{len(rejected)} generated questions were rejected ({'; '.join(sorted(set(rejected)))}).")
        if len(questions) < count:
            notes.append(f"Produced {len(questions)} of the {count} questions asked for.")
        return StudyResult(questions, notes)

    def _question(
        self, material: StudyMaterial, chapter: Chapter, item: dict[str, Any]
    ) -> tuple[QuizQuestion | None, str | None]:
        options = [str(o).strip() for o in item.get("options", [])]
        if len(options) != 4:
            return None, "not exactly four options"
        sentence = self._sentence(material, chapter, item.get("evidence_sentence"))
        if sentence is None:
            return None, "its evidence is not a sentence of this chapter"
        try:
            answer = int(item.get("correct_option", -1))
        except (TypeError, ValueError):
            return None, "no correct option"
        question = QuizQuestion(
            question=str(item.get("question", "")).strip(),
            options=(options[0], options[1], options[2], options[3]),
            answer=answer,
            explanation=str(item.get("explanation", "")).strip(),
            evidence=self._passage(material, sentence),
            start=sentence.start,
            chapter=chapter.index,
        )
        if not question.question:
            return None, "an empty question"
        return question, question_problem(question)

    # ------------------------------------------------------------ flashcards

    def make_flashcards(self, material: StudyMaterial, count: int = 20) -> StudyResult[Flashcard]:
        notes: list[str] = []
        quotas = _spread(count, [len(c.sentences) for c in material.chapters])
        cards: list[Flashcard] = []
        for chapter, quota in zip(material.chapters, quotas, strict=True):
            if quota <= 0:
                continue
            data = self._ask(
                f"Write {quota} flashcards about this chapter, mixing the kinds: term (front: a term, "
                "back: its definition), concept (a question and its answer), cloze (a sentence with the "
                "key word replaced by _____, back: the word), true_false (front: a statement, back: "
                "'True.' or 'False.' and why). Each names its sentence number."
                f"\n\n{self._numbered(material, chapter)}",
                CARDS_SCHEMA,
                notes,
            )
            for item in _items(data, "cards"):
                sentence = self._sentence(material, chapter, item.get("sentence"))
                kind = item.get("kind")
                if sentence is None or kind not in ("term", "concept", "cloze", "true_false"):
                    continue
                cards.append(
                    Flashcard(
                        kind,
                        str(item.get("front", "")).strip(),
                        str(item.get("back", "")).strip(),
                        sentence.start,
                        chapter.index,
                    )
                )
        cards = dedupe_cards(cards)[:count]
        if len(cards) < count:
            notes.append(f"Produced {len(cards)} of the {count} cards asked for.")
        return StudyResult(cards, notes)


def _items(data: dict[str, Any] | None, field: str) -> list[dict[str, Any]]:
    """The objects in `data[field]`, skipping anything a malformed answer put there instead."""
    value = (data or {}).get(field)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _spread(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` over chapters in proportion to their length, at least one each while it lasts."""
    if not weights:
        return []
    quotas = [0] * len(weights)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    for i in range(total):
        if i < len(weights):
            quotas[order[i]] += 1
            continue
        # the chapter with the most sentences per question so far gets the next one
        best = max(range(len(weights)), key=lambda j: weights[j] / (quotas[j] + 1))
        quotas[best] += 1
    return quotas
