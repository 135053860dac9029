from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.music.catalog import FEATURE_BY_NAME, read_catalog_csv
from core.music.engine import (
    CatalogIndex,
    EmptyPoolError,
    EngineError,
    Query,
    Seed,
    UnknownSeedError,
    feature_gap,
    song_key,
)
from tests.music.generate import csv_bytes, make_catalog

SHARED_CATALOG = Path(__file__).resolve().parents[3] / "shared" / "data" / "spotify_songs.csv.gz"


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    frame, _ = read_catalog_csv(csv_bytes(make_catalog(3000, seed=1)), "generated.csv")
    return CatalogIndex(frame, "generated")


def track_seed(index: CatalogIndex, row: int) -> Seed:
    return Seed("track", index.frame["track_id"].iat[row], index.frame["track_name"].iat[row])


def first_row_of_genre(index: CatalogIndex, genre: str) -> int:
    return int(np.flatnonzero(index.genre == genre)[0])


def test_results_exclude_seeds_and_report_pool_sizes(index: CatalogIndex) -> None:
    seed = track_seed(index, 0)
    result = index.recommend(Query(seeds=[seed], limit=15))
    assert len(result.tracks) == 15
    assert seed.value not in set(result.tracks["track_id"])
    assert result.pool.initial >= result.pool.after_filters >= result.pool.after_dedupe >= 15
    assert result.pool.returned == 15 and not result.pool.widened


def test_filters_are_hard(index: CatalogIndex) -> None:
    seed = track_seed(index, first_row_of_genre(index, "folk"))  # quiet, acoustic
    query = Query(seeds=[seed], minimums={"energy": 0.6, "tempo": 100}, maximums={"acousticness": 0.3}, limit=20)
    result = index.recommend(query)
    assert len(result.tracks) == 20
    assert (result.tracks["energy"] >= 0.6).all()
    assert (result.tracks["tempo"] >= 100).all()
    assert (result.tracks["acousticness"] <= 0.3).all()
    assert result.pool.widened  # nothing near a folk seed passes, so the search widened
    assert any("widened" in note for note in result.notes)


def test_empty_pool_names_the_filter_that_emptied_it(index: CatalogIndex) -> None:
    query = Query(
        seeds=[Seed("genre", "rock", "rock")],
        minimums={"energy": 0.8, "acousticness": 0.9},
        maximums={"tempo": 150},
    )
    with pytest.raises(EmptyPoolError) as info:
        index.recommend(query)
    assert info.value.filter_name == "Acousticness ≥ 0.9"
    assert "Acousticness ≥ 0.9" in str(info.value)
    assert info.value.counts[0][0] == "Energy ≥ 0.8" and info.value.counts[0][1] > 0


def test_targets_move_results(index: CatalogIndex) -> None:
    seed = track_seed(index, first_row_of_genre(index, "jazz"))
    targets = {"energy": 0.9, "danceability": 0.85}
    plain = index.recommend(Query(seeds=[seed], limit=20))
    soft = index.recommend(Query(seeds=[seed], targets=targets, limit=20))
    strong = index.recommend(Query(seeds=[seed], targets=targets, limit=20, target_weight=3))
    # Default strength: still jazz (the seed's genre), but the most energetic, danceable jazz.
    assert (soft.tracks["genre"] == "jazz").all()
    assert soft.tracks["energy"].mean() > plain.tracks["energy"].mean() + 0.03
    assert soft.tracks["danceability"].mean() > plain.tracks["danceability"].mean() + 0.05
    assert soft.tracks["target_penalty"].mean() < plain.tracks["energy"].pipe(lambda e: (0.9 - e).mean())
    # Strong targets override the seed's sound.
    assert strong.tracks["energy"].mean() > 0.8 and strong.tracks["danceability"].mean() > 0.75
    why = soft.explanations[0]
    assert [gap.feature for gap in why.targets] == ["energy", "danceability"]
    assert "vs target 0.9" in soft.tracks["why"].iloc[0]


def test_per_artist_cap_holds(index: CatalogIndex) -> None:
    artist = index.frame["artist"].iat[5]
    for cap in (1, 2, 3):
        result = index.recommend(Query(seeds=[Seed("artist", artist, artist)], per_artist_cap=cap, limit=25))
        assert result.tracks["artist"].value_counts().max() <= cap
        assert len(result.tracks) == 25


