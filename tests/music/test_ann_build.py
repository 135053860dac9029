"""Building a large catalog's index: song keys by Arrow's RE2 agree with Python's `re` on every title."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.music.catalog import read_catalog_csv
from core.music.engine import _song_keys_python, song_key, song_keys

SHARED_CATALOG = Path(__file__).resolve().parents[3] / "shared" / "data" / "spotify_songs.csv.gz"
PIECES = ["Song", "love", "2011", " ", "  ", " - ", "-", "_", "(", ")", "[", "]", "Remaster", "Radio Edit", "é", "Ü"]
PIECES += [chr(c) for c in range(128)]  # every ASCII character, control characters included
PIECES += ["\u00a0", "\u2013", "ß", "İ", "東京", "Ωmega", "\u0301", "٣", "①", "\u2028"]


def python_keys(titles: list[str], artists: list[str]) -> np.ndarray:
    """The keys as computed before the Arrow path: every row through Python's `re`."""
    return _song_keys_python(pd.Series(titles).fillna("").astype(str), pd.Series(artists).fillna("").astype(str))


def test_random_titles_get_the_same_keys_as_with_python_re() -> None:
    rng = np.random.default_rng(0)
    titles = ["".join(rng.choice(PIECES, rng.integers(0, 9))) for _ in range(20_000)]
    artists = ["".join(rng.choice(PIECES, rng.integers(0, 4))) for _ in range(20_000)]
    ours = song_keys(pd.Series(titles), pd.Series(artists))
    theirs = python_keys(titles, artists)
    differing = [(t, a, o, p) for t, a, o, p in zip(titles, artists, ours, theirs, strict=True) if o != p]
    assert not differing, differing[:5]


def test_versions_of_a_song_share_a_key() -> None:
    assert song_key("Song - 2011 Remaster", "Artist") == song_key("Song (Radio Edit)", "ARTIST") == "song|artist"
    assert song_key("(Intro)", "X") == "intro|x"
    assert song_key("Café\u00a0-\u00a0Live", "Zoë") == song_key("café", "zoë")
    keys = song_keys(pd.Series(["A (Live)", None, "Ω - Edit"]), pd.Series(["B", "C", None]))
    assert list(keys) == ["a|b", "|c", "ω|"]


@pytest.mark.skipif(not SHARED_CATALOG.is_file(), reason="the shared 33k catalog is not present")
def test_the_shared_catalog_gets_the_same_keys_as_with_python_re() -> None:
    frame, _ = read_catalog_csv(SHARED_CATALOG, SHARED_CATALOG.name)
    ours = song_keys(frame["track_name"], frame["artist"])
    theirs = _song_keys_python(
        frame["track_name"].fillna("").astype(str).reset_index(drop=True),
        frame["artist"].fillna("").astype(str).reset_index(drop=True),
    )
    assert (ours == theirs).all()
