"""What a music view is made of (catalog, seeds, filters, targets, list tuning) and its form in a link.

`encode_link` writes only what differs from the defaults, so an untouched page has a bare URL;
`decode_link` reads a link back and reports every value it could not use (that value falls back to
its default, the rest of the link is still used). Seeds in a link are (kind, value) references: the
catalog turns them back into seeds with labels (`core.music.seeds.resolve_seeds`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import unquote

from core.music.catalog import FEATURE_BY_NAME
from core.music.engine import MAX_SEEDS, Query, Seed, SeedKind


class IntBounds(NamedTuple):
    low: int
    high: int
    default: int


class FloatBounds(NamedTuple):
    low: float
    high: float
    default: float


# The list's size and variety: the range and default of each control.
LIMIT_RANGE = IntBounds(5, 50, 20)
CAP_RANGE = IntBounds(1, 5, 2)
ALBUM_CAP_RANGE = IntBounds(0, 5, 0)  # 0 = no cap
DIVERSITY_RANGE = FloatBounds(0.0, 1.0, 0.3)
STRENGTH_RANGE = FloatBounds(0.0, 3.0, 1.0)
SEED_KINDS: dict[str, SeedKind] = {"track": "track", "artist": "artist", "genre": "genre"}

CATALOG, SEEDS, MINIMUMS, MAXIMUMS, TARGETS = "catalog", "seeds", "min", "max", "target"
LIMIT, CAP, DIVERSITY, STRENGTH, LISTED = "limit", "cap", "variety", "strength", "list"
ALBUM_CAP, VERSIONS = "album_cap", "versions"
ALL_VERSIONS = "all"  # versions=all: keep live, remastered, … versions of the same song
PARAMS = (CATALOG, SEEDS, MINIMUMS, MAXIMUMS, TARGETS, LIMIT, CAP, ALBUM_CAP, VERSIONS, DIVERSITY, STRENGTH, LISTED)


@dataclass
class Tuning:
    """Min / max filters and targets per feature (catalog units), and the list's size and variety."""

    minimums: dict[str, float] = field(default_factory=dict)
    maximums: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    limit: int = LIMIT_RANGE.default
    per_artist_cap: int = CAP_RANGE.default
    diversity: float = DIVERSITY_RANGE.default
    target_weight: float = STRENGTH_RANGE.default
    per_album_cap: int = ALBUM_CAP_RANGE.default
    one_version_per_song: bool = True

    def query(self, seeds: Sequence[Seed]) -> Query:
        return Query(
            seeds=list(seeds),
            minimums=dict(self.minimums),
            maximums=dict(self.maximums),
            targets=dict(self.targets),
            limit=self.limit,
            per_artist_cap=self.per_artist_cap,
            diversity=self.diversity,
            target_weight=self.target_weight,
            per_album_cap=self.per_album_cap,
            one_version_per_song=self.one_version_per_song,
        )


@dataclass(frozen=True)
class SeedRef:
    """A seed as a link names it: its kind and its catalog value (track id, artist or genre name)."""

    kind: SeedKind
    value: str


@dataclass
class MusicLink:
    catalog: str | None = None
    seeds: list[SeedRef] = field(default_factory=list)
    tuning: Tuning = field(default_factory=Tuning)
    listed: bool = False  # a list was shown for exactly these seeds and this tuning


def number(value: float) -> str:
    """A value as a link writes it: short, and the same text for the same number (0.8, 120, 150000)."""
    return f"{float(value):.10g}"


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace(",", "%2C")


def _features(values: Mapping[str, float]) -> str:
    return ",".join(f"{name}:{number(value)}" for name, value in values.items())


def encode_link(link: MusicLink) -> dict[str, str]:
    """The link's query parameters; a value at its default is left out."""
    tuning = link.tuning
    out: dict[str, str] = {}
    if link.catalog:
        out[CATALOG] = link.catalog
    if link.seeds:
        out[SEEDS] = ",".join(f"{seed.kind}:{_escape(seed.value)}" for seed in link.seeds)
    for name, values in ((MINIMUMS, tuning.minimums), (MAXIMUMS, tuning.maximums), (TARGETS, tuning.targets)):
        if values:
            out[name] = _features(values)
    for name, value, default in (
        (LIMIT, tuning.limit, LIMIT_RANGE.default),
        (CAP, tuning.per_artist_cap, CAP_RANGE.default),
        (ALBUM_CAP, tuning.per_album_cap, ALBUM_CAP_RANGE.default),
        (DIVERSITY, tuning.diversity, DIVERSITY_RANGE.default),
        (STRENGTH, tuning.target_weight, STRENGTH_RANGE.default),
    ):
        if value != default:
            out[name] = number(value)
    if not tuning.one_version_per_song:
        out[VERSIONS] = ALL_VERSIONS
    if link.listed and link.seeds:
        out[LISTED] = "1"
    return out


