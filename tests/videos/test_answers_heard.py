"""The offline answer engine on a glacier talk as a transcriber hears it (not one of bench/eval_lectures.py's).

The transcript has what speech recognition leaves: a rhetorical question ending in "." instead of "?", a term misheard
("moraine" as "more rain"), a year written "1,911". Answers must still be right or say "not covered".
"""

from __future__ import annotations

import pytest

from core.ai.base import Message, Segment
from core.videos import language
from core.videos.chat import OfflineAnswerEngine
from core.videos.chunks import build_chunks
from core.videos.index import VideoIndex

HEARD = [
    "Hello everyone, and welcome to this short talk about glaciers.",
    "A glacier is a river of ice that flows downhill under its own weight.",
    "Why do glaciers move so slowly.",
    "Because the ice has to bend like very thick toothpaste, it creeps only a few centimetres a day.",
    "Snow that survives many winters is pressed into dense blue ice.",
    "Snow can turn into glacier ice without any melting.",
    "Glaciers carry rocks and soil and drop them in a long ridge called a more rain.",
    "In 1,911 the explorer Roald Amundsen climbed the Axel Heiberg Glacier on his way to the South Pole.",
    "The survey team crossed the glacier with dog sledges in 3 weeks.",
    "A later team crossed the glacier by helicopter in 5 days.",
    "Thank you for listening.",
]


def _segments() -> list[Segment]:
    return [Segment(i * 6.0, i * 6.0 + 5.5, text) for i, text in enumerate(HEARD)]


@pytest.fixture(scope="module")
def engine(embedder) -> OfflineAnswerEngine:
    segments = _segments()
    return OfflineAnswerEngine(VideoIndex.build(build_chunks(segments), embedder), segments, embedder)


def _cited(answer) -> list[int]:
    return sorted({int(c.start // 6.0) for c in answer.citations})


def _where(words: str) -> int:
    return next(i for i, text in enumerate(HEARD) if words in text)


def test_a_sentence_that_only_restates_the_question_is_no_answer(engine) -> None:
    answer = engine.ask("Why do glaciers move so slowly?").answer
    assert answer.grounded
    assert _where("Because the ice") in _cited(answer)
    assert _where("Why do glaciers") not in _cited(answer)


def test_a_defined_term_the_transcriber_misheard_is_found_by_sound(engine) -> None:
    answer = engine.ask("What is a moraine?").answer
    assert answer.grounded and _cited(answer) == [_where("more rain")]
    assert not engine.ask("What is a drumlin?").answer.grounded  # a neighbouring term the talk never gives


def test_a_year_heard_with_a_thousands_comma_answers_when(engine) -> None:
    answer = engine.ask("When did Amundsen climb the Axel Heiberg Glacier?").answer
    assert answer.text.startswith("In 1911.")
    assert _cited(answer) == [_where("Amundsen")]


def test_the_parts_of_a_two_part_question_quote_different_sentences(embedder) -> None:
    # both parts score one sentence highest on their own; the second must not quote it again
    heard = [
        "Bake it with the lid on for 20 minutes so that the steam stays inside.",
        "Then remove the lid and bake for another 25 minutes until the crust is brown.",
        "Let the bread cool for one hour before slicing.",
    ]
    segments = [Segment(i * 6.0, i * 6.0 + 5.5, text) for i, text in enumerate(heard)]
    engine = OfflineAnswerEngine(VideoIndex.build(build_chunks(segments), embedder), segments, embedder)
    answer = engine.ask("How long is the first bake with the lid on, and how long is the second bake?").answer
    assert sorted({int(c.start // 6.0) for c in answer.citations}) == [0, 1]
    assert "20 minutes" in answer.text and "25 minutes" in answer.text


def test_yes_no_is_settled_by_the_sentence_that_says_the_verb(engine) -> None:
    answer = engine.ask("Does snow have to melt to become glacier ice?").answer
    assert answer.text.startswith("No.")
    assert _cited(answer) == [_where("without any melting")]


def test_a_pronoun_after_the_question_s_own_noun_needs_no_conversation(engine) -> None:
    history = [Message("user", "What is a moraine?"), Message("assistant", "“... a more rain.” (0:36) [1]")]
    answer = engine.ask("How long did the survey team take to cross the glacier after it set out?", history).answer
    assert answer.text.startswith("3 weeks") and _cited(answer) == [_where("dog sledges")]
    (doc,) = language.parse(["Who controlled the canal after it opened?"])
    assert not language.analyse_question(doc).needs_context
    (doc,) = language.parse(["When did it open?"])
    assert language.analyse_question(doc).needs_context


def test_language_helpers_for_heard_transcripts() -> None:
    assert language.contradicts("Is it more than half the size?", "It is a little more than a quarter of it.")
    assert not language.contradicts("Is it more than half the size?", "It is about half the size.")
    assert "more rain" in language.defined_phrases("They drop them in a ridge called a more rain.")
    assert "veromy" in language.defined_phrases("Colonies were lost to the veromy, a tiny parasite.")
    (so_young, so_conjunction) = language.timed_sentences(
        [Segment(0, 4, "Workers die so young."), Segment(4, 8, "It rained, so the river rose.")]
    )
    assert not so_young.cause and so_conjunction.cause
