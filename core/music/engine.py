"""Our own recommendation engine, shaped like Spotify's retired `/recommendations` endpoint.

1. 1–5 seeds mixing tracks, artists and genres.
2. A candidate pool: nearest neighbours (FAISS, exact L2) around each seed on standardized audio
   features (key as a point on a circle), plus the seed artists' tracks, the seed genres' tracks
   nearest to the seed, and neighbours of the seed moved to the targets.
3. `min_*` / `max_*` are hard filters. When they leave too few candidates, the search widens to the
   whole filtered catalog; when nothing in the catalog passes, the error names the filter that
   emptied the pool.
4. Re-rank: similarity to the seeds (sound, same genre, same artist) minus distance to the
   `target_*` values (circular for key).
5. Seeds and duplicate versions of a song (remaster, radio edit, …) removed; MMR diversity with a
   per-artist cap picks the final list.
Every result carries its "why": similarity to each seed and distance to each target.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from core.errors import UserError
from core.music.catalog import FEATURE_BY_NAME, FEATURES, KEY_NAMES, REQUIRED_FEATURES, FeatureSpec

log = logging.getLogger(__name__)

SeedKind = Literal["track", "artist", "genre"]
MAX_SEEDS = 5
POOL_PER_SEED = 300  # nearest neighbours gathered around each seed
# Weight of each feature in the "sounds like" distance (key and mode matter less to listeners).
FEATURE_WEIGHTS = {"key": 0.5, "mode": 0.5}
SOUND_WEIGHT, GENRE_WEIGHT, ARTIST_WEIGHT = 0.7, 0.2, 0.1
RADAR_FEATURES = (
    "danceability",
    "energy",
    "valence",
    "acousticness",
    "instrumentalness",
    "speechiness",
    "liveness",
    "tempo",
    "loudness",
)

_BRACKETS = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_DASH_SUFFIX = re.compile(r"\s+-\s+.*$")
_FEATURING = re.compile(r"\s+(?:feat\.?|ft\.|featuring)\s.*$")  # "Song feat. X" without brackets
_NON_WORD = re.compile(r"[\W_]+")  # any script's letters and digits are kept
# The same three patterns for ASCII text in RE2's syntax (Python's \s also matches \v and \x1c-\x1f).
_ASCII_SPACE = r"[\t\n\v\f\r \x1c-\x1f]"
_ASCII_BRACKETS = _ASCII_SPACE + r"*[\(\[][^\)\]]*[\)\]]"
_ASCII_DASH_SUFFIX = _ASCII_SPACE + r"+-" + _ASCII_SPACE + r"+.*$"
_ASCII_FEATURING = _ASCII_SPACE + r"+(?:feat\.?|ft\.|featuring)" + _ASCII_SPACE + r".*$"
_ASCII_NON_WORD = r"[^0-9A-Za-z]+"


class EngineError(UserError, ValueError):
    """A query the engine cannot answer; the message says what to change."""


class UnknownSeedError(EngineError):
    pass


class EmptyPoolError(EngineError):
    """Every candidate was filtered out; `filter_name` says which filter emptied the pool."""

    def __init__(self, message: str, filter_name: str, counts: list[tuple[str, int]]) -> None:
        super().__init__(message)
        self.filter_name = filter_name
        self.counts = counts


def song_key(title: str, artist: str) -> str:
    """Same song, other version: 'Song - 2011 Remaster', 'Song (Radio Edit)', 'Song - Live at Wembley',
    'Song [Mono]', 'Song (feat. X)' and 'Song feat. X' -> 'song|artist'."""
    return str(song_keys(pd.Series([title]), pd.Series([artist]))[0])


def song_keys(titles: pd.Series, artists: pd.Series) -> np.ndarray:
    """`song_key` for whole columns at once.

    Rows of pure-ASCII, single-line text go through Arrow's RE2 (the same patterns spelled in ASCII,
    where both engines agree; 1M titles in well under a second instead of ~10 s); the rest through
    Python's `re`, whose classes cover every script.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    titles = titles.fillna("").astype(str).reset_index(drop=True)
    artists = artists.fillna("").astype(str).reset_index(drop=True)
    title_array = pa.array(titles.to_numpy(dtype=object), type=pa.large_string())
    artist_array = pa.array(artists.to_numpy(dtype=object), type=pa.large_string())
    fast_mask = pc.and_(
        pc.and_(pc.string_is_ascii(title_array), pc.string_is_ascii(artist_array)),
        pc.invert(pc.match_substring(title_array, "\n")),
    )
    fast = np.asarray(fast_mask.to_numpy(zero_copy_only=False), dtype=bool)
    out = np.empty(len(titles), dtype=object)
    if fast.any():
        chosen = pa.array(fast)
        lower = pc.ascii_lower(title_array.filter(chosen))
        base = pc.replace_substring_regex(lower, _ASCII_BRACKETS, "")
        base = pc.replace_substring_regex(base, _ASCII_DASH_SUFFIX, "")
        base = pc.replace_substring_regex(base, _ASCII_FEATURING, "")
        base = pc.ascii_trim(pc.replace_substring_regex(base, _ASCII_NON_WORD, " "), " ")
        whole = pc.ascii_trim(pc.replace_substring_regex(lower, _ASCII_NON_WORD, " "), " ")
        base = pc.if_else(pc.equal(base, ""), whole, base)
        artist = pc.ascii_lower(artist_array.filter(chosen))
        artist = pc.ascii_trim(pc.replace_substring_regex(artist, _ASCII_NON_WORD, " "), " ")
        separator = pa.scalar("|", type=pa.large_string())
        out[fast] = pc.binary_join_element_wise(base, artist, separator).to_numpy(zero_copy_only=False)
    if not fast.all():
        out[~fast] = _song_keys_python(titles[~fast], artists[~fast])
    return out


