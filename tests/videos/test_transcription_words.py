"""Word data on segments, clamping, the transcriber's prompt, and the local recognizer's word output."""

import json

import pytest

from core.ai.base import Segment, Word
from core.videos.library import Library
from core.videos.pipeline import accepts_prompt
from core.videos.transcript import (
    PROMPT_CHARS,
    export,
    low_confidence,
    segments_from_json,
    title_from_filename,
    transcription_prompt,
)

WORDS = (Word("The", 1.0, 1.2, 0.98), Word("Cordouan", 1.2, 1.9, 0.31), Word("lighthouse.", 1.9, 2.6, 0.9))


def test_words_survive_the_json_round_trip_and_a_shift() -> None:
    segment = Segment(1.0, 2.6, "The Cordouan lighthouse.", "Ada", WORDS)
    again = segments_from_json(export([segment], "json"))[0]
    assert again == segment
    moved = segment.shifted(10.0)
    assert [w.start for w in moved.words] == [11.0, 11.2, 11.9] and moved.start == 11.0


def test_old_transcripts_without_words_still_read(tmp_path) -> None:
    old = json.dumps({"segments": [{"start": 0.0, "end": 2.0, "text": "Hello there."}]})
    assert segments_from_json(old) == [Segment(0.0, 2.0, "Hello there.")]
    library = Library(tmp_path)
    (library.folder("v") / "transcript.json").write_text(old)
    assert library.transcript("v") == [Segment(0.0, 2.0, "Hello there.")]
    assert "words" not in Segment(0.0, 2.0, "x").to_dict()  # nothing new is written for word-less segments


def test_clamping_keeps_every_time_inside_the_media() -> None:
    segment = Segment(-0.4, 31.7, "Goodbye.", words=(Word("Goodbye.", 29.8, 32.5, 0.7), Word("x", 33.0, 31.0, 0.2)))
    clamped = segment.clamped(30.0)
    assert (clamped.start, clamped.end) == (0.0, 30.0)
    assert [(w.start, w.end) for w in clamped.words] == [(29.8, 30.0), (30.0, 30.0)]
    assert all(w.start <= w.end for w in clamped.words)
    assert segment.clamped(None).end == 31.7  # an unknown duration only clamps at zero
    assert Segment(5.0, 4.0, "backwards").clamped(10.0).end == 5.0


def test_low_confidence_words() -> None:
    assert [w.word for w in WORDS if low_confidence(w)] == ["Cordouan"]


def test_prompt_names_title_chapters_and_description_without_links() -> None:
    prompt = transcription_prompt(
        "Cordouan: the king of lighthouses",
        "The lighthouse at the mouth of the Gironde.\nhttps://example.com/more #history\nLens by Augustin Fresnel.",
        ["Intro", "The Fresnel lens", "Intro"],
    )
    assert prompt.startswith("Cordouan: the king of lighthouses. Intro, The Fresnel lens.")
    assert "Gironde" in prompt and "Augustin Fresnel" in prompt
    assert "http" not in prompt and "#history" not in prompt


def test_prompt_is_cut_at_a_sentence_within_the_limit() -> None:
    description = " ".join(f"Sentence number {i} names Cordouan." for i in range(100))
    prompt = transcription_prompt("Lighthouses", description)
    assert len(prompt) <= PROMPT_CHARS and prompt.endswith(".")
    assert prompt.startswith("Lighthouses.")
    assert transcription_prompt("") == ""


def test_file_names_become_words() -> None:
    assert title_from_filename("cordouan_lighthouse-tour.mp4") == "cordouan lighthouse tour"
    assert title_from_filename("Honeybees: life in the hive") == "Honeybees: life in the hive"


def test_only_transcribers_that_take_a_prompt_get_one() -> None:
    class WithPrompt:
        def transcribe(self, audio, progress=None, prompt=None): ...

    class Without:
        def transcribe(self, audio, progress=None): ...

    assert accepts_prompt(WithPrompt())  # type: ignore[arg-type]
    assert not accepts_prompt(Without())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def heard(lecture_video, transcriber, tmp_path_factory):
    from core.media.ffmpeg import extract_audio, probe

    audio = extract_audio(lecture_video, tmp_path_factory.mktemp("audio") / "audio.wav", probe(lecture_video).duration)
    return audio, transcriber.transcribe(audio, prompt="Volcanoes. Mount Etna, lava, the Ring of Fire.")


def test_local_transcriber_gives_timed_words_with_probabilities(heard) -> None:
    _, result = heard
    assert result.segments
    for segment in result.segments:
        assert segment.words, segment.text
        assert 0.0 <= segment.start <= segment.end <= result.duration
        assert " ".join(w.word for w in segment.words).split() == segment.text.split()
        for word in segment.words:
            assert 0.0 <= word.probability <= 1.0
            assert 0.0 <= word.start <= word.end <= result.duration
    etna = [w for s in result.segments for w in s.words if w.word.strip(".,").lower() == "etna"]
    assert etna and etna[0].probability > 0.5


def test_local_transcriber_is_deterministic(heard, transcriber) -> None:
    audio, first = heard
    again = transcriber.transcribe(audio, prompt="Volcanoes. Mount Etna, lava, the Ring of Fire.")
    assert again.segments == first.segments


def _timed(text: str, start: float = 0.0) -> tuple[Word, ...]:
    return tuple(Word(w, start + i * 0.5, start + i * 0.5 + 0.4, 0.9) for i, w in enumerate(text.split()))


def test_a_long_segment_is_split_into_sentences_by_its_word_times() -> None:
    from core.ai.local import split_at_sentences

    text = "Mount St. Helens erupted in 1980. It lies in Washington State. Ash fell far away."
    segment = Segment(0.0, 9.0, text, words=_timed(text))
    pieces = split_at_sentences(segment)
    assert [p.text for p in pieces] == [
        "Mount St. Helens erupted in 1980.",
        "It lies in Washington State.",
        "Ash fell far away.",
    ]
    assert pieces[0].start == 0.0 and pieces[-1].end == 9.0
    assert pieces[1].start == pytest.approx(3.0) and pieces[1].end == pytest.approx(5.4)
    assert [w for p in pieces for w in p.words] == list(segment.words)
    short = "Yes. It did erupt in 1980 after a long quiet time."
    assert len(split_at_sentences(Segment(0.0, 6.0, short, words=_timed(short)))) == 1  # "Yes." is too short alone
    assert split_at_sentences(Segment(0.0, 2.0, "No words here. At all, really no.")) == [
        Segment(0.0, 2.0, "No words here. At all, really no.")
    ]


def test_numbers_keep_their_spacing_when_split_and_shown() -> None:
    from core.ai.local import split_at_sentences
    from core.videos.transcript import word_spans

    text = "A healthy colony holds 20,000 bees. Almost all of them are workers."
    raw = ["A", "healthy", "colony", "holds", "20", ",000", "bees.", "Almost", "all", "of", "them", "are", "workers."]
    words = tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.9 if w != ",000" else 0.2) for i, w in enumerate(raw))
    pieces = split_at_sentences(Segment(0.0, 7.0, text, words=words))
    assert [p.text for p in pieces] == ["A healthy colony holds 20,000 bees.", "Almost all of them are workers."]
    spans = word_spans(pieces[0])
    assert "".join(t for t, _ in spans) == pieces[0].text
    assert [t for t, w in spans if w is not None and w.probability < 0.5] == [",000"]
    assert word_spans(Segment(0.0, 1.0, "No word data.")) == [("No word data.", None)]
