import pytest

from core.ai.base import Segment
from core.videos.study.checks import normalize, question_problem, similar, supported_by
from core.videos.study.model import StudyError
from core.videos.study.offline import StudyMaterial, make_flashcards, make_quiz, prepare, summarize
from tests.study.lecture import CHAPTERS, lecture_segments


def test_chapters_follow_the_topic_shifts(material: StudyMaterial) -> None:
    assert len(material.chapters) == len(CHAPTERS)
    sizes = [len(sentences) for sentences in CHAPTERS.values()]
    assert [len(c.sentences) for c in material.chapters] == sizes
    starts = [c.start for c in material.chapters]
    assert starts == sorted(starts)


def test_summary_names_every_chapter_in_a_fifth_of_the_sentences(material: StudyMaterial) -> None:
    summary = summarize(material)
    assert len(summary.points) == len(CHAPTERS)
    for point, chapter, topic in zip(summary.points, material.chapters, CHAPTERS, strict=True):
        assert topic in f"{chapter.title} {point.text}".lower(), (topic, chapter.title, point.text)
        assert chapter.start <= point.start <= chapter.end
        assert all(chapter.start <= c.start <= chapter.end for c in point.children)
        assert len(point.children) <= 3
    used = {p.text for p in [*summary.points, *(c for p in summary.points for c in p.children)]}
    assert len(used) <= 0.2 * len(material.sentences)
    assert summary.overview and {p.text for p in summary.overview} <= used


def test_quiz_questions_are_sound_distinct_and_spread(material: StudyMaterial) -> None:
    quiz = make_quiz(material, count=10, seed=3).items
    assert len(quiz) == 10
    for question in quiz:
        assert question_problem(question) is None
        assert supported_by(question.answer_text, question.evidence)
        assert question.answer_text.lower() not in question.question.lower().replace("_____", "")
        assert len({normalize(o) for o in question.options}) == 4
    assert len({q.question for q in quiz}) == len(quiz)
    assert all(similar(a.question, b.question) < 0.85 for i, a in enumerate(quiz) for b in quiz[i + 1 :])
    assert {q.chapter for q in quiz} == {0, 1, 2}
    assert len({q.answer for q in quiz}) > 1, "the correct letter should not always be the same"


def test_quiz_says_when_the_video_supports_fewer_questions(material: StudyMaterial) -> None:
    result = make_quiz(material, count=200)
    assert 10 <= len(result.items) < 200
    assert "fewer than the 200 asked for" in result.notes[0]


def test_flashcards_are_mixed_and_timed(material: StudyMaterial) -> None:
    cards = make_flashcards(material, count=20).items
    assert len(cards) == 20
    kinds = {c.kind for c in cards}  # true/false cards come only when a chapter has room left for them
    assert {"term", "concept", "cloze"} <= kinds <= {"term", "concept", "cloze", "true_false"}
    assert len({c.id for c in cards}) == len(cards)
    for card in cards:
        assert card.front.strip() and card.back.strip()
        assert 0 <= card.start <= material.sentences[-1].end
    false_cards = [c for c in cards if c.kind == "true_false" and c.back.startswith("False")]
    for card in false_cards:
        quoted = card.back.split('"')[1]
        assert quoted != card.front.removeprefix("True or false: ")


def test_same_input_gives_the_same_material(material: StudyMaterial) -> None:
    assert make_quiz(material, 5, seed=1).items == make_quiz(material, 5, seed=1).items
    assert [c.id for c in make_flashcards(material, 8).items] == [c.id for c in make_flashcards(material, 8).items]


@pytest.mark.parametrize("segments", [[], [Segment(0, 3, "Hello and welcome.")], lecture_segments()[:3]])
def test_too_short_a_transcript_says_how_much_is_needed(segments, embedder) -> None:
    with pytest.raises(StudyError, match="at least 60"):
        prepare(segments, embedder)
