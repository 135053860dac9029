"""The local recognizer runs in a worker process: Cancel ends it at once, a dead worker is a message."""

import os
import signal
import subprocess
from pathlib import Path

import pytest

from core.ai.base import AIError, Cancelled
from core.ai.local import WhisperTranscriber
from core.media.ffmpeg import ffmpeg_binary


@pytest.fixture()
def own_transcriber():
    transcriber = WhisperTranscriber()
    yield transcriber
    transcriber.stop()


@pytest.fixture(scope="module")
def long_audio(lecture_video: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("audio") / "long.wav"
    subprocess.run(
        [ffmpeg_binary(), "-loglevel", "error", "-y", "-stream_loop", "3", "-i", str(lecture_video),
         "-vn", "-ac", "1", "-ar", "16000", str(target)],
        check=True,
    )  # fmt: skip
    return target


def test_cancel_kills_the_worker_and_the_next_run_starts_a_new_one(own_transcriber, long_audio, lecture_video) -> None:
    seen: list[str] = []

    def cancel_once_transcribing(fraction: float, message: str) -> None:
        seen.append(message)
        if message == "Transcribing":
            raise Cancelled()

    own_transcriber.transcribe(lecture_video)  # a worker is up and warm
    worker = own_transcriber._worker
    assert worker is not None and worker.alive()
    with pytest.raises(Cancelled):
        own_transcriber.transcribe(long_audio, cancel_once_transcribing)
    assert worker.process.poll() is not None  # the process is gone: the CPU is free
    assert own_transcriber._worker is None
    again = own_transcriber.transcribe(lecture_video)
    assert "Etna" in " ".join(s.text for s in again.segments)


def test_a_worker_that_dies_mid_job_is_a_short_message(own_transcriber, long_audio) -> None:
    def kill_the_worker(fraction: float, message: str) -> None:
        if message == "Transcribing" and own_transcriber._worker is not None:
            os.kill(own_transcriber._worker.process.pid, signal.SIGKILL)

    with pytest.raises(AIError, match="stopped unexpectedly"):
        own_transcriber.transcribe(long_audio, kill_the_worker)
    assert own_transcriber._worker is None


def test_unreadable_audio_is_a_short_message_and_the_worker_goes_on(own_transcriber, tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....WAVEfmt nothing here")
    with pytest.raises(AIError, match="could not read this audio"):
        own_transcriber.transcribe(broken)
    assert own_transcriber._worker is not None and own_transcriber._worker.alive()  # no restart needed
