"""The catalog: a table of tracks with Spotify ids and audio features.

Sources: a public dataset downloaded by URL (cached as Parquet), a CSV a user uploads, or a path
from config. Every CSV goes through `read_catalog_csv`, which maps known column names onto ours,
checks types and ranges, and returns a `CatalogReport` saying what was missing and which rows
were bad (first few, with their line numbers).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import requests

from core.errors import UserError
from core.files import text_encoding
from core.net.guard import FetchGuard, FetchRefused, HostNotFound, guard_for, normalize_host
from core.net.requests_transport import guarded_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeatureSpec:
    """One audio feature: its range (for sliders and distances) and what it means."""

    name: str
    label: str
    low: float
    high: float
    step: float
    help: str
    similarity: bool = True  # used for "sounds like" distances (popularity and duration are not)

    @property
    def span(self) -> float:
        return self.high - self.low


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("danceability", "Danceability", 0.0, 1.0, 0.01, "How suitable for dancing (tempo, beat, regularity)."),
    FeatureSpec("energy", "Energy", 0.0, 1.0, 0.01, "Intensity and activity: fast, loud, noisy."),
    FeatureSpec("key", "Key", 0, 11, 1, "Pitch class: 0 = C, 1 = C♯/D♭ … 11 = B. Distance wraps around."),
    FeatureSpec("loudness", "Loudness (dB)", -60.0, 5.0, 0.5, "Average loudness in decibels."),
    FeatureSpec("mode", "Mode", 0, 1, 1, "1 = major, 0 = minor."),
    FeatureSpec("speechiness", "Speechiness", 0.0, 1.0, 0.01, "Presence of spoken words."),
    FeatureSpec("acousticness", "Acousticness", 0.0, 1.0, 0.01, "Confidence the track is acoustic."),
    FeatureSpec("instrumentalness", "Instrumentalness", 0.0, 1.0, 0.01, "Likelihood of no vocals."),
    FeatureSpec("liveness", "Liveness", 0.0, 1.0, 0.01, "Likelihood of a live audience."),
    FeatureSpec("valence", "Valence", 0.0, 1.0, 0.01, "Musical positiveness: happy, cheerful."),
    FeatureSpec("tempo", "Tempo (BPM)", 0.0, 250.0, 1.0, "Beats per minute."),
    FeatureSpec("duration_ms", "Duration (ms)", 0, 6_000_000, 5000, "Track length in milliseconds.", similarity=False),
    FeatureSpec("popularity", "Popularity", 0, 100, 1, "Spotify popularity, 0–100.", similarity=False),
)
FEATURE_BY_NAME = {spec.name: spec for spec in FEATURES}
REQUIRED_FEATURES = tuple(spec.name for spec in FEATURES if spec.similarity)
OPTIONAL_FEATURES = tuple(spec.name for spec in FEATURES if not spec.similarity)
TEXT_COLUMNS = ("track_id", "track_name", "artist", "album", "genre", "genre_group", "isrc", "image_url")
REQUIRED_TEXT = ("track_id", "track_name", "artist")
KEY_NAMES = ("C", "C♯/D♭", "D", "D♯/E♭", "E", "F", "F♯/G♭", "G", "G♯/A♭", "A", "A♯/B♭", "B")

# Our column <- names it has in known datasets (first match wins).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "track_id": ("track_id", "id", "spotify_id", "uri", "track_uri", "spotify_uri"),
    "track_name": ("track_name", "name", "title", "song", "track"),
    "artist": ("artist", "track_artist", "artists", "artist_name", "artist_names", "artist(s)_name"),
    "album": ("album", "album_name", "track_album_name"),
    # The finest genre a dataset has ("dance pop", not "pop"); the broad one, when there is one, groups them.
    "genre": ("genre", "track_genre", "playlist_subgenre", "subgenre", "playlist_genre", "genres", "top_genre"),
    "genre_group": ("genre_group", "parent_genre", "playlist_genre"),
    "isrc": ("isrc",),
    "image_url": ("image_url", "cover", "album_image", "cover_url"),
    "popularity": ("popularity", "track_popularity"),
    "duration_ms": ("duration_ms", "duration"),
    **{name: (name,) for name in REQUIRED_FEATURES},
}

_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_URI_ID = re.compile(r"(?:spotify:track:|open\.spotify\.com/(?:intl-\w\w/)?track/)([0-9A-Za-z]{22})")
MAX_BAD_ROWS_SHOWN = 5
# What a saved catalog holds; 2: the finest genre is the genre (24 for TidyTuesday), the broad one genre_group.
CACHE_SCHEMA_VERSION = 2


class CatalogError(UserError, ValueError):
    """A catalog cannot be used. The message says what is wrong and what to do."""

    def __init__(self, message: str, report: CatalogReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class BadRow:
    line: int  # 1-based line number in the file (the header is line 1)
    reason: str


@dataclass
class CatalogReport:
    """What loading a catalog found: column mapping, what was missing, which rows were dropped."""

    source: str
    rows_read: int = 0
    rows_kept: int = 0
    mapping: dict[str, str] = field(default_factory=dict)  # ours -> theirs
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)  # the first few
    bad_row_count: int = 0
    duplicates_removed: int = 0
    schema: int = CACHE_SCHEMA_VERSION  # of the saved catalog this report belongs to

    @property
    def outdated(self) -> bool:
        """Saved by an earlier version, which kept less of the file (only the broad genres)."""
        return self.schema < CACHE_SCHEMA_VERSION

    def summary(self) -> str:
        parts = [f"{self.rows_kept:,} tracks kept of {self.rows_read:,} rows read from {self.source}."]
        if self.duplicates_removed:
            parts.append(f"{self.duplicates_removed:,} repeated track ids merged.")
        if self.bad_row_count:
            parts.append(f"{self.bad_row_count:,} bad rows skipped.")
        if self.missing_optional:
            parts.append("Not in the file (left empty): " + ", ".join(self.missing_optional) + ".")
        return " ".join(parts)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> CatalogReport:
        data = json.loads(text)
        data["bad_rows"] = [BadRow(**row) for row in data.get("bad_rows", [])]
        data.setdefault("schema", 1)  # reports from before the schema was recorded
        return cls(**data)


@dataclass(frozen=True)
class CatalogSource:
    """A public dataset the app can download on first use."""

    id: str
    title: str
    url: str
    approx_tracks: int
    homepage: str
    license: str


SOURCES: tuple[CatalogSource, ...] = (
    CatalogSource(
        id="spotify_tracks_dataset",
        title="Spotify Tracks Dataset (114k tracks, 125 genres)",
        url="https://huggingface.co/datasets/maharshipandya/spotify-tracks-dataset/resolve/main/dataset.csv",
        approx_tracks=114_000,
        homepage="https://huggingface.co/datasets/maharshipandya/spotify-tracks-dataset",
        license="BSD-3-Clause",
    ),
    CatalogSource(
        id="tidytuesday_spotify_songs",
        title="TidyTuesday spotify_songs (33k tracks, 24 genres in 6 groups)",
        url=(
            "https://raw.githubusercontent.com/rfordatascience/tidytuesday/master/"
            "data/2020/2020-01-21/spotify_songs.csv"
        ),
        approx_tracks=32_833,
        homepage="https://github.com/rfordatascience/tidytuesday/tree/master/data/2020/2020-01-21",
        license="MIT (TidyTuesday repository)",
    ),
)
SOURCE_BY_ID = {source.id: source for source in SOURCES}


# --------------------------------------------------------------------------------------------------
# Reading and validating a CSV


def _normalize_header(name: str) -> str:
    return re.sub(r"\s+", "_", str(name).strip().lower())


def map_columns(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """Ours -> theirs for every column we recognise, and the columns we ignore."""
    normalized = {_normalize_header(c): c for c in columns}
    mapping: dict[str, str] = {}
    for ours, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in normalized and normalized[alias] not in mapping.values():
                mapping[ours] = normalized[alias]
                break
    ignored = [c for c in columns if c not in mapping.values()]
    return mapping, ignored


def _extract_track_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _SPOTIFY_ID.match(value):
        return value
    match = _URI_ID.search(value)
    return match.group(1) if match else None


def _first_artist(value: object) -> str:
    """'Artist A;Artist B' (Spotify Tracks Dataset) or "['A', 'B']" -> 'Artist A'."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].split(",")[0].strip().strip("'\"")
    return text.split(";")[0].strip()


