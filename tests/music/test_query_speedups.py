"""The query's speed-ups (issue 16) change nothing a user sees: same lists, why, rank reasons, pool sizes
and result frame as the engine before them (bench/music_before.py), on every kind of query."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.music_before import EngineBefore
from core.music.catalog import read_catalog_csv
from core.music.engine import CatalogIndex, Query, Recommendations, Seed, result_columns
from tests.music.generate import csv_bytes, make_catalog


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    raw = make_catalog(3000, seed=7)
    raw["track_album_name"] = [f"Album {i % 400}" if i % 3 else "" for i in range(len(raw))]  # some without one
    frame, _ = read_catalog_csv(csv_bytes(raw), "albums.csv")
    return CatalogIndex(frame, "generated")


def assert_same(ours: Recommendations, theirs: Recommendations) -> None:
    pd.testing.assert_frame_equal(ours.tracks, theirs.tracks)
    assert [e.text() for e in ours.explanations] == [e.text() for e in theirs.explanations]
    assert vars(ours.pool) == vars(theirs.pool)
    for name in ("pool_rows", "passed_rows", "kept_rows", "result_rows"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    assert (ours.notes, ours.shared) == (theirs.notes, theirs.shared)


def queries(index: CatalogIndex) -> list[Query]:
    track = [Seed("track", str(index.track_ids[r]), str(index.frame["track_name"].iat[r])) for r in (0, 11, 500)]
    artist = str(index.frame["artist"].iat[7])
    return [
        Query(seeds=track[:1]),
        Query(seeds=track, targets={"valence": 0.7, "key": 3}, minimums={"energy": 0.4}, limit=30),
        Query(seeds=[Seed("artist", artist, artist)], per_artist_cap=3, per_album_cap=1, limit=25),
        Query(seeds=[Seed("genre", "jazz", "jazz"), track[1]], diversity=0.9, maximums={"tempo": 120.0}),
        Query(seeds=track[:2], diversity=0.0, one_version_per_song=False, per_album_cap=2),
        Query(seeds=[Seed("genre", "folk", "folk")], minimums={"energy": 0.7}, limit=10),  # widens
        Query(seeds=[Seed("genre", "rock", "rock")], limit=200, per_artist_cap=1),  # runs out of artists
    ]


@pytest.mark.parametrize("number", range(7))
def test_same_results_as_the_engine_before(index: CatalogIndex, number: int) -> None:
    query = queries(index)[number]
    ours = index.recommend(query)
    assert_same(ours, EngineBefore.sharing(index).recommend(query))
    assert len(ours.tracks) > 0


def test_the_queries_cover_widening_album_caps_and_short_lists(index: CatalogIndex) -> None:
    results = [index.recommend(query) for query in queries(index)]
    assert results[5].pool.widened
    assert any(note.startswith("Only ") for note in results[6].notes)
    capped = results[2].tracks
    with_album = capped[capped["album"] != ""]
    assert with_album.groupby(["album", "artist"]).size().max() == 1


def result_frame_index(frame: pd.DataFrame) -> CatalogIndex:
    """Just what `_result_frame` reads, for a catalog of any columns."""
    index = CatalogIndex.__new__(CatalogIndex)
    index.column_arrays = {column: frame[column].to_numpy() for column in frame.columns}
    index._str_columns, index._blocks_frame = result_columns(index.column_arrays)
    index._label_cache = {}
    return index


@pytest.mark.parametrize("odd", [False, True])
def test_result_frame_is_typed_as_pandas_would_type_it(odd: bool) -> None:
    frame = pd.DataFrame(
        {
            "track_id": np.array(["a", "b", "c"], dtype=object),
            "count": np.array([1, 2, 3], dtype=np.int64),
            "flag": [True, False, True],
            "energy": np.array([0.1, 0.2, 0.3], dtype=np.float32),
        }
    )
    if odd:  # columns pandas types by their values: then the frame is left to pandas
        frame["name"] = np.array(["x", None, "z"], dtype=object)
        frame["mixed"] = np.array(["x", 1, "z"], dtype=object)
    index = result_frame_index(frame)
    assert index._str_columns == {"track_id"} and index._blocks_frame is not odd
    extra = {"score": np.array([0.5, 0.25]), "penalty": np.array([0.5, 0.25], dtype=np.float32), "why": ["a", "b"]}
    for rows in (np.array([2, 0]), np.array([1, 1]), np.empty(0, dtype=np.int64)):
        more = {name: values[: len(rows)] for name, values in extra.items()}
        expected = pd.DataFrame({**{column: values[rows] for column, values in index.column_arrays.items()}, **more})
        got = index._result_frame(rows, more)
        pd.testing.assert_frame_equal(got, expected)
        assert list(got.dtypes) == list(expected.dtypes)
        assert got.sort_values("score").reset_index(drop=True).shape == expected.shape  # behaves as a frame


def test_same_results_with_missing_feature_values(index: CatalogIndex) -> None:
    frame = index.frame.copy()
    frame.loc[frame.index % 5 == 0, "valence"] = np.nan  # a target on it makes those scores NaN
    holes = CatalogIndex(frame, "holes")
    seeds = [Seed("track", str(holes.track_ids[r]), "seed") for r in (1, 2)]
    for query in (Query(seeds=seeds, targets={"valence": 0.5}), Query(seeds=seeds, minimums={"valence": 0.3})):
        assert_same(holes.recommend(query), EngineBefore.sharing(holes).recommend(query))
