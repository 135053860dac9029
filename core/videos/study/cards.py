"""The offline flashcards: term/definition, cloze, concept and true/false cards."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from core.videos.chunks import TimedSentence
from core.videos.study.checks import dedupe_cards
from core.videos.study.material import DEFINITION, StudyMaterial
from core.videos.study.model import (
    Flashcard,
    StudyResult,
)
from core.videos.study.quiz import _clozes, _contains, _distractors
from core.videos.study.summary import summarize
from core.videos.transcript import format_timestamp


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