MAX_CSV_BYTES = 1024**3  # a decompressed catalog above this is refused (decompression bombs)
MAX_ROWS = 1_000_000  # the default of MLSTUDIO_MAX_CATALOG_ROWS; the largest public catalogs hold about 1.2M
MAX_LINE_BYTES = 32 * 1024  # a catalog row is well under 1 KB; a longer line is not a catalog
CHUNK_ROWS = 5_000  # rows parsed at a time: memory is this many rows, plus the columns we keep


class _BoundedReader(io.RawIOBase):
    """Reads at most `limit` bytes from `inner`, in lines of at most MAX_LINE_BYTES, else CatalogError.

    Both are checked while streaming, so a decompression bomb stops at the limit, not in memory.
    """

    def __init__(self, inner: IO[bytes], limit: int, name: str) -> None:
        self.inner, self.limit, self.name, self.count, self.line = inner, limit, name, 0, 0
        self.refusal: CatalogError | None = None  # pandas' C parser replaces errors raised in read()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) != (0, 0):
            raise io.UnsupportedOperation("only rewinding is supported")
        self.inner.seek(0)
        self.count = self.line = 0
        return 0

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            self.refusal = CatalogError(
                f"{self.name} unpacks to more than {self.limit / 2**20:,.0f} MB; a catalog CSV is normally "
                "well under 100 MB. Upload the catalog itself (one row per track)."
            )
            raise self.refusal
        lines = data.split(b"\n")
        longest = max([self.line + len(lines[0]), *(len(line) for line in lines[1:-1])]) if len(lines) > 1 else 0
        self.line = len(lines[-1]) if len(lines) > 1 else self.line + len(data)
        if max(longest, self.line) > MAX_LINE_BYTES:
            self.refusal = CatalogError(
                f"{self.name} has a line longer than {MAX_LINE_BYTES // 1024} KB, so it is not a catalog CSV "
                "(one short row per track). Check the file and upload the catalog CSV."
            )
            raise self.refusal
        buffer[: len(data)] = data
        return len(data)


