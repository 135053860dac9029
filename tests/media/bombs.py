"""Tiny media files that lie about their length (a Matroska file whose Duration element is patched)."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

from core.media.ffmpeg import ffmpeg_binary


def lying_media(path: Path, claimed_seconds: float, real_seconds: float = 2.0) -> Path:
    """An Opus-in-Matroska file of `real_seconds` of tone whose header claims `claimed_seconds`."""
    subprocess.run(
        [
            ffmpeg_binary(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={real_seconds}",
            "-c:a",
            "libopus",
            "-b:a",
            "16k",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    data = bytearray(path.read_bytes())
    at = data.find(b"\x44\x89\x88")  # Duration element, an 8-byte float in milliseconds
    assert at > 0, "ffmpeg wrote no Matroska Duration element"
    data[at + 3 : at + 11] = struct.pack(">d", claimed_seconds * 1000)
    path.write_bytes(bytes(data))
    return path
