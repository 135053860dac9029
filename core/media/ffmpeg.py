"""ffmpeg / ffprobe wrappers. Everything streams through the binaries: no file is loaded whole.

The system ffmpeg is used when installed, else the binary `imageio-ffmpeg` ships. ffprobe may be
missing with the imageio binary; probing then falls back to parsing `ffmpeg -i` output.
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.ai.base import Cancelled, Progress, no_progress
from core.errors import DiskFullError, UserError
from core.files import partial_file

log = logging.getLogger(__name__)


class MediaError(UserError, ValueError):
    """The media cannot be used; the message says why and what to do."""


def ffmpeg_binary() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError) as exc:
        raise MediaError("ffmpeg is not installed. Install ffmpeg (or the imageio-ffmpeg package).") from exc


def ffprobe_binary() -> str | None:
    return shutil.which("ffprobe")


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    has_audio: bool
    has_video: bool
    format_name: str
    title: str | None = None


def probe(path: Path) -> MediaInfo:
    """What the file really contains (by content, not extension). Raises MediaError if unreadable."""
    binary = ffprobe_binary()
    if binary:
        result = subprocess.run(
            [binary, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise MediaError("This file is not a video or audio file ffmpeg can read (corrupt or another format).")
        data = json.loads(result.stdout or "{}")
        streams = data.get("streams", [])
        fmt = data.get("format", {})
        kinds = {s.get("codec_type") for s in streams}
        # Still images (png/jpg) are "video" streams in ffprobe; they have no duration worth a player.
        has_video = any(
            s.get("codec_type") == "video"
            and s.get("disposition", {}).get("attached_pic", 0) == 0
            and s.get("codec_name") not in {"png", "mjpeg", "bmp", "gif", "webp"}
            for s in streams
        )
        duration = _float(fmt.get("duration")) or max((_float(s.get("duration")) or 0.0 for s in streams), default=0.0)
        title = (fmt.get("tags") or {}).get("title")
        return MediaInfo(duration, "audio" in kinds, has_video, str(fmt.get("format_name", "")), title)
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-i", str(path)], capture_output=True, text=True, timeout=60
    )
    text = result.stderr
    match = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", text)
    if not match or "Invalid data" in text:
        raise MediaError("This file is not a video or audio file ffmpeg can read (corrupt or another format).")
    duration = int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])
    fmt = re.search(r"Input #0, ([^,]+)", text)
    return MediaInfo(duration, "Audio:" in text, "Video:" in text, fmt[1] if fmt else "")


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


CancelCheck = Callable[[], bool]


def run_with_progress(
    args: list[str], duration: float, progress: Progress = no_progress, label: str = "Working"
) -> None:
    """Run ffmpeg with `-progress pipe:1`, reporting out_time / duration. `progress` may raise Cancelled."""
    command = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-progress", "pipe:1", "-nostats", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr_lines: list[str] = []

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stderr_lines.append(line)
            del stderr_lines[:-40]

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and duration > 0 and value.isdigit():
                progress(min(1.0, int(value) / 1e6 / duration), label)
        process.wait()
    except BaseException:
        process.kill()
        process.wait()
        raise
    reader.join(timeout=5)
    if process.returncode != 0:
        log.warning("ffmpeg failed: %s", "".join(stderr_lines[-10:]))
        if any("No space left on device" in line or "Disk quota exceeded" in line for line in stderr_lines):
            raise DiskFullError("extracting the audio")
        raise MediaError("ffmpeg could not read this media (the file may be corrupt or truncated).")
    progress(1.0, label)


def extract_audio(
    source: Path,
    target: Path,
    duration: float,
    progress: Progress = no_progress,
    sample_rate: int = 16_000,
    max_seconds: float | None = None,
) -> Path:
    """Mono 16 kHz 16-bit WAV of the first audio track, streamed by ffmpeg. Written atomically.

    With `max_seconds`, at most that much audio is written, whatever the file really holds.
    """
    limit = ["-t", f"{max_seconds:.3f}"] if max_seconds is not None and max_seconds > 0 else []
    with partial_file(target, "extracting the audio") as partial:
        _extract_audio(source, partial, limit, sample_rate, duration, progress)
    return target


def _extract_audio(
    source: Path, partial: Path, limit: list[str], sample_rate: int, duration: float, progress: Progress
) -> None:
    run_with_progress(
        [
            "-i",
            str(source),
            *limit,
            "-vn",
            "-map",
            "0:a:0",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "-c:a",
            "pcm_s16le",
            "-f",
            "wav",
            str(partial),
        ],
        duration,
        progress,
        "Extracting audio",
    )


def max_volume_db(path: Path) -> float:
    """Peak level in dBFS over the whole file (ffmpeg volumedetect, streamed)."""
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(path), "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    match = re.search(r"max_volume:\s*(-?[\d.]+|-inf) dB", result.stderr)
    if not match:
        raise MediaError("ffmpeg could not measure the audio level of this file.")
    return float("-inf") if match[1] == "-inf" else float(match[1])


def wav_seconds(path: Path) -> float:
    """The length of a WAV file ffmpeg wrote (from its header: frames / rate), 0.0 if unreadable."""
    import wave

    try:
        with wave.open(str(path), "rb") as handle:
            return handle.getnframes() / float(handle.getframerate() or 1)
    except (OSError, EOFError, wave.Error):
        return 0.0


def detect_silences(
    path: Path, noise_db: float = -35.0, min_silence: float = 0.4, cancelled: CancelCheck | None = None
) -> list[tuple[float, float]]:
    """(start, end) of each silence, found by ffmpeg's silencedetect while streaming the file.

    `cancelled` is asked at every line ffmpeg writes (its stats come twice a second): ffmpeg is stopped
    and `Cancelled` raised as soon as it says yes.
    """
    command = [
        ffmpeg_binary(),
        "-hide_banner",
        "-nostdin",
        "-i",
        str(path),
        "-af",
        f"silencedetect=noise={noise_db}dB:d={min_silence}",
        "-f",
        "null",
        "-",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    silences: list[tuple[float, float]] = []
    start: float | None = None
    assert process.stderr is not None
    try:
        for line in process.stderr:
            check_cancel(cancelled)
            if "silence_start:" in line:
                start = float(line.rsplit("silence_start:", 1)[1].split()[0])
            elif "silence_end:" in line and start is not None:
                end = float(line.rsplit("silence_end:", 1)[1].split()[0])
                silences.append((max(0.0, start), end))
                start = None
    except BaseException:
        process.kill()
        process.wait()
        raise
    process.wait()
    return silences


MAX_PIECES = 2_000  # 66 hours in 2-minute pieces: far above any allowed duration


def plan_cuts(
    duration: float,
    silences: list[tuple[float, float]],
    max_piece: float,
    overlap: float = 0.0,
    max_pieces: int = MAX_PIECES,
    cancelled: CancelCheck | None = None,
) -> list[tuple[float, float]]:
    """Pieces (start, end) no longer than `max_piece`, cut in the middle of the latest silence that fits.

    When a stretch has no silence, the cut is forced at `max_piece`. With `overlap`, every piece but
    the first starts that many seconds early (transcripts are merged by offset and de-duplicated).
    A plan of more than `max_pieces` pieces is refused (MediaError) before it is made, so a file that
    claims an absurd duration costs nothing; `cancelled` is asked while planning.
    """
    if not 0 <= overlap < max_piece / 2:
        raise ValueError("overlap must be under half a piece")
    if not math.isfinite(duration) or duration / max_piece > max_pieces:
        raise MediaError(
            f"This media says it lasts {describe_seconds(duration)}, too long to cut into pieces. "
            "Trim it or upload a shorter file."
        )
    if duration <= max_piece:
        return [(0.0, duration)]
    mids = sorted((a + b) / 2 for a, b in silences)
    pieces: list[tuple[float, float]] = []
    start = 0.0
    while duration - start > max_piece:
        if len(pieces) % 64 == 0:
            check_cancel(cancelled)
        if len(pieces) >= max_pieces:
            raise MediaError("This media needs too many pieces to transcribe. Trim it or upload a shorter file.")
        limit = start + max_piece
        latest = bisect.bisect_right(mids, limit - overlap) - 1
        fits = latest >= 0 and mids[latest] > start + max_piece * 0.5
        cut = mids[latest] if fits else limit - overlap
        pieces.append((max(0.0, start - overlap) if pieces else start, cut))
        start = cut
    pieces.append((max(0.0, start - overlap) if pieces else start, duration))
    return pieces


def cut_piece(source: Path, target: Path, start: float, end: float, codec_args: list[str] | None = None) -> Path:
    """Write source[start:end] to target with ffmpeg (seeks; reads only that part)."""
    args = codec_args or ["-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"]
    result = subprocess.run(
        [
            ffmpeg_binary(),
            "-hide_banner",
            "-nostdin",
            "-y",
            "-ss",
            f"{start:.3f}",
            "-i",
            str(source),
            "-t",
            f"{end - start:.3f}",
            "-vn",
            *args,
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        log.warning("ffmpeg cut failed: %s", result.stderr[-2000:])
        raise MediaError("ffmpeg could not cut this audio.")
    return target


def describe_seconds(seconds: float) -> str:
    """A duration as a person says it: "45 minutes", "3 hours", "115 days", "31,710 years"."""
    if not math.isfinite(seconds):
        return "forever"
    units = ((365 * 86400, "year"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))
    for size, name in units:
        if seconds >= 2 * size or size == 1:
            count = int(seconds // size)
            return f"{count:,} {name}{'' if count == 1 else 's'}"
    return f"{seconds:.0f} seconds"


def check_cancel(cancelled: CancelCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled()