def _open_text(source: Path | bytes | IO[bytes], name: str, limit: int) -> tuple[IO[bytes], IO[bytes], int]:
    """The text to parse (unpacked, bounded), the file under it (its position is the progress) and its size."""
    if isinstance(source, Path):
        raw: IO[bytes] = source.open("rb")
    elif isinstance(source, bytes | bytearray):
        raw = io.BytesIO(source)
    else:
        raw = source
    size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    head = raw.read(2)
    raw.seek(0)
    inner: Any = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    return io.BufferedReader(_BoundedReader(inner, limit, name), buffer_size=64 * 1024), raw, size


def _looks_like_csv(sample: bytes, encoding: str) -> bool:
    text = sample.decode(encoding, errors="replace")
    first_line = text.splitlines()[0] if text else ""
    return "," in first_line or "\t" in first_line or ";" in first_line


ReadProgress = Callable[[int, float], None]  # rows read so far, share of the file read (0-1)


def read_catalog_csv(
    source: Path | bytes | IO[bytes],
    name: str,
    max_bytes: int = MAX_CSV_BYTES,
    max_rows: int = MAX_ROWS,
    progress: ReadProgress | None = None,
) -> tuple[pd.DataFrame, CatalogReport]:
    """Read a CSV (optionally gzip-compressed) into our catalog columns, with a report.

    Rows with a wrong number of fields, a missing id/name/artist, or a feature that is not a number
    in its range are skipped and reported (the first few with their line numbers). Raises
    `CatalogError` when the file is not a CSV, required columns are missing, or no row is usable.
    The file is streamed CHUNK_ROWS rows at a time: memory is bounded by `max_rows` (more rows are
    refused), `max_bytes` decompressed and MAX_LINE_BYTES per line, whatever the file holds.
    """
    report = CatalogReport(source=name)
    try:
        handle, raw, size = _open_text(source, name, max_bytes)
        sample = handle.read(64 * 1024)
        handle.seek(0)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise CatalogError(f"Could not read {name}: {exc}. Check the file and try again.", report) from None
    encoding = text_encoding(sample)
    if encoding is None or not _looks_like_csv(sample, encoding):
        raise CatalogError(f"{name} is not a CSV text file. Upload a .csv (or .csv.gz) with a header row.", report)
    separator = "\t" if sample.split(b"\n", 1)[0].count(b"\t") > sample.split(b"\n", 1)[0].count(b",") else ","
    parts: list[pd.DataFrame] = []
    skipped_lines: list[int] = []  # the first lines the parser skipped, to number the rows after them
    converter: _ChunkConverter | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            chunks = pd.read_csv(
                handle,
                sep=separator,
                dtype=str,
                keep_default_na=False,
                on_bad_lines="warn",
                encoding=encoding,
                encoding_errors="replace",
                chunksize=CHUNK_ROWS,
            )
            for frame in chunks:
                _count_skipped_lines(caught, report, skipped_lines)
                caught.clear()
                report.rows_read += len(frame)
                if report.rows_read + report.bad_row_count > max_rows:
                    raise CatalogError(
                        f"{name} has more than {max_rows:,} rows; the limit is {max_rows:,} tracks. "
                        "Keep only the tracks you need (or split the file) and upload it again.",
                        report,
                    )
                if converter is None:
                    converter = _ChunkConverter.for_columns(list(frame.columns), frame, name, report)
                parts.append(converter.convert(frame, skipped_lines))
                if progress is not None:
                    progress(report.rows_read, min(raw.tell() / size, 1.0) if size else 0.0)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError, gzip.BadGzipFile) as exc:
            refusal = getattr(getattr(handle, "raw", None), "refusal", None)
            if isinstance(refusal, CatalogError):
                refusal.report = report
                raise refusal from None
            raise CatalogError(f"{name} could not be parsed as CSV: {exc}", report) from None
        _count_skipped_lines(caught, report)
    report.rows_read += report.bad_row_count
    report.bad_rows.sort(key=lambda row: row.line)
    report.bad_row_count += converter.bad_values if converter else 0

    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["track_id"])
    before = len(out)
    out = out.drop_duplicates("track_id", keep="first")
    report.duplicates_removed = before - len(out)
    out = normalize_dtypes(out.reset_index(drop=True))
    report.rows_kept = len(out)
    if out.empty:
        raise CatalogError(
            f"No usable track in {name}: every row was bad. First problems: "
            + "; ".join(f"line {row.line}: {row.reason}" for row in report.bad_rows),
            report,
        )
    return out, report


