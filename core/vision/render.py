"""Pictures and files of a map: colour overlay, threshold, shared scale, PNG, .npy and JSON metadata."""

from __future__ import annotations

import io
import json
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata

import numpy as np
from PIL import Image

# Perceptually uniform and colour-blind safe first; the classic rainbow "jet" last, for comparison.
COLORMAPS = {
    "viridis": "Viridis (colour-blind safe)",
    "cividis": "Cividis (colour-blind safe)",
    "magma": "Magma (colour-blind safe)",
    "inferno": "Inferno (colour-blind safe)",
    "jet": "Jet (classic, not colour-blind safe)",
}
DEFAULT_COLORMAP = "viridis"


@dataclass(frozen=True)
class Display:
    """How maps are drawn: nothing here changes what is computed."""

    opacity: float = 0.5
    colormap: str = DEFAULT_COLORMAP
    threshold: float = 0.0
    shared: bool = False  # one colour scale per method across layers (else each map stretched to 0-1)


LIBRARIES = ("torch", "torchvision", "grad-cam", "numpy", "efficientnet-lite-pytorch", "scikit-image")


def shared_scale(raw_maps: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Raw maps divided by their common maximum, so a weak layer looks weak next to a strong one."""
    top = max((float(np.max(m)) for m in raw_maps), default=0.0)
    if top <= 0:
        return [np.zeros_like(m, dtype=np.float32) for m in raw_maps]
    return [np.clip(m / top, 0, 1).astype(np.float32) for m in raw_maps]


def colorize(values: np.ndarray, colormap: str = "viridis") -> np.ndarray:
    """H x W values in [0, 1] as H x W x 3 uint8 colours."""
    import matplotlib

    if colormap not in COLORMAPS:
        raise ValueError(f"Unknown colormap {colormap!r}.")
    rgba = matplotlib.colormaps[colormap](np.clip(values, 0, 1))
    return np.round(rgba[..., :3] * 255).astype(np.uint8)


def overlay(
    rgb: np.ndarray,
    values: np.ndarray,
    opacity: float = 0.5,
    colormap: str = "viridis",
    threshold: float = 0.0,
) -> np.ndarray:
    """The image with the map laid over it; below `threshold` the image shows through untouched."""
    colours = colorize(values, colormap).astype(np.float32)
    alpha = np.where(values >= threshold, opacity, 0.0).astype(np.float32)[..., None]
    if threshold <= 0:
        alpha = np.full_like(alpha, opacity)
    mixed = rgb.astype(np.float32) * (1 - alpha) + colours * alpha
    return np.clip(np.round(mixed), 0, 255).astype(np.uint8)


def colorbar(colormap: str = "viridis", width: int = 256, height: int = 14) -> np.ndarray:
    return colorize(np.tile(np.linspace(0, 1, width), (height, 1)), colormap)


def png_bytes(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def npy_bytes(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(values), allow_pickle=False)
    return buffer.getvalue()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def metadata_json(fields: Mapping[str, object]) -> bytes:
    """A JSON record of how a map was made: model, layer, method, class, options and library versions."""
    record = {
        **fields,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": library_versions(),
    }
    return json.dumps(record, indent=2, default=_plain).encode()


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
