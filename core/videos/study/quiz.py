"""The offline quiz: cloze questions from central sentences; the answer is a key term or a number, the
distractors are other key terms or numbers of the same video."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.videos.chunks import TimedSentence
from core.videos.study.chapters import (
    central_order,
    chapter_vectors,
)
from core.videos.study.checks import is_near_duplicate, question_problem, shuffled
from core.videos.study.material import BLANK, NUMBER, SIGNPOSTS, StudyMaterial
from core.videos.study.model import (
    QuizQuestion,
    StudyResult,
)
from core.videos.transcript import format_timestamp


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
