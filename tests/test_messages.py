"""Messages that compare a file with a limit, or refuse a format, read the way they are meant."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from core.files import format_size, size_and_limit
from core.videos.pipeline import InputError
from core.videos.sources import check_upload_size
from core.vision.images import ImageError, load_image_bytes

MB = 2**20


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (int(21.4 * MB), 20 * MB, ("21.4 MB", "20 MB")),
        (21 * MB + 1, 21 * MB, ("21.1 MB", "21 MB")),  # just over: never "21 MB; the limit is 21 MB"
        (int(20.96 * MB), int(20.95 * MB), ("21 MB", "20.9 MB")),
        (600_000, 500_000, ("586 KB", "488 KB")),
    ],
)
def test_a_size_over_its_limit_reads_larger(size: int, limit: int, expected: tuple[str, str]) -> None:
    assert size_and_limit(size, limit) == expected


def number(text: str) -> float:
    value, unit = text.split()
    return float(value) * (1 if unit == "MB" else 1 / 1024)


@pytest.mark.parametrize("extra", [1, 1000, MB // 20, MB // 2, 3 * MB])
@pytest.mark.parametrize("limit_mb", [1, 20, 21, 200])
def test_every_refusal_shows_a_size_above_the_limit(limit_mb: int, extra: int) -> None:
    with pytest.raises(InputError) as raised:
        check_upload_size(limit_mb * MB + extra, limit_mb)
    shown, limit = re.search(r"This file is (.+?); the limit is (.+?)\.", str(raised.value)).groups()  # type: ignore[union-attr]
    assert number(shown) > number(limit), str(raised.value)


def test_image_limit_message_uses_the_same_units() -> None:
    with pytest.raises(ImageError, match=r"The file is 2\.1 MB; the limit is 2 MB\."):
        load_image_bytes(b"\x89PNG" + b"\0" * (2 * MB + 50_000), max_bytes=2 * MB)


def test_format_size_small_and_whole() -> None:
    assert (
        format_size(0) == "0 bytes"
        and format_size(10) == "10 bytes"
        and format_size(10 * MB) == "10 MB"
        and format_size(1536 * 1024) == "1.5 MB"
    )


def test_a_gif_is_refused_in_words_that_say_so() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    with pytest.raises(ImageError) as raised:
        load_image_bytes(buffer.getvalue())
    message = str(raised.value)
    assert message == "GIF images are not accepted here. Upload a PNG, JPEG or WebP image instead."
    assert "accepts" not in message
