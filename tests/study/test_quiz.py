"""The offline quiz on the tests' own lecture (volcanoes, photosynthesis, the Roman Empire; tests/study/lecture.py)."""

import re

import pytest

from core.ai.local import MiniLMEmbedder
from core.videos import language
from core.videos.study.checks import normalize, options_are_distinct, question_problem
from core.videos.study.model import QuizQuestion
from core.videos.study.offline import StudyMaterial, make_quiz
from core.videos.study.questions import wh_question
from core.videos.study.quiz import STATEMENT_STEM
from tests.study.lecture import LECTURE, lecture_segments

WH = re.compile(r"^(?:.*, )?(who|whom|by whom|where|how many|in what year|until what year|by what year)\b", re.I)
DEFINED = re.compile(r"\b(is|are) called\b|\bknown as\b|^\w+(?: \w+)? (is|are) (a|an|the)\b", re.I)


@pytest.fixture(scope="module")
def quiz(material: StudyMaterial) -> list[QuizQuestion]:
    return make_quiz(material, count=10, seed=3).items


def kind_of(question: QuizQuestion) -> str:
    stem = re.sub(r'^The video says: ".*?" ', "", question.question)
    if stem == STATEMENT_STEM:
        return "statement"
    if stem.startswith("Fill in the blank:"):
        return "cloze"
    if stem.endswith(("called?", "known as?")):
        return "definition"
    if WH.match(stem):
        return "wh"
    return "other"


def is_fact(answer: str) -> bool:
    """A number, a year, a name (capitalised where the lecture uses it mid-sentence) or a term the lecture defines."""
    if re.search(r"\d", answer):
        return True
    inner = [s for s in LECTURE if re.search(rf"(?<=\w )\b{re.escape(answer)}\b", s)]
    if inner and answer[:1].isupper():
        return True
    return any(re.search(rf"\b{re.escape(answer)}\b", s, re.I) and DEFINED.search(s) for s in LECTURE)


def option_type(option: str) -> str:
    """number, name (capitalised where the lecture uses it mid-sentence) or term."""
    if re.fullmatch(r"[\d,.]+", option):
        return "number"
    inner = [m.group() for s in LECTURE for m in re.finditer(rf"(?<=[\w,] ){re.escape(option)}\b", s, re.I)]
    if inner and all(w[:1].isupper() for written in inner for w in written.split()):
        return "name"
    return "name" if not inner and len(option.split()) > 1 and option.istitle() else "term"


def test_the_quiz_mixes_kinds_of_questions(quiz: list[QuizQuestion]) -> None:
    kinds = [kind_of(q) for q in quiz]
    assert "other" not in kinds, [q.question for q in quiz]
    assert {"wh", "definition", "statement"} <= set(kinds), kinds
    assert kinds.count("statement") == 1
    assert kinds.count("cloze") <= len(quiz) // 2


def test_answers_are_facts_of_the_lecture(quiz: list[QuizQuestion]) -> None:
    facts = [q.answer_text for q in quiz if kind_of(q) != "statement" and is_fact(q.answer_text)]
    assert len(facts) >= 0.8 * len(quiz), [q.answer_text for q in quiz]


def test_the_answer_is_never_in_the_stem_and_no_two_questions_share_one(quiz: list[QuizQuestion]) -> None:
    for q in quiz:
        stem = f" {normalize(q.question.replace('_____', ' '))} "
        assert f" {normalize(q.answer_text)} " not in stem, q.question
        assert question_problem(q) is None
    answers = [normalize(q.answer_text) for q in quiz]
    assert len(set(answers)) == len(answers)
    assert len({q.evidence for q in quiz}) == len(quiz), "one question per sentence"


def test_distractors_are_of_the_answers_type(quiz: list[QuizQuestion]) -> None:
    typed = total = 0
    for q in quiz:
        if kind_of(q) == "statement":
            continue
        wanted = option_type(q.answer_text)
        others = [o for i, o in enumerate(q.options) if i != q.answer]
        typed += sum(option_type(o) == wanted for o in others)
        total += len(others)
    assert typed >= 0.9 * total
    for q in quiz:
        if "what year" in q.question.lower():
            assert all(re.fullmatch(r"1\d{3}|20\d{2}", o) for o in q.options), q.options


def test_the_statement_question_swaps_one_fact(quiz: list[QuizQuestion]) -> None:
    (question,) = [q for q in quiz if kind_of(q) == "statement"]
    assert question.answer_text == question.evidence
    for i, option in enumerate(question.options):
        if i == question.answer:
            continue
        said, changed = question.evidence.split(), option.split()
        assert len(said) == len(changed)
        assert sum(a != b for a, b in zip(said, changed, strict=True)) == 1, option


