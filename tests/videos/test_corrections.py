"""Correcting transcript lines: the original is kept, the index and the answers follow the new text."""

import pytest

from core.ai.base import Segment, Word
from core.videos.chat import OfflineAnswerEngine
from core.videos.corrections import (
    CorrectionError,
    correct_line,
    corrected_segment,
    is_corrected,
    revert_corrections,
    uncertain_words,
)
from core.videos.library import Library
from core.videos.pipeline import load_index, rebuild_index

# A lighthouse lecture as tiny.en hears it: the designer's name is misheard on line 2.
MISHEARD = [
    "Welcome to this short talk about lighthouses on the French coast.",
    "The lighthouse of Cordouan stands on a rock at the mouth of the Gironde estuary.",
    "Its famous lens was designed by the physicist a guest in French now in the year 1823.",
    "The lens bends the light of one lamp into a beam that sailors can see from far away.",
    "Keepers lived in the tower for centuries, and the last keepers left only in 2012.",
    "Thank you for listening.",
]
FIXED_LINE = "Its famous lens was designed by the physicist Augustin Fresnel in the year 1823."
QUESTION = "Who designed the lens of the lighthouse?"


@pytest.fixture()
def video(tmp_path, embedder):
    library = Library(tmp_path / "videos")
    library.create("v1", "Lighthouses", "pasted", "Lighthouses")
    unsure = (Word("a", 20.0, 20.2, 0.21), Word("guest", 20.2, 20.6, 0.34))
    segments = [Segment(i * 10.0, i * 10.0 + 9.0, text) for i, text in enumerate(MISHEARD)]
    segments[2] = Segment(20.0, 29.0, MISHEARD[2], words=unsure)
    library.save_transcript("v1", segments)
    library.update("v1", status="ready", duration=60.0)
    rebuild_index(library, "v1", embedder)
    return library


def answer(library: Library, embedder) -> str:
    segments = library.transcript("v1") or []
    engine = OfflineAnswerEngine(load_index(library, "v1", embedder), segments, embedder)
    return engine.ask(QUESTION).answer.text


def test_a_corrected_name_changes_the_answer_and_revert_brings_it_back(video, embedder) -> None:
    forgotten: list[str] = []
    before = answer(video, embedder)
    assert "Fresnel" not in before
    assert correct_line(video, "v1", 2, FIXED_LINE, embedder, forgotten.append)
    after = answer(video, embedder)
    assert "Fresnel" in after, after
    assert forgotten == ["v1"]  # the study material was told to forget
    assert is_corrected(video, "v1")
    assert (video.original_transcript("v1") or [])[2].text == MISHEARD[2]
    hits = load_index(video, "v1", embedder).search("Augustin Fresnel physicist lens", k=1)
    assert "Fresnel" in hits[0][0].text  # the saved index holds the corrected text

    assert revert_corrections(video, "v1", embedder, forgotten.append)
    assert (video.transcript("v1") or [])[2].text == MISHEARD[2]
    assert "Fresnel" not in answer(video, embedder)
    assert not is_corrected(video, "v1") and forgotten == ["v1", "v1"]
    assert not revert_corrections(video, "v1", embedder)


def test_a_second_correction_keeps_the_first_original(video, embedder) -> None:
    correct_line(video, "v1", 2, FIXED_LINE, embedder)
    correct_line(video, "v1", 4, "Keepers lived in the tower for centuries.", embedder)
    original = video.original_transcript("v1") or []
    assert [s.text for s in original] == MISHEARD
    current = video.transcript("v1") or []
    assert current[2].text == FIXED_LINE and current[4].text == "Keepers lived in the tower for centuries."


def test_unchanged_text_does_nothing(video, embedder) -> None:
    assert not correct_line(video, "v1", 1, f"  {MISHEARD[1]} ", embedder)
    assert not is_corrected(video, "v1")


def test_corrected_line_drops_word_data_and_keeps_its_times() -> None:
    segment = Segment(20.0, 29.0, "a guest in French now", words=(Word("a", 20.0, 20.2, 0.21),))
    assert [u.word for u in uncertain_words(segment)] == ["a"]
    fixed = corrected_segment(segment, "Augustin   Fresnel\n")
    assert fixed == Segment(20.0, 29.0, "Augustin Fresnel") and not uncertain_words(fixed)


@pytest.mark.parametrize(
    ("line", "text", "message"), [(2, "   ", "cannot be empty"), (99, "x", "not in the transcript")]
)
def test_bad_corrections_say_what_to_do(video, embedder, line, text, message) -> None:
    with pytest.raises(CorrectionError, match=message):
        correct_line(video, "v1", line, text, embedder)


def test_study_service_forgets_the_stored_summary_and_quiz(video, embedder) -> None:
    from core.videos.study.service import StudyService

    service = StudyService(video, embedder, None)
    first = service.summary("v1")
    assert first.items and service.has_summary("v1")
    service.quiz("v1", 3)
    correct_line(video, "v1", 2, FIXED_LINE, embedder, service.forget_generated)
    assert not service.has_summary("v1") and service.stored_quiz("v1") is None
    text = " ".join(s.text for s in service.material("v1").sentences)
    assert "Fresnel" in text
