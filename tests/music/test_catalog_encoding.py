"""Catalog CSVs in the encodings spreadsheets export: Latin-1, Windows-1252, UTF-8 with a BOM."""

from __future__ import annotations

import gzip

import pytest

from core.files import text_encoding
from core.music.catalog import CatalogError, read_catalog_csv
from tests.music.generate import csv_bytes, make_catalog

NAMES = ["Café del Mar", "Sigur Rós", "Beyoncé", "Mötley Crüe", "Françoise Hardy", "Ñu"]


def accented_catalog(rows: int = 30):
    raw = make_catalog(rows)
    for i, name in enumerate(NAMES):
        raw.loc[i, "track_artist"] = name
        raw.loc[i, "track_name"] = f"Chanson n° {i} — été"
    return raw


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8-sig", "utf-8"])
def test_accented_names_read_back_whatever_the_encoding(encoding: str) -> None:
    raw = accented_catalog()
    if encoding == "latin-1":
        raw["track_name"] = raw["track_name"].str.replace("—", "-")  # Latin-1 has no dash
    data = csv_bytes(raw).decode("utf-8").encode(encoding)
    frame, report = read_catalog_csv(data, f"tracks-{encoding}.csv")
    assert len(frame) == 30, report.summary()
    artists = set(frame["artist"].astype(str))
    assert all(any(name in a for a in artists) for name in NAMES), sorted(artists)[:8]
    assert any("été" in n for n in frame["track_name"].astype(str))


def test_latin1_inside_gzip() -> None:
    data = gzip.compress(csv_bytes(accented_catalog()).decode("utf-8").replace("—", "-").encode("latin-1"))
    frame, _ = read_catalog_csv(data, "tracks.csv.gz")
    assert any("Sigur Rós" in a for a in frame["artist"].astype(str))


def test_binary_is_still_not_text() -> None:
    assert text_encoding(b"\x89PNG\r\n\x1a\n\x00\x00binary") is None
    assert text_encoding(b"") is None
    with pytest.raises(CatalogError, match="not a CSV"):
        read_catalog_csv(bytes(range(256)) * 50, "noise.csv")
    assert text_encoding("café".encode()[:-1]) == "utf-8"  # a character cut at the end of the sample


def test_a_cyrillic_export_is_not_read_as_western() -> None:
    text = "track_id,track_name,track_artist\n1,Кино,Группа крови\n2,Звезда,Пачка сигарет\n"
    assert text_encoding(text.encode("cp1251")) == "cp1251"
