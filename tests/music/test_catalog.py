import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from core.music.catalog import (
    SOURCES,
    CatalogError,
    CatalogStore,
    download_source,
    load_catalog_file,
    load_catalog_upload,
    read_catalog_csv,
    read_parquet_catalog,
)
from core.music.engine import CatalogIndex
from tests.music.generate import csv_bytes, make_catalog


def test_tidytuesday_layout_is_mapped_and_kept() -> None:
    raw = make_catalog(200)
    frame, report = read_catalog_csv(csv_bytes(raw), "gen.csv")
    assert len(frame) == 200 and report.rows_kept == 200 and report.bad_row_count == 0
    assert report.mapping["artist"] == "track_artist"
    assert report.mapping["genre"] == "playlist_genre"
    assert report.mapping["popularity"] == "track_popularity"
    assert frame["artist"].iloc[0] == raw["track_artist"].iloc[0]
    assert frame["energy"].dtype == "float32"


def test_spotify_tracks_dataset_layout_with_several_artists_and_uris() -> None:
    raw = make_catalog(20).rename(
        columns={"track_artist": "artists", "playlist_genre": "track_genre", "track_popularity": "popularity"}
    )
    raw["artists"] = raw["artists"] + ";Guest Star"
    raw["track_id"] = "spotify:track:" + raw["track_id"]
    raw.insert(0, "Unnamed: 0", range(20))
    frame, report = read_catalog_csv(csv_bytes(raw), "tracks.csv")
    assert len(frame) == 20
    assert not frame["artist"].str.contains("Guest").any()
    assert frame["track_id"].str.len().eq(22).all()
    assert "Unnamed: 0" in report.ignored_columns


def test_missing_required_columns_are_named() -> None:
    raw = make_catalog(10).drop(columns=["energy", "tempo"])
    with pytest.raises(CatalogError) as info:
        read_catalog_csv(csv_bytes(raw), "partial.csv")
    assert "energy" in str(info.value) and "tempo" in str(info.value)
    assert info.value.report is not None and info.value.report.missing_required == ["energy", "tempo"]


def test_missing_optional_columns_are_reported_not_fatal() -> None:
    raw = make_catalog(10).drop(columns=["track_popularity", "playlist_genre"])
    frame, report = read_catalog_csv(csv_bytes(raw), "no_pop.csv")
    assert len(frame) == 10
    assert {"popularity", "genre"} <= set(report.missing_optional)
    assert "popularity" in report.summary()


def test_malformed_rows_are_reported_with_line_numbers() -> None:
    raw = make_catalog(30).astype({"energy": object})
    raw.loc[4, "energy"] = "loud"  # data row 4 -> line 6
    raw.loc[9, "danceability"] = 7.5  # out of range -> line 11
    lines = csv_bytes(raw).decode().splitlines()
    lines.insert(16, "only,three,fields,too,many" + ",x" * 40)  # wrong field count at line 17
    frame, report = read_catalog_csv("\n".join(lines).encode(), "bad.csv")
    assert len(frame) == 28 and report.rows_read == 31
    assert report.bad_row_count == 3
    reported = {row.line: row.reason for row in report.bad_rows}
    assert 6 in reported and "energy" in reported[6]
    assert 11 in reported and "danceability" in reported[11]
    assert 17 in reported and "fields" in reported[17]


def test_binary_and_empty_files_are_refused() -> None:
    with pytest.raises(CatalogError, match="not a CSV"):
        read_catalog_csv(b"\x89PNG\r\n\x1a\n\x00\x00binary", "cover.png")
    with pytest.raises(CatalogError):
        read_catalog_csv(b"", "empty.csv")


def test_gzip_and_duplicates(tmp_path: Path) -> None:
    raw = make_catalog(50)
    doubled = pd.concat([raw, raw.iloc[:5]])
    path = tmp_path / "songs.csv.gz"
    path.write_bytes(gzip.compress(csv_bytes(doubled)))
    frame, report = read_catalog_csv(path, path.name)
    assert len(frame) == 50 and report.duplicates_removed == 5


def test_store_roundtrip_and_corrupt_cache(tmp_path: Path) -> None:
    store = CatalogStore(tmp_path / "music")
    catalog_id, _ = load_catalog_upload(csv_bytes(make_catalog(40)), "mine.csv", store)
    assert catalog_id in store.list()
    frame = read_parquet_catalog(store.path(catalog_id))
    assert len(frame) == 40
    assert store.report(catalog_id).rows_kept == 40
    store.path(catalog_id).write_bytes(b"PAR1 definitely not parquet")
    with pytest.raises(CatalogError, match="damaged"):
        read_parquet_catalog(store.path(catalog_id))
    with pytest.raises(CatalogError, match="missing"):
        read_parquet_catalog(tmp_path / "nope.parquet")