def _song_keys_python(titles: pd.Series, artists: pd.Series) -> np.ndarray:
    lower = titles.str.lower()
    base = lower.str.replace(_BRACKETS, "", regex=True).str.replace(_DASH_SUFFIX, "", regex=True)
    base = base.str.replace(_FEATURING, "", regex=True)
    base = base.str.replace(_NON_WORD, " ", regex=True).str.strip()
    # A title that is all brackets or suffix, e.g. "(Intro)", keeps its own words.
    whole = lower.str.replace(_NON_WORD, " ", regex=True).str.strip()
    base = base.where(base != "", whole)
    artist = artists.str.lower().str.replace(_NON_WORD, " ", regex=True).str.strip()
    return (base + "|" + artist).to_numpy(dtype=object)


def feature_gap(spec: FeatureSpec, values: np.ndarray, target: float) -> np.ndarray:
    """Distance to a target, 0..1 of the feature's range; circular for key (6 semitones = 1)."""
    if spec.name == "key":
        diff = np.abs(values - target) % 12
        return np.minimum(diff, 12 - diff) / 6.0
    return np.clip(np.abs(values - target) / spec.span, 0.0, 1.0)


def describe_filter(name: str, bound: str, value: float) -> str:
    spec = FEATURE_BY_NAME[name]
    shown = KEY_NAMES[int(value)] if name == "key" else f"{value:g}"
    return f"{spec.label} {'≥' if bound == 'min' else '≤'} {shown}"


@dataclass(frozen=True)
class Seed:
    kind: SeedKind
    value: str  # track id, artist name or genre name
    label: str

    @property
    def chip(self) -> str:
        return {"track": "♪ ", "artist": "Artist: ", "genre": "Genre: "}[self.kind] + self.label


@dataclass
class Query:
    seeds: list[Seed]
    minimums: dict[str, float] = field(default_factory=dict)
    maximums: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    limit: int = 20
    per_artist_cap: int = 2
    per_album_cap: int = 0  # 0 = no cap; tracks without an album are never capped
    one_version_per_song: bool = True  # leave out live / remaster / radio edit / feat. versions
    diversity: float = 0.3  # 0 = by score only, 1 = as different from each other as possible
    target_weight: float = 1.0
    pool_per_seed: int = POOL_PER_SEED

    def validate(self) -> None:
        if not 1 <= len(self.seeds) <= MAX_SEEDS:
            raise EngineError(f"Pick between 1 and {MAX_SEEDS} seeds (you have {len(self.seeds)}).")
        for mapping in (self.minimums, self.maximums, self.targets):
            unknown = set(mapping) - set(FEATURE_BY_NAME)
            if unknown:
                raise EngineError(f"Unknown feature(s): {', '.join(sorted(unknown))}.")
        for name in set(self.minimums) & set(self.maximums):
            if self.minimums[name] > self.maximums[name]:
                raise EngineError(f"{FEATURE_BY_NAME[name].label}: the minimum is above the maximum.")
        if self.limit < 1 or self.per_artist_cap < 1:
            raise EngineError("Ask for at least one result and at least one track per artist.")
        if self.per_album_cap < 0:
            raise EngineError("The cap per album is a number of tracks (0 for no cap).")

    def filters(self) -> list[tuple[str, str, float]]:
        """(feature, 'min'|'max', value) in feature order."""
        out: list[tuple[str, str, float]] = []
        for spec in FEATURES:
            if spec.name in self.minimums:
                out.append((spec.name, "min", float(self.minimums[spec.name])))
            if spec.name in self.maximums:
                out.append((spec.name, "max", float(self.maximums[spec.name])))
        return out


class SeedMatch(NamedTuple):
    seed: str
    similarity: float
    sound: float
    same_genre: bool
    same_artist: bool


class TargetGap(NamedTuple):
    feature: str
    target: float
    value: float
    gap: float


@dataclass
class Explanation:
    seeds: list[SeedMatch]
    targets: list[TargetGap]
    # Per seed: every track of the list shares that seed's genre / artist, so a row need not say it.
    shared_genre: list[bool] = field(default_factory=list)
    shared_artist: list[bool] = field(default_factory=list)

    def text(self) -> str:
        """'like rock: 88 of 100 (sound 83 of 100, same artist); energy 0.79 vs target 0.8 (off by 1% of its range)'."""
        parts = []
        order = sorted(range(len(self.seeds)), key=lambda s: -self.seeds[s].similarity)
        for number in order:
            match = self.seeds[number]
            extra = f"sound {100 * match.sound:.0f} of 100"  # formatted, not percent(): a row has several
            if match.same_genre and not _flag(self.shared_genre, number):
                extra += ", same genre"
            if match.same_artist and not _flag(self.shared_artist, number):
                extra += ", same artist"
            parts.append(f"like {match.seed}: {100 * match.similarity:.0f} of 100 ({extra})")
        for gap in self.targets:
            spec = FEATURE_BY_NAME[gap.feature]
            if gap.feature == "key":
                value, target = KEY_NAMES[int(gap.value)], KEY_NAMES[int(gap.target)]
            else:
                value, target = f"{gap.value:.3g}", f"{gap.target:.3g}"
            off = "on target" if percent(gap.gap) == 0 else f"off by {percent(gap.gap)}% of its range"
            parts.append(f"{spec.label.lower()} {value} vs target {target} ({off})")
        return "; ".join(parts)


def percent(share: float) -> int:
    """A 0..1 share as a whole number of 100 (what the page shows)."""
    return round(100 * float(share))


