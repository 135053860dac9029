"""This session's Spotify objects: the search client and the optional user login.

Both keep their access tokens in memory, so each is made once per session and credentials (a memo
whose signature is a hash of the credentials, never the credentials themselves).
"""

from __future__ import annotations

import hashlib
import secrets

from components.music.state import SPOTIFY_CLIENT, SPOTIFY_USER
from components.shared.memo import forget, session_memo
from core.config import Settings
from core.music.spotify import SpotifyClient, SpotifyUserSession


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()


def spotify_client(settings: Settings) -> SpotifyClient | None:
    """The client-credentials client, or None when no client ID and secret are configured."""
    credentials = settings.spotify_credentials
    if credentials is None:
        return None
    client_id, secret = credentials
    return session_memo(SPOTIFY_CLIENT, _fingerprint(client_id, secret), lambda: SpotifyClient(client_id, secret))


def user_session(settings: Settings) -> SpotifyUserSession | None:
    """This browser session's login object (kept per credentials + redirect URI)."""
    credentials = settings.spotify_credentials
    if credentials is None:
        return None
    client_id, secret = credentials
    redirect = settings.spotify_redirect_uri
    return session_memo(
        SPOTIFY_USER,
        _fingerprint(client_id, secret, redirect),
        lambda: SpotifyUserSession(client_id, secret, redirect, secrets.token_urlsafe(16)),
    )


def log_out() -> None:
    forget(SPOTIFY_USER)
