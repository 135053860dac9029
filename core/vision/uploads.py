"""Uploaded images kept on the server under a content id, so a reload or a copied link shows them again.

A file is checked exactly as an upload is (content, bytes, pixels: `images.load_image_bytes`) before it
is stored as `<sha256 of the file>.<png|jpg|webp>`; the id is the only thing that goes in a URL. Ids
are 64 hex digits, checked before any path is built, so a link cannot name another file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserError
from core.vision.images import MAX_UPLOAD_BYTES, ImageError, LoadedImage, load_image_bytes

_ID = re.compile(r"[0-9a-f]{64}")
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WebP": "webp"}


class UploadMissing(UserError, LookupError):
    """No stored image has this id (never uploaded here, or removed)."""


def is_upload_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


def content_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def display_name(name: str) -> str:
    """A file name fit for a caption: no folders, no control characters, at most 80 characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:80] or "upload"


@dataclass(frozen=True)
class StoredImage:
    upload_id: str
    image: LoadedImage
    kept: bool = True  # False: the disk refused the file, so a reload will not find it


class UploadStore:
    """Checked uploads in `root` (settings.data_dir / "vision" / "uploads")."""

    def __init__(self, root: Path, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def save(self, data: bytes, name: str) -> StoredImage:
        """Check the file (raises ImageError), keep it, and return it with its id.

        If the disk refuses the file (full, read-only), the image is still returned, marked not kept.
        """
        image = load_image_bytes(data, name=display_name(name), max_bytes=self.max_bytes)
        upload_id = content_id(data)
        path = self._path(upload_id, EXTENSIONS[image.source_format])
        try:
            if not path.is_file():
                self.root.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(".partial")
                partial.write_bytes(data)
                partial.replace(path)
            self._meta(upload_id).write_text(json.dumps({"name": image.name}))
        except OSError:
            return StoredImage(upload_id, image, kept=False)
        return StoredImage(upload_id, image)

    def exists(self, upload_id: str) -> bool:
        return self._find(upload_id) is not None

    def load(self, upload_id: str) -> LoadedImage:
        path = self._find(upload_id)
        if path is None:
            raise UploadMissing("The uploaded image in this link is not on this server. Upload it again.")
        try:
            name = str(json.loads(self._meta(upload_id).read_text())["name"])
        except (OSError, ValueError, KeyError, TypeError):
            name = "upload"
        try:
            return load_image_bytes(path.read_bytes(), name=display_name(name), max_bytes=self.max_bytes)
        except OSError:
            raise UploadMissing("The uploaded image in this link could not be read. Upload it again.") from None
        except ImageError:
            raise UploadMissing("The uploaded image in this link is damaged. Upload it again.") from None

    def _find(self, upload_id: str) -> Path | None:
        if not is_upload_id(upload_id):
            return None
        for extension in EXTENSIONS.values():
            path = self._path(upload_id, extension)
            if path.is_file():
                return path
        return None

    def _path(self, upload_id: str, extension: str) -> Path:
        if not is_upload_id(upload_id):
            raise UploadMissing("This is not an id of an uploaded image.")
        return self.root / f"{upload_id}.{extension}"

    def _meta(self, upload_id: str) -> Path:
        return self.root / f"{upload_id}.json"
