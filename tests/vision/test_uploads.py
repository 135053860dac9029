"""Uploads kept on the server under their content id: checked like any upload, found again by id only."""

import io

import numpy as np
import pytest
from PIL import Image

from core.vision.images import ImageError
from core.vision.uploads import UploadMissing, UploadStore, content_id, display_name, is_upload_id


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_stored_upload_comes_back_by_its_id(tmp_path) -> None:
    store = UploadStore(tmp_path / "uploads")
    data = png((200, 10, 10))
    stored = store.save(data, "C:\\Users\\me\\holiday\x07.png")
    assert stored.kept and stored.upload_id == content_id(data) and is_upload_id(stored.upload_id)
    assert (tmp_path / "uploads" / f"{stored.upload_id}.png").read_bytes() == data
    again = UploadStore(tmp_path / "uploads").load(stored.upload_id)  # e.g. another session, after a reload
    assert again.name == "holiday.png"
    assert np.array_equal(again.rgb, stored.image.rgb) and tuple(again.rgb[0, 0]) == (200, 10, 10)
    assert store.save(data, "other.png").upload_id == stored.upload_id  # same content, same id


def test_a_bad_file_is_refused_before_anything_is_stored(tmp_path) -> None:
    store = UploadStore(tmp_path / "uploads", max_bytes=10_000)
    with pytest.raises(ImageError, match="not an image"):
        store.save(b"plain text", "notes.png")
    with pytest.raises(ImageError, match="limit"):
        store.save(png((1, 2, 3), (300, 300)) + b"\0" * 10_000, "big.png")
    assert not (tmp_path / "uploads").exists() or list((tmp_path / "uploads").iterdir()) == []


def test_unknown_or_malformed_ids_are_a_message_and_never_a_path(tmp_path) -> None:
    (tmp_path / "secret.png").write_bytes(png((0, 0, 0)))
    store = UploadStore(tmp_path / "uploads")
    for bad in ("../secret", "a" * 63, "A" * 64, "f" * 64):
        assert not store.exists(bad)
        with pytest.raises(UploadMissing, match="not on this server"):
            store.load(bad)


def test_a_disk_that_refuses_the_file_still_shows_the_image(tmp_path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    stored = UploadStore(blocked / "uploads").save(png((5, 6, 7)), "a.png")
    assert not stored.kept and stored.image.size == (40, 30)


def test_display_names() -> None:
    assert display_name("/tmp/x/leaf.png") == "leaf.png"
    assert display_name("\n\t") == "upload"
    assert len(display_name("a" * 300)) == 80
