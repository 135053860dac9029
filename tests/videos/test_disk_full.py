"""A full disk: the user is told so, no `.part` file stays, the error is on the video, Delete still works.

Simulated ENOSPC (the write fails half-way) for each writer, plus the real thing on a 2 MB tmpfs when
this process may mount one (root in a container).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.ai.base import Segment
from core.errors import DiskFullError
from core.files import copy_atomic, is_disk_full, write_text_atomic
from core.media.download import _friendly
from core.videos import pipeline
from core.videos.library import Library

SEGMENTS = [Segment(i * 5.0, i * 5.0 + 4.5, f"Sentence number {i} is about lighthouses and lenses.") for i in range(40)]


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".part" in p.name or p.name.endswith(".tmp"))


def full_disk_error() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class HalfWriter:
    """A file that takes some bytes and then reports the disk full, as a real full disk does."""

    def __init__(self, path: Path) -> None:
        self.handle = open(path, "wb")  # noqa: SIM115
        self.written = 0

    def write(self, data: bytes) -> int:
        if self.written:
            raise full_disk_error()
        self.written = self.handle.write(data[: max(1, len(data) // 2)])
        raise full_disk_error()

    def __enter__(self) -> HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@pytest.fixture()
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "videos")
    lib.create("v1", "Lighthouses", "pasted", "Lighthouses")
    lib.save_transcript("v1", SEGMENTS[:3])
    lib.update("v1", status="transcribed", duration=200.0)
    return lib


def test_errno_and_sqlite_full_are_recognised() -> None:
    import sqlite3

    assert is_disk_full(full_disk_error())
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    wrapped = RuntimeError("yt-dlp: unable to write")
    wrapped.__cause__ = full_disk_error()
    assert is_disk_full(wrapped)
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(FileNotFoundError("gone"))


def test_a_transcript_write_that_fills_the_disk(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.files

    before = library.transcript("v1")
    monkeypatch.setattr(core.files, "open", lambda path, mode: HalfWriter(Path(path)), raising=False)
    with pytest.raises(DiskFullError, match="The disk is full"):
        library.save_transcript("v1", SEGMENTS)
    assert leftovers(library.root) == []
    assert library.transcript("v1") == before  # the old transcript is whole


def test_a_media_copy_that_fills_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "in.mp4"
    source.write_bytes(b"x" * 100_000)

    def copy_half(src: str, dst: str, **_: object) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[:50_000])
        raise full_disk_error()

    monkeypatch.setattr(shutil, "copyfile", copy_half)
    with pytest.raises(DiskFullError):
        copy_atomic(source, tmp_path / "items" / "media.mp4")
    assert leftovers(tmp_path) == [] and not (tmp_path / "items" / "media.mp4").exists()
    assert source.is_file()


def test_processing_on_a_full_disk_records_the_error_and_leaves_no_index(
    library: Library, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from langchain_community.vectorstores import FAISS

    def full(self: object, folder: str, *args: object) -> None:
        (Path(folder) / "index.faiss").write_bytes(b"half an index")
        raise full_disk_error()

    monkeypatch.setattr(FAISS, "save_local", full)
    with pytest.raises(DiskFullError) as raised:
        pipeline.process(library, "v1", transcriber=lambda: None, embedder=lambda: embedder)  # type: ignore[arg-type,return-value]
    record = library.get("v1")
    assert record is not None and record.error == str(raised.value)
    assert "disk is full" in record.error and "Delete" in record.error
    assert leftovers(library.root) == []
    assert not list(library.root.rglob("index.faiss"))


def test_a_download_that_fills_the_disk_says_so() -> None:
    message = _friendly("ERROR: unable to write data: [Errno 28] No space left on device")
    assert message.startswith("The disk is full")


# -- the real thing: a 2 MB tmpfs --------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"mount refused here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(folder: Path) -> Path:
    """Write until the disk refuses; return the filler file."""
    filler = folder / "filler.bin"
    with contextlib.suppress(OSError), open(filler, "wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()
    return filler


def test_on_a_real_full_disk_writes_fail_cleanly_and_delete_works(small_disk: Path) -> None:
    library = Library(small_disk / "videos")
    for video_id in ("v1", "v2"):
        library.create(video_id, f"Talk {video_id}", "pasted", video_id)
        library.save_transcript(video_id, SEGMENTS)
        write_text_atomic(library.folder(video_id) / "notes.txt", "n" * 200_000)
    library.create("v3", "No files at all", "pasted", "v3")  # deleting it frees nothing before SQLite writes
    fill(small_disk)

    library.delete("v3")
    assert library.get("v3") is None

    with pytest.raises(DiskFullError):
        library.save_transcript("v1", SEGMENTS * 20)
    with pytest.raises(DiskFullError):
        copy_atomic(library.folder("v1") / "notes.txt", library.folder("v1") / "copy.txt")
    assert leftovers(small_disk) == []
    assert library.transcript("v1") == SEGMENTS

    library.record_error("v1", "The disk is full, so processing stopped.")
    assert (library.get("v1") or None) is not None and library.get("v1").error.startswith("The disk is full")  # type: ignore[union-attr]

    library.delete("v2")
    assert library.get("v2") is None and not (small_disk / "videos" / "items" / "v2").exists()
    assert [r.id for r in library.list()] == ["v1"]
    assert leftovers(small_disk) == []


def test_audio_extraction_on_a_real_full_disk(small_disk: Path, tmp_path: Path) -> None:
    from core.media.ffmpeg import extract_audio, ffmpeg_binary

    source = tmp_path / "tone.m4a"
    subprocess.run(
        [ffmpeg_binary(), "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=60", str(source)],
        check=True,
    )
    (small_disk / "items").mkdir()
    fill(small_disk)
    with pytest.raises(DiskFullError, match="extracting the audio"):
        extract_audio(source, small_disk / "items" / "audio.wav", duration=60.0)
    assert leftovers(small_disk) == [] and not (small_disk / "items" / "audio.wav").exists()
