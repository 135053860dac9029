"""Checks on what a user hands the page, before any work starts: upload size, subtitle bytes, pasted text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.files import size_and_limit
from core.videos.pipeline import InputError

MAX_SUBTITLE_BYTES = 20 * 2**20
MEDIA_TYPES = ("mp4", "webm", "mkv", "mov", "avi", "m4v", "mp3", "wav", "m4a", "ogg", "oga", "opus", "flac", "aac")
TextKind = Literal["subtitles", "pasted"]


def check_upload_size(size: int, max_mb: int) -> None:
    if size > max_mb * 2**20:
        shown, limit = size_and_limit(size, max_mb * 2**20)
        raise InputError(
            f"This file is {shown}; the limit is {limit}. Trim it, upload the audio only, or use subtitles."
        )


def subtitle_text(raw: bytes) -> str:
    """The text of an uploaded subtitle file (UTF-8, with or without a byte-order mark)."""
    if len(raw) > MAX_SUBTITLE_BYTES:
        raise InputError("This subtitle file is too large (over 20 MB). Check that it is really subtitles.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("This subtitle file is not UTF-8 text. Save it as UTF-8 and upload it again.") from None


@dataclass(frozen=True)
class TranscriptText:
    text: str
    title: str
    kind: TextKind


def transcript_text(subtitles: bytes | None, subtitle_name: str, pasted: str, title: str) -> TranscriptText | None:
    """What to ingest from the text tab: the subtitle file if there is one, else the pasted text; None if neither."""
    if subtitles is not None:
        return TranscriptText(subtitle_text(subtitles), title or subtitle_name, "subtitles")
    if pasted.strip():
        return TranscriptText(pasted, title or "Pasted transcript", "pasted")
    return None


def export_stem(title: str) -> str:
    """A file name (without extension) for exports of a video with this title."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in title)[:60] or "transcript"


def web_url(source: str) -> str | None:
    """The video's web address, when its source is one (for timestamp links in exports)."""
    return source if source.startswith(("http://", "https://")) else None
