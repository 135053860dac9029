"""The study tools on a real spoken lecture: Piper speaks it, faster-whisper transcribes it."""

from pathlib import Path

import pytest

from core.ai.local import MiniLMEmbedder, WhisperTranscriber
from core.videos.study.checks import question_problem, supported_by
from core.videos.study.offline import make_flashcards, make_quiz, prepare, summarize
from tests.study.lecture import CHAPTERS
from tests.videos.lecture import synthesize_lecture


@pytest.fixture(scope="module")
def spoken_segments(tmp_path_factory: pytest.TempPathFactory):
    audio = synthesize_lecture(
        tmp_path_factory.mktemp("spoken") / "three-topics.wav",
        [" ".join(sentences) for sentences in CHAPTERS.values()],
        silence_s=1.0,
    )
    return WhisperTranscriber().transcribe(Path(audio)).segments


def test_study_material_from_a_transcribed_lecture(spoken_segments, embedder: MiniLMEmbedder) -> None:
    text = " ".join(s.text for s in spoken_segments).lower()
    assert "photosynthesis" in text and "volcano" in text

    material = prepare(spoken_segments, embedder)
    summary = summarize(material)
    assert 2 <= len(summary.points) <= 4
    summary_text = " ".join(
        [
            *summary.chapter_titles,
            *(p.text for p in summary.points),
            *(c.text for p in summary.points for c in p.children),
        ]
    ).lower()
    for topic in CHAPTERS:
        assert topic in summary_text, topic
    assert len({p.text for p in summary.points} | {c.text for p in summary.points for c in p.children}) <= 0.2 * len(
        material.sentences
    )

    quiz = make_quiz(material, count=10).items
    # only fact questions, none on a word the recognizer doubted: a 24-sentence lecture supports fewer than asked
    assert 7 <= len(quiz) <= 10
    assert len({q.question for q in quiz}) == len(quiz)
    for question in quiz:
        assert question_problem(question) is None
        assert supported_by(question.answer_text, question.evidence)
        assert spoken_segments[0].start <= question.start <= spoken_segments[-1].end

    cards = make_flashcards(material, count=20).items
    assert len(cards) == 20
    assert {"term", "cloze"} <= {c.kind for c in cards}
