"""Fetching media from a URL with yt-dlp (any site it supports): captions first, else audio.

Every request yt-dlp makes for the link (the page, each redirect, manifest, segment, media and
subtitle) goes through the fetch guard (core.net): deployed, only public addresses are connected to,
so the server cannot be used as a proxy into its own network. Errors become short messages that say
what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.files import format_size
from core.net.guard import FetchGuard, FetchRefused, guard_for

log = logging.getLogger(__name__)

CAPTION_LANGS = ("en", "en-US", "en-GB", "en-orig")


class DownloadError(UserError, ValueError):
    """A URL cannot be fetched; the message says why and what to do instead."""


@dataclass(frozen=True)
class RemoteMedia:
    source_id: str  # "<extractor>-<id>", stable across runs
    title: str
    duration: float | None
    webpage_url: str
    captions_path: Path | None = None
    media_path: Path | None = None
    description: str = ""  # what the site says about the video: the transcriber's prompt uses it
    chapters: tuple[str, ...] = ()  # chapter titles, when the site has chapters


def check_url(url: str, deployed: bool, guard: FetchGuard | None = None) -> str:
    """The stripped URL when it is a well-formed http(s) address (and, deployed, a public one)."""
    try:
        return (guard or guard_for(deployed)).check_url(url)
    except FetchRefused as exc:
        raise DownloadError(str(exc)) from None


def _friendly(message: str) -> str:
    lowered = message.lower()
    if "no space left on device" in lowered or "disk quota exceeded" in lowered:
        return (
            "The disk is full, so the download stopped and its partial files were removed. "
            "Delete videos you no longer need, then try again."
        )
    if "unsupported url" in lowered:
        return "This site is not supported for downloads. Upload the video or its subtitles instead."
    if "private" in lowered or "sign in" in lowered or "login" in lowered or "members-only" in lowered:
        return "This video is private or needs a login. Upload the video or its subtitles instead."
    if "403" in lowered or "forbidden" in lowered or "blocked" in lowered or "429" in lowered:
        return "The site blocked the download. Upload the video file or its subtitles instead."
    if "404" in lowered or "not found" in lowered or "unavailable" in lowered:
        return "Nothing was found at this address (removed or mistyped?). Check the link."
    if "name or service not known" in lowered or "resolve" in lowered or "network is unreachable" in lowered:
        return "The site could not be reached (no internet, or a wrong address). Upload the file instead."
    return "The download failed. Check the link, or upload the video or its subtitles instead."


def fetch(
    url: str,
    folder: Path,
    deployed: bool,
    max_bytes: int,
    progress: Callable[[float, str], None] = lambda f, m: None,
    prefer_captions: bool = True,
    guard: FetchGuard | None = None,
) -> RemoteMedia:
    """Download captions (when the site has English ones) or else the audio of `url` into `folder`."""
    import yt_dlp

    from core.net.ytdlp_handler import GuardedYoutubeDL

    # A connection the guard refuses surfaces as a yt-dlp RequestError that is not a network error, so
    # yt-dlp stops instead of retrying; it is a YoutubeDLError like DownloadError.
    ytdlp_errors = (yt_dlp.utils.YoutubeDLError, FetchRefused)
    guard = guard or guard_for(deployed)
    url = check_url(url, deployed, guard)
    earlier = len(guard.refusals)

    def refused() -> str | None:
        return guard.refusals[-1] if len(guard.refusals) > earlier else None

    def failure(exc: Exception) -> DownloadError:
        # A refused connection reaches us wrapped by yt-dlp; the guard kept its message.
        return DownloadError(refused() or _friendly(str(exc)))

    folder.mkdir(parents=True, exist_ok=True)

    class _Log:
        def debug(self, msg: str) -> None:
            pass

        def info(self, msg: str) -> None:
            pass

        def warning(self, msg: str) -> None:
            log.info("yt-dlp: %s", msg)

        def error(self, msg: str) -> None:
            log.info("yt-dlp: %s", msg)

    def hook(status: dict[str, Any]) -> None:
        if status.get("status") == "downloading":
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            if total:
                progress(min(1.0, status.get("downloaded_bytes", 0) / total), "Downloading")

    base = {
        "quiet": True,
        "no_warnings": True,
        "logger": _Log(),
        "noplaylist": True,
        "outtmpl": str(folder / "download.%(ext)s"),
        "socket_timeout": 30,
        "retries": 3,
        "max_filesize": max_bytes,
        "progress_hooks": [hook],
        "restrictfilenames": True,
    }
    try:
        with GuardedYoutubeDL(base, guard) as ydl:
            info = ydl.extract_info(url, download=False)
    except ytdlp_errors as exc:
        log.info("yt-dlp info failed: %s", exc)
        raise failure(exc) from None
    if info is None:
        raise DownloadError("Nothing was found at this address. Check the link.")
    if info.get("_type") == "playlist":
        raise DownloadError("This is a playlist. Give the link of one video.")
    source_id = f"{info.get('extractor_key', 'web')}-{info.get('id', 'unknown')}"
    title = str(info.get("title") or source_id)
    duration = info.get("duration")
    common: dict[str, Any] = {
        "source_id": source_id,
        "title": title,
        "duration": float(duration) if duration else None,
        "webpage_url": str(info.get("webpage_url") or url),
        "description": str(info.get("description") or ""),
        "chapters": tuple(str(c.get("title") or "") for c in info.get("chapters") or () if isinstance(c, dict)),
    }

    if prefer_captions:
        captions = _caption_lang(info)
        if captions:
            lang, automatic = captions
            options = {
                **base,
                "skip_download": True,
                "subtitlesformat": "vtt/srt/best",
                "subtitleslangs": [lang],
                "writesubtitles": not automatic,
                "writeautomaticsub": automatic,
            }
            try:
                with GuardedYoutubeDL(options, guard) as ydl:
                    ydl.process_ie_result(info, download=True)
                found = sorted(folder.glob("download.*.vtt")) + sorted(folder.glob("download.*.srt"))
                if found:
                    progress(1.0, "Captions downloaded")
                    return RemoteMedia(**common, captions_path=found[0])
            except ytdlp_errors as exc:
                log.info("captions failed, falling back to audio: %s", exc)

    options = {**base, "format": "bestaudio/best"}
    try:
        with GuardedYoutubeDL(options, guard) as ydl:
            result = ydl.process_ie_result(info, download=True)
    except ytdlp_errors as exc:
        log.info("yt-dlp download failed: %s", exc)
        raise failure(exc) from None
    files = [p for p in folder.glob("download.*") if not p.name.endswith((".part", ".vtt", ".srt", ".ytdl"))]
    if not files and refused():
        raise DownloadError(str(refused()))
    if not files:
        size = (result or {}).get("filesize") or 0
        if size and size > max_bytes:
            limit = format_size(max_bytes, "down")
            raise DownloadError(f"This video is larger than the {limit} limit. Use its subtitles.")
        raise DownloadError("The download produced no file. Upload the video or its subtitles instead.")
    progress(1.0, "Downloaded")
    return RemoteMedia(**common, media_path=files[0])


def _caption_lang(info: dict[str, Any]) -> tuple[str, bool] | None:
    for automatic, key in ((False, "subtitles"), (True, "automatic_captions")):
        available = info.get(key) or {}
        for lang in CAPTION_LANGS:
            if lang in available:
                return lang, automatic
        english = [k for k in available if k.startswith("en")]
        if english:
            return english[0], automatic
    return None
