"""Bounded work for media that lies about its length: planning is refused or stopped, never runaway."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest

from core.ai.base import Cancelled
from core.media.ffmpeg import MediaError, describe_seconds, detect_silences, ffmpeg_binary, plan_cuts, probe
from tests.media.bombs import lying_media
from tests.support.bounded import run_bounded


def test_a_patched_header_really_claims_the_duration(tmp_path: Path) -> None:
    bomb = lying_media(tmp_path / "bomb.mka", 1e7)
    assert bomb.stat().st_size < 20_000
    assert probe(bomb).duration == pytest.approx(1e7)


@pytest.mark.parametrize("claimed", [1e7, 1e12, float("inf")])
def test_planning_an_absurd_duration_is_refused_at_once_in_bounded_memory(claimed: float) -> None:
    result = run_bounded(
        "from core.media.ffmpeg import plan_cuts",
        f"plan_cuts(float({str(claimed)!r}), [], 120.0)",
    )
    assert result.outcome == "user error", result.stderr
    assert result.error == "MediaError"
    assert "too long to cut into pieces. Trim it or upload a shorter file." in (result.message or "")
    assert result.peak_mb < 300


def test_the_longest_allowed_media_is_still_planned() -> None:
    pieces = plan_cuts(24 * 3600.0, [], 120.0)
    assert len(pieces) == 720
    assert pieces[-1][1] == 24 * 3600.0


def test_planning_stops_when_cancelled() -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        plan_cuts(20 * 3600.0, [], 60.0, cancelled=cancelled)


def test_plan_with_an_overlap_too_large_to_advance_is_refused() -> None:
    with pytest.raises(ValueError):
        plan_cuts(1000.0, [], 10.0, overlap=6.0)


def test_silence_detection_stops_ffmpeg_when_cancelled(tmp_path: Path) -> None:
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
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        detect_silences(audio, cancelled=stop.is_set)
    # it stopped long before ffmpeg would have read half an hour of audio (measured, not a tight bound)
    assert time.monotonic() - started < 120


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(10800, "3 hours"), (5400, "90 minutes"), (1e7, "115 days"), (1e12, "31,709 years"), (1, "1 second")],
)
def test_durations_are_said_as_people_say_them(seconds: float, said: str) -> None:
    assert describe_seconds(seconds) == said


def test_media_error_is_a_user_error() -> None:
    from core.errors import UserError

    assert issubclass(MediaError, UserError)