def test_questions_cover_every_chapter_and_skip_meta_sentences(quiz: list[QuizQuestion]) -> None:
    assert {q.chapter for q in quiz} == {0, 1, 2}
    for q in quiz:
        assert language.meta_kind(q.evidence) is None, q.evidence
        assert not q.evidence.startswith(("Today we start", "Now let us turn", "Finally we leave"))


def test_the_right_option_is_not_given_away_by_its_length(quiz: list[QuizQuestion]) -> None:
    lengths = [[len(o) for o in q.options] for q in quiz]
    longest = [q for q, n in zip(quiz, lengths, strict=True) if n[q.answer] == max(n) and n.count(max(n)) == 1]
    assert len(longest) <= 0.3 * len(quiz)
    assert len({q.answer for q in quiz}) > 1


def test_statements_that_differ_in_one_fact_are_distinct_options() -> None:
    assert options_are_distinct(
        ["It opened in 1904.", "It opened in 1907.", "It opened in 1914.", "It opened in 1899."]
    )
    assert not options_are_distinct(["the lava flows", "the lava flow", "magma", "ash"])


@pytest.mark.parametrize(
    ("sentence", "answer", "phrase", "question"),
    [
        (
            "The eastern half lasted until 1453.",
            "1453",
            "until what year",
            "Until what year did the eastern half last?",
        ),
        (
            "Marie Curie won the Nobel Prize in 1903.",
            "1903",
            "in what year",
            "In what year did Marie Curie win the Nobel Prize?",
        ),
        ("The bridge was designed by Joseph Strauss.", "Joseph Strauss", "by whom", "By whom was the bridge designed?"),
        ("Joseph Strauss designed the bridge.", "Joseph Strauss", "who", "Who designed the bridge?"),
        (
            "A large tree can release about 100 kilograms of oxygen in one year.",
            "about 100",
            "how many",
            "How many kilograms of oxygen can a large tree release in one year?",
        ),
        ("The river is about 60 kilometres long.", "about 60", "how many", "How many kilometres long is the river?"),
        ("Bake the loaf for 40 minutes.", "40", "how many", "For how many minutes should you bake the loaf?"),
    ],
)
def test_a_sentence_becomes_a_question_for_its_fact(sentence: str, answer: str, phrase: str, question: str) -> None:
    (doc,) = language.parse([sentence])
    span = next(iter(doc.sents))
    start = sentence.index(answer)
    target = doc.char_span(start, start + len(answer), alignment_mode="expand")

    def wh(preposition, found, tokens):
        words = [t.text if t.i not in range(found.start, found.end) else "\0" for t in tokens]
        text = re.sub("\0( \0)*", phrase.split()[-1] if phrase == "how many" else "", " ".join(words))
        if phrase == "how many":
            return re.sub(r"\bmany\b", "how many", text, count=1).strip()
        return phrase

    assert wh_question(span, target, wh) == question


def test_an_unsure_turn_gives_no_question() -> None:
    (doc,) = language.parse(["Neil Young and Joni Mitchell played in Toronto."])
    span = next(iter(doc.sents))
    names = doc.char_span(0, len("Neil Young"))
    assert wh_question(span, names, lambda *_: "who") is None  # asking for one of two people


def test_no_question_asks_for_a_word_the_recognizer_was_unsure_of(
    material: StudyMaterial, quiz: list[QuizQuestion]
) -> None:
    from dataclasses import replace

    from core.ai.base import Word
    from core.videos.study.material import prepare

    asked = [q for q in quiz if not q.question.startswith(STATEMENT_STEM)]
    target = next(q for q in asked if len(q.answer_text.split()) <= 3)
    doubted = target.answer_text.split()[-1].strip(".,").lower()
    segments = []
    for segment in lecture_segments():
        words = tuple(
            Word(w, segment.start, segment.end, 0.2 if w.strip(".,").lower() == doubted else 0.95)
            for w in segment.text.split()
        )
        segments.append(replace(segment, words=words))
    heard = prepare(segments, MiniLMEmbedder())
    assert any(word == doubted for _, _, word in heard.unsure)
    again = make_quiz(heard, count=10, seed=3).items
    assert all(doubted not in q.answer_text.lower().split() for q in again), doubted
    assert len(again) >= len(quiz) - 2  # the rest of the quiz stays
