"""Near-duplicate versions of a song (live, remaster, radio edit, feat.) and the cap per album."""

import pandas as pd
import pytest

from core.music.catalog import read_catalog_csv
from core.music.engine import CatalogIndex, EngineError, Query, Seed, song_key, song_keys
from core.music.link import MusicLink, SeedRef, Tuning, decode_link, encode_link
from tests.music.generate import csv_bytes, make_catalog

VERSIONS = [
    "Song - 2011 Remaster",
    "Song (Radio Edit)",
    "Song - Live at Wembley",
    "Song [Mono]",
    "Song (feat. Guest)",
    "Song feat. Guest",
    "Song ft. Guest & Other",
    "Song featuring Guest",
    "SONG - Remastered",
]


@pytest.mark.parametrize("title", VERSIONS)
def test_versions_of_a_song_share_its_key(title: str) -> None:
    assert song_key(title, "Band") == "song|band"


def test_other_songs_keep_their_own_key() -> None:
    assert song_key("Song", "Other Band") != song_key("Song", "Band")
    assert song_key("Featherweight", "Band") == "featherweight|band"  # "feat" inside a word is the title
    assert song_key("Left Behind", "Band") == "left behind|band"
    assert song_key("Song 2", "Band") != song_key("Song", "Band")


def test_the_fast_and_the_any_script_paths_agree_on_feat() -> None:
    titles = pd.Series(["Song feat. Guest", "Песня feat. Гость", "Песня (feat. Гость)", "Песня"])
    artists = pd.Series(["Band", "Группа", "Группа", "Группа"])
    keys = list(song_keys(titles, artists))
    assert keys[0] == "song|band" and keys[1] == keys[2] == keys[3] == "песня|группа"


def catalog_with_versions() -> CatalogIndex:
    raw = make_catalog(600, seed=3)
    base = raw.iloc[0]
    versions = pd.DataFrame([base] * 3).reset_index(drop=True)
    versions["track_id"] = ["A" * 22, "B" * 22, "C" * 22]
    versions["track_name"] = [f"{base.track_name} - Live", f"{base.track_name} feat. Guest", "Twin Song"]
    frame, _ = read_catalog_csv(csv_bytes(pd.concat([raw, versions])), "versions.csv")
    return CatalogIndex(frame)


def test_versions_are_kept_when_the_user_asks_for_them() -> None:
    index = catalog_with_versions()
    seed = Seed("track", index.frame["track_id"].iat[0], "seed")
    title = index.frame["track_name"].iat[0]
    one = index.recommend(Query(seeds=[seed], limit=40, per_artist_cap=40, diversity=0))
    every = index.recommend(Query(seeds=[seed], limit=40, per_artist_cap=40, diversity=0, one_version_per_song=False))
    assert not any(name.startswith(f"{title} ") for name in one.tracks["track_name"])
    assert {f"{title} - Live", f"{title} feat. Guest"} <= set(every.tracks["track_name"])
    assert "Twin Song" in set(one.tracks["track_name"])  # same sound, other title: another song
    assert seed.value not in set(every.tracks["track_id"])  # the seed itself never comes back
    assert every.pool.after_dedupe > one.pool.after_dedupe and not every.pool.one_version_per_song


def one_album_per_artist() -> CatalogIndex:
    raw = make_catalog(2000, artists_per_genre=8, seed=4)
    half = raw.index % 2 == 0  # each artist: half the tracks on one album, the rest without an album
    raw["track_album_name"] = (raw["track_artist"] + " LP").where(half, "")
    frame, _ = read_catalog_csv(csv_bytes(raw), "albums.csv")
    return CatalogIndex(frame)


def test_the_cap_per_album_holds_and_tracks_without_an_album_are_not_capped() -> None:
    index = one_album_per_artist()
    artist = str(index.frame["artist"].iat[0])
    seeds = [Seed("artist", artist, artist)]
    free = index.recommend(Query(seeds=seeds, limit=25, per_artist_cap=5))
    assert free.tracks[free.tracks["album"] != ""]["album"].value_counts().max() > 1
    capped = index.recommend(Query(seeds=seeds, limit=25, per_artist_cap=5, per_album_cap=1))
    with_album = capped.tracks[capped.tracks["album"] != ""]
    assert len(with_album) > 0 and with_album["album"].value_counts().max() == 1
    assert capped.tracks["artist"].value_counts().max() == 5  # the rest of an artist's five: no album
    assert len(capped.tracks) == 25
    with pytest.raises(EngineError, match="per album"):
        index.recommend(Query(seeds=seeds, per_album_cap=-1))


def test_versions_and_album_cap_travel_in_the_link() -> None:
    tuning = Tuning(per_album_cap=2, one_version_per_song=False)
    params = encode_link(MusicLink(seeds=[SeedRef("genre", "jazz")], tuning=tuning))
    assert params == {"seeds": "genre:jazz", "album_cap": "2", "versions": "all"}
    decoded, problems = decode_link(params)
    assert problems == [] and decoded.tuning == tuning
    query = decoded.tuning.query([Seed("genre", "jazz", "jazz")])
    assert query.per_album_cap == 2 and not query.one_version_per_song
    _, problems = decode_link({"album_cap": "9", "versions": "some"})
    assert len(problems) == 2 and "cap per album" in problems[0] and "versions=all" in problems[1]
