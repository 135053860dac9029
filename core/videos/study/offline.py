"""The offline study engine (no LLM): summary, quiz and flashcards from the transcript itself.

- Summary: chapters by topic shift; per chapter its most central sentence (main point), the next
  central ones (sub-points) and the sentences closest to each sub-point (details).
- Quiz: cloze questions from central sentences; the answer is a key term (YAKE) or a number, the
  distractors are other key terms or numbers of the same video.
- Flashcards: term/definition, cloze, concept and true/false cards from the same material.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from core.ai.base import Embedder, Segment
from core.videos.chunks import TimedSentence
from core.videos.study.chapters import (
    central_order,
    chapter_vectors,
    embed_sentences,
    keyphrases,
    split_into_chapters,
    transcript_sentences,
    unit_centroid,
)
from core.videos.study.checks import dedupe_cards, is_near_duplicate, question_problem, shuffled
from core.videos.study.model import (
    Chapter,
    Flashcard,
    QuizQuestion,
    StudyResult,
    Summary,
    SummaryPoint,
)
from core.videos.transcript import format_timestamp

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?%)?(?![\w])")
BLANK = "_____"
SIGNPOSTS = {
    "today",
    "now",
    "finally",
    "next",
    "so",
    "welcome",
    "thank",
    "thanks",
    "let",
    "well",
    "okay",
    "ok",
}
DEFINITION = r"\s+(?:is|are|was|were|means|refers to|describes|stands for)\b"


@dataclass(frozen=True)
class StudyMaterial:
    """A transcript prepared once for every study tool: sentences, their embeddings, chapters."""

    sentences: tuple[TimedSentence, ...]
    vectors: np.ndarray
    chapters: tuple[Chapter, ...]
    terms: tuple[str, ...]  # key terms of the whole video, best first
    numbers: tuple[str, ...]  # distinct numbers said in the video


def prepare(segments: Sequence[Segment], embedder: Embedder) -> StudyMaterial:
    sentences = transcript_sentences(segments)
    vectors = embed_sentences(embedder, sentences)
    chapters = split_into_chapters(sentences, vectors, embedder)
    text = " ".join(s.text for s in sentences)
    terms = _terms(keyphrases([text], embedder, [unit_centroid(vectors)], top=30)[0], chapters)
    numbers = tuple(dict.fromkeys(m.group().strip() for s in sentences for m in NUMBER.finditer(s.text)))
    return StudyMaterial(tuple(sentences), vectors, tuple(chapters), terms, numbers)


def _terms(found: list[str], chapters: Sequence[Chapter]) -> tuple[str, ...]:
    for chapter in chapters:
        found.extend(chapter.keyphrases)
    unique: dict[str, str] = {}
    for term in found:
        unique.setdefault(term.lower(), term)
    return tuple(unique.values())


# ---------------------------------------------------------------- summary


def summarize(material: StudyMaterial, sub_points: int = 3, details: int = 2) -> Summary:
    points = []
    for chapter, vectors in zip(material.chapters, chapter_vectors(material.chapters, material.vectors), strict=True):
        order = central_order(vectors)
        main, subs = order[0], sorted(order[1 : 1 + sub_points])
        used = {main, *subs}
        children = []
        for sub in subs:
            closeness = vectors @ vectors[sub]
            near = [int(i) for i in np.argsort(-closeness) if int(i) not in used][:details]
            used.update(near)
            children.append(
                SummaryPoint(
                    chapter.sentences[sub].text,
                    chapter.sentences[sub].start,
                    tuple(SummaryPoint(chapter.sentences[i].text, chapter.sentences[i].start) for i in sorted(near)),
                )
            )
        points.append(SummaryPoint(chapter.sentences[main].text, chapter.sentences[main].start, tuple(children)))
    overview_idx = sorted(central_order(material.vectors)[: min(5, len(material.chapters) + 2)])
    overview = tuple(SummaryPoint(material.sentences[i].text, material.sentences[i].start) for i in overview_idx)
    return Summary(overview, tuple(points), tuple(c.title for c in material.chapters))


# ---------------------------------------------------------------- quiz


@dataclass(frozen=True)
class Cloze:
    sentence: TimedSentence
    answer: str
    kind: str  # "number" | "term"
    chapter: int

    @property
    def prompt(self) -> str:
        pattern = re.compile(rf"(?<!\w){re.escape(self.answer)}(?!\w)", re.IGNORECASE)
        return pattern.sub(BLANK, self.sentence.text, count=1)


def _contains(sentence: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", sentence, re.IGNORECASE) is not None


def _clozes(material: StudyMaterial) -> Iterator[list[Cloze]]:
    """Per chapter, cloze candidates from its sentences, most central first."""
    for chapter, vectors in zip(material.chapters, chapter_vectors(material.chapters, material.vectors), strict=True):
        terms = [*chapter.keyphrases, *material.terms]
        candidates = []
        order = central_order(vectors)
        # Sentences that only announce a topic ("Now let us turn to ...") make poor questions: last.
        order.sort(key=lambda i: _is_signpost(chapter.sentences[i].text))
        for i in order:
            sentence = chapter.sentences[i]
            if len(sentence.text.split()) < 6:
                continue
            term = next((t for t in terms if _contains(sentence.text, t) and len(t) < len(sentence.text) / 2), None)
            if term is not None:
                candidates.append(Cloze(sentence, _as_written(sentence.text, term), "term", chapter.index))
            number = NUMBER.search(sentence.text)
            if number is not None:
                candidates.append(Cloze(sentence, number.group().strip(), "number", chapter.index))
        yield candidates


def _is_signpost(sentence: str) -> bool:
    first = re.match(r"\W*(\w+)", sentence)
    return bool(first and first[1].lower() in SIGNPOSTS)


def _as_written(sentence: str, term: str) -> str:
    match = re.search(rf"(?<!\w){re.escape(term)}(?!\w)", sentence, re.IGNORECASE)
    return match.group() if match else term


def _distractors(cloze: Cloze, material: StudyMaterial, rng: random.Random, count: int = 3) -> list[str] | None:
    answer_words = set(cloze.answer.lower().split())
    if cloze.kind == "number":
        pool = [n for n in material.numbers if n != cloze.answer and not _contains(cloze.sentence.text, n)]
        value = _number_value(cloze.answer)
        pool.sort(key=lambda n: abs(_number_value(n) - value))
    else:
        pool = [
            t
            for t in material.terms
            if not _contains(cloze.sentence.text, t)
            and not answer_words & set(t.lower().split())
            and not NUMBER.fullmatch(t)
        ]
        size = len(cloze.answer.split())
        plural = _plural(cloze.answer)
        pool.sort(key=lambda t: (abs(len(t.split()) - size), _plural(t) != plural))
        pool = pool[: count * 3]
        rng.shuffle(pool)
    chosen: list[str] = []
    for option in pool:
        if option.lower() not in {c.lower() for c in chosen}:
            chosen.append(_match_case(option, cloze.answer))
        if len(chosen) == count:
            return chosen
    return None


def _plural(term: str) -> bool:
    last = term.split()[-1].lower()
    return last.endswith("s") and not last.endswith("ss")


def _number_value(text: str) -> float:
    try:
        return float(re.sub(r"[^\d.]", "", text.replace(",", ".")) or 0)
    except ValueError:
        return 0.0


def _match_case(option: str, answer: str) -> str:
    if answer[:1].isupper() and option[:1].islower():
        return option[:1].upper() + option[1:]
    proper_noun = all(word[:1].isupper() for word in option.split())
    if answer[:1].islower() and option[:1].isupper() and not proper_noun:
        return option[:1].lower() + option[1:]
    return option


def _question(cloze: Cloze, distractors: list[str]) -> QuizQuestion:
    return QuizQuestion(
        question=f"Fill in the blank: {cloze.prompt}",
        options=(cloze.answer, distractors[0], distractors[1], distractors[2]),
        answer=0,
        explanation=f'At {format_timestamp(cloze.sentence.start)} the video says: "{cloze.sentence.text}"',
        evidence=cloze.sentence.text,
        start=cloze.sentence.start,
        chapter=cloze.chapter,
    )


def make_quiz(material: StudyMaterial, count: int = 10, seed: int = 0) -> StudyResult[QuizQuestion]:
    """Up to `count` questions spread round-robin over the chapters."""
    if count < 1:
        raise ValueError("ask for at least one question")
    rng = random.Random(seed)
    queues = [iter(candidates) for candidates in _clozes(material)]
    questions: list[QuizQuestion] = []
    rejected = 0
    while len(questions) < count and queues:
        for queue in list(queues):
            if len(questions) >= count:
                break
            for cloze in queue:
                distractors = _distractors(cloze, material, rng)
                if distractors is None:
                    continue
                question = _question(cloze, distractors)
                if question_problem(question) or is_near_duplicate(question, questions):
                    rejected += 1
                    continue
                questions.append(shuffled(question, rng))
                break
            else:
                queues.remove(queue)
    result = StudyResult(questions)
    if len(questions) < count:
        result.notes.append(
            f"This video supports {len(questions)} distinct questions, fewer than the {count} asked for. "
            "A longer video, or one with more named terms and numbers, gives more."
        )
    return result


# ---------------------------------------------------------------- flashcards


def _term_card(term: str, material: StudyMaterial) -> Flashcard | None:
    containing = [s for s in material.sentences if _contains(s.text, term) and len(s.text.split()) >= 5]
    if not containing:
        return None
    defining = [s for s in containing if re.search(rf"(?<!\w){re.escape(term)}{DEFINITION}", s.text, re.IGNORECASE)]
    sentence = (defining or containing)[0]
    chapter = _chapter_of(sentence, material)
    return Flashcard("term", term[:1].upper() + term[1:], sentence.text, sentence.start, chapter)


def _chapter_of(sentence: TimedSentence, material: StudyMaterial) -> int:
    return next((c.index for c in material.chapters if sentence in c.sentences), 0)


def make_flashcards(material: StudyMaterial, count: int = 20, seed: int = 0) -> StudyResult[Flashcard]:
    """Mixed cards — term/definition, cloze, concept question, true/false — up to `count`."""
    rng = random.Random(seed)
    term_cards = iter([c for t in material.terms if (c := _term_card(t, material)) is not None])
    cloze_cards = iter(
        Flashcard("cloze", c.prompt, f"{c.answer}\n\n{c.sentence.text}", c.sentence.start, c.chapter)
        for candidates in _clozes(material)
        for c in candidates[:4]
    )
    concept_cards = iter(
        Flashcard(
            "concept",
            f"What does the video explain about {chapter.title.lower()}?",
            point.text + "".join(f"\n- {child.text}" for child in point.children),
            point.start,
            chapter.index,
        )
        for chapter, point in zip(material.chapters, summarize(material, sub_points=2, details=0).points, strict=True)
    )
    true_false_cards = iter(_true_false_cards(material, rng))
    sources = [term_cards, cloze_cards, concept_cards, true_false_cards]
    cards: list[Flashcard] = []
    while len(cards) < count and sources:
        for source in list(sources):
            card = next(source, None)
            if card is None:
                sources.remove(source)
                continue
            cards = dedupe_cards([*cards, card])
            if len(cards) >= count:
                break
    result = StudyResult(sorted(cards, key=lambda c: c.start))
    if len(cards) < count:
        result.notes.append(f"This video supports {len(cards)} distinct cards, fewer than the {count} asked for.")
    return result


def _true_false_cards(material: StudyMaterial, rng: random.Random) -> Iterator[Flashcard]:
    for index, candidates in enumerate(_clozes(material)):
        for cloze in candidates[:2]:
            said = f'At {format_timestamp(cloze.sentence.start)} the video says: "{cloze.sentence.text}"'
            if index % 2 == 0:
                distractors = _distractors(cloze, material, rng, count=1)
                if distractors:
                    pattern = re.compile(rf"(?<!\w){re.escape(cloze.answer)}(?!\w)", re.IGNORECASE)
                    statement = pattern.sub(distractors[0], cloze.sentence.text, count=1)
                    yield Flashcard(
                        "true_false",
                        f"True or false: {statement}",
                        f"False. {said}",
                        cloze.sentence.start,
                        cloze.chapter,
                    )
                    continue
            yield Flashcard(
                "true_false",
                f"True or false: {cloze.sentence.text}",
                f"True. {said}",
                cloze.sentence.start,
                cloze.chapter,
            )


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