def _flag(flags: list[bool], number: int) -> bool:
    return number < len(flags) and flags[number]


@dataclass
class PoolSizes:
    initial: int  # candidates gathered around the seeds (like Spotify's initialPoolSize)
    after_filters: int  # after the min/max filters (afterFilteringSize)
    after_dedupe: int  # after removing seeds and other versions of the same songs
    widened: bool  # True when the filters left too few and the search covered the whole catalog
    returned: int
    one_version_per_song: bool = True  # after_dedupe also removed other versions of the same songs


@dataclass
class Recommendations:
    tracks: pd.DataFrame  # catalog columns + score, relevance, target_penalty, why
    explanations: list[Explanation]
    pool: PoolSizes
    seed_rows: list[np.ndarray]  # catalog rows behind each seed
    pool_rows: np.ndarray  # candidate rows before filtering (plus rows added when the search widened)
    passed_rows: np.ndarray  # candidate rows that passed the filters
    kept_rows: np.ndarray  # ... and are neither a seed nor another version of a song already in
    result_rows: np.ndarray
    seeds: list[Seed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)  # what every track has in common (said once, not per row)


class Pick(NamedTuple):
    """One MMR pick: the candidate's position, the earlier pick it sounds most like (-1: none) and how much."""

    position: int
    closest: int
    closest_sound: float


def rank_reasons(scores: np.ndarray, picks: Sequence[Pick], titles: Sequence[str]) -> list[str]:
    """Why each track is at its place when the match alone would order the list otherwise (MMR).

    '#1 by match', 'as by match', '#5 by match; lower: sounds like #2 “Song” (93 of 100)',
    '#2 by match; higher: unlike the tracks above'.
    """
    by_match = np.empty(len(scores), dtype=np.int64)
    by_match[np.argsort(-np.asarray(scores), kind="stable")] = np.arange(len(scores))
    out: list[str] = []
    for place, pick in enumerate(picks):
        match_place = int(by_match[place])
        if match_place == place:
            out.append("best match" if place == 0 else "as by match")
        elif match_place > place:
            out.append(f"#{match_place + 1} by match; higher: unlike the tracks above")
        elif pick.closest >= 0:
            out.append(
                f"#{match_place + 1} by match; lower: sounds like #{pick.closest + 1} “{titles[pick.closest]}” "
                f"({percent(pick.closest_sound)} of 100)"
            )
        else:  # pragma: no cover - a track moved down always has an earlier pick it resembles
            out.append(f"#{match_place + 1} by match")
    return out


_WORD = re.compile(r"[^\W_]+")


def match_tier(query_words: Sequence[str], title: str, artist: str) -> int:
    """0: title + artist, the title or the artist is what was typed; 1: every typed word is a whole word
    of the title or the artist; 2: only parts of words match."""
    typed = " ".join(query_words)
    title_words, artist_words = _WORD.findall(title.lower()), _WORD.findall(artist.lower())
    whole = set(title_words) | set(artist_words)
    named = {" ".join(title_words), " ".join(artist_words), " ".join(title_words + artist_words)}
    if " ".join(_WORD.findall(typed)) in named:
        return 0
    return 1 if all(w in whole for w in _WORD.findall(typed)) else 2


