"""The chat and quiz progress of a video: typed records, kept per video in the library, gone with it."""

from pathlib import Path

import pytest

from core.videos.conversation import ChatTurn, Citation, QuizProgress, speakable
from core.videos.library import Library
from core.videos.pipeline import InputError
from core.videos.sources import check_upload_size, export_stem, subtitle_text, transcript_text, web_url


def test_chat_turns_are_kept_per_video_in_order_and_survive_a_new_library_object(tmp_path: Path) -> None:
    library = Library(tmp_path)
    library.create("a", "A", "pasted", "text", status="ready")
    library.create("b", "B", "pasted", "text", status="ready")
    cited = ChatTurn("assistant", "From the video: Etna [1]", (Citation(1, 4.0, 9.0, "Mount Etna ..."),))
    library.add_chat_turns("a", [ChatTurn("user", "Which volcano?"), cited])
    library.add_chat_turns("a", [ChatTurn("user", "And then?"), ChatTurn("assistant", "Lava.")])
    library.add_chat_turns("b", [ChatTurn("user", "Other video")])

    again = Library(tmp_path)  # another process, or the app after a restart
    chat = again.chat("a")
    assert [t.content for t in chat] == ["Which volcano?", "From the video: Etna [1]", "And then?", "Lava."]
    assert chat[1] == cited and chat[1].citations[0].label == "0:04"
    assert [t.content for t in again.chat("b")] == ["Other video"]
    assert again.chat("unknown") == []

    again.delete("a")
    assert again.chat("a") == [] and len(again.chat("b")) == 1


def test_quiz_progress_round_trips_and_goes_with_the_video(tmp_path: Path) -> None:
    library = Library(tmp_path)
    library.create("a", "A", "pasted", "text", status="ready")
    assert library.quiz_progress("a") is None
    progress = QuizProgress("quiz-1").with_answer(0, 2).next().with_answer(1, 0)
    library.save_quiz_progress("a", progress)
    stored = Library(tmp_path).quiz_progress("a")
    assert stored == progress and stored.position == 1 and stored.chosen(0) == 2 and stored.chosen(2) is None
    library.save_quiz_progress("a", stored.next())
    assert library.quiz_progress("a").position == 2
    library.delete("a")
    assert library.quiz_progress("a") is None


def test_quiz_progress_counts_right_answers() -> None:
    progress = QuizProgress("q").with_answer(0, 1).with_answer(1, 3)
    assert progress.correct([1, 2, 0]) == [True, False, False]
    assert not progress.finished(3) and progress.next().next().next().finished(3)


def test_chat_turn_rejects_an_unknown_role() -> None:
    with pytest.raises(ValueError):
        ChatTurn.from_dict({"role": "system", "content": "x"})


def test_speakable_drops_citation_marks() -> None:
    assert speakable("From the video: Etna is active [1] [2].") == "The video says: Etna is active."


def test_source_checks() -> None:
    check_upload_size(10 * 2**20, 10)
    with pytest.raises(InputError, match="the limit is 10 MB"):
        check_upload_size(10 * 2**20 + 1, 10)
    assert subtitle_text("\ufeff1\n00:00:01,000 --> 00:00:02,000\nHi\n".encode()).startswith("1\n")
    with pytest.raises(InputError, match="not UTF-8"):
        subtitle_text(b"\xff\xfe\x00bad")
    assert transcript_text(None, "", "   ", "") is None
    pasted = transcript_text(None, "", "0:00 Hello", "")
    assert pasted is not None and (pasted.kind, pasted.title) == ("pasted", "Pasted transcript")
    subs = transcript_text(b"WEBVTT\n", "talk.vtt", "ignored", "")
    assert subs is not None and (subs.kind, subs.title, subs.text) == ("subtitles", "talk.vtt", "WEBVTT\n")
    assert export_stem("Volcanoes: a/b lecture!") == "Volcanoes__a_b_lecture_"
    assert export_stem("???") == "___" and export_stem("") == "transcript"
    assert web_url("https://youtu.be/x") == "https://youtu.be/x" and web_url("notes.txt") is None
