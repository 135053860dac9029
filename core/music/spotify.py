"""What Spotify still offers a development-mode app, through spotipy.

Client-credentials search (10 results per page, as Spotify allows since 2026) for tracks and
artists, with album art and links; covers for catalog tracks; matching a Spotify track into the
catalog. Rate limits (429) are retried with backoff honouring `Retry-After` up to a bound, then
reported with the wait time. Tokens are kept in memory only (never a `.cache` file).

The API and token URLs are parameters so the tests point real spotipy at a local test double.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.exceptions import SpotifyException, SpotifyOauthError

from core.errors import UserError

log = logging.getLogger(__name__)

API_PREFIX = "https://api.spotify.com/v1/"
TOKEN_URL = "https://accounts.spotify.com/api/token"
AUTHORIZE_URL = "https://accounts.spotify.com/authorize"
PAGE_SIZE = 10  # Spotify's cap on search results per page for development-mode apps (2026)
T = TypeVar("T")


class SpotifyError(UserError, RuntimeError):
    """A Spotify call failed; the message is safe to show (no credentials in it)."""


class SpotifyAuthError(SpotifyError):
    pass


class SpotifyNotFound(SpotifyError):
    pass


class SpotifyRateLimited(SpotifyError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class SpotifyTrack:
    id: str
    name: str
    artists: tuple[str, ...]
    album: str
    image_url: str | None
    url: str
    isrc: str | None

    @property
    def artist(self) -> str:
        return self.artists[0] if self.artists else ""

    @property
    def label(self) -> str:
        return f"{self.name} — {', '.join(self.artists)}"


@dataclass(frozen=True)
class SpotifyArtist:
    id: str
    name: str
    genres: tuple[str, ...]
    image_url: str | None
    url: str


@dataclass(frozen=True)
class SearchPage:
    items: list[Any]  # SpotifyTrack or SpotifyArtist
    offset: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def _image(images: Sequence[dict[str, Any]] | None) -> str | None:
    if not images:
        return None
    # Spotify lists the largest first; a ~300 px one is enough for a table cell.
    by_size = sorted(images, key=lambda i: abs((i.get("width") or 300) - 300))
    return by_size[0].get("url")


def parse_track(item: dict[str, Any]) -> SpotifyTrack:
    album = item.get("album") or {}
    return SpotifyTrack(
        id=item["id"],
        name=item.get("name", ""),
        artists=tuple(a.get("name", "") for a in item.get("artists", [])),
        album=album.get("name", ""),
        image_url=_image(album.get("images")),
        url=(item.get("external_urls") or {}).get("spotify") or f"https://open.spotify.com/track/{item['id']}",
        isrc=(item.get("external_ids") or {}).get("isrc"),
    )


def parse_artist(item: dict[str, Any]) -> SpotifyArtist:
    return SpotifyArtist(
        id=item["id"],
        name=item.get("name", ""),
        genres=tuple(item.get("genres") or ()),
        image_url=_image(item.get("images")),
        url=(item.get("external_urls") or {}).get("spotify") or f"https://open.spotify.com/artist/{item['id']}",
    )


class SpotifyClient:
    """Client-credentials access for search and track details."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        api_prefix: str | None = None,
        token_url: str | None = None,
        timeout: float = 10.0,
        max_retries: int = 3,
        max_wait: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not client_id or not client_secret:
            raise SpotifyAuthError("Spotify is not configured: paste a client ID and secret in the sidebar.")
        auth = spotipy.SpotifyClientCredentials(
            client_id=client_id,
            client_secret=client_secret,
            cache_handler=MemoryCacheHandler(),
            requests_timeout=timeout,
        )
        auth.OAUTH_TOKEN_URL = token_url or TOKEN_URL  # class attribute in spotipy; overridden per instance
        # A plain session: no urllib3 retries, so a 429 reaches us with its Retry-After header.
        self._sp = spotipy.Spotify(auth_manager=auth, requests_session=requests.Session(), requests_timeout=timeout)
        self._sp.prefix = (api_prefix or API_PREFIX).rstrip("/") + "/"
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._sleep = sleep

    def _call(self, function: Callable[[], T]) -> T:
        waited = 0.0
        for attempt in range(self.max_retries + 1):
            try:
                return function()
            except SpotifyOauthError as exc:
                log.warning("Spotify token request failed: %s", getattr(exc, "error", type(exc).__name__))
                raise SpotifyAuthError(
                    "Spotify refused the client ID/secret. Check them in the sidebar "
                    "(Spotify developer dashboard → your app → Settings)."
                ) from None
            except SpotifyException as exc:
                if exc.http_status == 429:
                    retry_after = _retry_after(exc.headers, attempt)
                    if attempt < self.max_retries and waited + retry_after <= self.max_wait:
                        log.info("Spotify rate limit: waiting %.1f s (attempt %d)", retry_after, attempt + 1)
                        self._sleep(retry_after)
                        waited += retry_after
                        continue
                    raise SpotifyRateLimited(
                        f"Spotify is rate-limiting this app. Try again in {retry_after:.0f} s.", retry_after
                    ) from None
                if exc.http_status == 401:
                    raise SpotifyAuthError("Spotify rejected the access token. Check the credentials.") from None
                if exc.http_status == 403:
                    raise SpotifyAuthError(
                        "Spotify refused this request for the app (403). Development-mode apps may only "
                        "use some endpoints, and only for allow-listed users."
                    ) from None
                if exc.http_status == 404:
                    raise SpotifyNotFound("Spotify does not know this item (404).") from None
                if exc.http_status >= 500 and attempt < self.max_retries:
                    delay = min(2.0**attempt * 0.5, 4.0)
                    self._sleep(delay)
                    waited += delay
                    continue
                raise SpotifyError(f"Spotify answered {exc.http_status}. Try again later.") from None
            except requests.exceptions.RequestException as exc:
                log.warning("Spotify unreachable: %s", type(exc).__name__)
                raise SpotifyError("Could not reach Spotify: no internet connection?") from None
        raise SpotifyError("Spotify kept failing. Try again later.")  # pragma: no cover

    def search_tracks(self, query: str, page: int = 0) -> SearchPage:
        return self._search(query, "track", page)

    def search_artists(self, query: str, page: int = 0) -> SearchPage:
        return self._search(query, "artist", page)

    def _search(self, query: str, kind: Literal["track", "artist"], page: int) -> SearchPage:
        query = query.strip()
        if not query:
            return SearchPage([], 0, 0)
        offset = max(0, page) * PAGE_SIZE
        data = self._call(lambda: self._sp.search(q=query, limit=PAGE_SIZE, offset=offset, type=kind))
        block = (data or {}).get(f"{kind}s") or {}
        parse = parse_track if kind == "track" else parse_artist
        items = [parse(item) for item in block.get("items", []) if item and item.get("id")]
        return SearchPage(items, int(block.get("offset", offset)), int(block.get("total", len(items))))

    def tracks(self, track_ids: Sequence[str]) -> dict[str, SpotifyTrack]:
        """Details (cover, link, ISRC) for track ids, one request per id (batch endpoints are gone
        for development-mode apps)."""
        out: dict[str, SpotifyTrack] = {}
        for track_id in track_ids:
            try:
                data = self._call(partial(self._sp.track, track_id))
            except SpotifyNotFound:
                continue
            if data and data.get("id"):
                out[track_id] = parse_track(data)
        return out


