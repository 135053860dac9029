"""Real spotipy against the local test double of the Spotify Web API."""

from collections.abc import Iterator

import pytest

from core.music.spotify import (
    PAGE_SIZE,
    SpotifyAuthError,
    SpotifyClient,
    SpotifyError,
    SpotifyRateLimited,
)
from tests.music.spotify_double import CLIENT_ID, CLIENT_SECRET, SpotifyDouble, make_track, running_double


@pytest.fixture()
def double() -> Iterator[SpotifyDouble]:
    tracks = [
        make_track(f"{i:022d}", f"Blue Song {i}", f"Artist {i % 4}", isrc=f"USRC{i:08d}") for i in range(23)
    ]
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


def client(
    double: SpotifyDouble, secret: str = CLIENT_SECRET, sleeps: list[float] | None = None
) -> SpotifyClient:
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
