"""The whole pipeline with the embedded backends on a synthesized lecture video: content, not just no error."""

from pathlib import Path

import pytest

from core.ai.base import Cancelled, Message
from core.videos.chat import NOT_COVERED, OfflineAnswerEngine
from core.videos.library import Library
from core.videos.pipeline import InputError, ProgressReporter, ingest_media_file, load_index, process
from tests.videos.lecture import silent_video, video_without_audio

LIMIT = 50 * 2**20


@pytest.fixture(scope="module")
def processed(tmp_path_factory, lecture_video, transcriber, embedder):
    library = Library(tmp_path_factory.mktemp("lib") / "videos")
    record = ingest_media_file(library, lecture_video, "lecture.mp4", "upload", "lecture.mp4", LIMIT)
    seen: list[float] = []
    reporter = ProgressReporter(callback=lambda f, m: seen.append(f))
    record = process(library, record.id, lambda: transcriber, lambda: embedder, reporter)
    return library, record, seen


def test_transcript_contains_the_spoken_terms(processed) -> None:
    library, record, seen = processed
    assert record.ready and record.media_mime == "video/mp4"
    text = " ".join(s.text for s in library.transcript(record.id)).lower()
    for term in ("volcano", "etna", "europe", "lava", "ring of fire", "pacific", "celsius", "earthquakes"):
        assert term in text
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert 25 < record.duration < 60


def test_question_about_a_stated_fact_cites_the_right_segment(processed, embedder) -> None:
    library, record, _ = processed
    segments = library.transcript(record.id)
    engine = OfflineAnswerEngine(load_index(library, record.id, embedder), segments, embedder)
    answer = engine.ask("Which is the most active volcano in Europe?").answer
    assert answer.grounded and answer.citations
    etna = next(s for s in segments if "etna" in s.text.lower())
    assert any(etna.start - 0.5 <= c.start <= etna.end for c in answer.citations)
    assert "Etna" in answer.text

    hot = engine.ask("What is the temperature of lava?").answer
    celsius = next(s for s in segments if "celsius" in s.text.lower())
    assert any(celsius.start - 0.5 <= c.start <= celsius.end for c in hot.citations)

    # A follow-up uses the conversation to find what "it" is.
    follow = engine.ask(
        "Where is it?",
        [Message("user", "Which is the most active volcano in Europe?"), Message("assistant", answer.text)],
    ).answer
    assert follow.grounded and ("Sicily" in follow.text or "Etna" in follow.text)


@pytest.mark.parametrize("question", ["Who won the football world cup in 2018?", "How do I bake sourdough bread?"])
def test_off_topic_question_is_refused(processed, embedder, question: str) -> None:
    library, record, _ = processed
    engine = OfflineAnswerEngine(load_index(library, record.id, embedder), library.transcript(record.id), embedder)
    answer = engine.ask(question).answer
    assert not answer.grounded and answer.citations == []
    assert answer.text.startswith(NOT_COVERED)


def test_reopening_costs_nothing_twice(processed, transcriber, embedder, lecture_video) -> None:
    library, record, _ = processed

    def boom():
        raise AssertionError("should not transcribe again")

    again = ingest_media_file(library, lecture_video, "lecture.mp4", "upload", "lecture.mp4", LIMIT)
    assert again.id == record.id
    assert process(library, again.id, boom, lambda: embedder).ready
    assert [r.id for r in library.list()] == [record.id]


def test_cancel_then_resume_keeps_finished_steps(tmp_path: Path, lecture_video, transcriber, embedder) -> None:
    library = Library(tmp_path / "videos")
    record = ingest_media_file(library, lecture_video, "lecture.mp4", "upload", "x", LIMIT)
    reporter = ProgressReporter()

    def cancel_during_transcription(fraction: float, message: str) -> None:
        if message.startswith("Transcrib"):
            reporter.cancel_event.set()

    reporter.callback = cancel_during_transcription
    with pytest.raises(Cancelled):
        process(library, record.id, lambda: transcriber, lambda: embedder, reporter)
    stopped = library.get(record.id)
    assert stopped.status == "audio" and "Cancelled" in stopped.error
    assert (library.folder(record.id) / "audio.wav").is_file()
    finished = process(library, record.id, lambda: transcriber, lambda: embedder)
    assert finished.ready and finished.error is None


def test_bad_media_is_refused_with_a_message(tmp_path: Path, transcriber, embedder) -> None:
    library = Library(tmp_path / "videos")
    liar = tmp_path / "notes.mp4"
    liar.write_text("this is not a video at all " * 100)
    with pytest.raises(InputError, match="whatever its name says"):
        ingest_media_file(library, liar, liar.name, "upload", liar.name, LIMIT)
    with pytest.raises(InputError, match="limit is"):
        ingest_media_file(library, liar, liar.name, "upload", liar.name, 100)
    with pytest.raises(InputError, match="no audio track"):
        ingest_media_file(library, video_without_audio(tmp_path / "mute.mp4"), "mute.mp4", "upload", "m", LIMIT)
    silent = ingest_media_file(library, silent_video(tmp_path / "silent.mp4"), "silent.mp4", "upload", "s", LIMIT)
    with pytest.raises(InputError, match="silent"):
        process(library, silent.id, lambda: transcriber, lambda: embedder)
    assert library.get(silent.id).error and library.media_path(library.get(silent.id)) is not None


@pytest.mark.parametrize(
    ("voice", "text"),
    [
        (
            "de",
            "Der Ätna auf Sizilien ist der aktivste Vulkan Europas. Lava ist geschmolzenes Gestein, das sehr heiß "
            "ist. Die Temperatur beträgt ungefähr elfhundert Grad.",
        ),
        ("fr", "L'Etna en Sicile est le volcan le plus actif d'Europe. La lave est une roche fondue très chaude."),
    ],
)
def test_non_english_audio_gets_a_warning_with_the_english_only_model(
    tmp_path: Path, transcriber, embedder, voice: str, text: str
) -> None:
    import subprocess

    from core.ai.local import EspeakSpeech
    from core.media.ffmpeg import ffmpeg_binary

    wav = tmp_path / "speech.wav"
    wav.write_bytes(EspeakSpeech().synthesize(text, voice).data)
    m4a = tmp_path / "speech.m4a"
    subprocess.run([ffmpeg_binary(), "-loglevel", "error", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    library = Library(tmp_path / "videos")
    record = ingest_media_file(library, m4a, "speech.m4a", "upload", "s", LIMIT)
    assert record.media_mime.startswith("audio/")
    try:
        process(library, record.id, lambda: transcriber, lambda: embedder)
    except InputError as exc:  # nothing recognized at all is also a clear outcome
        assert "not English" in str(exc)
        return
    assert "not in English" in library.get(record.id).warning


def test_english_lecture_has_no_language_warning(processed) -> None:
    library, record, _ = processed
    assert library.get(record.id).warning is None
