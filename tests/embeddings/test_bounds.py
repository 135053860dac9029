"""Embeddings zip uploads: a damaged zip gets a message and leaves no files; thin images are skipped."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from core.embeddings import datasets as ds
from tests.embeddings.test_datasets import make_zip, png
from tests.support.bounded import run_bounded
from tests.vision.test_bounds import thin_png


def _zip_with_bad_crc() -> bytes:
    """Two images stored uncompressed; one byte of the second is changed after its checksum was written."""
    good, bad = png((6, 6), value=10), png((6, 6), value=200)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("cat/a.png", good)
        archive.writestr("dog/b.png", bad)
    data = bytearray(buffer.getvalue())
    at = data.rindex(bad[-20:])  # inside dog/b.png's data
    data[at] ^= 0xFF
    return bytes(data)


def _zip_cut_short() -> bytes:
    """A deflated member whose compressed data is cut off (its header still claims the full size)."""
    big = png((300, 300), "RGB") + bytes(range(256)) * 400
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cat/a.png", png((6, 6)))
        archive.writestr("cat/big.png", big)
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("cat/big.png")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2 : start + info.compress_size] = bytes(
        info.compress_size - info.compress_size // 2
    )
    return bytes(data)


@pytest.mark.parametrize("make", [_zip_with_bad_crc, _zip_cut_short], ids=["bad crc", "cut short"])
def test_a_damaged_zip_gets_a_message_and_leaves_no_partial_files(tmp_path: Path, make) -> None:
    bomb = tmp_path / "damaged.zip"
    bomb.write_bytes(make())
    target = tmp_path / "out"
    result = run_bounded(
        f"""
        from pathlib import Path
        from core.embeddings.datasets import extract_class_folders
        data = Path({str(bomb)!r}).read_bytes()
        """,
        f"extract_class_folders(data, Path({str(target)!r}))",
    )
    assert result.outcome == "user error", result.stderr
    assert result.error == "DatasetError"
    assert result.message is not None
    assert result.message.startswith("The zip is damaged: 'dog/b.png'" if "crc" in make.__name__ else "The zip is")
    assert result.message.endswith(
        "does not unpack (bad checksum or cut short). Zip the folder again and upload the new file."
    )
    assert result.peak_mb < 300
    assert not target.exists()


def test_a_bad_class_folder_name_leaves_no_partial_files(tmp_path: Path) -> None:
    archive = make_zip({"cat/a.png": png((6, 6)), "###/b.png": png((6, 6))})
    with pytest.raises(ds.DatasetError):
        ds.extract_class_folders(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_image_too_long_on_one_side_is_skipped_as_oversized(tmp_path: Path) -> None:
    archive = make_zip({"a/thin.png": thin_png(40_000_000, 1), "a/ok.png": png((5, 5))})
    assert len(archive) < 200_000
    report = ds.extract_class_folders(archive, tmp_path / "o")
    assert report.images == {"a": 1}
    assert report.skipped["oversized images"] == 1
