"""yt-dlp with one request handler: the bundled `requests` one, its connections made by a FetchGuard.

`GuardedYoutubeDL` builds its request director with that handler only (no urllib, websockets or
curl_cffi handler to fall back on), ignores proxies, and downloads with yt-dlp's native HTTP, HLS and
DASH downloaders only: every page, redirect, manifest, segment, media and subtitle request then goes
through `YoutubeDL.urlopen` and so through the guard. External programs (ffmpeg for live HLS,
rtmpdump, aria2c ...) would fetch on their own, so yt-dlp is given no ffmpeg and no external downloader.
"""

from __future__ import annotations

from typing import Any

import urllib3
import yt_dlp
from yt_dlp.downloader import get_suitable_downloader
from yt_dlp.downloader.dash import DashSegmentsFD
from yt_dlp.downloader.hls import HlsFD
from yt_dlp.downloader.http import HttpFD
from yt_dlp.networking._requests import RequestsHTTPAdapter, RequestsRH, RequestsSession
from yt_dlp.networking.exceptions import RequestError, UnsupportedRequest

from core.net.guard import FetchGuard, FetchRefused
from core.net.pinned import pool_classes

NATIVE_DOWNLOADERS = (HttpFD, HlsFD, DashSegmentsFD)

# Options no caller may change: they keep every fetch inside yt-dlp's guarded networking.
LOCKED_PARAMS: dict[str, Any] = {
    "proxy": "",  # no proxy, not even one from the environment
    "external_downloader": {"default": "native"},
    "hls_prefer_native": True,
    "ffmpeg_location": "/nonexistent/ml-studio-no-ffmpeg-for-yt-dlp",
    "enable_file_urls": False,
    "allow_unplayable_formats": False,
    "cookiesfrombrowser": None,
    "impersonate": None,
    "compat_opts": set(),
}


class GuardRefusedRequest(RequestError):
    """The guard refused a connection; not a transport error, so yt-dlp does not retry it."""


class _GuardedHTTPAdapter(RequestsHTTPAdapter):
    def __init__(self, guard: FetchGuard, **kwargs: Any) -> None:
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> Any:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = pool_classes(self.guard)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise FetchRefused("Fetches for a user's link do not go through a proxy.")


class GuardedRequestsRH(RequestsRH):
    """yt-dlp's requests handler with guarded connections (the guard is set by GuardedYoutubeDL)."""

    RH_NAME = "guarded-requests"
    guard: FetchGuard

    def _check_proxies(self, proxies: dict[str, str | None]) -> None:
        if any(url for key, url in proxies.items() if key != "no"):
            raise UnsupportedRequest("proxies are not used for a user's link")

    def _get_proxies(self, request: Any) -> dict[str, str]:
        return {}

    def _create_instance(self, cookiejar: Any, legacy_ssl_support: bool | None = None) -> RequestsSession:
        session = super()._create_instance(cookiejar, legacy_ssl_support=legacy_ssl_support)
        adapter = _GuardedHTTPAdapter(
            self.guard,
            ssl_context=self._make_sslcontext(legacy_ssl_support=legacy_ssl_support),
            source_address=self.source_address,
            max_retries=urllib3.util.retry.Retry(False),
        )
        session.adapters.clear()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def _send(self, request: Any) -> Any:
        try:
            return super()._send(request)
        except FetchRefused as exc:
            raise GuardRefusedRequest(str(exc), cause=exc) from exc


class GuardedYoutubeDL(yt_dlp.YoutubeDL):
    """A YoutubeDL whose every request goes through `guard`."""

    def __init__(self, params: dict[str, Any], guard: FetchGuard) -> None:
        self.guard = guard
        super().__init__({**params, **LOCKED_PARAMS})

    def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
        director = super().build_request_director([GuardedRequestsRH])
        for handler in director.handlers.values():
            handler.guard = self.guard
        return director

    def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
        chosen = get_suitable_downloader(dict(info), self.params, to_stdout=(name == "-")) if info.get("url") else None
        if chosen is not None and chosen not in NATIVE_DOWNLOADERS:
            raise yt_dlp.utils.DownloadError(
                f"this format needs the {getattr(chosen, 'FD_NAME', 'external')} downloader, which is not used"
            )
        return super().dl(name, info, subtitle=subtitle, test=test)
