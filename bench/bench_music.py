"""Music recommender: query latency of the engine vs exact search and vs a brute-force pandas scan.

From 200k tracks the engine's neighbour search is approximate (FAISS IVF): its median and p95 are
compared with the same engine searching exactly, on the same queries, interleaved in the same run,
and the recall of its neighbours against the exact ones is printed.

The engine's query is also timed against the engine as it was before issue 16's speed-ups
(bench/music_before.py: the old `recommend` on the same index), interleaved, and both must return
the same lists. A query's FAISS search is timed one call per vector (what the engine does) against
one batched call on 1 and on 2 OpenMP threads.

Catalogs: the shared 33k-track TidyTuesday catalog (skipped when ../shared/data is absent) and a
1,000,000-track catalog generated here (`python -m bench.bench_music 1M` runs only that one, `33k`
only the other). Each query has 1–3 track seeds, one or two min/max filters and a target. The
baseline filters the whole DataFrame, scores every remaining row against every seed with pandas
arithmetic, sorts, and applies the per-artist cap with groupby().head().

Each query runs the exact search first, then this engine and the engine before in turns (one of
them right after the exact search, the other after that one): FAISS's OpenMP worker spins for
milliseconds after a parallel search (libgomp's default wait policy) on the core the next query
needs, and an engine that always ran right after it measured about twice its median.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from bench.common import SHARED_DATA, best_of, note, report
from bench.music_before import EngineBefore
from core.music.catalog import FEATURE_BY_NAME, REQUIRED_FEATURES, normalize_dtypes, read_catalog_csv
from core.music.engine import CatalogIndex, Query, Recommendations, Seed

CONTINUOUS = [f for f in REQUIRED_FEATURES if f not in ("key", "mode")]


def generated_catalog(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    genres = np.array([f"genre{g}" for g in range(40)])
    genre_idx = rng.integers(0, len(genres), n)
    centers = rng.uniform(0.1, 0.9, (len(genres), 8))
    frame = pd.DataFrame(
        {
            "track_id": [f"{i:022d}" for i in range(n)],
            "track_name": [f"Song {i}" for i in range(n)],
            "artist": [f"Artist {a}" for a in rng.integers(0, n // 20, n)],
            "album": "",
            "genre": genres[genre_idx],
            "isrc": "",
            "image_url": "",
        }
    )
    for position, name in enumerate(
        ["danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"]
    ):
        frame[name] = np.clip(centers[genre_idx, position] + rng.normal(0, 0.1, n), 0, 1)
    frame["key"] = rng.integers(0, 12, n)
    frame["mode"] = rng.integers(0, 2, n)
    frame["loudness"] = np.clip(-30 + 25 * centers[genre_idx, 7] + rng.normal(0, 2, n), -60, 5)
    frame["tempo"] = np.clip(80 + 80 * centers[genre_idx, 1] + rng.normal(0, 10, n), 40, 220)
    frame["duration_ms"] = rng.integers(120_000, 360_000, n)
    frame["popularity"] = rng.integers(0, 100, n)
    return normalize_dtypes(frame)


def make_queries(index: CatalogIndex, count: int, seed: int = 1) -> list[Query]:
    rng = np.random.default_rng(seed)
    queries = []
    for _ in range(count):
        rows = rng.choice(len(index), rng.integers(1, 4), replace=False)
        seeds = [Seed("track", str(index.track_ids[r]), str(index.frame["track_name"].iat[r])) for r in rows]
        energy = float(index.values["energy"][rows].mean())
        queries.append(
            Query(
                seeds=seeds,
                minimums={"energy": max(0.0, energy - 0.25)},
                maximums={"tempo": 180.0} if rng.random() < 0.5 else {},
                targets={"valence": float(rng.uniform(0.2, 0.8))},
                limit=20,
                per_artist_cap=2,
            )
        )
    return queries


def pandas_baseline(frame: pd.DataFrame, index: CatalogIndex, query: Query) -> pd.DataFrame:
    """The naive way: scan and score every row with pandas."""
    seed_ids = [s.value for s in query.seeds]
    seeds = frame[frame["track_id"].isin(seed_ids)]
    candidates = frame[~frame["track_id"].isin(seed_ids)]
    for name, bound, value in query.filters():
        candidates = candidates[candidates[name] >= value] if bound == "min" else candidates[candidates[name] <= value]
    means = pd.Series({f: index.means[f] for f in CONTINUOUS})
    stds = pd.Series({f: index.stds[f] for f in CONTINUOUS})
    z = (candidates[CONTINUOUS] - means) / stds
    best = None
    for _, seed in seeds.iterrows():
        seed_z = (seed[CONTINUOUS].astype(float) - means) / stds
        key_gap = (candidates["key"] - seed["key"]).abs() % 12
        key_gap = np.minimum(key_gap, 12 - key_gap) / 6
        distance = ((z - seed_z) ** 2).sum(axis=1) + key_gap**2 + (candidates["mode"] - seed["mode"]) ** 2 * 0.25
        best = distance if best is None else np.minimum(best, distance)
    penalty = sum(
        (candidates[name] - target).abs() / FEATURE_BY_NAME[name].span for name, target in query.targets.items()
    )
    assert best is not None  # a query has at least one seed
    scored = candidates.assign(score=np.exp(-best / 12) - penalty).sort_values("score", ascending=False)
    return scored.groupby("artist", sort=False).head(query.per_artist_cap).head(query.limit)


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def same_result(ours: Recommendations, theirs: Recommendations) -> bool:
    """The same list, columns, why, rank reasons, pool sizes and pool rows."""
    try:
        pd.testing.assert_frame_equal(ours.tracks, theirs.tracks)
    except AssertionError:
        return False
    arrays = ("pool_rows", "passed_rows", "kept_rows", "result_rows")
    return (
        vars(ours.pool) == vars(theirs.pool)
        and all(np.array_equal(getattr(ours, name), getattr(theirs, name)) for name in arrays)
        and [e.text() for e in ours.explanations] == [e.text() for e in theirs.explanations]
        and (ours.notes, ours.shared) == (theirs.notes, theirs.shared)
    )


def faiss_threads(label: str, index: CatalogIndex, queries: list[Query]) -> None:
    """One FAISS call per query vector (the engine) vs one batched call, on 1 and on 2 threads."""
    import faiss

    searches = [index.search_vectors(query) for query in queries]
    k = queries[0].pool_per_seed
    params = index._ann_params

    def per_vector() -> None:
        for vectors, means in searches:
            for vector, wide in zip(vectors, means, strict=True):
                index.index.search(vector[None, :], k, params=params[wide])

    def batched() -> None:
        for vectors, means in searches:
            for wide in set(means):
                chosen = np.flatnonzero(np.asarray(means) == wide)
                index.index.search(np.ascontiguousarray(vectors[chosen]), k, params=params[wide])

    threads = faiss.omp_get_max_threads()
    try:
        figures = {}
        for count in (1, 2):
            faiss.omp_set_num_threads(count)
            figures[count] = (best_of(per_vector) / len(queries), best_of(batched) / len(queries))
    finally:
        faiss.omp_set_num_threads(threads)
    for count in (1, 2):
        report(
            f"music {label}: FAISS per query, 1 call per vector vs batched, {count} thread{'s' * (count > 1)}",
            figures[count][0] * 1000,
            figures[count][1] * 1000,
            "ms",
        )


def bench_catalog(label: str, frame: pd.DataFrame, queries_count: int, baseline_count: int) -> None:
    started = time.perf_counter()
    index = CatalogIndex(frame, label)
    knn = "exact"
    if index.approximate:
        knn = f"FAISS IVF{index.ann_nlist}, nprobe {index.ann_nprobe}/{index.ann_nprobe_means} means"
    note(f"music {label}: build index ({knn} kNN)", time.perf_counter() - started, "s")
    if index.index is not None:
        note(f"music {label}: of which the FAISS index", index.build_seconds, "s")
    queries = make_queries(index, queries_count)
    before = EngineBefore.sharing(index)
    index.recommend(queries[0])  # warm-up
    before.recommend(queries[0])
    index.recommend(queries[0], exact=True)
    runs: dict[str, list[float]] = {"project": [], "before": [], "exact": []}
    calls = {
        "project": index.recommend,
        "before": before.recommend,
        "exact": partial(index.recommend, exact=True),
    }
    first = ["exact"] if index.approximate else []
    for number, query in enumerate(queries):  # interleaved, so all see the same load
        # the engine and the engine before in turns right after the exact search (see the docstring)
        for name in first + (["project", "before"] if number % 2 == 0 else ["before", "project"]):
            runs[name].append(timed(partial(calls[name], query)))
    project, exact = runs["project"], runs["exact"]
    for name, statistic in (("median", np.median), ("p95", lambda t: np.percentile(t, 95))):
        report(
            f"music {label}: {name} query vs the engine before",
            float(statistic(project)) * 1000,
            float(statistic(runs["before"])) * 1000,
            "ms",
        )
    same = sum(same_result(index.recommend(query), before.recommend(query)) for query in queries)
    print(f"music {label}: same lists as the engine before for {same} of {len(queries)} queries", flush=True)
    if index.approximate:
        for name, statistic in (("median", np.median), ("p95", lambda t: np.percentile(t, 95))):
            report(
                f"music {label}: {name} query vs exact search",
                float(statistic(project)) * 1000,
                float(statistic(exact)) * 1000,
                "ms",
            )
        k = queries[0].pool_per_seed
        hits = total = 0
        same_results = []
        for query in queries:
            vectors, means = index.search_vectors(query)
            exact_rows = index.nearest(vectors, k, exact=True)
            hits += len(np.intersect1d(index.nearest(vectors, k, means=means), exact_rows))
            total += len(exact_rows)
            ours = set(index.recommend(query).tracks["track_id"])
            theirs = set(index.recommend(query, exact=True).tracks["track_id"])
            same_results.append(len(ours & theirs) / max(1, len(theirs)))
        note(f"music {label}: recall@{k} of the neighbours vs exact", hits / total, "share")
        note(f"music {label}: top-{queries[0].limit} also in the exact search's", float(np.mean(same_results)), "share")
        faiss_threads(label, index, queries)
    baseline = []
    for query in queries[:baseline_count]:
        baseline.append(best_of(partial(pandas_baseline, index.frame, index, query), repeat=1))
    project_sample = project[:baseline_count]
    report(
        f"music {label}: median query vs pandas scan",
        float(np.median(project_sample)) * 1000,
        float(np.median(baseline)) * 1000,
        "ms",
    )
    report(
        f"music {label}: p95 query vs pandas scan",
        float(np.percentile(project_sample, 95)) * 1000,
        float(np.percentile(baseline, 95)) * 1000,
        "ms",
    )
    # How often a result is one the brute-force scan also ranks in its top list (sanity, not a goal).
    overlap = []
    for query in queries[: min(5, baseline_count)]:
        ours = set(index.recommend(query).tracks["track_id"])
        theirs = set(pandas_baseline(index.frame, index, query)["track_id"])
        overlap.append(len(ours & theirs) / max(1, len(ours)))
    note(f"music {label}: results also in pandas top-20", float(np.mean(overlap)), "share")


def main(selected: list[str]) -> None:
    shared = SHARED_DATA / "spotify_songs.csv.gz"
    if selected and "33k" not in selected:
        pass
    elif shared.is_file():
        frame, loaded = read_catalog_csv(shared, shared.name)
        label = f"33k shared ({loaded.rows_kept:,} tracks)"
        bench_catalog(label, frame, queries_count=40, baseline_count=40)
    else:
        print("# skipped the shared 33k catalog: ../shared/data/spotify_songs.csv.gz not present", flush=True)
    if selected and "1M" not in selected:
        return
    started = time.perf_counter()
    big = generated_catalog(1_000_000)
    note("music 1M generated: generate catalog", time.perf_counter() - started, "s")
    bench_catalog("1M generated", big, queries_count=100, baseline_count=8)


if __name__ == "__main__":
    main(sys.argv[1:])