def _count_skipped_lines(
    caught: list[warnings.WarningMessage], report: CatalogReport, skipped_lines: list[int] | None = None
) -> None:
    """Lines the parser skipped (wrong number of fields): counted, the first few kept with their reason."""
    for warning in caught:
        for match in re.finditer(r"Skipping line (\d+): (.*?)(?:\n|$)", str(warning.message)):
            report.bad_row_count += 1
            if skipped_lines is not None and len(skipped_lines) <= MAX_BAD_ROWS_SHOWN:
                skipped_lines.append(int(match.group(1)))
            if len(report.bad_rows) < MAX_BAD_ROWS_SHOWN:
                report.bad_rows.append(BadRow(int(match.group(1)), match.group(2).strip()))


def _out_of_range(raw: pd.Series, spec: FeatureSpec, position: int) -> str:
    return f"{spec.name}={raw.iloc[position]!r} is not a number in {spec.low}..{spec.high}"


@dataclass
class _ChunkConverter:
    """Turns each parsed chunk into our columns, dropping (and reporting) rows with bad values."""

    mapping: dict[str, str]
    report: CatalogReport
    seconds_not_ms: bool
    bad_values: int = 0

    @classmethod
    def for_columns(cls, columns: list[str], first: pd.DataFrame, name: str, report: CatalogReport) -> _ChunkConverter:
        mapping, ignored = map_columns(columns)
        report.mapping = mapping
        report.ignored_columns = ignored
        required = [*REQUIRED_TEXT, *REQUIRED_FEATURES]
        report.missing_required = [c for c in required if c not in mapping]
        report.missing_optional = [c for c in ("album", "genre", *OPTIONAL_FEATURES) if c not in mapping]
        if report.missing_required:
            raise CatalogError(
                f"{name} lacks required columns: {', '.join(report.missing_required)}. "
                f"A catalog needs a Spotify track id, track name, artist and the audio features "
                f"{', '.join(REQUIRED_FEATURES)}. Columns found: {', '.join(map(str, columns[:30]))}.",
                report,
            )
        seconds = False
        if "duration_ms" in mapping:  # decided once, on the first rows: seconds, not milliseconds
            values = pd.to_numeric(first[mapping["duration_ms"]].str.strip(), errors="coerce")
            seconds = bool(values.median() < 3600)
        return cls(mapping, report, seconds)

    def convert(self, frame: pd.DataFrame, skipped_lines: list[int]) -> pd.DataFrame:
        mapping, report = self.mapping, self.report
        out = pd.DataFrame(index=frame.index)
        out["track_id"] = frame[mapping["track_id"]].map(_extract_track_id)
        out["track_name"] = frame[mapping["track_name"]].str.strip()
        out["artist"] = frame[mapping["artist"]].map(_first_artist)
        for column in ("album", "genre", "genre_group", "isrc", "image_url"):
            out[column] = frame[mapping[column]].str.strip() if column in mapping else ""
        out["genre"] = out["genre"].str.lower()
        out["genre_group"] = out["genre_group"].str.lower()

        # Each check: which rows fail it, and the reason for one row (only made for the rows shown).
        checks: list[tuple[np.ndarray, Callable[[int], str]]] = [
            (out["track_id"].isna().to_numpy(), lambda _i: "track id is not a Spotify id"),
            ((out["track_name"] == "").to_numpy(), lambda _i: "track name is empty"),
            ((out["artist"] == "").to_numpy(), lambda _i: "artist is empty"),
        ]
        for spec in FEATURES:
            if spec.name not in mapping:
                out[spec.name] = np.nan
                continue
            raw = frame[mapping[spec.name]]
            stripped = raw.str.strip()
            values = pd.to_numeric(stripped, errors="coerce")
            if spec.name == "duration_ms" and self.seconds_not_ms:
                values = values * 1000
            bad = values.isna() | (values < spec.low) | (values > spec.high)
            if not spec.similarity:
                bad = bad & (stripped != "")
            checks.append((bad.to_numpy(), partial(_out_of_range, raw, spec)))
            out[spec.name] = values.where(~bad)

        bad_mask = np.logical_or.reduce([failed for failed, _ in checks])
        # Pandas numbers data rows from 0 across chunks; line 1 is the header. Lines skipped by the
        # parser shift it, so count how many skipped lines came before each row.
        skipped = sorted(skipped_lines) if len(skipped_lines) <= MAX_BAD_ROWS_SHOWN else []
        for position in np.flatnonzero(bad_mask)[: max(0, MAX_BAD_ROWS_SHOWN - len(report.bad_rows))]:
            line = int(frame.index[position]) + 2
            for skipped_line in skipped:
                if skipped_line <= line:
                    line += 1
            reason = next(explain(int(position)) for failed, explain in checks if failed[position])
            report.bad_rows.append(BadRow(line, reason))
        self.bad_values += int(bad_mask.sum())
        return out[~bad_mask]


