"""Which seed a thing found elsewhere becomes (a Spotify track or artist, a link), and the seed list's rules.

A Spotify track is a seed only through the catalog: the catalog holds the audio features. It is
matched by id, ISRC, then title + artist; failing that its artist stands in when the catalog has
them; otherwise it cannot be a seed. Every decision comes with the note the user should read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.music.engine import MAX_SEEDS, CatalogIndex, Seed
from core.music.link import SeedRef
from core.music.spotify import SpotifyArtist, SpotifyTrack

NoteLevel = Literal["info", "warning"]


@dataclass(frozen=True)
class Note:
    level: NoteLevel
    text: str


@dataclass(frozen=True)
class SeedPick:
    """The seed something comes to (None: it cannot be one) and what to tell the user about it."""

    seed: Seed | None
    note: Note | None = None


def track_seed(index: CatalogIndex, row: int) -> Seed:
    frame = index.frame
    return Seed(
        "track", str(frame["track_id"].iat[row]), f"{frame['track_name'].iat[row]} — {frame['artist'].iat[row]}"
    )


def artist_seed(index: CatalogIndex, name: str, label: str | None = None) -> Seed | None:
    """The catalog's artist of that name (any case), labelled `label` or the catalog's spelling."""
    rows = index.rows_by_artist.get(name.lower())
    if rows is None:
        return None
    catalog_name = str(index.frame["artist"].iat[rows[0]])
    return Seed("artist", catalog_name, label or catalog_name)


def genre_seed(index: CatalogIndex, name: str) -> Seed | None:
    genre = name.lower()
    return Seed("genre", genre, genre) if genre in index.rows_by_genre else None


def pick_spotify_track(index: CatalogIndex, track: SpotifyTrack) -> SeedPick:
    row = index.match_track(track.id, track.name, track.artist, track.isrc)
    if row is not None:
        seed = track_seed(index, row)
        if seed.value == track.id:
            return SeedPick(seed)
        catalog_name = index.frame["track_name"].iat[row]
        return SeedPick(seed, Note("info", f"Matched “{track.label}” to the catalog's “{catalog_name}”."))
    artist = artist_seed(index, track.artist, label=track.artist)
    if artist is not None:
        return SeedPick(
            artist,
            Note(
                "info",
                f"“{track.name}” is not in the catalog, so no audio features are known for it; "
                f"its artist {track.artist} was added as a seed instead.",
            ),
        )
    return SeedPick(
        None,
        Note(
            "warning",
            f"“{track.label}” is not in the catalog and no audio features are known for it, so it cannot be "
            "a seed. Try another version of the song, or load a bigger catalog.",
        ),
    )


def pick_spotify_artist(index: CatalogIndex, artist: SpotifyArtist) -> SeedPick:
    seed = artist_seed(index, artist.name, label=artist.name)
    if seed is None:
        return SeedPick(
            None,
            Note(
                "warning",
                f"No track by {artist.name} is in the catalog, so there are no audio features to start from. "
                "Load a bigger catalog, or pick a genre or a similar artist.",
            ),
        )
    return SeedPick(seed)


def same_seed(a: Seed, b: Seed) -> bool:
    """The same track, artist or genre, whatever its label says."""
    return a.kind == b.kind and (a.value.lower() == b.value.lower() if a.kind != "track" else a.value == b.value)


def add_seed(seeds: Sequence[Seed], pick: SeedPick | Seed) -> tuple[list[Seed], Note | None]:
    """The seed list after adding `pick`, and the note to show (why it was not added, or the pick's own)."""
    pick = pick if isinstance(pick, SeedPick) else SeedPick(pick)
    seed = pick.seed
    if seed is None:
        return list(seeds), pick.note
    if any(same_seed(seed, s) for s in seeds):
        return list(seeds), Note("info", f"{seed.label} is already a seed.")
    if len(seeds) >= MAX_SEEDS:
        return list(seeds), Note("warning", f"At most {MAX_SEEDS} seeds: remove one first.")
    return [*seeds, seed], pick.note


def resolve_seeds(index: CatalogIndex, refs: Sequence[SeedRef]) -> tuple[list[Seed], list[str]]:
    """The seeds a link names, as this catalog knows them; the ones it does not know are reported."""
    seeds: list[Seed] = []
    problems: list[str] = []
    for ref in refs:
        seed: Seed | None
        if ref.kind == "track":
            known = ref.value in index.row_of_id.index
            seed = track_seed(index, int(np.atleast_1d(index.row_of_id[ref.value])[0])) if known else None
        elif ref.kind == "artist":
            seed = artist_seed(index, ref.value)
        else:
            seed = genre_seed(index, ref.value)
        if seed is None:
            problems.append(
                f"The link's {ref.kind} “{ref.value}” is not in the catalog {index.name}, so it was left out."
            )
        else:
            seeds, _ = add_seed(seeds, seed)
    return seeds, problems
