"""Talk to Videos: a file that lies about its length is refused or bounded, and a job ends with its session."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from pathlib import Path

import pytest

from core.media.ffmpeg import ffmpeg_binary, wav_seconds
from core.videos.jobs import Job, JobStatus
from core.videos.library import Library
from core.videos.pipeline import InputError, ingest_media_file, plan_pieces, process
from tests.media.bombs import lying_media
from tests.support.bounded import run_bounded

LIMIT = 200 * 1024 * 1024
THREE_HOURS = 3 * 3600.0


@pytest.mark.parametrize(("claimed", "said"), [(1e7, "115 days"), (1e12, "31,709 years")])
def test_an_upload_claiming_an_absurd_duration_is_refused_before_any_work(
    tmp_path: Path, claimed: float, said: str
) -> None:
    bomb = lying_media(tmp_path / "bomb.mka", claimed)
    assert bomb.stat().st_size < 20_000
    result = run_bounded(
        f"""
        from pathlib import Path
        from core.videos.library import Library
        from core.videos.pipeline import ingest_media_file
        library = Library(Path({str(tmp_path / "videos")!r}))
        bomb = Path({str(bomb)!r})
        """,
        f"ingest_media_file(library, bomb, 'bomb.mka', 'upload', 'bomb.mka', {LIMIT}, max_seconds={THREE_HOURS})",
    )
    assert result.outcome == "user error", result.stderr
    assert result.message == f"This file says it lasts {said}; the limit is 3 hours. Trim it or upload a shorter file."
    assert result.peak_mb < 300
    assert Library(tmp_path / "videos").list() == []


def test_the_limit_is_the_setting(tmp_path: Path) -> None:
    from core.config import load_settings

    settings = load_settings({"MLSTUDIO_MAX_MEDIA_MINUTES": "1"}, {})
    clip = lying_media(tmp_path / "clip.mka", 90.0)
    with pytest.raises(InputError, match="lasts 90 seconds; the limit is 60 seconds"):
        ingest_media_file(
            Library(tmp_path / "v"), clip, "clip.mka", "upload", "c", LIMIT, max_seconds=settings.max_media_seconds
        )


def test_an_item_already_claiming_an_absurd_duration_stops_at_planning(tmp_path: Path, transcriber, embedder) -> None:
    """An item stored before the limit existed: planning refuses it in bounded memory, with a message."""
    library = Library(tmp_path / "videos")
    library.create("old", "old item", "upload", "old.mka")
    audio = library.folder("old") / "audio.wav"
    _tone(audio, 2.0)
    library.update("old", status="audio", duration=1e12)
    with pytest.raises(InputError, match=r"31,709 years, too long to cut into pieces\. Trim it"):
        process(library, "old", lambda: transcriber, lambda: embedder)
    assert "too long" in (library.get("old").error or "")


def test_a_file_claiming_less_than_it_holds_is_extracted_only_as_far_as_it_claims(
    tmp_path: Path, transcriber, embedder
) -> None:
    library = Library(tmp_path / "videos")
    liar = lying_media(tmp_path / "liar.mka", claimed_seconds=5.0, real_seconds=60.0)
    record = ingest_media_file(library, liar, "liar.mka", "upload", "liar", LIMIT)
    assert record.duration == pytest.approx(5.0)
    with contextlib.suppress(InputError):  # a tone has no speech; what matters is how much audio was made
        process(library, record.id, lambda: transcriber, lambda: embedder)
    audio = library.folder(record.id) / "audio.wav"
    assert audio.is_file()
    assert wav_seconds(audio) <= 6.5
    assert (library.get(record.id).duration or 0) <= 6.5


def test_a_job_stops_during_planning_when_its_session_ends(tmp_path: Path) -> None:
    audio = tmp_path / "long.wav"
    subprocess.run(
        [
            ffmpeg_binary(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "anoisesrc=d=1800:a=0.1",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(audio),
        ],
        check=True,
        timeout=300,
    )
    session_ended = threading.Event()
    job = Job("plan", lambda reporter: plan_pieces(audio, 1800.0, reporter), alive=lambda: not session_ended.is_set())
    job.start()
    threading.Timer(0.3, session_ended.set).start()
    assert job.wait(timeout=120)
    assert job.status is JobStatus.CANCELLED


def test_cancel_stops_planning(tmp_path: Path) -> None:
    audio = tmp_path / "long.wav"
    _tone(audio, 1800.0)
    job = Job("plan", lambda reporter: plan_pieces(audio, 1800.0, reporter)).start()
    threading.Timer(0.3, job.cancel).start()
    assert job.wait(timeout=120)
    assert job.status is JobStatus.CANCELLED


def _tone(path: Path, seconds: float) -> None:
    subprocess.run(
        [
            ffmpeg_binary(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(path),
        ],
        check=True,
        timeout=300,
    )