def test_duplicate_versions_of_seed_and_results_are_removed() -> None:
    raw = make_catalog(600, seed=3)
    base = raw.iloc[0]
    versions = pd.DataFrame([base, base, base]).reset_index(drop=True)
    versions["track_id"] = ["A" * 22, "B" * 22, "C" * 22]
    versions["track_name"] = [
        f"{base.track_name} - 2011 Remaster",
        f"{base.track_name} (Radio Edit)",
        "Other",
    ]
    versions.loc[2, "track_name"] = "Twin Song"
    twins = pd.DataFrame([raw.iloc[1], raw.iloc[1]]).reset_index(drop=True)
    twins["track_id"] = ["D" * 22, "E" * 22]
    twins["track_name"] = ["Twin Song - Live", "Twin Song [Mono]"]
    twins["track_artist"] = base.track_artist
    frame, _ = read_catalog_csv(csv_bytes(pd.concat([raw, versions, twins])), "versions.csv")
    index = CatalogIndex(frame)
    result = index.recommend(Query(seeds=[track_seed(index, 0)], limit=40, per_artist_cap=40))
    names = list(result.tracks["track_name"])
    assert not any(name.startswith(f"{base.track_name} ") for name in names)
    keys = [song_key(t, a) for t, a in zip(result.tracks["track_name"], result.tracks["artist"], strict=True)]
    assert len(keys) == len(set(keys))


def test_mixed_seeds_and_why_per_seed(index: CatalogIndex) -> None:
    seeds = [
        track_seed(index, 0),
        Seed("artist", index.frame["artist"].iat[7], "an artist"),
        Seed("genre", "edm", "edm"),
    ]
    result = index.recommend(Query(seeds=seeds, limit=10))
    assert len(result.explanations) == 10
    assert all(len(e.seeds) == 3 for e in result.explanations)
    assert all(0 <= m.similarity <= 1 for e in result.explanations for m in e.seeds)
    assert "like edm" in " ".join(result.tracks["why"])


def test_bad_queries(index: CatalogIndex) -> None:
    with pytest.raises(UnknownSeedError, match="not in the catalog"):
        index.recommend(Query(seeds=[Seed("track", "x" * 22, "Nope")]))
    with pytest.raises(UnknownSeedError, match="Known genres"):
        index.recommend(Query(seeds=[Seed("genre", "polka", "polka")]))
    with pytest.raises(EngineError, match="between 1 and 5"):
        index.recommend(Query(seeds=[Seed("genre", "rock", "rock")] * 6))
    with pytest.raises(EngineError, match="minimum is above"):
        index.recommend(
            Query(seeds=[Seed("genre", "rock", "rock")], minimums={"energy": 0.8}, maximums={"energy": 0.2})
        )


def test_key_distance_is_circular() -> None:
    spec = FEATURE_BY_NAME["key"]
    gaps = feature_gap(spec, np.array([11.0, 1.0, 6.0, 0.0]), 0.0)
    assert gaps[0] == pytest.approx(1 / 6) and gaps[1] == pytest.approx(1 / 6)
    assert gaps[2] == pytest.approx(1.0) and gaps[3] == 0


def test_numpy_and_faiss_neighbours_agree(index: CatalogIndex) -> None:
    with_faiss = CatalogIndex(index.frame, use_faiss=True)
    plain = CatalogIndex(index.frame, use_faiss=False)
    assert with_faiss.index is not None and plain.index is None
    query = Query(seeds=[track_seed(index, 3), Seed("genre", "folk", "folk")], limit=12)
    assert list(with_faiss.recommend(query).tracks["track_id"]) == list(plain.recommend(query).tracks["track_id"])


def test_search_and_match(index: CatalogIndex) -> None:
    name = index.frame["track_name"].iat[42]
    artist = index.frame["artist"].iat[42]
    hits = index.search_tracks(f"{name} {artist.split()[0]}")
    assert index.frame["track_id"].iat[42] in set(hits["track_id"])
    assert artist in index.search_artists(artist.lower())
    assert index.search_genres("ro") == ["rock"]
    assert index.match_track("z" * 22, f"{name} - Remastered", artist) == 42
    assert index.match_track("z" * 22, "Unknown", "Nobody") is None


