"""The approximate (IVF) neighbour search of large catalogs against the exact search it replaces."""

import numpy as np
import pytest

from core.music.catalog import read_catalog_csv
from core.music.engine import CatalogIndex, Query, Seed
from tests.music.generate import csv_bytes, make_catalog

GENRES = {  # eight sounds, so the index has clusters of different sizes and overlaps to get right
    "rock": {"energy": 0.85, "danceability": 0.45, "acousticness": 0.05, "valence": 0.5, "tempo": 135},
    "folk": {"energy": 0.25, "danceability": 0.45, "acousticness": 0.85, "valence": 0.4, "tempo": 95},
    "edm": {"energy": 0.9, "danceability": 0.8, "acousticness": 0.02, "valence": 0.45, "tempo": 126},
    "jazz": {"energy": 0.35, "danceability": 0.55, "acousticness": 0.7, "valence": 0.6, "tempo": 110},
    "pop": {"energy": 0.65, "danceability": 0.7, "acousticness": 0.2, "valence": 0.7, "tempo": 118},
    "metal": {"energy": 0.95, "danceability": 0.35, "acousticness": 0.01, "valence": 0.3, "tempo": 150},
    "ambient": {"energy": 0.15, "danceability": 0.25, "acousticness": 0.6, "valence": 0.2, "tempo": 80},
    "latin": {"energy": 0.75, "danceability": 0.8, "acousticness": 0.25, "valence": 0.8, "tempo": 100},
}


@pytest.fixture(scope="module")
def large() -> CatalogIndex:
    frame, _ = read_catalog_csv(
        csv_bytes(make_catalog(CatalogIndex.ANN_MIN_ROWS, artists_per_genre=400, seed=3, genres=GENRES)),
        "large.csv",
    )
    return CatalogIndex(frame, "large")


@pytest.fixture(scope="module")
def small() -> CatalogIndex:
    frame, _ = read_catalog_csv(csv_bytes(make_catalog(4000, seed=4, genres=GENRES)), "small.csv")
    return CatalogIndex(frame, "small")


def sampled_queries(index: CatalogIndex, count: int, seed: int, **extra: object) -> list[Query]:
    rng = np.random.default_rng(seed)
    queries = []
    for _ in range(count):
        rows = rng.choice(len(index), rng.integers(1, 4), replace=False)
        seeds = [Seed("track", str(index.track_ids[r]), str(index.frame["track_name"].iat[r])) for r in rows]
        targets = {"valence": float(rng.uniform(0.1, 0.9))} if rng.random() < 0.6 else {}
        queries.append(Query(seeds=seeds, targets=targets, **extra))  # type: ignore[arg-type]
    return queries


def test_large_catalog_finds_95_percent_of_the_exact_neighbours(large: CatalogIndex) -> None:
    assert large.approximate and large.index is not None
    assert max(large.ann_nprobe, large.ann_nprobe_means) < large.ann_nlist  # a subset of the lists is scanned
    hits = total = 0
    for query in sampled_queries(large, 30, seed=5):
        vectors, means = large.search_vectors(query)
        exact = large.nearest(vectors, query.pool_per_seed, exact=True)
        found = large.nearest(vectors, query.pool_per_seed, means=means)
        assert len(found) <= len(vectors) * query.pool_per_seed
        hits += len(np.intersect1d(found, exact))
        total += len(exact)
    assert hits / total >= 0.95, hits / total


def test_large_catalog_artist_and_genre_seeds_keep_their_neighbours(large: CatalogIndex) -> None:
    artist = str(large.frame["artist"].iat[7])
    query = Query(seeds=[Seed("artist", artist, artist), Seed("genre", "jazz", "jazz")], targets={"energy": 0.9})
    vectors, means = large.search_vectors(query)
    assert means == [True, True, True, True]
    exact = large.nearest(vectors, query.pool_per_seed, exact=True)
    found = large.nearest(vectors, query.pool_per_seed, means=means)
    assert len(np.intersect1d(found, exact)) / len(exact) >= 0.95


@pytest.mark.parametrize(
    ("minimums", "maximums"),
    [
        ({"energy": 0.5}, {"tempo": 140.0}),
        ({"acousticness": 0.6}, {}),  # far from loud seeds: the search widens to the passing rows
        ({"energy": 0.97, "danceability": 0.7}, {"acousticness": 0.1}),  # few rows pass at all
    ],
)
def test_filtered_queries_return_only_rows_that_pass(
    large: CatalogIndex, minimums: dict[str, float], maximums: dict[str, float]
) -> None:
    passing = int(
        large.pass_mask(
            [(n, "min", v) for n, v in minimums.items()] + [(n, "max", v) for n, v in maximums.items()]
        ).sum()
    )
    assert passing > 0
    for query in sampled_queries(large, 6, seed=6, minimums=minimums, maximums=maximums):
        result = large.recommend(query)
        assert len(result.tracks) > 0
        for name, value in minimums.items():
            assert (result.tracks[name] >= value).all(), name
        for name, value in maximums.items():
            assert (result.tracks[name] <= value).all(), name


def test_few_passing_rows_are_searched_exactly(large: CatalogIndex) -> None:
    # Quiet seeds, loud filters: none of the seeds' neighbours pass, only a few thousand tracks do.
    rows = np.flatnonzero(large.genre == "ambient")[:2]
    seeds = [Seed("track", str(large.track_ids[r]), str(large.frame["track_name"].iat[r])) for r in rows]
    query = Query(seeds=seeds, minimums={"energy": 0.97, "danceability": 0.7}, targets={"valence": 0.5})
    result = large.recommend(query)
    assert result.pool.widened
    assert (result.tracks["energy"] >= 0.97).all() and (result.tracks["danceability"] >= 0.7).all()
    assert list(result.tracks["track_id"]) == list(large.recommend(query, exact=True).tracks["track_id"])


def test_small_catalog_stays_exact(small: CatalogIndex) -> None:
    assert not small.approximate and small.index is None
    for query in sampled_queries(small, 10, seed=7, minimums={"energy": 0.3}):
        vectors, _ = small.search_vectors(query)
        found = small.nearest(vectors, query.pool_per_seed)
        brute = np.unique(
            np.concatenate([np.argsort(((small.matrix - v) ** 2).sum(axis=1))[: query.pool_per_seed] for v in vectors])
        )
        assert np.array_equal(found, brute)
        ours = small.recommend(query).tracks["track_id"]
        assert list(ours) == list(small.recommend(query, exact=True).tracks["track_id"])
