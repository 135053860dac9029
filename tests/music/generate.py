"""Small catalogs the tests generate: genres with distinct sound, artists inside genres, versions."""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

GENRE_CENTERS = {
    "rock": {"energy": 0.85, "danceability": 0.45, "acousticness": 0.05, "valence": 0.5, "tempo": 135},
    "folk": {"energy": 0.25, "danceability": 0.45, "acousticness": 0.85, "valence": 0.4, "tempo": 95},
    "edm": {"energy": 0.9, "danceability": 0.8, "acousticness": 0.02, "valence": 0.45, "tempo": 126},
    "jazz": {"energy": 0.35, "danceability": 0.55, "acousticness": 0.7, "valence": 0.6, "tempo": 110},
}
_ALPHABET = string.ascii_letters + string.digits


def spotify_id(rng: np.random.Generator) -> str:
    return "".join(rng.choice(list(_ALPHABET), 22))


def make_catalog(
    n: int = 2000, artists_per_genre: int = 25, seed: int = 0, genres: dict | None = None, subgenres: bool = False
) -> pd.DataFrame:
    """A catalog in the CSV layout of the TidyTuesday dataset (our loader maps its columns); with
    `subgenres`, each genre splits in two finer ones ("classic rock", "new rock") as that dataset's do."""
    rng = np.random.default_rng(seed)
    genres = genres or GENRE_CENTERS
    names = list(genres)
    genre = rng.choice(names, n)
    artist_number = rng.integers(0, artists_per_genre, n)
    rows: dict[str, object] = {
        "track_id": [spotify_id(rng) for _ in range(n)],
        "track_name": [f"Song {i}" for i in range(n)],
        "track_artist": [f"{g.title()} Artist {a}" for g, a in zip(genre, artist_number, strict=True)],
        "track_popularity": rng.integers(0, 100, n),
        "track_album_name": [f"Album {i // 10}" for i in range(n)],
        "playlist_genre": genre,
    }
    if subgenres:
        rows["playlist_subgenre"] = [
            f"{era} {g}" for era, g in zip(rng.choice(["classic", "new"], n), genre, strict=True)
        ]
    center = {f: np.array([genres[g].get(f, 0.5) for g in genre]) for f in next(iter(genres.values()))}
    rows["danceability"] = np.clip(center["danceability"] + rng.normal(0, 0.08, n), 0, 1)
    rows["energy"] = np.clip(center["energy"] + rng.normal(0, 0.08, n), 0, 1)
    rows["key"] = rng.integers(0, 12, n)
    rows["loudness"] = np.clip(-14 + 10 * rows["energy"] + rng.normal(0, 1.5, n), -60, 5)
    rows["mode"] = rng.integers(0, 2, n)
    rows["speechiness"] = np.clip(rng.gamma(2, 0.03, n), 0, 1)
    rows["acousticness"] = np.clip(center["acousticness"] + rng.normal(0, 0.08, n), 0, 1)
    rows["instrumentalness"] = np.clip(rng.gamma(1, 0.05, n), 0, 1)
    rows["liveness"] = np.clip(rng.gamma(2, 0.08, n), 0, 1)
    rows["valence"] = np.clip(center["valence"] + rng.normal(0, 0.15, n), 0, 1)
    rows["tempo"] = np.clip(center["tempo"] + rng.normal(0, 8, n), 40, 220)
    rows["duration_ms"] = rng.integers(120_000, 360_000, n)
    return pd.DataFrame(rows)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()
