"""The LLM path of the study tools: the real OpenAI SDK (via langchain-openai) against a local double."""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import pytest

from core.ai.openai_backend import OpenAIChat
from core.videos.study.checks import question_problem
from core.videos.study.llm import LLMStudyBuilder, _spread
from core.videos.study.offline import StudyMaterial
from tests.ai.openai_double import OpenAIDouble


class ScriptedDouble(OpenAIDouble):
    """Structured replies taken in order from a queue (a callable builds one from the material)."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: deque[Any] = deque()

    @property  # type: ignore[override]
    def structured_reply(self) -> Any:
        reply = self.replies.popleft() if self.replies else {}
        return reply() if callable(reply) else reply

    @structured_reply.setter
    def structured_reply(self, value: Any) -> None:
        pass


@pytest.fixture()
def double():
    with ScriptedDouble() as server:
        yield server


def chat(double: OpenAIDouble) -> OpenAIChat:
    return OpenAIChat("gpt-test", "sk-test", double.base_url, max_retries=0)


def index_of(material: StudyMaterial, words: str) -> int:
    return next(i for i, s in enumerate(material.sentences) if words in s.text)


def good_question(material: StudyMaterial) -> dict[str, Any]:
    return {
        "question": "Which volcano is the most active in Europe?",
        "options": ["Vesuvius", "Mount Etna", "Stromboli", "Hekla"],
        "correct_option": 1,
        "explanation": "The lecture names Mount Etna in Sicily.",
        "evidence_sentence": index_of(material, "Mount Etna"),
    }


def test_quiz_rejects_unsupported_and_malformed_items_and_regenerates(
    double: ScriptedDouble, material: StudyMaterial
) -> None:
    unsupported = {**good_question(material), "options": ["Vesuvius", "Mount Fuji", "Stromboli", "Hekla"]}
    duplicate_options = {**good_question(material), "options": ["Etna", "Etna", "Hekla", "Fuji"]}
    double.replies.extend(
        [
            ["not", "an", "object"],  # malformed: a list, not the JSON object asked for -> retried
            {"questions": [unsupported, duplicate_options, "junk"]},  # all rejected -> asked again
            {"questions": [good_question(material)]},
        ]
    )
    builder = LLMStudyBuilder(chat(double), attempts=3)
    first_chapter = StudyMaterial(
        material.sentences, material.vectors, material.chapters[:1], material.terms, material.numbers
    )
    result = builder.make_quiz(first_chapter, count=1)
    assert len(result.items) == 1
    question = result.items[0]
    assert question.answer_text == "Mount Etna"
    assert question_problem(question) is None
    assert "Mount Etna" in question.evidence
    assert question.start == material.sentences[index_of(material, "Mount Etna")].start
    assert any("rejected" in note and "does not state the correct answer" in note for note in result.notes)
    requests = [r for r in double.requests if r["path"].endswith("/chat/completions")]
    assert len(requests) == 3


def test_quiz_reports_when_the_model_keeps_failing(double: ScriptedDouble, material: StudyMaterial) -> None:
    double.replies.extend([["bad"]] * 20)
    result = LLMStudyBuilder(chat(double), attempts=2).make_quiz(material, count=3)
    assert result.items == []
    assert any("failed 2 times" in note for note in result.notes)
    assert any("Produced 0 of the 3" in note for note in result.notes)


def test_summary_is_map_reduce_with_timestamps_from_cited_sentences(
    double: ScriptedDouble, material: StudyMaterial
) -> None:
    for chapter in material.chapters:
        first = material.sentences.index(chapter.sentences[0])
        double.replies.append(
            {
                "title": f"Chapter about {chapter.title}",
                "main_point": {"text": chapter.sentences[1].text, "sentence": first + 1},
                "sub_points": [
                    {
                        "text": chapter.sentences[2].text,
                        "sentence": first + 2,
                        "details": [{"text": chapter.sentences[3].text, "sentence": first + 3}],
                    },
                    {"text": "cites a sentence of another chapter", "sentence": 0 if first else 30, "details": []},
                ],
            }
        )
    double.replies.append({"points": [{"text": "Three topics.", "sentence": 1}]})
    result = LLMStudyBuilder(chat(double)).summarize(material)
    summary = result.items[0]
    assert len(summary.points) == len(material.chapters)
    assert summary.overview[0].text == "Three topics."
    for chapter, point in zip(material.chapters, summary.points, strict=True):
        assert point.start == chapter.sentences[1].start
        assert point.children[0].children[0].start == chapter.sentences[3].start
        assert point.children[1].start == chapter.start, "a citation outside the chapter falls back to its start"
    sent = [json.dumps(r) for r in double.requests]
    assert len(sent) == len(material.chapters) + 1


def test_flashcards_from_structured_output(double: ScriptedDouble, material: StudyMaterial) -> None:
    for chapter in material.chapters:
        first = material.sentences.index(chapter.sentences[0])
        double.replies.append(
            {
                "cards": [
                    {"kind": "term", "front": chapter.title, "back": chapter.sentences[1].text, "sentence": first + 1},
                    {"kind": "bogus", "front": "x", "back": "y", "sentence": first},
                ]
            }
        )
    result = LLMStudyBuilder(chat(double)).make_flashcards(material, count=3)
    assert [c.front for c in result.items] == [c.title for c in material.chapters]
    assert all(c.kind == "term" for c in result.items)


def test_questions_are_spread_over_chapters() -> None:
    assert _spread(10, [8, 8, 8]) in ([4, 3, 3], [3, 4, 3], [3, 3, 4])
    assert _spread(2, [5, 20, 10]) == [0, 1, 1]
    assert sum(_spread(17, [3, 9, 30, 1])) == 17