def decode_seeds(text: str) -> tuple[list[SeedRef], list[str]]:
    seeds: list[SeedRef] = []
    problems: list[str] = []
    for part in (p for p in text.split(",") if p):
        name, _, value = part.partition(":")
        kind, value = SEED_KINDS.get(name), unquote(value).strip()
        if kind is None or not value:
            problems.append(f"“{unquote(part)}” is not a seed (expected track:<id>, artist:<name> or genre:<name>).")
        elif len(seeds) >= MAX_SEEDS:
            problems.append(f"At most {MAX_SEEDS} seeds: “{value}” was left out.")
        elif (ref := SeedRef(kind, value)) not in seeds:
            seeds.append(ref)
    return seeds, problems


def decode_features(text: str, what: str) -> tuple[dict[str, float], list[str]]:
    """'energy:0.5,tempo:120' -> {'energy': 0.5, 'tempo': 120.0}; unknown names and bad values reported."""
    values: dict[str, float] = {}
    problems: list[str] = []
    for part in (p for p in text.split(",") if p):
        name, _, raw = part.partition(":")
        spec = FEATURE_BY_NAME.get(name)
        if spec is None:
            problems.append(f"“{name}” is not an audio feature, so its {what} was not used.")
            continue
        try:
            value = float(raw)
        except ValueError:
            problems.append(f"The {what} of {spec.label} (“{raw}”) is not a number.")
            continue
        if not spec.low <= value <= spec.high:
            problems.append(f"The {what} of {spec.label} ({raw}) is outside {number(spec.low)}–{number(spec.high)}.")
            continue
        values[name] = value
    return values, problems


def _bounded(raw: str, label: str, bounds: IntBounds | FloatBounds, integer: bool) -> tuple[float, str | None]:
    low, high, default = bounds
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        return default, f"{label} (“{raw}”) is not {'a whole number' if integer else 'a number'}."
    if not low <= value <= high:
        return default, f"{label} ({raw}) is outside {number(low)}–{number(high)}."
    return value, None


def decode_link(params: Mapping[str, str]) -> tuple[MusicLink, list[str]]:
    """The view a link describes, and what in it could not be used (each such value is at its default)."""
    problems: list[str] = []
    seeds, found = decode_seeds(params.get(SEEDS, ""))
    problems += found
    mappings: list[dict[str, float]] = []
    for name, what in ((MINIMUMS, "minimum"), (MAXIMUMS, "maximum"), (TARGETS, "target")):
        values, found = decode_features(params.get(name, ""), what)
        mappings.append(values)
        problems += found
    minimums, maximums, targets = mappings
    for name in sorted(set(minimums) & set(maximums)):
        if minimums[name] > maximums[name]:
            problems.append(f"{FEATURE_BY_NAME[name].label}: the minimum is above the maximum, so neither was used.")
            del minimums[name], maximums[name]
    tuning = Tuning(minimums, maximums, targets)
    for name, label, bounds, integer in (
        (LIMIT, "The number of tracks", LIMIT_RANGE, True),
        (CAP, "The cap per artist", CAP_RANGE, True),
        (ALBUM_CAP, "The cap per album", ALBUM_CAP_RANGE, True),
        (DIVERSITY, "Variety", DIVERSITY_RANGE, False),
        (STRENGTH, "Target strength", STRENGTH_RANGE, False),
    ):
        if name not in params:
            continue
        value, problem = _bounded(params[name], label, bounds, integer)
        if problem:
            problems.append(problem)
        if name == LIMIT:
            tuning.limit = int(value)
        elif name == CAP:
            tuning.per_artist_cap = int(value)
        elif name == ALBUM_CAP:
            tuning.per_album_cap = int(value)
        elif name == DIVERSITY:
            tuning.diversity = float(value)
        else:
            tuning.target_weight = float(value)
    if VERSIONS in params:
        if params[VERSIONS] == ALL_VERSIONS:
            tuning.one_version_per_song = False
        else:
            problems.append(f"versions=“{params[VERSIONS]}” is not known (versions=all keeps every version).")
    catalog = params.get(CATALOG, "").strip() or None
    listed = params.get(LISTED) == "1"
    return MusicLink(catalog, seeds, tuning, listed), problems
