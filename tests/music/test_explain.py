"""What each result row says: its match on a 0–100 scale, why it sits at its rank, and only what sets it apart."""

import numpy as np
import pytest

from core.music.catalog import read_catalog_csv
from core.music.engine import CatalogIndex, Explanation, Pick, Query, Seed, SeedMatch, rank_reasons
from tests.music.generate import csv_bytes, make_catalog


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    frame, _ = read_catalog_csv(csv_bytes(make_catalog(3000, seed=1)), "generated.csv")
    return CatalogIndex(frame, "generated")


def track_seed(index: CatalogIndex, row: int) -> Seed:
    return Seed("track", index.frame["track_id"].iat[row], index.frame["track_name"].iat[row])


def test_without_variety_the_list_is_in_match_order_and_says_so(index: CatalogIndex) -> None:
    result = index.recommend(Query(seeds=[track_seed(index, 0)], limit=15, diversity=0.0))
    scores = result.tracks["score"].to_numpy()
    assert (np.diff(scores) <= 1e-12).all()
    assert list(result.tracks["rank_reason"]) == ["best match"] + ["as by match"] * 14


def test_with_variety_every_row_out_of_match_order_says_why(index: CatalogIndex) -> None:
    result = index.recommend(Query(seeds=[track_seed(index, 0)], limit=20, diversity=0.6))
    scores = result.tracks["score"].to_numpy()
    titles = list(result.tracks["track_name"])
    by_match = {int(row): place for place, row in enumerate(np.argsort(-scores, kind="stable"))}
    moved = 0
    for place, reason in enumerate(result.tracks["rank_reason"]):
        if by_match[place] == place:
            assert reason in ("best match", "as by match")
            continue
        moved += 1
        assert reason.startswith(f"#{by_match[place] + 1} by match; ")
        if by_match[place] > place:  # above tracks with a higher match
            assert "higher: unlike the tracks above" in reason
        else:  # below tracks with a lower match: names an earlier track it sounds like
            earlier = int(reason.split("sounds like #")[1].split(" ")[0])
            assert earlier <= place and f"“{titles[earlier - 1]}”" in reason
    assert moved > 0  # variety 0.6 does reorder this list


def test_rank_reason_names_the_earlier_pick_and_its_sound_on_100() -> None:
    picks = [Pick(0, -1, 0.0), Pick(1, -1, 0.2), Pick(2, 0, 0.934)]
    reasons = rank_reasons(np.array([0.9, 0.7, 0.8]), picks, ["A", "B", "C"])
    assert reasons == [
        "best match",
        "#3 by match; higher: unlike the tracks above",
        "#2 by match; lower: sounds like #1 “A” (93 of 100)",
    ]


def test_why_gives_its_scale_and_leaves_out_what_every_row_shares(index: CatalogIndex) -> None:
    result = index.recommend(Query(seeds=[Seed("genre", "rock", "rock")], targets={"energy": 0.8}, limit=12))
    assert (result.tracks["genre"] == "rock").all()
    assert result.shared == ["every track is rock (a seed genre)"]
    for why in result.tracks["why"]:
        assert why.startswith("like rock: ") and " of 100 (sound " in why and " of 100)" in why
        assert "same genre" not in why
        assert "vs target 0.8 (" in why and ("on target" in why or "% of its range" in why)


def test_a_genre_only_some_rows_share_is_said_in_those_rows(index: CatalogIndex) -> None:
    seeds = [Seed("genre", "rock", "rock"), Seed("genre", "folk", "folk")]
    result = index.recommend(Query(seeds=seeds, limit=20))
    assert set(result.tracks["genre"]) == {"rock", "folk"}
    assert result.shared == []
    for genre, why in zip(result.tracks["genre"], result.tracks["why"], strict=True):
        assert why.count("same genre") == 1
        part = next(p for p in why.split("; ") if "same genre" in p)
        assert part.startswith(f"like {genre}: ")


def test_explanation_text_scale() -> None:
    match = SeedMatch("Song — Band", similarity=0.884, sound=0.834, same_genre=True, same_artist=True)
    assert Explanation([match], []).text() == "like Song — Band: 88 of 100 (sound 83 of 100, same genre, same artist)"
    shared = Explanation([match], [], shared_genre=[True], shared_artist=[False])
    assert shared.text() == "like Song — Band: 88 of 100 (sound 83 of 100, same artist)"


def test_the_pool_map_counts_one_star_per_track_seed_and_marks_artist_tracks_apart(index: CatalogIndex) -> None:
    artist = str(index.frame["artist"].iat[7])
    seeds = [track_seed(index, 0), Seed("artist", artist, artist), Seed("genre", "edm", "edm")]
    result = index.recommend(Query(seeds=seeds, limit=10))
    points = index.pool_map(result)
    roles = points["role"].value_counts()
    assert roles["seed track"] == 1  # three seeds: one track, one artist, one genre (no point of its own)
    by_artist = points[points["role"] == "by a seed artist"]
    assert 1 <= len(by_artist) <= 10 and (by_artist["artist"] == artist).all()
    assert roles["result"] == 10  # a result by the seed artist stays a result
