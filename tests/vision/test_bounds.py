"""Grad-CAM uploads: an image too long on one side is refused before decoding; resizing is bounded."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from core.vision.images import ImageError, center_crop_resize, load_image_bytes
from tests.support.bounded import run_bounded


def thin_png(width: int, height: int) -> bytes:
    """A gray PNG of width x height, written by hand so the test never holds the pixels (tiny on disk)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width  # filter byte + one gray row
    raw = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def test_a_40_million_by_1_png_is_refused_by_its_side_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "thin.png"
    bomb.write_bytes(thin_png(40_000_000, 1))
    assert bomb.stat().st_size < 200_000
    result = run_bounded(
        f"""
        from pathlib import Path
        from core.vision.uploads import UploadStore
        store = UploadStore(Path({str(tmp_path / "uploads")!r}))
        data = Path({str(bomb)!r}).read_bytes()
        """,
        "store.save(data, 'thin.png')",
    )
    assert result.outcome == "user error", result.stderr
    assert result.message == (
        "The image is 40,000,000 x 1 pixels; each side can be at most 10,000 pixels. "
        "Downscale or crop it and try again."
    )
    assert result.peak_mb < 300
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


@pytest.mark.parametrize(("width", "height"), [(10_001, 3), (3, 10_001)])
def test_each_side_is_checked_as_well_as_the_area(width: int, height: int) -> None:
    with pytest.raises(ImageError, match="each side can be at most 10,000 pixels"):
        load_image_bytes(thin_png(width, height))


def test_the_longest_allowed_thin_image_is_explained_at_the_models_size() -> None:
    loaded = load_image_bytes(thin_png(10_000, 2))
    crop = center_crop_resize(loaded.rgb, 224)
    assert crop.shape == (224, 224, 3)
    assert int(crop.mean()) == 0x80


def test_the_crop_is_the_centre_of_the_image() -> None:
    rgb = np.zeros((100, 300, 3), dtype=np.uint8)
    rgb[:, 100:200] = 255  # the centre square is white, the sides black
    crop = center_crop_resize(rgb, 50)
    assert crop.shape == (50, 50, 3)
    assert crop[:, 2:-2].min() > 200


def _state_dict_file(path: Path, rows: int, full: bool) -> Path:
    """A state_dict whose classifier is an empty [rows, 0] tensor (tiny on disk), alone or in a whole resnet18."""
    import torch
    import torchvision

    state = torchvision.models.resnet18(weights=None).state_dict() if full else {}
    state["fc.weight"] = torch.empty(rows, 0)
    state.pop("fc.bias", None)
    torch.save(state, path)
    return path


@pytest.mark.parametrize(
    ("rows", "full", "message"),
    [
        (
            1_000_000,
            False,
            "These weights have a classifier for 1,000,000 classes; the limit is 100,000. "
            "Check that the file is the state_dict of an image classifier.",
        ),
        (
            90_000,
            True,
            "These weights do not fit a resnet18: fc.weight has shape [90000, 0] where it needs [90000, 512]. "
            "Pick the architecture the weights were trained with.",
        ),
        (
            10**12,
            False,
            "These weights have a classifier for 1,000,000,000,000 classes; the limit is 100,000. "
            "Check that the file is the state_dict of an image classifier.",
        ),
    ],
)
def test_a_state_dict_claiming_a_huge_classifier_is_refused_before_a_model_is_built(
    tmp_path: Path, rows: int, full: bool, message: str
) -> None:
    weights = _state_dict_file(tmp_path / "bomb.pt", rows, full)
    if not full:
        assert weights.stat().st_size < 2_000
    result = run_bounded(
        f"""
        from pathlib import Path
        from core.vision.models import load_user_model
        data = Path({str(weights)!r}).read_bytes()
        """,
        "load_user_model('resnet18', data)",
    )
    assert result.outcome == "user error", result.stderr
    assert result.error == "ModelFileError"
    assert result.message == message
    assert result.peak_mb < 300


def test_weights_that_fit_still_load_from_the_mapped_file(tmp_path: Path) -> None:
    import io

    import torch
    import torchvision

    from core.vision.models import load_user_model

    net = torchvision.models.resnet18(weights=None, num_classes=5)
    buffer = io.BytesIO()
    torch.save(net.state_dict(), buffer)
    loaded = load_user_model("resnet18", buffer.getvalue())
    assert torch.equal(loaded.model.state_dict()["fc.weight"], net.state_dict()["fc.weight"])
    assert len(loaded.categories) == 5
