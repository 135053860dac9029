"""Music catalogs are read in bounded memory: gzip bombs, endless lines and too many rows get a message."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from core.music.catalog import CatalogError, read_catalog_csv
from tests.music.generate import csv_bytes, make_catalog
from tests.support.bounded import run_bounded


def _gzip_bomb(path: Path, header_and_rows: bytes, repeated_block: bytes, unpacked_bytes: int) -> Path:
    """`header_and_rows`, then `repeated_block` until `unpacked_bytes`: one gzip member repeated (tiny file)."""
    member = gzip.compress(repeated_block * max(1, (16 << 20) // len(repeated_block)), compresslevel=9)
    per_member = len(repeated_block) * max(1, (16 << 20) // len(repeated_block))
    with path.open("wb") as handle:
        handle.write(gzip.compress(header_and_rows))
        for _ in range(unpacked_bytes // per_member):
            handle.write(member)
    return path


def _catalog_rows(n: int) -> tuple[bytes, bytes]:
    """(header + first rows, one more row) of a valid generated catalog."""
    text = csv_bytes(make_catalog(n, seed=5))
    head, _, _ = text.rpartition(b"\n")
    last_row = head.rsplit(b"\n", 1)[1] + b"\n"
    return head + b"\n", last_row


def _read(path: Path, **limits: int) -> object:
    arguments = ", ".join(f"{k}={v}" for k, v in limits.items())
    return run_bounded(
        "from pathlib import Path\nfrom core.music.catalog import read_catalog_csv",
        f"read_catalog_csv(Path({str(path)!r}), 'bomb.csv.gz'{', ' + arguments if arguments else ''})",
    )


def test_a_gzip_bomb_of_rows_stops_at_the_row_limit_in_bounded_memory(tmp_path: Path) -> None:
    first, row = _catalog_rows(50)
    bomb = _gzip_bomb(tmp_path / "bomb.csv.gz", first, row, 1900 << 20)  # 1.9 GB of rows
    assert bomb.stat().st_size < 10 << 20
    result = _read(bomb, max_rows=100_000)
    assert result.outcome == "user error", result.stderr
    assert result.message == (
        "bomb.csv.gz has more than 100,000 rows; the limit is 100,000 tracks. "
        "Keep only the tracks you need (or split the file) and upload it again."
    )
    assert result.peak_mb < 300


def test_a_gzip_bomb_of_one_endless_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    first, _ = _catalog_rows(5)
    bomb = _gzip_bomb(tmp_path / "line.csv.gz", first, b"x" * (1 << 20), 1900 << 20)
    result = _read(bomb)
    assert result.outcome == "user error", result.stderr
    assert "has a line longer than 32 KB, so it is not a catalog CSV" in (result.message or "")
    assert result.peak_mb < 300


def test_a_gzip_bomb_of_long_rows_stops_at_the_unpacked_limit(tmp_path: Path) -> None:
    first, row = _catalog_rows(5)
    long_row = row.rstrip(b"\n") + b"," + b"y" * 20_000 + b"\n"  # an extra field the parser reports as bad
    bomb = _gzip_bomb(tmp_path / "long.csv.gz", first, long_row, 1900 << 20)
    result = _read(bomb, max_bytes=256 << 20)
    assert result.outcome == "user error", result.stderr
    assert result.message == (
        "bomb.csv.gz unpacks to more than 256 MB; a catalog CSV is normally well under 100 MB. "
        "Upload the catalog itself (one row per track)."
    )
    assert result.peak_mb < 300


def test_the_row_limit_is_exact() -> None:
    data = csv_bytes(make_catalog(2000, seed=1))
    frame, report = read_catalog_csv(data, "ok.csv", max_rows=2000)
    assert len(frame) == 2000 and report.rows_read == 2000
    with pytest.raises(CatalogError, match="more than 1,999 rows"):
        read_catalog_csv(data, "big.csv", max_rows=1999)


def test_rows_are_numbered_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.music.catalog as catalog

    monkeypatch.setattr(catalog, "CHUNK_ROWS", 7)
    lines = csv_bytes(make_catalog(30, seed=2)).decode().splitlines()
    lines[3] += ",extra"  # line 4: too many fields (skipped by the parser)
    lines[20] = lines[20].replace(lines[20].split(",")[0], "not-an-id", 1)  # line 21: bad id
    frame, report = read_catalog_csv("\n".join(lines).encode(), "bad.csv")
    assert [row.line for row in report.bad_rows] == [4, 21]
    assert len(frame) == 28 and report.rows_read == 30


def test_an_endless_download_stops_at_the_byte_limit_and_leaves_no_partial_file(tmp_path: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from core.music.catalog import SOURCES, CatalogStore, download_source

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            try:
                self.wfile.write(b"track_id,track_name\n")
                while True:
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store = CatalogStore(tmp_path / "music")
    try:
        with pytest.raises(CatalogError, match=r"larger than 4 MB, too large for a catalog\. Try the other source"):
            download_source(
                SOURCES[1],
                store,
                url=f"http://127.0.0.1:{server.server_port}/all.csv",
                deployed=False,
                max_bytes=4 << 20,
            )
    finally:
        server.shutdown()
        server.server_close()
    assert list(store.folder.iterdir()) == []
