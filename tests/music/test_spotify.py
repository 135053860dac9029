"""Real spotipy against the local test double of the Spotify Web API."""

from collections.abc import Iterator

import pytest

from core.music.spotify import (
    PAGE_SIZE,
    SpotifyAuthError,
    SpotifyClient,
    SpotifyError,
    SpotifyRateLimited,
    SpotifyUserSession,
)
from tests.music.spotify_double import (
    CLIENT_ID,
    CLIENT_SECRET,
    LOGIN_CODE,
    SpotifyDouble,
    make_track,
    running_double,
)


@pytest.fixture()
def double() -> Iterator[SpotifyDouble]:
    tracks = [make_track(f"{i:022d}", f"Blue Song {i}", f"Artist {i % 4}", isrc=f"USRC{i:08d}") for i in range(23)]
    tracks.append(make_track("z" * 22, "Red Song", "Other"))
    artists = [
        {
            "id": f"{i:022d}",
            "name": f"Blue Band {i}",
            "genres": ["indie"],
            "images": [],
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{i:022d}"},
        }
        for i in range(3)
    ]
    with running_double(SpotifyDouble(tracks=tracks, artists=artists)) as server:
        yield server


def client(double: SpotifyDouble, secret: str = CLIENT_SECRET, sleeps: list[float] | None = None) -> SpotifyClient:
    return SpotifyClient(
        CLIENT_ID,
        secret,
        api_prefix=double.api_prefix,
        token_url=double.token_url,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        timeout=5,
    )


def test_search_pages_ten_at_a_time(double: SpotifyDouble) -> None:
    spotify = client(double)
    first = spotify.search_tracks("blue")
    assert len(first.items) == PAGE_SIZE and first.total == 23 and first.has_next and not first.has_previous
    third = spotify.search_tracks("blue", page=2)
    assert len(third.items) == 3 and not third.has_next and third.offset == 20
    track = first.items[0]
    assert track.name == "Blue Song 0" and track.artist == "Artist 0"
    assert track.image_url.endswith("-300")  # the ~300 px cover, not the largest
    assert track.url == f"https://open.spotify.com/track/{track.id}"
    assert track.isrc == "USRC00000000"
    assert all("limit=10" in path for _, path in double.requests)
    assert double.token_requests == 1  # token fetched once, kept in memory


def test_search_artists_and_track_details(double: SpotifyDouble) -> None:
    spotify = client(double)
    artists = spotify.search_artists("blue band")
    assert [a.name for a in artists.items] == ["Blue Band 0", "Blue Band 1", "Blue Band 2"]
    details = spotify.tracks(["z" * 22])
    assert details["z" * 22].name == "Red Song"


def test_bad_credentials_are_a_clear_message(double: SpotifyDouble) -> None:
    with pytest.raises(SpotifyAuthError, match="refused the client ID/secret") as info:
        client(double, secret="wrong-secret").search_tracks("blue")
    assert "wrong-secret" not in str(info.value)


def test_rate_limit_backs_off_with_retry_after(double: SpotifyDouble) -> None:
    sleeps: list[float] = []
    double.failures = [(429, {"Retry-After": "2"}), (429, {"Retry-After": "3"})]
    page = client(double, sleeps=sleeps).search_tracks("blue")
    assert len(page.items) == PAGE_SIZE
    assert sleeps == [2.0, 3.0]


def test_long_rate_limit_is_reported_not_waited(double: SpotifyDouble) -> None:
    sleeps: list[float] = []
    double.failures = [(429, {"Retry-After": "3600"})]
    with pytest.raises(SpotifyRateLimited, match="3600 s") as info:
        client(double, sleeps=sleeps).search_tracks("blue")
    assert info.value.retry_after == 3600 and sleeps == []


def test_server_errors_retry_then_fail(double: SpotifyDouble) -> None:
    sleeps: list[float] = []
    double.failures = [(503, {})]
    assert client(double, sleeps=sleeps).search_tracks("red").items[0].name == "Red Song"
    assert len(sleeps) == 1
    double.failures = [(500, {})] * 4
    with pytest.raises(SpotifyError, match="500"):
        client(double, sleeps=[]).search_tracks("red")


def test_unreachable_and_missing_credentials() -> None:
    with pytest.raises(SpotifyAuthError, match="not configured"):
        SpotifyClient("", "")
    offline = SpotifyClient(
        "id",
        "secret",
        api_prefix="http://127.0.0.1:9/v1/",
        token_url="http://127.0.0.1:9/api/token",
        timeout=2,
    )
    with pytest.raises(SpotifyError, match="Could not reach Spotify"):
        offline.search_tracks("blue")


def user_session(double: SpotifyDouble, state: str = "state-1") -> SpotifyUserSession:
    return SpotifyUserSession(
        CLIENT_ID,
        CLIENT_SECRET,
        double.redirect_uri,
        state,
        api_prefix=double.api_prefix,
        token_url=double.token_url,
        sleep=lambda s: None,
        timeout=5,
    )


def test_user_login_top_tracks_and_playlist(double: SpotifyDouble) -> None:
    session = user_session(double)
    url = session.authorize_url()
    assert url.startswith("https://accounts.spotify.com/authorize?") and "state=state-1" in url
    assert "user-top-read" in url and "redirect_uri=http%3A%2F%2F127.0.0.1%3A8501%2Fmusic" in url
    assert session.complete_login(f"{double.redirect_uri}?code={LOGIN_CODE}&state=state-1") == "Test Listener"
    assert session.logged_in
    top = session.top_tracks(limit=3)
    assert [t.name for t in top] == ["Blue Song 0", "Blue Song 1", "Blue Song 2"]
    link = session.save_playlist("ML Studio mix", [t.id for t in top], "made by ML Studio")
    playlist = next(iter(double.playlists.values()))
    assert playlist["name"] == "ML Studio mix" and playlist["public"] is False
    assert playlist["items"] == [f"spotify:track:{t.id}" for t in top]
    assert link.startswith("https://open.spotify.com/playlist/")


def test_user_login_failures(double: SpotifyDouble) -> None:
    session = user_session(double)
    with pytest.raises(SpotifyAuthError, match="another attempt"):
        session.complete_login(f"{double.redirect_uri}?code={LOGIN_CODE}&state=forged")
    with pytest.raises(SpotifyAuthError, match="did not grant access"):
        session.complete_login(f"{double.redirect_uri}?error=access_denied&state=state-1")
    with pytest.raises(SpotifyAuthError, match="did not accept that login code"):
        session.complete_login("stale-code")
    double.allow_listed = False
    with pytest.raises(SpotifyAuthError, match="allow-listed"):
        session.complete_login(LOGIN_CODE)
    assert not session.logged_in
