"""Transcript parsing and exports, chunks and timed sentences, the library's bookkeeping."""

import json
from pathlib import Path

import pytest

from core.ai.base import Segment
from core.videos.chunks import build_chunks, timed_sentences
from core.videos.index import UntrustedIndexError, VideoIndex
from core.videos.library import Library
from core.videos.pipeline import InputError, ingest_transcript_text
from core.videos.transcript import export, format_timestamp, parse_pasted, parse_subtitles, segments_from_json

SRT = """1
00:00:01,000 --> 00:00:04,500
Hello <i>world</i>.

2
00:01:02,250 --> 00:01:05,000
Second line
continues here.
"""

VTT = """WEBVTT

00:00.000 --> 00:02.000
<v Ada>First cue.

00:02.000 --> 00:04.000
First cue. And more
"""


def test_srt_and_vtt_parse_with_times_and_speakers() -> None:
    srt = parse_subtitles(SRT)
    assert srt == [Segment(1.0, 4.5, "Hello world."), Segment(62.25, 65.0, "Second line continues here.")]
    vtt = parse_subtitles(VTT)
    assert vtt[0].speaker == "Ada" and vtt[0].text == "First cue."
    assert vtt[1].text == "And more"  # rolling caption repeat removed


@pytest.mark.parametrize("fmt", ["srt", "vtt", "json"])
def test_exports_round_trip(fmt: str) -> None:
    segments = [Segment(0.5, 2.0, "One."), Segment(3723.25, 3725.0, "Two.", "Bo")]
    text = export(segments, fmt)
    back = segments_from_json(text) if fmt == "json" else parse_subtitles(text)
    assert [round(s.start, 2) for s in back] == [0.5, 3723.25]
    assert back[0].text == "One."


def test_txt_export_and_timestamps() -> None:
    assert export([Segment(65, 70, "Hi.")], "txt") == "[1:05] Hi.\n"
    assert format_timestamp(3723) == "1:02:03"


def test_pasted_text_with_and_without_timestamps() -> None:
    stamped = parse_pasted("0:05 Intro here\n[01:10] Main part\nmore words")
    assert [s.start for s in stamped] == [5.0, 70.0] and stamped[1].text == "Main part more words"
    plain = parse_pasted("A sentence. " * 30)
    assert len(plain) >= 2 and plain[1].start > 0


def test_chunks_keep_time_ranges_and_sentences_span_segments() -> None:
    segments = [Segment(i * 2.0, i * 2.0 + 2.0, f"word{i} " * 10) for i in range(10)]
    chunks = build_chunks(segments, target_words=30)
    assert chunks[0].start == 0.0 and chunks[0].end == segments[chunks[0].last_segment].end
    assert chunks[-1].end == 20.0
    joined = timed_sentences([Segment(0, 2, "The ring of fire holds"), Segment(2, 4, "most volcanoes. Next.")])
    assert joined[0].text == "The ring of fire holds most volcanoes." and joined[0].start == 0.0
    assert 3.0 < joined[1].start < 4.0


def test_library_lists_and_deletes_and_refuses_foreign_indexes(tmp_path: Path) -> None:
    library = Library(tmp_path / "videos")
    record = ingest_transcript_text(library, SRT, "talk.srt", "subtitles")
    assert record.status == "transcribed" and library.transcript(record.id)[0].text == "Hello world."
    assert ingest_transcript_text(library, SRT, "talk.srt", "subtitles").id == record.id
    assert [r.title for r in library.list()] == ["talk.srt"]

    class Fake:
        name = "fake"

        def embed_documents(self, texts):
            return [[1.0, float(len(t))] for t in texts]

        def embed_query(self, text):
            return [1.0, float(len(text))]

    index = VideoIndex.build(build_chunks(library.transcript(record.id)), Fake())
    outside = tmp_path / "elsewhere"
    index.save(outside)
    with pytest.raises(UntrustedIndexError):
        VideoIndex.load(outside, Fake(), trusted_root=library.root)
    library.delete(record.id)
    assert library.list() == [] and library.get(record.id) is None


def test_empty_or_unparseable_transcripts_are_refused(tmp_path: Path) -> None:
    library = Library(tmp_path / "videos")
    with pytest.raises(InputError, match="empty or too short"):
        ingest_transcript_text(library, "  ", "x", "pasted")
    with pytest.raises(InputError, match="no cues"):
        ingest_transcript_text(library, "just some words in a file", "x.srt", "subtitles")
    assert json.loads(export([], "json")) == {"segments": []}


def test_local_paths_only_inside_the_media_folder_and_never_when_deployed(tmp_path: Path) -> None:
    from core.media.local_files import LocalFileError
    from core.media.local_files import resolve_local_file as resolve_local_media

    media = tmp_path / "media"
    media.mkdir()
    (media / "talk.mp4").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("no")
    assert resolve_local_media("talk.mp4", media, deployed=False) == (media / "talk.mp4").resolve()
    for raw in ["../secret.txt", str(tmp_path / "secret.txt"), "missing.mp4"]:
        with pytest.raises(LocalFileError, match="inside"):
            resolve_local_media(raw, media, deployed=False)
    with pytest.raises(LocalFileError, match="turned off"):
        resolve_local_media("talk.mp4", media, deployed=True)
    with pytest.raises(LocalFileError, match="MLSTUDIO_MEDIA_DIR"):
        resolve_local_media("talk.mp4", None, deployed=False)


def test_a_sentence_the_recognizer_did_not_end_is_split_where_the_next_one_starts() -> None:
    from core.videos.language import timed_sentences as language_sentences

    heard = [
        Segment(0, 6, "Roughly one sixth of the gravity on earth The moon orbits the earth in 27.3 days"),
        Segment(6, 9, "It was built by the Army engineer George Goethals in the Isthmus of Panama."),
    ]
    assert [s.text for s in language_sentences(heard)] == [
        "Roughly one sixth of the gravity on earth",
        "The moon orbits the earth in 27.3 days",
        "It was built by the Army engineer George Goethals in the Isthmus of Panama.",
    ]