def _retry_after(headers: Any, attempt: int) -> float:
    value = None
    if headers:
        value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else 2.0**attempt
    except (TypeError, ValueError):
        return 2.0**attempt


# --------------------------------------------------------------------------------------------------
# Optional user login (authorization code flow) for top tracks and saving playlists

USER_SCOPES = "user-top-read playlist-modify-private"
ALLOW_LIST_NOTE = (
    "Spotify lets a development-mode app log in only the Spotify users its owner has added under "
    "User Management in the developer dashboard; anyone else is refused. The redirect URI "
    "({redirect_uri}) must also be registered in the app's settings."
)


class SpotifyUserSession(SpotifyClient):
    """One browser session's Spotify login: authorize URL, code exchange, top tracks, playlists.

    The token lives in memory (this object, kept in the session), never in a file.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        state: str,
        *,
        api_prefix: str | None = None,
        token_url: str | None = None,
        authorize_url: str | None = None,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(
            client_id, client_secret, api_prefix=api_prefix, token_url=token_url, timeout=timeout, sleep=sleep
        )
        self.redirect_uri = redirect_uri
        self.state = state
        self._oauth = spotipy.SpotifyOAuth(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            state=state,
            scope=USER_SCOPES,
            cache_handler=MemoryCacheHandler(),
            open_browser=False,
            requests_timeout=timeout,
        )
        self._oauth.OAUTH_TOKEN_URL = token_url or TOKEN_URL
        self._oauth.OAUTH_AUTHORIZE_URL = authorize_url or AUTHORIZE_URL
        self._user = spotipy.Spotify(
            auth_manager=self._oauth, requests_session=requests.Session(), requests_timeout=timeout
        )
        self._user.prefix = self._sp.prefix
        self.display_name: str | None = None

    @property
    def logged_in(self) -> bool:
        return self.display_name is not None

    def authorize_url(self) -> str:
        return str(self._oauth.get_authorize_url(state=self.state))

    def complete_login(self, pasted: str) -> str:
        """Finish the login with the code (or the whole redirect URL) the user pasted; returns the name."""
        pasted = pasted.strip()
        if pasted.startswith("http"):
            try:
                state, code = spotipy.SpotifyOAuth.parse_auth_response_url(pasted)
            except SpotifyOauthError:
                raise SpotifyAuthError(
                    "Spotify did not grant access (the login was cancelled or this user is not "
                    "allow-listed for the app)."
                ) from None
            if state != self.state:
                raise SpotifyAuthError("That login link belongs to another attempt. Click “Log in to Spotify” again.")
        else:
            code = pasted
        if not code:
            raise SpotifyAuthError("Paste the code (or the whole address) Spotify sent you back to.")
        try:
            self._call(lambda: self._oauth.get_access_token(code, check_cache=False))
        except SpotifyAuthError:
            raise SpotifyAuthError(
                "Spotify did not accept that login code (codes work once and expire after a few minutes). Log in again."
            ) from None
        me = self._call(self._user.current_user) or {}
        self.display_name = str(me.get("display_name") or me.get("id") or "you")
        return self.display_name

    def top_tracks(self, limit: int = 5) -> list[SpotifyTrack]:
        data = self._call(lambda: self._user.current_user_top_tracks(limit=limit, time_range="medium_term"))
        return [parse_track(item) for item in (data or {}).get("items", []) if item and item.get("id")]

    def save_playlist(self, name: str, track_ids: Sequence[str], description: str = "") -> str:
        """Create a private playlist with these tracks; returns its Spotify URL."""
        playlist = self._call(
            lambda: self._user.current_user_playlist_create(name, public=False, description=description)
        )
        playlist_id = playlist["id"]
        uris = [f"spotify:track:{t}" for t in track_ids]
        for start in range(0, len(uris), 100):
            self._call(partial(self._user.playlist_add_items, playlist_id, uris[start : start + 100]))
        return str(
            (playlist.get("external_urls") or {}).get("spotify") or f"https://open.spotify.com/playlist/{playlist_id}"
        )