class CatalogIndex:
    """A catalog ready for queries: standardized feature matrix, FAISS index, lookups.

    Read-only after construction, so one instance can serve many sessions (FAISS flat-index search
    is thread-safe for concurrent readers).
    """

    # Below this many tracks a NumPy scan beats FAISS for the few query vectors a request has
    # (measured in bench/bench_music.py); above it FAISS's blocked distance kernels win.
    FAISS_MIN_ROWS = 200_000
    # From this many tracks an inverted-file index (IVF) answers instead of scanning every row: at
    # 1M tracks an exact scan costs tens of ms per query vector, the IVF well under one.
    ANN_MIN_ROWS = 200_000
    # nprobe is the smallest that finds this share of the exact neighbours on each kind of sample query.
    ANN_TARGET_RECALL = 0.97
    ANN_CALIBRATION_QUERIES = 64

    def __init__(
        self,
        frame: pd.DataFrame,
        name: str = "catalog",
        use_faiss: bool | None = None,
        approximate: bool | None = None,
    ) -> None:
        self.frame = frame.reset_index(drop=True)
        self.name = name
        self.matrix, self.means, self.stds = self._standardize(self.frame)
        self.dim = self.matrix.shape[1]
        self.values = {spec.name: self.frame[spec.name].to_numpy(dtype=np.float32) for spec in FEATURES}
        # The columns a result carries (the genre's group is the catalog's, for the genre box).
        self.column_arrays = {column: self.frame[column].to_numpy() for column in self.frame.columns}
        self.column_arrays.pop("genre_group", None)
        self._str_columns, self._blocks_frame = result_columns(self.column_arrays)
        self._label_cache: dict[tuple[str, ...], pd.Index] = {}
        self.artist_lower = self.frame["artist"].str.lower().to_numpy()
        self.genre = self.frame["genre"].to_numpy()
        self.track_ids = self.frame["track_id"].to_numpy()
        self.row_of_id = pd.Series(np.arange(len(self.frame)), index=self.frame["track_id"])
        self.rows_by_artist = pd.Series(np.arange(len(self.frame))).groupby(self.artist_lower).indices
        self.rows_by_genre = {
            g: rows for g, rows in pd.Series(np.arange(len(self.frame))).groupby(self.genre).indices.items() if g
        }
        self.song_keys = song_keys(self.frame["track_name"], self.frame["artist"])
        # Integer codes: a query compares and dedupes a few thousand candidates by these, not by strings.
        self.song_codes = pd.factorize(self.song_keys)[0]
        self.artist_codes = pd.factorize(self.artist_lower)[0]
        self.search_text = (self.frame["track_name"] + " " + self.frame["artist"]).str.lower()
        # Rows sorted by genre (stable, so each genre keeps catalog order): a genre's vectors are one
        # contiguous block, searched without copying them out of the big matrix.
        genre_codes, genre_names = pd.factorize(pd.Series(self.genre))
        self.genre_codes = genre_codes
        self._genre_code = {str(name): code for code, name in enumerate(genre_names)}
        self._rows_by_genre_order = np.argsort(genre_codes, kind="stable")
        self._matrix_by_genre = self.matrix[self._rows_by_genre_order]
        self._norms_by_genre = np.einsum("ij,ij->i", self._matrix_by_genre, self._matrix_by_genre)
        starts = np.searchsorted(genre_codes[self._rows_by_genre_order], np.arange(len(genre_names) + 1))
        self._genre_block = {
            str(name): (int(starts[code]), int(starts[code + 1])) for code, name in enumerate(genre_names) if name
        }
        self.index = None
        self.approximate = False
        self.build_seconds = 0.0  # of the FAISS index alone
        self.ann_nprobe = self.ann_nprobe_means = self.ann_nlist = 0
        self._ann_params: dict[bool, Any] = {}  # FAISS search parameters, read-only once built
        if use_faiss is None:
            use_faiss = len(self.frame) >= self.FAISS_MIN_ROWS
        if approximate is None:
            approximate = len(self.frame) >= self.ANN_MIN_ROWS
        if use_faiss or approximate:
            try:
                import faiss
            except ImportError:  # pragma: no cover - faiss-cpu is a pinned dependency
                log.warning("faiss not available: using NumPy for nearest neighbours")
            else:
                started = time.perf_counter()
                if approximate:
                    self.index = self._build_ivf(faiss)
                    self.approximate = True
                else:
                    flat = faiss.IndexFlatL2(self.dim)
                    flat.add(self.matrix)
                    self.index = flat
                self.build_seconds = time.perf_counter() - started

    # -- construction --------------------------------------------------------------------------

    def _build_ivf(self, faiss: Any) -> Any:
        """IVF-flat index trained on a sample; nprobe calibrated against exact search on sample queries."""
        rng = np.random.default_rng(0)
        rows = len(self.matrix)
        nlist = int(np.clip(np.sqrt(rows), 16, 4096))
        sample = self.matrix[rng.choice(rows, min(rows, 48 * nlist), replace=False)]
        quantizer = faiss.IndexFlatL2(self.dim)
        index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_L2)
        index.cp.min_points_per_centroid = 1  # a sample of 48 per list is enough for 14 dimensions
        index.cp.niter = 10
        index.train(sample)
        index.add(self.matrix)
        queries = self._calibration_queries(rng)
        k = min(POOL_PER_SEED, rows)
        exact = {kind: faiss.knn(vectors, self.matrix, k)[1] for kind, vectors in queries.items()}

        def smallest_nprobe(kinds: tuple[str, ...]) -> int:
            for candidate in (2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256):
                if candidate >= nlist:
                    break
                params = faiss.SearchParametersIVF(nprobe=candidate)
                found = {kind: index.search(queries[kind], k, params=params)[1] for kind in kinds if kind in queries}
                if min(neighbour_recall(found[kind], exact[kind]) for kind in found) >= self.ANN_TARGET_RECALL:
                    return candidate
            return nlist

        # An artist's or genre's mean sits among its tracks (at the centre of the key circle, say), as
        # far from many cells at once: it needs more lists scanned than a track does.
        self.ann_nprobe = smallest_nprobe(("track", "moved track"))
        self.ann_nprobe_means = smallest_nprobe(("artist", "genre"))
        index.nprobe = self.ann_nprobe
        self.ann_nlist = nlist
        for wide, nprobe in ((False, self.ann_nprobe), (True, self.ann_nprobe_means)):
            self._ann_params[wide] = faiss.SearchParametersIVF(nprobe=nprobe)
        return index

    @staticmethod
    def _standardize(frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, float], dict[str, float]]:
        columns: list[np.ndarray] = []
        means: dict[str, float] = {}
        stds: dict[str, float] = {}
        for name in REQUIRED_FEATURES:
            values = frame[name].to_numpy(dtype=np.float64)
            weight = FEATURE_WEIGHTS.get(name, 1.0)
            if name == "key":
                angle = values * (2 * np.pi / 12)
                # Unit circle scaled so a random pair is about as far apart as on a z-scored feature.
                columns.append(np.cos(angle) * weight)
                columns.append(np.sin(angle) * weight)
                continue
            mean, std = float(np.nanmean(values)), float(np.nanstd(values))
            std = std if std > 1e-9 else 1.0
            means[name], stds[name] = mean, std
            columns.append((np.nan_to_num(values, nan=mean) - mean) / std * weight)
        matrix = np.ascontiguousarray(np.stack(columns, axis=1), dtype=np.float32)
        return matrix, means, stds

    def _calibration_queries(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Vectors like the engine's: tracks, tracks moved towards targets, artists' and genres' means."""
        count = self.ANN_CALIBRATION_QUERIES // 4
        tracks = self.matrix[rng.choice(len(self.matrix), 2 * count, replace=False)]
        moved = tracks[count:].copy()
        donors = self.matrix[rng.choice(len(self.matrix), count, replace=False)]
        swap = rng.random(moved.shape) < 0.3
        moved[swap] = donors[swap]
        artists = list(self.rows_by_artist.values())
        picked = rng.choice(len(artists), min(count, len(artists)), replace=False)
        out = {
            "track": tracks[:count],
            "moved track": moved,
            "artist": np.stack([self.matrix[artists[i]].mean(axis=0) for i in picked]),
        }
        genres = list(self.rows_by_genre.values())
        if genres:
            picked = rng.choice(len(genres), min(count, len(genres)), replace=False)
            out["genre"] = np.stack([self.matrix[genres[i]].mean(axis=0) for i in picked])
        return {kind: np.ascontiguousarray(vectors, dtype=np.float32) for kind, vectors in out.items()}

    def __len__(self) -> int:
        return len(self.frame)

    def embed(self, row_values: dict[str, float]) -> np.ndarray:
        """Standardized vector of one set of feature values (missing ones at the catalog mean)."""
        out: list[float] = []
        for name in REQUIRED_FEATURES:
            weight = FEATURE_WEIGHTS.get(name, 1.0)
            if name == "key":
                angle = float(row_values.get("key", 0.0)) * 2 * np.pi / 12
                out += [np.cos(angle) * weight, np.sin(angle) * weight]
            else:
                value = float(row_values.get(name, self.means[name]))
                out.append((value - self.means[name]) / self.stds[name] * weight)
        return np.asarray(out, dtype=np.float32)

    # -- lookups -------------------------------------------------------------------------------

    @property
    def genres(self) -> list[str]:
        return sorted(self.rows_by_genre)

    @functools.cached_property
    def genre_groups(self) -> dict[str, str]:
        """Each genre's broad group ("dance pop" -> "pop") when the catalog names one; {} otherwise."""
        if "genre_group" not in self.frame:
            return {}
        pairs = self.frame.loc[
            (self.frame["genre"] != "") & (self.frame["genre_group"] != ""), ["genre", "genre_group"]
        ]
        groups: dict[str, str] = {}
        for genre, group in pairs.value_counts().index:  # most common group first
            groups.setdefault(str(genre), str(group))
        return groups

    def search_tracks(self, text: str, limit: int = 10) -> pd.DataFrame:
        """Tracks whose title or artist contains every word of `text`, best match first: the title or
        the artist named exactly, then every word a whole word of title or artist, then parts of words;
        within a tier the most popular first. ("coldplay" lists Coldplay's songs, not a song named "O".)"""
        words = [w for w in text.lower().split() if w]
        if not words:
            return self.frame.iloc[:0]
        mask = np.ones(len(self.frame), dtype=bool)
        for word in words:
            mask &= self.search_text.str.contains(word, regex=False).to_numpy()
        hits = self.frame[mask]
        tiers = np.array(
            [match_tier(words, title, artist) for title, artist in zip(hits["track_name"], hits["artist"], strict=True)]
        )
        popularity = np.nan_to_num(hits["popularity"].to_numpy(dtype=np.float64), nan=0)
        order = np.lexsort((-popularity, tiers))
        return hits.iloc[order[:limit]]

    def search_artists(self, text: str, limit: int = 5) -> list[str]:
        needle = text.lower().strip()
        if not needle:
            return []
        names = [a for a in self.rows_by_artist if needle in a]
        names.sort(key=lambda a: (not a.startswith(needle), -len(self.rows_by_artist[a]), a))
        rows = [self.rows_by_artist[a][0] for a in names[:limit]]
        return [str(self.frame["artist"].iat[r]) for r in rows]

    def search_genres(self, text: str, limit: int = 5) -> list[str]:
        needle = text.lower().strip()
        return [g for g in self.genres if needle and needle in g][:limit]

    def match_track(self, track_id: str, name: str, artist: str, isrc: str | None = None) -> int | None:
        """Catalog row of a track found elsewhere (Spotify search): by id, then ISRC, then title+artist."""
        if track_id in self.row_of_id.index:
            return int(np.atleast_1d(self.row_of_id[track_id])[0])
        if isrc:
            hits = np.flatnonzero(self.frame["isrc"].to_numpy() == isrc)
            if len(hits):
                return int(hits[0])
        hits = np.flatnonzero(self.song_keys == song_key(name, artist))
        return int(hits[0]) if len(hits) else None

    def seed_rows(self, seed: Seed) -> np.ndarray:
        if seed.kind == "track":
            if seed.value not in self.row_of_id.index:
                raise UnknownSeedError(f"The track {seed.label!r} is not in the catalog {self.name}.")
            row = self.row_of_id[seed.value]
            return np.atleast_1d(np.asarray(row, dtype=np.int64))[:1]
        if seed.kind == "artist":
            rows = self.rows_by_artist.get(seed.value.lower())
            if rows is None:
                raise UnknownSeedError(f"No track by the artist {seed.label!r} in the catalog {self.name}.")
            return np.asarray(rows, dtype=np.int64)
        rows = self.rows_by_genre.get(seed.value.lower())
        if rows is None:
            raise UnknownSeedError(
                f"The genre {seed.label!r} is not in the catalog {self.name}. "
                f"Known genres: {', '.join(self.genres[:12])}{' …' if len(self.genres) > 12 else ''}."
            )
        return np.asarray(rows, dtype=np.int64)

    # -- nearest neighbours --------------------------------------------------------------------

    def nearest(
        self,
        vectors: np.ndarray,
        k: int,
        rows: np.ndarray | None = None,
        exact: bool = False,
        means: Sequence[bool] | None = None,
    ) -> np.ndarray:
        """Row ids of the k nearest catalog rows to each vector (within `rows` when given).

        Over the whole catalog of a large one the answer is approximate (IVF) unless `exact`; `means`
        says which vectors are an artist's or genre's mean (they get more of the index scanned).
        """
        vectors = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
        if rows is None and self.index is not None:
            k = min(k, len(self))
            if exact and self.approximate:
                import faiss

                _, found = faiss.knn(vectors, self.matrix, k)
            elif self.approximate:
                # One vector per call: FAISS then runs it on the calling thread, where a batch would
                # wake OpenMP threads that cost more than the search on a busy machine (12 ms vs 1 ms).
                broad = list(means) if means is not None else [False] * len(vectors)
                found = np.concatenate(
                    [
                        self.index.search(vector[None, :], k, params=self._ann_params[wide])[1]
                        for vector, wide in zip(vectors, broad, strict=True)
                    ]
                )
            else:
                _, found = self.index.search(vectors, k)
            return np.unique(found[found >= 0])
        subset = self.matrix if rows is None else self.matrix[rows]
        return self._nearest_in(subset, vectors, k, rows)

    def nearest_in_genre(self, vector: np.ndarray, k: int, genre: str) -> np.ndarray:
        """`nearest` within one genre's rows (exact; the genre's vectors are one contiguous block)."""
        start, stop = self._genre_block[genre]
        rows = self._rows_by_genre_order[start:stop]
        vector = np.asarray(vector, dtype=np.float32).ravel()
        # |x|^2 - 2 x.v (+ |v|^2, the same for every row): one matrix-vector product, no copy of the block.
        dist = self._norms_by_genre[start:stop] - 2 * (self._matrix_by_genre[start:stop] @ vector)
        k = min(k, len(rows))
        return np.unique(rows[np.argpartition(dist, k - 1)[:k]]) if k else np.empty(0, dtype=np.int64)

    @staticmethod
    def _nearest_in(subset: np.ndarray, vectors: np.ndarray, k: int, rows: np.ndarray | None) -> np.ndarray:
        if len(subset) == 0:
            return np.empty(0, dtype=np.int64)
        k = min(k, len(subset))
        out = []
        for vector in vectors:
            dist = squared_distances(subset, vector)
            best = np.argpartition(dist, k - 1)[:k]
            out.append(best if rows is None else rows[best])
        return np.unique(np.concatenate(out))

    def pass_mask(self, filters: Sequence[tuple[str, str, float]], rows: np.ndarray | None = None) -> np.ndarray:
        mask = np.ones(len(self) if rows is None else len(rows), dtype=bool)
        for name, bound, value in filters:
            column = self.values[name] if rows is None else self.values[name][rows]
            with np.errstate(invalid="ignore"):
                mask &= (column >= value) if bound == "min" else (column <= value)
        return mask

    # -- the query -----------------------------------------------------------------------------

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
        kept_nodup = kept[_none_of(kept, seed_track_rows)]
        if query.one_version_per_song:
            kept_nodup = kept_nodup[_none_of(self.song_codes[kept_nodup], self.song_codes[seed_track_rows])]
        if len(kept_nodup) == 0:
            raise EngineError("Every candidate was a seed or another version of a seed. Add other seeds.")

        # 4. scores
        candidate_vectors = self.matrix[kept_nodup]
        sound = np.stack([similarity(candidate_vectors, vector, self.dim) for vector in seed_vectors], axis=1)
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
        picked_score = score[picked]
        reasons = rank_reasons(picked_score, picks, self.column_arrays["track_name"][rows])
        whys = [e.text() for e in explanations]
        tracks = self._result_frame(
            rows,
            {
                "score": picked_score,
                "relevance": relevance[picked],
                "target_penalty": penalty[picked],
                "rank_reason": reasons,
                "why": whys,
            },
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
            pool_rows=np.union1d(pool, kept) if widened else pool,
            passed_rows=kept,
            kept_rows=kept_nodup[best_versions],
            result_rows=rows,
            seeds=list(query.seeds),
            notes=notes,
            shared=shared,
        )

    def _result_frame(self, rows: np.ndarray, extra: dict[str, Any]) -> pd.DataFrame:
        """The catalog columns of `rows` plus `extra` (arrays, or lists of str), typed as
        `pd.DataFrame(dict)` would type them, but built from one block per dtype: the constructor's
        per-column inference cost more than the rest of a query's bookkeeping."""
        columns = {**{column: values[rows] for column, values in self.column_arrays.items()}, **extra}
        if len(rows) == 0 or not self._blocks_frame:  # pandas keeps an empty object column as object
            return pd.DataFrame(columns)
        from pandas.api.internals import create_dataframe_from_blocks

        blocks: list[tuple[Any, np.ndarray]] = []
        by_dtype: dict[np.dtype, list[tuple[int, np.ndarray]]] = {}
        for place, (column, values) in enumerate(columns.items()):
            if isinstance(values, list) or (column in self._str_columns and column not in extra):
                blocks.append((_strings(values), np.array([place])))
            elif isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
                by_dtype.setdefault(values.dtype, []).append((place, values))
            else:  # pragma: no cover - the engine's extra columns are numbers and lists of str
                return pd.DataFrame(columns)
        for members in by_dtype.values():
            blocks.append((np.stack([values for _, values in members]), np.array([place for place, _ in members])))
        return create_dataframe_from_blocks(
            blocks, index=pd.RangeIndex(len(rows)), columns=self._labels(tuple(columns))
        )

    def _labels(self, names: tuple[str, ...]) -> pd.Index:
        """The column labels of a result frame, made once (an Index is immutable: frames can share one)."""
        labels = self._label_cache.get(names)
        if labels is None:
            labels = self._label_cache.setdefault(names, pd.Index(list(names)))
        return labels

    def search_vectors(self, query: Query) -> tuple[np.ndarray, list[bool]]:
        """The vectors whose whole-catalog neighbours start the pool (each seed, and each seed moved to
        the targets), and which of them are an artist's or genre's mean (`nearest`'s `means`)."""
        seed_rows = [self.seed_rows(seed) for seed in query.seeds]
        seed_vectors = np.stack([self.matrix[rows].mean(axis=0) for rows in seed_rows])
        return self._search_vectors(query, seed_vectors), self._means(query)

    @staticmethod
    def _means(query: Query) -> list[bool]:
        return [seed.kind != "track" for seed in query.seeds] * (2 if query.targets else 1)

    def _search_vectors(self, query: Query, seed_vectors: np.ndarray) -> np.ndarray:
        if not query.targets:
            return seed_vectors
        moved = seed_vectors.copy()
        target_vector = self.embed(query.targets)  # only the targets' own coordinates are used
        for position, name in enumerate(self._dims()):
            if name in query.targets:
                moved[:, position] = target_vector[position]
        return np.vstack([seed_vectors, moved])

    def _dims(self) -> list[str]:
        names: list[str] = []
        for name in REQUIRED_FEATURES:
            names += ["key", "key"] if name == "key" else [name]
        return names

    def _seed_artist(self, seed: Seed, rows: np.ndarray) -> str | None:
        if seed.kind == "genre":
            return None
        return str(self.artist_lower[rows[0]])

    def _seed_genre(self, seed: Seed, rows: np.ndarray) -> str | None:
        if seed.kind == "genre":
            return seed.value.lower()
        if len(rows) == 1:  # a track seed
            genre = self.genre[rows[0]]
            return str(genre) if genre != "" else None
        genres = self.genre[rows[:2000]]
        genres = genres[genres != ""]
        if len(genres) == 0:
            return None
        names, counts = np.unique(genres.astype(str), return_counts=True)
        return str(names[int(np.argmax(counts))])

    def _empty_pool_error(self, filters: list[tuple[str, str, float]]) -> EmptyPoolError:
        remaining = np.ones(len(self), dtype=bool)
        counts: list[tuple[str, int]] = []
        culprit = ""
        for name, bound, value in filters:
            with np.errstate(invalid="ignore"):
                column = self.values[name]
                remaining &= (column >= value) if bound == "min" else (column <= value)
            label = describe_filter(name, bound, value)
            counts.append((label, int(remaining.sum())))
            if not culprit and not remaining.any():
                culprit = label
        alone = int(self.pass_mask([f for f in filters if describe_filter(*f) == culprit]).sum())
        steps = " → ".join(f"{label}: {count:,}" for label, count in counts)
        return EmptyPoolError(
            f"No track in the catalog passes all filters. The pool emptied at “{culprit}” "
            f"({alone:,} tracks pass that filter on its own, none together with the ones before it). "
            f"Tracks left after each filter: {steps}. Loosen that filter.",
            culprit,
            counts,
        )

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
        unavailable = np.zeros(len(top), dtype=bool)  # picked, or its artist's / album's cap reached
        value = np.empty(len(top))
        per_artist: dict[int, int] = {}
        per_album: dict[int, int] = {}
        chosen: list[int] = []
        while len(chosen) < query.limit:
            np.multiply(max_sim, 1 - lam, out=value)
            np.subtract(gain, value, out=value)
            np.copyto(value, -np.inf, where=unavailable)
            best = int(value.argmax())
            if unavailable[best]:  # every value is -inf: nothing left to pick
                break
            unavailable[best] = True
            artist = int(artists[best])
            album = int(albums[best]) if albums is not None else -1
            if album >= 0 and per_album.get(album, 0) >= query.per_album_cap:
                continue
            per_artist[artist] = per_artist.get(artist, 0) + 1
            if per_artist[artist] >= query.per_artist_cap:
                unavailable |= artists == artist
            if album >= 0 and albums is not None:
                per_album[album] = per_album.get(album, 0) + 1
                if per_album[album] >= query.per_album_cap:
                    unavailable |= albums == album
            chosen.append(best)
            # exp(-max(|a|^2 + |b|^2 - 2ab, 0) / dim), in place, in the same order of operations as ever
            squared = norms + norms[best]
            squared -= 2 * (vectors @ vectors[best])
            np.maximum(squared, 0, out=squared)
            np.negative(squared, out=squared)
            squared /= self.dim
            np.maximum(max_sim, np.exp(squared, out=squared), out=max_sim)
        # The earlier pick each one sounds most like: what its MMR penalty was at the time it was picked.
        sounds = np.exp(-np.maximum(_pairwise_squared(vectors[chosen]), 0) / self.dim)
        sounds[~np.tri(len(chosen), k=-1, dtype=bool)] = -1.0  # only earlier picks count
        closest = sounds.argmax(axis=1) if len(chosen) else np.empty(0, dtype=np.int64)
        closest_sound = sounds[np.arange(len(chosen)), closest]
        positions = top[chosen].tolist()
        if len(chosen):
            closest[0], closest_sound[0] = -1, 0.0
        return [Pick(*pick) for pick in zip(positions, closest.tolist(), closest_sound.tolist(), strict=True)]

    # -- views for the page --------------------------------------------------------------------

    def seed_values(self, seeds: Sequence[Seed]) -> dict[str, float]:
        """Average of every feature over the seeds (each seed weighs the same; key by circular mean)."""
        groups = [self.seed_rows(seed)[:2000] for seed in seeds]
        if not groups:
            return {}
        out: dict[str, float] = {}
        for spec in FEATURES:
            means = [float(np.nanmean(self.values[spec.name][rows])) for rows in groups]
            if spec.name == "key":
                angles = [self.values["key"][rows] * (2 * np.pi / 12) for rows in groups]
                x = np.mean([np.mean(np.cos(a)) for a in angles])
                y = np.mean([np.mean(np.sin(a)) for a in angles])
                out["key"] = float(round(np.arctan2(y, x) / (2 * np.pi / 12)) % 12)
            elif spec.name == "mode":
                out["mode"] = float(round(np.mean(means)))
            elif not np.isnan(np.mean(means)):
                out[spec.name] = float(np.mean(means))
        return out

    def radar_profile(self, rows: np.ndarray) -> dict[str, float]:
        """Mean of each radar feature over `rows`, scaled to 0..1 of its range."""
        out: dict[str, float] = {}
        for name in RADAR_FEATURES:
            spec = FEATURE_BY_NAME[name]
            values = self.values[name][rows]
            out[spec.label] = float(np.clip((np.nanmean(values) - spec.low) / spec.span, 0, 1)) if len(rows) else 0.0
        return out

    def pool_map(self, result: Recommendations, max_points: int = 3000, seed: int = 0) -> pd.DataFrame:
        """2-D PCA map of the candidate pool.

        role: seed track / by a seed artist (up to 10 of each artist seed's tracks that are not results) /
        result / candidate / filtered out (by a min/max filter) / seed or other version (removed as a seed,
        or as another version of a song already in). A genre seed is not a point of its own.
        """
        pairs = list(zip(result.seeds, result.seed_rows, strict=True))
        tracks = [rows[:1] for seed, rows in pairs if seed.kind == "track"]
        seed_rows = np.unique(np.concatenate(tracks)) if tracks else np.empty(0, dtype=np.int64)
        by_artist = [rows[:10] for seed, rows in pairs if seed.kind == "artist"]
        artist_rows = np.unique(np.concatenate(by_artist)) if by_artist else np.empty(0, dtype=np.int64)
        roles: dict[int, str] = {}
        rng = np.random.default_rng(seed)

        def sample(rows: np.ndarray, size: int) -> np.ndarray:
            return rng.choice(rows, size, replace=False) if len(rows) > size else rows

        filtered = sample(np.setdiff1d(result.pool_rows, result.passed_rows), max_points // 2)
        versions = sample(np.setdiff1d(result.passed_rows, result.kept_rows), max_points // 10)
        kept = sample(result.kept_rows, max_points // 2)
        for row in versions:
            roles[int(row)] = "seed or other version"
        for row in filtered:
            roles[int(row)] = "filtered out"
        for row in kept:
            roles[int(row)] = "candidate"
        for row in artist_rows:
            roles[int(row)] = "by a seed artist"
        for row in result.result_rows:
            roles[int(row)] = "result"
        for row in seed_rows:
            roles[int(row)] = "seed track"
        rows = np.fromiter(roles, dtype=np.int64)
        points = self.matrix[rows].astype(np.float64)
        centered = points - points.mean(axis=0)
        if len(rows) >= 2:
            _, _, vt = np.linalg.svd(centered, full_matrices=False)
            xy = centered @ vt[:2].T
        else:
            xy = np.zeros((len(rows), 2))
        if xy.shape[1] < 2:
            xy = np.hstack([xy, np.zeros((len(rows), 1))])
        return pd.DataFrame(
            {
                "x": xy[:, 0],
                "y": xy[:, 1],
                "role": [roles[int(r)] for r in rows],
                "track": self.frame["track_name"].to_numpy()[rows],
                "artist": self.frame["artist"].to_numpy()[rows],
                "genre": self.genre[rows],
            }
        )


def neighbour_recall(found: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact neighbours (one row of ids per query) that `found` also has."""
    hits = sum(len(np.intersect1d(f[f >= 0], e[e >= 0])) for f, e in zip(found, exact, strict=True))
    return hits / max(1, int((exact >= 0).sum()))


@functools.cache
def _str_dtype() -> Any:
    """The dtype pandas gives a column of str values (made on first use: it costs ms at import)."""
    return pd.Series(["x"]).dtype


def result_columns(column_arrays: dict[str, np.ndarray]) -> tuple[frozenset[str], bool]:
    """The columns whose every value is a str (a result frame gets them as Arrow strings directly,
    as pandas would infer them, without inferring it again for every query), and whether every other
    column is a plain NumPy number (then a result frame is built one block per dtype)."""
    strings = frozenset(
        column
        for column, values in column_arrays.items()
        if values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"
    )
    return strings, all(column in strings or values.dtype.kind in "biuf" for column, values in column_arrays.items())


def _strings(values: Sequence[Any]) -> Any:
    """A column of str values as pandas would infer it (Arrow-backed `str`), built in one step."""
    import pyarrow as pa

    dtype = _str_dtype()
    if getattr(dtype, "storage", None) != "pyarrow":  # pragma: no cover - pandas set to Python strings
        return pd.array(values, dtype=dtype)
    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=dtype)


def _none_of(values: np.ndarray, few: np.ndarray) -> np.ndarray:
    """`~np.isin(values, few)` for the few (≤ 5) seed tracks, without isin's sorting and bookkeeping."""
    mask = np.ones(len(values), dtype=bool)
    for value in few:
        mask &= values != value
    return mask


def _pairwise_squared(vectors: np.ndarray) -> np.ndarray:
    norms = np.einsum("ij,ij->i", vectors, vectors)
    return norms[:, None] + norms[None, :] - 2 * (vectors @ vectors.T)


def squared_distances(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    diff = matrix - vector
    return np.einsum("ij,ij->i", diff, diff)


def similarity(matrix: np.ndarray, vector: np.ndarray, dim: int) -> np.ndarray:
    """'Sounds like' similarity in 0..1: exp(-mean squared standardized difference)."""
    return np.exp(-squared_distances(matrix, vector) / dim)
