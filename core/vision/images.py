"""Images a user can explain: scikit-image samples, files under assets/vision, and uploads.

Uploads are checked by content (Pillow decodes them), bounded in bytes and pixels (decompression-bomb
guard), EXIF-orientation fixed, and converted to 8-bit RGB (grayscale, palette and RGBA included).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import UserError
from core.files import size_and_limit

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "vision"
ALLOWED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "MPO": "JPEG"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 6300 x 6300; anything larger is refused before decoding
MAX_SIDE = 10_000  # each side too: a 40,000,000 x 1 image has few pixels but cannot be resized
SAMPLES = ("chelsea", "coffee", "astronaut", "rocket", "cat")


Framing = Literal["crop", "fit"]  # cut the centre square, or fit the whole image with bars (letterbox)
FRAMINGS: tuple[Framing, ...] = ("crop", "fit")


class ImageError(UserError, ValueError):
    """An image that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class LoadedImage:
    name: str
    rgb: np.ndarray  # H x W x 3, uint8
    source_format: str
    original_mode: str

    @property
    def size(self) -> tuple[int, int]:
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])


def sample_names() -> list[str]:
    """scikit-image samples plus any PNG/JPEG/WebP file under assets/vision."""
    extra = (
        sorted(p.name for p in ASSETS_DIR.glob("*") if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"})
        if ASSETS_DIR.is_dir()
        else []
    )
    return [*SAMPLES, *extra]


def load_sample(name: str) -> LoadedImage:
    if name in SAMPLES:
        import skimage.data

        array = np.asarray(getattr(skimage.data, name)())
        image = Image.fromarray(array)
        return LoadedImage(name, _to_rgb(image), "PNG", image.mode)
    path = ASSETS_DIR / name
    if path.parent != ASSETS_DIR or not path.is_file():
        raise ImageError(f"There is no sample image called {name!r}.")
    return load_image_bytes(path.read_bytes(), name=name)


def load_image_bytes(
    data: bytes,
    name: str = "upload",
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_side: int = MAX_SIDE,
) -> LoadedImage:
    """Decode an uploaded image safely, or raise ImageError with a message for the user."""
    if not data:
        raise ImageError("The file is empty. Choose a PNG, JPEG or WebP image.")
    if len(data) > max_bytes:
        size, limit = size_and_limit(len(data), max_bytes)
        raise ImageError(
            f"The file is {size}; the limit is {limit}. Save a smaller version of the image and upload that."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            image_format = (image.format or "").upper()
            if image_format not in ALLOWED_FORMATS:
                refused = f"{image_format} images are not accepted" if image_format else "This is not an image"
                raise ImageError(f"{refused} here. Upload a PNG, JPEG or WebP image instead.")
            width, height = image.size
            if max(width, height) > max_side:
                raise ImageError(
                    f"The image is {width:,} x {height:,} pixels; each side can be at most {max_side:,} pixels. "
                    "Downscale or crop it and try again."
                )
            if width * height > max_pixels:
                raise ImageError(
                    f"The image is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); "
                    f"the limit is {max_pixels / 1e6:.0f} megapixels. Downscale it and try again."
                )
            image.load()
            mode = image.mode
            image = ImageOps.exif_transpose(image)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("The image is too large to open safely (decompression-bomb guard). Downscale it.") from None
    except UnidentifiedImageError:
        raise ImageError("This file is not an image the viewer can read. Use PNG, JPEG or WebP.") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"The image file is damaged or truncated ({type(exc).__name__}). Try another file.") from None
    return LoadedImage(name, _to_rgb(image), ALLOWED_FORMATS[image_format], mode)


def _to_rgb(image: Image.Image) -> np.ndarray:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    elif image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float64)
        span = float(array.max() - array.min()) or 1.0
        image = Image.fromarray(np.uint8(255 * (array - array.min()) / span))
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def center_crop_resize(rgb: np.ndarray, size: int) -> np.ndarray:
    """Resize the shorter side to `size` and cut the centre square: what the model sees.

    The centre square is cut first and only it is resized, so the work is `size` x `size` whatever
    the image's shape (a very long, thin image would otherwise be scaled up along its length).
    """
    image = Image.fromarray(rgb)
    width, height = image.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    return np.asarray(square.resize((size, size), Image.Resampling.BICUBIC), dtype=np.uint8)


def letterbox_resize(rgb: np.ndarray, size: int, fill: tuple[int, int, int] = (124, 116, 104)) -> np.ndarray:
    """The whole image scaled so its longer side is `size`, centred on a `size` square of `fill` (by default
    the ImageNet mean colour, which the model's normalisation turns into zeros: the bars carry no signal)."""
    image = Image.fromarray(rgb)
    width, height = image.size
    scale = size / max(width, height)
    inner = (max(1, round(width * scale)), max(1, round(height * scale)))
    canvas = Image.new("RGB", (size, size), fill)
    canvas.paste(image.resize(inner, Image.Resampling.BICUBIC), ((size - inner[0]) // 2, (size - inner[1]) // 2))
    return np.asarray(canvas, dtype=np.uint8)


def frame(rgb: np.ndarray, size: int, framing: Framing, fill: tuple[int, int, int] = (124, 116, 104)) -> np.ndarray:
    """The `size` square the model sees: the centre crop, or the whole image letterboxed."""
    return letterbox_resize(rgb, size, fill) if framing == "fit" else center_crop_resize(rgb, size)


def framing_note(width: int, height: int, framing: Framing) -> str:
    """What part of a `width` x `height` picture the model sees, in words."""
    if width == height:
        return "the whole image"
    wide = width > height
    if framing == "fit":
        return f"the whole image, with grey bars {'above and below' if wide else 'left and right'}"
    hidden = 1 - min(width, height) / max(width, height)
    return f"centre crop: {hidden:.0%} of the {'width' if wide else 'height'} cut off"