def normalize_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Our column order and types (strings as object, features as float32)."""
    frame = frame.copy()
    for column in TEXT_COLUMNS:
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str).astype(object)
    for spec in FEATURES:
        frame[spec.name] = pd.to_numeric(frame[spec.name], errors="coerce").astype("float32")
    return frame[[*TEXT_COLUMNS, *(spec.name for spec in FEATURES)]]


# --------------------------------------------------------------------------------------------------
# The Parquet cache in data_dir/music


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "catalog"


class CatalogStore:
    """Catalogs saved as Parquet (plus the load report as JSON) in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, catalog_id: str) -> Path:
        return self.folder / f"{_slug(catalog_id)}.parquet"

    def save(self, catalog_id: str, frame: pd.DataFrame, report: CatalogReport) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(catalog_id)
        partial = path.with_suffix(".parquet.part")
        frame.to_parquet(partial, index=False)
        partial.replace(path)
        path.with_suffix(".json").write_text(report.to_json())
        return path

    def list(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.parquet"))

    def report(self, catalog_id: str) -> CatalogReport | None:
        path = self.path(catalog_id).with_suffix(".json")
        try:
            return CatalogReport.from_json(path.read_text())
        except (OSError, ValueError, TypeError):
            return None

    def delete(self, catalog_id: str) -> None:
        for suffix in (".parquet", ".json"):
            self.path(catalog_id).with_suffix(suffix).unlink(missing_ok=True)


def read_parquet_catalog(path: Path) -> pd.DataFrame:
    """A cached catalog; `CatalogError` if it is missing or corrupt."""
    if not path.is_file():
        raise CatalogError(f"The catalog file {path.name} is missing. Load or download a catalog again.")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        log.warning("corrupt catalog cache %s: %s", path, exc)
        raise CatalogError(
            f"The cached catalog {path.name} is damaged ({type(exc).__name__}). "
            "Delete it and load or download the catalog again."
        ) from None
    missing = [c for c in (*REQUIRED_TEXT, *REQUIRED_FEATURES) if c not in frame.columns]
    if missing or frame.empty:
        raise CatalogError(
            f"The cached catalog {path.name} lacks {', '.join(missing) or 'rows'}. "
            "Delete it and load the catalog again."
        )
    return normalize_dtypes(frame)


def load_catalog_file(
    path: Path, store: CatalogStore, max_rows: int = MAX_ROWS, progress: ReadProgress | None = None
) -> tuple[str, CatalogReport]:
    """Read a local CSV (or Parquet) once and cache it; returns the catalog id and the report."""
    if not path.is_file():
        raise CatalogError(f"No catalog file at {path}. Check the path (MLSTUDIO_MUSIC_CATALOG).")
    stat = path.stat()
    digest = hashlib.sha1(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]
    catalog_id = f"file_{_slug(path.stem)}_{digest}"
    cached, cached_report = store.path(catalog_id), store.report(catalog_id)
    if cached.is_file() and not (cached_report is None or cached_report.outdated):
        return cached.stem, cached_report
    if path.suffix == ".parquet":
        frame = read_parquet_catalog(path)
        report = CatalogReport(source=path.name, rows_read=len(frame), rows_kept=len(frame))
    else:
        frame, report = read_catalog_csv(path, path.name, max_rows=max_rows, progress=progress)
    store.save(catalog_id, frame, report)
    return store.path(catalog_id).stem, report


def load_catalog_upload(
    data: bytes, filename: str, store: CatalogStore, max_rows: int = MAX_ROWS, progress: ReadProgress | None = None
) -> tuple[str, CatalogReport]:
    """Validate an uploaded CSV and cache it under an id derived from its content."""
    frame, report = read_catalog_csv(data, filename, max_rows=max_rows, progress=progress)
    catalog_id = f"upload_{_slug(Path(filename).stem.removesuffix('.csv'))}_{hashlib.sha1(data).hexdigest()[:10]}"
    store.save(catalog_id, frame, report)
    return store.path(catalog_id).stem, report


# --------------------------------------------------------------------------------------------------
# Downloading a public catalog

Progress = Callable[[int, int | None], None]  # bytes so far, total bytes (None if unknown)


def download_source(
    source: CatalogSource,
    store: CatalogStore,
    progress: Progress | None = None,
    *,
    url: str | None = None,
    timeout: float = 30.0,
    deployed: bool = True,
    guard: FetchGuard | None = None,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_CSV_BYTES,
    reading: ReadProgress | None = None,
) -> tuple[str, CatalogReport]:
    """Download a public catalog (streaming, with progress), validate it (`reading` hears how far) and
    cache it as Parquet.

    Every connection (the URL and each redirect) goes through the fetch guard. A failure leaves nothing
    half-written: the CSV goes to a `.part` file first.
    """
    target = url or source.url
    store.folder.mkdir(parents=True, exist_ok=True)
    partial = store.folder / f"{source.id}.csv.part"
    http = guarded_session(guard or guard_for(deployed))
    try:
        with http.get(target, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            total_header = response.headers.get("Content-Length")
            total = int(total_header) if total_header and total_header.isdigit() else None
            done = 0
            with partial.open("wb") as handle:
                for chunk in response.iter_content(chunk_size=256 * 1024):
                    handle.write(chunk)
                    done += len(chunk)
                    if done > max_bytes:
                        raise CatalogError(
                            f"The download is larger than {max_bytes / 2**20:,.0f} MB, too large for a catalog. "
                            "Try the other source, or upload the catalog CSV."
                        )
                    if progress:
                        progress(done, total)
    except HostNotFound as exc:
        partial.unlink(missing_ok=True)
        if exc.host != normalize_host(requests.utils.urlparse(target).hostname or ""):
            raise CatalogError(str(exc)) from None  # a redirect to a host that does not exist
        log.info("catalog download: %s", exc)  # the catalog's own host, not one the user typed: offline
        raise CatalogError(
            f"Could not reach {requests.utils.urlparse(target).netloc}: no internet connection? "
            "Upload the catalog CSV instead (see the instructions on the page)."
        ) from None
    except FetchRefused as exc:
        partial.unlink(missing_ok=True)
        raise CatalogError(str(exc)) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema):
        partial.unlink(missing_ok=True)
        raise CatalogError(
            "The download was sent on to an address that is not valid. Try the other source, or upload the catalog CSV."
        ) from None
    except requests.exceptions.ConnectionError:
        partial.unlink(missing_ok=True)
        raise CatalogError(
            f"Could not reach {requests.utils.urlparse(target).netloc}: no internet connection? "
            "Upload the catalog CSV instead (see the instructions on the page)."
        ) from None
    except requests.exceptions.Timeout:
        partial.unlink(missing_ok=True)
        raise CatalogError("The download timed out. Try again later, or upload the catalog CSV.") from None
    except requests.exceptions.HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise CatalogError(
            f"The server answered {getattr(exc.response, 'status_code', '?')} for {target}. "
            "Try the other source, or upload the catalog CSV."
        ) from None
    except requests.exceptions.RequestException as exc:
        partial.unlink(missing_ok=True)
        raise CatalogError(f"The download failed ({type(exc).__name__}). Try again or upload the CSV.") from None
    except BaseException:  # stopped by the user (Streamlit's stop) or anything else: no half file left
        partial.unlink(missing_ok=True)
        raise
    finally:
        http.close()
    try:
        frame, report = read_catalog_csv(partial, source.title, max_rows=max_rows, progress=reading)
    finally:
        partial.unlink(missing_ok=True)
    store.save(source.id, frame, report)
    return source.id, report
