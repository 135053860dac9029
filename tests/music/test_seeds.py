"""Which seed a Spotify track or artist, or a link's reference, becomes; the seed list's rules."""

import pytest

from core.music.catalog import read_catalog_csv
from core.music.engine import MAX_SEEDS, CatalogIndex, Seed
from core.music.link import SeedRef
from core.music.seeds import (
    Note,
    SeedPick,
    add_seed,
    pick_spotify_artist,
    pick_spotify_track,
    resolve_seeds,
    track_seed,
)
from core.music.spotify import SpotifyArtist, SpotifyTrack
from tests.music.generate import csv_bytes, make_catalog


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    frame, _ = read_catalog_csv(csv_bytes(make_catalog(600, seed=3)), "generated.csv")
    return CatalogIndex(frame, "generated")


def spotify_track(track_id: str, name: str, artist: str, isrc: str | None = None) -> SpotifyTrack:
    return SpotifyTrack(track_id, name, (artist,), "", None, f"https://open.spotify.com/track/{track_id}", isrc)


def test_a_catalog_track_is_its_own_seed(index: CatalogIndex) -> None:
    row = index.frame.iloc[5]
    pick = pick_spotify_track(index, spotify_track(row.track_id, row.track_name, row.artist))
    assert pick == SeedPick(Seed("track", row.track_id, f"{row.track_name} — {row.artist}"))


def test_another_version_is_matched_by_title_and_artist_and_says_so(index: CatalogIndex) -> None:
    row = index.frame.iloc[8]
    pick = pick_spotify_track(index, spotify_track("z" * 22, f"{row.track_name} - 2011 Remaster", row.artist))
    assert pick.seed == track_seed(index, 8)
    assert pick.note == Note(
        "info", f"Matched “{row.track_name} - 2011 Remaster — {row.artist}” to the catalog's “{row.track_name}”."
    )


def test_an_unknown_track_by_a_known_artist_seeds_the_artist(index: CatalogIndex) -> None:
    artist = index.frame["artist"].iat[3]
    pick = pick_spotify_track(index, spotify_track("q" * 22, "Never Heard Of It", artist.upper()))
    assert pick.seed == Seed("artist", artist, artist.upper())
    assert pick.note is not None and pick.note.level == "info"
    assert "no audio features are known" in pick.note.text and "was added as a seed instead" in pick.note.text


def test_an_unknown_track_by_an_unknown_artist_is_no_seed(index: CatalogIndex) -> None:
    pick = pick_spotify_track(index, spotify_track("q" * 22, "Blue Rarity", "Nobody Known"))
    assert pick.seed is None
    assert pick.note is not None and pick.note.level == "warning" and "cannot be a seed" in pick.note.text


def test_spotify_artists(index: CatalogIndex) -> None:
    artist = index.frame["artist"].iat[0]
    known = SpotifyArtist("b" * 22, artist, ("rock",), None, "")
    assert pick_spotify_artist(index, known) == SeedPick(Seed("artist", artist, artist))
    unknown = pick_spotify_artist(index, SpotifyArtist("c" * 22, "Nobody Known", (), None, ""))
    assert unknown.seed is None and unknown.note is not None and "No track by Nobody Known" in unknown.note.text


def test_add_seed_refuses_repeats_and_a_sixth(index: CatalogIndex) -> None:
    rock = Seed("genre", "rock", "rock")
    seeds, note = add_seed([], rock)
    assert seeds == [rock] and note is None
    again, note = add_seed(seeds, Seed("genre", "rock", "Rock!"))  # same genre, another label
    assert again == [rock] and note == Note("info", "Rock! is already a seed.")
    full = [Seed("genre", f"g{i}", f"g{i}") for i in range(MAX_SEEDS)]
    seeds, note = add_seed(full, rock)
    assert seeds == full and note == Note("warning", f"At most {MAX_SEEDS} seeds: remove one first.")
    # A pick that is not added shows why, not the pick's own note.
    pick = SeedPick(rock, Note("info", "Matched it."))
    assert add_seed(full, pick)[1] == note
    assert add_seed([], pick) == ([rock], Note("info", "Matched it."))
    assert add_seed([rock], SeedPick(None, Note("warning", "No."))) == ([rock], Note("warning", "No."))


def test_resolve_seeds_labels_from_the_catalog_and_reports_unknowns(index: CatalogIndex) -> None:
    row = index.frame.iloc[2]
    artist = index.frame["artist"].iat[4]
    refs = [
        SeedRef("track", row.track_id),
        SeedRef("artist", artist.lower()),
        SeedRef("genre", "ROCK"),
        SeedRef("track", "x" * 22),
        SeedRef("genre", "polka"),
    ]
    seeds, problems = resolve_seeds(index, refs)
    assert seeds == [
        Seed("track", row.track_id, f"{row.track_name} — {row.artist}"),
        Seed("artist", artist, artist),
        Seed("genre", "rock", "rock"),
    ]
    assert problems == [
        f"The link's track “{'x' * 22}” is not in the catalog generated, so it was left out.",
        "The link's genre “polka” is not in the catalog generated, so it was left out.",
    ]