def test_pool_map_and_radar(index: CatalogIndex) -> None:
    result = index.recommend(Query(seeds=[track_seed(index, 0)], minimums={"energy": 0.3}, limit=10))
    points = index.pool_map(result)
    assert set(points["role"]) <= {"seed track", "result", "candidate", "filtered out", "seed or other version"}
    assert "filtered out" in set(points["role"])
    filtered_names = set(points.loc[points["role"] == "filtered out", "track"])
    energy = index.frame.set_index("track_name")["energy"]
    assert all(energy[name] < 0.3 for name in filtered_names)
    assert (points["role"] == "result").sum() == 10 and (points["role"] == "seed track").sum() == 1
    profile = index.radar_profile(result.result_rows)
    assert set(profile) >= {"Energy", "Danceability"} and all(0 <= v <= 1 for v in profile.values())


@pytest.mark.skipif(not SHARED_CATALOG.is_file(), reason="shared catalog ../shared/data not present")
def test_recommendations_stay_in_the_seed_genre_on_the_real_catalog() -> None:
    frame, _ = read_catalog_csv(SHARED_CATALOG, SHARED_CATALOG.name)
    index = CatalogIndex(frame, "spotify_songs")
    rng = np.random.default_rng(0)
    shares = {}
    for genre in index.genres:
        rows = rng.choice(index.rows_by_genre[genre], 5, replace=False)
        in_genre = []
        for row in rows:
            result = index.recommend(Query(seeds=[track_seed(index, int(row))], limit=20))
            in_genre.append((result.tracks["genre"] == genre).mean())
        shares[genre] = float(np.mean(in_genre))
    assert min(shares.values()) > 0.6, shares
    # ... unless targets say otherwise: a quiet acoustic target moves an EDM seed out of EDM.
    row = int(np.flatnonzero(index.frame["genre_group"] == "edm")[0])
    moved = index.recommend(
        Query(
            seeds=[track_seed(index, row)],
            targets={"energy": 0.15, "acousticness": 0.9},
            limit=20,
            target_weight=2,
        )
    )
    assert (index.frame["genre_group"].to_numpy()[moved.result_rows] == "edm").mean() < 0.5
    assert moved.tracks["acousticness"].mean() > 0.5


def test_seed_values_average_features_with_circular_key(index: CatalogIndex) -> None:
    rows = (
        np.flatnonzero(index.values["key"] == 11)[:1].tolist() + np.flatnonzero(index.values["key"] == 1)[:1].tolist()
    )
    seeds = [track_seed(index, r) for r in rows]
    values = index.seed_values(seeds)
    assert values["key"] == 0  # between B and C♯ is C, not F♯
    assert values["energy"] == pytest.approx(float(index.values["energy"][rows].mean()), abs=1e-6)
    assert index.seed_values([]) == {}


def test_song_key_groups_versions_in_any_script() -> None:
    assert song_key("Song - 2011 Remaster", "Band") == song_key("Song (Radio Edit)", "Band") == "song|band"
    assert song_key("Лучший друг", "Баста") != song_key("Другая песня", "Баста")
    assert song_key("Лучший друг - Live", "Баста") == song_key("Лучший друг", "Баста")
    assert song_key("(Intro)", "X") != song_key("(Outro)", "X")


def test_search_ranks_an_artist_named_exactly_above_a_title_inside_the_word() -> None:
    raw = make_catalog(300, seed=5)
    extra = pd.DataFrame([raw.iloc[0]] * 4).reset_index(drop=True)
    extra["track_id"] = ["F" * 22, "G" * 22, "H" * 22, "J" * 22]
    extra["track_name"] = ["O", "Yellow", "Clocks", "Coldplaying Around"]
    extra["track_artist"] = ["Coldplay Tribute Band", "Coldplay", "Coldplay", "Someone"]
    extra["track_popularity"] = [99, 40, 60, 98]
    frame, _ = read_catalog_csv(csv_bytes(pd.concat([raw, extra])), "search.csv")
    index = CatalogIndex(frame)

    def titles(text: str) -> list[str]:
        return list(index.search_tracks(text)["track_name"])

    assert titles("coldplay")[:3] == ["Clocks", "Yellow", "O"]  # "O": a whole word of its artist only
    assert titles("yellow coldplay")[:1] == ["Yellow"]
    assert titles("coldpl")[:1] == ["O"]  # parts of words only: the most popular first
