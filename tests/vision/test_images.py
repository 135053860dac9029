import io

import numpy as np
import pytest
from PIL import Image

from core.vision.images import ImageError, center_crop_resize, load_image_bytes, load_sample, sample_names


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_decode_to_rgb(fmt: str) -> None:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    loaded = load_image_bytes(encode(image, fmt))
    assert loaded.rgb.shape == (30, 40, 3) and loaded.rgb.dtype == np.uint8
    assert loaded.rgb[15, 20, 0] > 150 and loaded.rgb[15, 20, 1] < 60


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (40, 20), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    loaded = load_image_bytes(encode(image, "JPEG", exif=exif))
    assert loaded.size == (20, 40)


def test_grayscale_and_rgba_are_converted() -> None:
    gray = load_image_bytes(encode(Image.new("L", (8, 8), 128), "PNG"))
    assert gray.rgb.shape == (8, 8, 3) and gray.original_mode == "L"
    rgba = Image.new("RGBA", (8, 8), (255, 0, 0, 0))  # fully transparent red -> white background
    loaded = load_image_bytes(encode(rgba, "PNG"))
    assert loaded.original_mode == "RGBA"
    assert loaded.rgb[0, 0].tolist() == [255, 255, 255]


def test_not_an_image_and_corrupt_image_are_clear_errors() -> None:
    with pytest.raises(ImageError, match="not an image"):
        load_image_bytes(b"%PDF-1.4 definitely not a picture")
    truncated = encode(Image.new("RGB", (64, 64), (1, 2, 3)), "PNG")[:60]
    with pytest.raises(ImageError, match=r"damaged|not an image"):
        load_image_bytes(truncated)
    with pytest.raises(ImageError, match="empty"):
        load_image_bytes(b"")


def test_other_formats_are_refused() -> None:
    with pytest.raises(ImageError, match="PNG, JPEG or WebP"):
        load_image_bytes(encode(Image.new("RGB", (8, 8)), "GIF"))


def test_size_limits_refuse_huge_images_before_decoding() -> None:
    bomb = encode(Image.new("1", (7000, 7000)), "PNG")  # tiny file, 49 megapixels
    assert len(bomb) < 200_000
    with pytest.raises(ImageError, match="megapixels"):
        load_image_bytes(bomb)
    with pytest.raises(ImageError, match="the limit is 10 bytes"):
        load_image_bytes(encode(Image.new("RGB", (64, 64)), "PNG"), max_bytes=10)


def test_samples_and_centre_crop() -> None:
    assert "chelsea" in sample_names()
    chelsea = load_sample("chelsea")
    assert chelsea.rgb.shape == (300, 451, 3)
    crop = center_crop_resize(chelsea.rgb, 224)
    assert crop.shape == (224, 224, 3)
    with pytest.raises(ImageError):
        load_sample("../../etc/passwd")


def test_a_wide_image_is_cropped_to_its_centre_or_fitted_whole_with_neutral_bars() -> None:
    from core.vision.images import frame, framing_note

    wide = np.zeros((100, 300, 3), np.uint8)
    wide[:, :100] = (255, 0, 0)  # red left third, green middle, blue right third
    wide[:, 100:200] = (0, 255, 0)
    wide[:, 200:] = (0, 0, 255)
    crop = frame(wide, 60, "crop")
    assert crop.shape == (60, 60, 3)
    assert {tuple(crop[30, x]) for x in (5, 30, 55)} == {(0, 255, 0)}  # only the middle third is seen
    fit = frame(wide, 60, "fit", fill=(124, 116, 104))
    assert fit.shape == (60, 60, 3)
    assert tuple(fit[2, 30]) == tuple(fit[57, 30]) == (124, 116, 104)  # bars above and below
    assert tuple(fit[30, 3]) == (255, 0, 0) and tuple(fit[30, 57]) == (0, 0, 255)  # both ends are seen
    assert framing_note(300, 100, "crop") == "centre crop: 67% of the width cut off"
    assert framing_note(100, 300, "fit") == "the whole image, with grey bars left and right"
    assert framing_note(80, 80, "crop") == framing_note(80, 80, "fit") == "the whole image"
    thin = frame(np.zeros((3, 5000, 3), np.uint8), 224, "fit")  # a 1-pixel-high strip still fits
    assert thin.shape == (224, 224, 3)