def test_config_path_is_loaded_once(tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(csv_bytes(make_catalog(30)))
    store = CatalogStore(tmp_path / "music")
    first, _ = load_catalog_file(path, store)
    second, _ = load_catalog_file(path, store)
    assert first == second and store.list() == [first]
    with pytest.raises(CatalogError, match="No catalog file"):
        load_catalog_file(tmp_path / "missing.csv", store)


def test_a_catalog_saved_by_an_earlier_version_is_read_again_from_its_file(tmp_path: Path) -> None:
    import json

    path = tmp_path / "catalog.csv"
    path.write_bytes(csv_bytes(make_catalog(30)))
    store = CatalogStore(tmp_path / "music")
    catalog_id, report = load_catalog_file(path, store)
    assert not report.outdated
    saved = store.path(catalog_id).with_suffix(".json")
    old = json.loads(saved.read_text())
    del old["schema"]  # as the earlier version wrote it
    saved.write_text(json.dumps(old))
    assert store.report(catalog_id).outdated
    store.path(catalog_id).write_bytes(b"the earlier version's parquet")
    again, report = load_catalog_file(path, store)
    assert again == catalog_id and not report.outdated and not store.report(catalog_id).outdated
    assert len(read_parquet_catalog(store.path(catalog_id))) == 30  # read from the CSV again


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_download_streams_with_progress_and_caches_parquet(tmp_path: Path) -> None:
    served = tmp_path / "www"
    served.mkdir()
    (served / "spotify_songs.csv").write_bytes(csv_bytes(make_catalog(3000)))
    store = CatalogStore(tmp_path / "music")
    calls: list[tuple[int, int | None]] = []
    with serve_folder(served) as base:
        catalog_id, report = download_source(
            SOURCES[1],
            store,
            lambda done, total: calls.append((done, total)),
            url=f"{base}/spotify_songs.csv",
            deployed=False,
        )
        assert report.rows_kept == 3000
        assert catalog_id == SOURCES[1].id and store.path(catalog_id).is_file()
        assert calls[-1][0] == calls[-1][1] == (served / "spotify_songs.csv").stat().st_size
        assert len(calls) >= 2  # streamed in chunks
        with pytest.raises(CatalogError, match="404"):
            download_source(SOURCES[0], store, url=f"{base}/missing.csv", deployed=False)
    assert not list(store.folder.glob("*.part"))
    assert SOURCES[0].id not in store.list()


def test_download_without_network_says_what_to_do(tmp_path: Path) -> None:
    store = CatalogStore(tmp_path / "music")
    with pytest.raises(CatalogError, match="Upload"):
        download_source(SOURCES[0], store, url="http://127.0.0.1:9/none.csv", timeout=2, deployed=False)


def test_download_when_the_host_cannot_be_looked_up_says_offline_not_check_the_address(tmp_path: Path) -> None:
    import socket

    from core.net.guard import FetchGuard

    def offline(host: str, port: int):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    store = CatalogStore(tmp_path / "music")
    with pytest.raises(CatalogError) as caught:
        download_source(SOURCES[0], store, guard=FetchGuard(policy=None, resolver=offline), deployed=False)
    message = str(caught.value)
    assert "no internet connection?" in message and "Upload the catalog CSV" in message
    assert "huggingface.co" in message and "Check the address" not in message
    assert not list(store.folder.glob("*.part"))


def test_decompression_bomb_is_refused() -> None:
    raw = csv_bytes(make_catalog(2000))
    packed = gzip.compress(raw)
    frame, _ = read_catalog_csv(packed, "ok.csv.gz", max_bytes=len(raw) + 1)
    assert len(frame) == 2000
    with pytest.raises(CatalogError, match="unpacks to more than"):
        read_catalog_csv(packed, "bomb.csv.gz", max_bytes=len(raw) // 3)


def test_interrupted_download_leaves_no_partial_file(tmp_path: Path) -> None:
    served = tmp_path / "www"
    served.mkdir()
    (served / "big.csv").write_bytes(csv_bytes(make_catalog(5000)))
    store = CatalogStore(tmp_path / "music")

    class Stopped(Exception):
        pass

    def stop(done: int, total: int | None) -> None:
        raise Stopped

    with serve_folder(served) as base, pytest.raises(Stopped):
        download_source(SOURCES[1], store, stop, url=f"{base}/big.csv", deployed=False)
    assert list(store.folder.iterdir()) == []


def test_the_finest_genre_is_the_genre_and_the_broad_one_groups_it() -> None:
    raw = make_catalog(300, subgenres=True)
    frame, report = read_catalog_csv(csv_bytes(raw), "sub.csv")
    assert report.mapping["genre"] == "playlist_subgenre" and report.mapping["genre_group"] == "playlist_genre"
    assert set(frame["genre"]) == {f"{era} {g}" for era in ("classic", "new") for g in ("rock", "folk", "edm", "jazz")}
    assert (frame["genre"].str.split().str[1] == frame["genre_group"]).all()
    index = CatalogIndex(frame)
    assert index.genre_groups["classic rock"] == "rock" and len(index.genre_groups) == 8
    # Without a finer column the broad genre is the genre, and there are no groups.
    plain, _ = read_catalog_csv(csv_bytes(make_catalog(50)), "plain.csv")
    assert set(plain["genre"]) <= {"rock", "folk", "edm", "jazz"} and (plain["genre_group"] == "").all()
    assert CatalogIndex(plain).genre_groups == {}


@pytest.mark.parametrize("packed", [False, True])
def test_reading_reports_rows_and_the_share_of_the_file_as_it_goes(tmp_path: Path, packed: bool) -> None:
    from core.music.catalog import CHUNK_ROWS

    rows = 3 * CHUNK_ROWS + 17
    data = csv_bytes(make_catalog(rows))
    path = tmp_path / ("songs.csv.gz" if packed else "songs.csv")
    path.write_bytes(gzip.compress(data) if packed else data)
    heard: list[tuple[int, float]] = []
    _, report = load_catalog_file(path, CatalogStore(tmp_path / "music"), progress=lambda n, s: heard.append((n, s)))
    assert report.rows_kept == rows
    assert len(heard) == 4  # one report per chunk of rows
    counts, shares = zip(*heard, strict=True)
    assert list(counts) == sorted(counts) and counts[-1] == rows
    assert list(shares) == sorted(shares) and 0 < shares[0] < 1 and shares[-1] == pytest.approx(1.0)
