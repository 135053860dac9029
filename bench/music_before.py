"""The music engine's query as it was before the speed-ups of issue 16 (commit 2127d45), for A/B runs.

`bench/bench_music.py` times it against the current `CatalogIndex.recommend` on the same index, in
the same run, and checks that both return the same lists. Only the methods that changed are here; the
index itself (matrix, FAISS index, lookups) is the current one's, shared, not built twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.music.engine import (
    ARTIST_WEIGHT,
    FEATURE_BY_NAME,
    GENRE_WEIGHT,
    SOUND_WEIGHT,
    CatalogIndex,
    EngineError,
    Explanation,
    Pick,
    PoolSizes,
    Query,
    Recommendations,
    Seed,
    SeedMatch,
    TargetGap,
    _pairwise_squared,
    feature_gap,
    rank_reasons,
    similarity,
)


class EngineBefore(CatalogIndex):
    """`recommend` as it was; build one with `EngineBefore.sharing(index)`."""

    @classmethod
    def sharing(cls, index: CatalogIndex) -> EngineBefore:
        before = cls.__new__(cls)
        vars(before).update(vars(index))
        return before

    def recommend(self, query: Query, exact: bool = False) -> Recommendations:
        """Recommendations for `query`; `exact` makes a large catalog's neighbour search exact."""
        query.validate()
        filters = query.filters()
        seed_rows = [self.seed_rows(seed) for seed in query.seeds]
        seed_vectors = np.stack([self.matrix[rows].mean(axis=0) for rows in seed_rows])
        seed_artists = [self._seed_artist(seed, rows) for seed, rows in zip(query.seeds, seed_rows, strict=True)]
        seed_genres = [self._seed_genre(seed, rows) for seed, rows in zip(query.seeds, seed_rows, strict=True)]
        notes: list[str] = []

        # 1. candidate pool (one search for the seeds and the seeds moved to the targets)
        k = query.pool_per_seed
        vectors = self._search_vectors(query, seed_vectors)
        parts = [self.nearest(vectors, k, exact=exact, means=self._means(query))]
        for artist in {a for a in seed_artists if a}:
            rows = np.asarray(self.rows_by_artist.get(artist, []), dtype=np.int64)
            parts.append(rows[:k])
        for vector, genre in zip(seed_vectors, seed_genres, strict=True):
            if genre and genre in self._genre_block:
                parts.append(self.nearest_in_genre(vector, k, genre))
        pool = np.unique(np.concatenate(parts)).astype(np.int64)
        initial = len(pool)

        # 2. hard filters (widen to the whole filtered catalog when too few pass)
        kept = pool[self.pass_mask(filters, pool)]
        after_filters = len(kept)
        widened = False
        if len(kept) < query.limit * 3 and filters:
            passing = np.flatnonzero(self.pass_mask(filters))
            if len(passing) == 0:
                raise self._empty_pool_error(filters)
            extra = self.nearest(seed_vectors, k, rows=passing)
            kept = np.unique(np.concatenate([kept, extra]))
            widened = True
            notes.append(
                f"The filters kept {after_filters} of {initial} candidates near the seeds, so the search "
                f"was widened to the {len(passing):,} catalog tracks that pass them."
            )
            after_filters = len(kept)

        # 3. seeds and other versions of the same songs out
        seed_track_rows = np.concatenate(
            [rows for seed, rows in zip(query.seeds, seed_rows, strict=True) if seed.kind == "track"]
            or [np.empty(0, dtype=np.int64)]
        )
        kept_nodup = kept[~np.isin(kept, seed_track_rows)]
        if query.one_version_per_song:
            kept_nodup = kept_nodup[~np.isin(self.song_codes[kept_nodup], self.song_codes[seed_track_rows])]
        if len(kept_nodup) == 0:
            raise EngineError("Every candidate was a seed or another version of a seed. Add other seeds.")

        # 4. scores
        sound = np.stack([similarity(self.matrix[kept_nodup], vector, self.dim) for vector in seed_vectors], axis=1)
        candidate_genres, candidate_artists = self.genre_codes[kept_nodup], self.artist_codes[kept_nodup]
        same_genre = np.stack(
            [
                (candidate_genres == self._genre_code.get(g, -2)) if g else np.zeros(len(kept_nodup), bool)
                for g in seed_genres
            ],
            axis=1,
        )
        same_artist = np.stack(
            [
                (candidate_artists == self.artist_codes[rows[0]]) if a else np.zeros(len(kept_nodup), bool)
                for a, rows in zip(seed_artists, seed_rows, strict=True)
            ],
            axis=1,
        )
        per_seed = SOUND_WEIGHT * sound + GENRE_WEIGHT * same_genre + ARTIST_WEIGHT * same_artist
        relevance = 0.5 * per_seed.max(axis=1) + 0.5 * per_seed.mean(axis=1)
        gaps = {
            name: feature_gap(FEATURE_BY_NAME[name], self.values[name][kept_nodup], float(target))
            for name, target in query.targets.items()
        }
        penalty = np.mean(np.stack(list(gaps.values()), axis=1), axis=1) if gaps else np.zeros(len(kept_nodup))
        score = relevance - query.target_weight * penalty

        # one version per song: the best-scored
        if query.one_version_per_song:
            order = np.argsort(-score, kind="stable")
            _, first = np.unique(self.song_codes[kept_nodup][order], return_index=True)
            best_versions = np.sort(order[first])
        else:
            best_versions = np.arange(len(kept_nodup))
        after_dedupe = len(best_versions)

        # 5. MMR with per-artist and per-album caps
        picks = self._mmr(kept_nodup, score, best_versions, query)
        picked = [pick.position for pick in picks]
        rows = kept_nodup[picked]
        shared_genre = [bool(len(picked) > 1 and same_genre[picked, s].all()) for s in range(len(query.seeds))]
        shared_artist = [bool(len(picked) > 1 and same_artist[picked, s].all()) for s in range(len(query.seeds))]
        # Python lists of the picked rows first: one conversion per array, not one per number.
        labels = [seed.label for seed in query.seeds]
        picked_per_seed, picked_sound = per_seed[picked].tolist(), sound[picked].tolist()
        picked_genre, picked_artist = same_genre[picked].tolist(), same_artist[picked].tolist()
        picked_gaps = {name: (self.values[name][rows].tolist(), gaps[name][picked].tolist()) for name in query.targets}
        explanations = [
            Explanation(
                seeds=[
                    SeedMatch(label, similarity, sound_, genre, artist)
                    for label, similarity, sound_, genre, artist in zip(
                        labels, picked_per_seed[n], picked_sound[n], picked_genre[n], picked_artist[n], strict=True
                    )
                ],
                targets=[
                    TargetGap(name, float(target), values[n], gap[n])
                    for (name, target), (values, gap) in zip(query.targets.items(), picked_gaps.values(), strict=True)
                ],
                shared_genre=shared_genre,
                shared_artist=shared_artist,
            )
            for n in range(len(picked))
        ]
        tracks = pd.DataFrame(
            {
                **{column: values[rows] for column, values in self.column_arrays.items()},
                "score": score[picked],
                "relevance": relevance[picked],
                "target_penalty": penalty[picked],
                "rank_reason": rank_reasons(score[picked], picks, self.column_arrays["track_name"][rows]),
                "why": [e.text() for e in explanations],
            }
        )
        shared = [
            *(
                f"every track is {seed_genres[s]}"
                + (" (a seed genre)" if seed.kind == "genre" else f", like {seed.label}")
                for s, seed in enumerate(query.seeds)
                if shared_genre[s]
            ),
            *(
                f"every track is by {self.column_arrays['artist'][seed_rows[s][0]]}, like {seed.label}"
                for s, seed in enumerate(query.seeds)
                if shared_artist[s]
            ),
        ]
        if len(rows) < query.limit:
            notes.append(
                f"Only {len(rows)} tracks could be returned: the per-artist cap ({query.per_artist_cap})"
                + (f", the per-album cap ({query.per_album_cap})" if query.per_album_cap else "")
                + " and the filters leave no more."
            )
        return Recommendations(
            tracks=tracks,
            explanations=explanations,
            pool=PoolSizes(initial, after_filters, after_dedupe, widened, len(rows), query.one_version_per_song),
            seed_rows=seed_rows,
            pool_rows=np.union1d(pool, kept),
            passed_rows=kept,
            kept_rows=kept_nodup[best_versions],
            result_rows=rows,
            seeds=list(query.seeds),
            notes=notes,
            shared=shared,
        )

    def _seed_genre(self, seed: Seed, rows: np.ndarray) -> str | None:
        if seed.kind == "genre":
            return seed.value.lower()
        genres = self.genre[rows[:2000]]
        genres = genres[genres != ""]
        if len(genres) == 0:
            return None
        names, counts = np.unique(genres.astype(str), return_counts=True)
        return str(names[int(np.argmax(counts))])

    def _mmr(self, candidates: np.ndarray, score: np.ndarray, allowed: np.ndarray, query: Query) -> list[Pick]:
        """Maximal marginal relevance over the best candidates, at most `per_artist_cap` per artist and
        `per_album_cap` per album (of the same artist; a track without an album is not capped)."""
        top = allowed[np.argsort(-score[allowed], kind="stable")][: max(query.limit * 10, 200)]
        if len(top) == 0:
            return []
        rows = candidates[top]
        # Integer codes: the caps compare a few hundred candidates per pick.
        artists = self.artist_codes[rows]
        albums: np.ndarray | None = None  # -1: no album, not capped
        if query.per_album_cap and "album" in self.column_arrays:
            names = self.column_arrays["album"][rows]
            keys = [f"{str(a).lower()}|{b}" if a else "" for a, b in zip(names, self.artist_lower[rows], strict=True)]
            albums = np.where(np.asarray(keys, dtype=object) == "", -1, pd.factorize(np.asarray(keys, dtype=object))[0])
        lam = 1.0 - float(np.clip(query.diversity, 0.0, 1.0))
        vectors = self.matrix[rows]
        base = score[top]
        spread = float(base.max() - base.min()) or 1.0
        gain = lam * (base - base.min()) / spread
        max_sim = np.zeros(len(top))
        norms = np.einsum("ij,ij->i", vectors, vectors)  # |a-b|^2 = |a|^2 + |b|^2 - 2ab: one product per pick
        available = np.ones(len(top), dtype=bool)
        per_artist: dict[int, int] = {}
        per_album: dict[int, int] = {}
        chosen: list[int] = []
        while len(chosen) < query.limit and available.any():
            value = gain - (1 - lam) * max_sim
            value[~available] = -np.inf
            best = int(np.argmax(value))
            available[best] = False
            artist = int(artists[best])
            album = int(albums[best]) if albums is not None else -1
            if album >= 0 and per_album.get(album, 0) >= query.per_album_cap:
                continue
            per_artist[artist] = per_artist.get(artist, 0) + 1
            if per_artist[artist] >= query.per_artist_cap:
                available &= artists != artist
            if album >= 0 and albums is not None:
                per_album[album] = per_album.get(album, 0) + 1
                if per_album[album] >= query.per_album_cap:
                    available &= albums != album
            chosen.append(best)
            squared = np.maximum(norms + norms[best] - 2 * (vectors @ vectors[best]), 0)
            np.maximum(max_sim, np.exp(-squared / self.dim), out=max_sim)
        # The earlier pick each one sounds most like: what its MMR penalty was at the time it was picked.
        sounds = np.exp(-np.maximum(_pairwise_squared(vectors[chosen]), 0) / self.dim)
        sounds[np.triu_indices(len(chosen))] = -1.0  # only earlier picks count
        closest = sounds.argmax(axis=1) if len(chosen) else np.empty(0, dtype=np.int64)
        closest_sound = sounds[np.arange(len(chosen)), closest]
        positions = top[chosen].tolist()
        if len(chosen):
            closest[0], closest_sound[0] = -1, 0.0
        return [Pick(*pick) for pick in zip(positions, closest.tolist(), closest_sound.tolist(), strict=True)]
