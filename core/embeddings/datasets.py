"""Datasets in the FiftyOne store: the embedded digits, uploaded zips of class folders, existing ones.

Every dataset the page works with is an image classification dataset: one image file per sample and
a `ground_truth` Classification. Files live in `<data_dir>/embeddings/...`; FiftyOne stores paths.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import stat
import warnings
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

import numpy as np

from core.errors import UserError

log = logging.getLogger(__name__)

LABEL_FIELD = "ground_truth"
DIGITS_NAME = "digits"
MAX_ZIP_FILES = 50_000
MAX_ZIP_UNCOMPRESSED = 2 * 1024**3
MAX_COMPRESSION_RATIO = 100
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 10_000  # each side too: a 40,000,000 x 1 image has few pixels but cannot be resized
MAX_IMAGE_FILE_BYTES = 64 * 1024**2  # one image file, unpacked
JUNK_PARTS = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}
_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")


class DatasetError(UserError, ValueError):
    """A dataset or upload the app cannot use. The message says what to do."""


@dataclass(frozen=True)
class Samples:
    """A snapshot of a dataset's samples in a fixed order (row i everywhere = sample i)."""

    ids: list[str]
    filepaths: list[str]
    labels: list[str]
    tags: list[list[str]]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def classes(self) -> list[str]:
        return sorted(set(self.labels))


@dataclass
class ZipReport:
    """What an upload contained: images kept per class, files skipped and why."""

    images: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    sizes: Counter[tuple[int, int]] = field(default_factory=Counter)
    modes: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.images.values())

    def summary(self) -> str:
        text = f"{self.total} images in {len(self.images)} classes"
        if len(self.sizes) > 1 or len(self.modes) > 1:
            text += f" ({len(self.sizes)} image sizes, modes {', '.join(sorted(self.modes))}: all are converted)"
        if self.skipped:
            text += "; skipped " + self.skipped_summary()
        return text

    def skipped_summary(self) -> str:
        return ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())


def embeddings_dir(data_dir: Path) -> Path:
    return Path(data_dir).expanduser() / "embeddings"


def safe_name(name: str) -> str:
    cleaned = _NAME_RE.sub("-", name.strip()).strip("-.")[:60]
    if not cleaned:
        raise DatasetError("Give the dataset a name made of letters, digits, '-' or '_'.")
    return cleaned


def name_for_upload(fo: ModuleType, typed: str, filename: str, prefix: str = "") -> str:
    """The name of a dataset from an uploaded zip: the one the user typed (checked), else one made from
    the file's name that is valid and not taken ("###.zip" -> "images", "cats.zip" twice -> "cats-2").
    `prefix` is the owner's (core.spaces): names are checked as stored, returned as shown."""
    if typed.strip():
        return safe_name(typed)
    stem = filename.rsplit("/", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".zip") else stem
    base = _NAME_RE.sub("-", stem.strip()).strip("-.")[:50] or "images"
    name, number = base, 2
    while fo.dataset_exists(prefix + name):
        name, number = f"{base}-{number}", number + 1
    return name


def list_datasets(fo: ModuleType) -> list[str]:
    return sorted(fo.list_datasets())


def load_dataset(fo: ModuleType, name: str) -> Any:
    if not fo.dataset_exists(name):
        raise DatasetError(f"There is no FiftyOne dataset named {name!r}. Pick one from the list.")
    dataset = fo.load_dataset(name)
    if LABEL_FIELD not in dataset.get_field_schema():
        raise DatasetError(
            f"Dataset {name!r} has no '{LABEL_FIELD}' classification field, so there is nothing to check. "
            "Use an image classification dataset."
        )
    return dataset


def samples_of(dataset: Any) -> Samples:
    """Ids, paths, labels and tags of every sample, in insertion order."""
    ids, paths, labels, tags = dataset.values(["id", "filepath", f"{LABEL_FIELD}.label", "tags"])
    return Samples(
        ids=list(ids),
        filepaths=list(paths),
        labels=[str(label) if label is not None else "(none)" for label in labels],
        tags=[list(t or []) for t in tags],
    )


# --- the embedded default: scikit-learn's digits --------------------------------------------------


def write_digits_pngs(data_dir: Path) -> Path:
    """Write the 1,797 8x8 digits as PNGs in class folders, once; return the folder."""
    from PIL import Image
    from sklearn.datasets import load_digits

    root = embeddings_dir(data_dir) / "digits"
    done = root / ".complete"
    if done.exists():
        return root
    digits = load_digits()
    tmp = root.with_name("digits.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for index, (image, target) in enumerate(zip(digits.images, digits.target, strict=True)):
        folder = tmp / str(int(target))
        folder.mkdir(parents=True, exist_ok=True)
        pixels = np.clip(np.asarray(image) * (255.0 / 16.0), 0, 255).astype(np.uint8)
        Image.fromarray(pixels, mode="L").save(folder / f"{index:04d}.png")
    shutil.rmtree(root, ignore_errors=True)
    tmp.rename(root)
    done.touch()
    return root


def digits_dataset(fo: ModuleType, data_dir: Path, name: str = DIGITS_NAME) -> Any:
    """The digits dataset in FiftyOne, created from the PNGs the first time."""
    if fo.dataset_exists(name):
        return fo.load_dataset(name)
    root = write_digits_pngs(data_dir)
    return _from_class_folders(fo, root, name)


def _from_class_folders(fo: ModuleType, root: Path, name: str) -> Any:
    dataset = fo.Dataset.from_dir(
        dataset_dir=str(root),
        dataset_type=fo.types.ImageClassificationDirectoryTree,
        label_field=LABEL_FIELD,
        name=name,
        persistent=True,
        progress=False,
    )
    # Sorted by file path: a stable order that does not depend on the file system.
    dataset.info["mlstudio_source"] = str(root)
    dataset.save()
    return dataset


# --- FiftyOne zoo datasets (need internet the first time) ------------------------------------------

ZOO_DATASETS = {"mnist": "MNIST (70,000 handwritten digits)", "cifar10": "CIFAR-10 (60,000 small photos)"}


def zoo_dataset(fo: ModuleType, zoo_name: str, split: str = "test", max_samples: int = 5000, prefix: str = "") -> Any:
    """A sample of a FiftyOne zoo dataset, downloaded once into the data dir's zoo folder."""
    import fiftyone.zoo as foz

    if zoo_name not in ZOO_DATASETS:
        raise DatasetError(f"Unknown zoo dataset {zoo_name!r}; choose one of {', '.join(ZOO_DATASETS)}.")
    name = f"{prefix}{zoo_name}-{split}-{max_samples}"
    if fo.dataset_exists(name):
        return fo.load_dataset(name)
    try:
        dataset = foz.load_zoo_dataset(
            zoo_name,
            split=split,
            max_samples=max_samples,
            shuffle=True,
            seed=51,
            dataset_name=name,
            persistent=True,
        )
    except Exception as exc:
        log.warning("zoo download failed", exc_info=True)
        raise DatasetError(
            f"Could not download {ZOO_DATASETS[zoo_name]} from the FiftyOne zoo ({type(exc).__name__}). "
            "This needs internet access the first time; the digits dataset works offline."
        ) from None
    dataset.persistent = True
    return dataset


# --- uploads: a zip of class folders --------------------------------------------------------------


def import_zip(fo: ModuleType, data_dir: Path, zip_bytes: bytes, name: str, prefix: str = "") -> tuple[Any, ZipReport]:
    """Check a zip of `<class>/<image>` folders, keep only real images, load it into FiftyOne as the owner's
    dataset `name` (stored as `prefix` + name)."""
    name = safe_name(name)
    if fo.dataset_exists(prefix + name):
        raise DatasetError(f"A dataset named {name!r} exists already. Choose another name or delete it first.")
    target = embeddings_dir(data_dir) / "uploads" / name
    if target.exists():
        shutil.rmtree(target)
    report = extract_class_folders(zip_bytes, target)
    try:
        dataset = _from_class_folders(fo, target, prefix + name)
    except Exception as exc:
        shutil.rmtree(target, ignore_errors=True)
        log.exception("FiftyOne import failed")
        raise DatasetError(f"FiftyOne could not import the images: {exc}") from None
    return dataset, report


def extract_class_folders(zip_bytes: bytes, target: Path) -> ZipReport:
    """Write the zip's images to `target/<class>/<file>`, checked by content; raise if none are usable.

    Whatever stops it (a damaged zip, a bad folder name, a full disk), nothing is left in `target`.
    """
    try:
        return _extract_class_folders(zip_bytes, target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One file of the zip, or DatasetError if the zip is damaged there (bad checksum, truncated, encrypted)."""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        log.info("damaged zip member %r: %s", info.filename, exc)
        raise DatasetError(
            f"The zip is damaged: {_shown(info.filename)} does not unpack (bad checksum or cut short). "
            "Zip the folder again and upload the new file."
        ) from None
    except NotImplementedError:
        raise DatasetError(
            f"{_shown(info.filename)} is compressed with a method this app cannot read. "
            "Zip the folder again with standard (deflate) compression."
        ) from None
    except RuntimeError:  # encrypted: a password is needed
        raise DatasetError("The zip is password-protected. Zip the folder again without a password.") from None


def _shown(filename: str) -> str:
    """A zip member's name fit for a message: printable, at most 60 characters."""
    name = "".join(ch for ch in filename if ch.isprintable())
    return repr(name if len(name) <= 60 else name[:57] + "...")


def _extract_class_folders(zip_bytes: bytes, target: Path) -> ZipReport:
    from PIL import Image

    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
        raise DatasetError("That file is not a zip archive. Upload a .zip with one folder per class.") from None
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > MAX_ZIP_FILES:
        raise DatasetError(f"The zip holds {len(entries)} files; the limit is {MAX_ZIP_FILES}.")
    total = sum(info.file_size for info in entries)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise DatasetError(f"The zip unpacks to {total / 1024**3:.1f} GB; the limit is 2 GB.")
    if sum(info.compress_size for info in entries) * MAX_COMPRESSION_RATIO < total and total > 10 * 1024**2:
        raise DatasetError("The zip is compressed suspiciously well (a zip bomb?). It was refused.")

    paths = {info.filename: _clean_parts(info.filename) for info in entries}
    prefix = _common_folder([p for p in paths.values() if p])
    report = ZipReport()
    used: set[str] = set()
    target.mkdir(parents=True, exist_ok=True)
    for info in entries:
        parts = paths[info.filename]
        if parts is None:
            report.skipped["unsafe or hidden paths"] += 1
            continue
        parts = parts[len(prefix) :]
        if len(parts) != 2:
            report.skipped["files outside a class folder"] += 1
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            report.skipped["links"] += 1
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO * 10:
            report.skipped["over-compressed files"] += 1
            continue
        if info.file_size > MAX_IMAGE_FILE_BYTES:
            report.skipped["oversized images"] += 1
            continue
        data = _read_member(archive, info)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    image_format = image.format
                    size = image.size
                    mode = image.mode
                    if size[0] * size[1] > MAX_IMAGE_PIXELS or max(size) > MAX_IMAGE_SIDE:
                        raise Image.DecompressionBombError("too many pixels")
                    image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            report.skipped["oversized images"] += 1
            continue
        except Exception:
            report.skipped["files that are not images"] += 1
            continue
        label = safe_name(parts[0])
        extension = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "BMP": ".bmp", "WEBP": ".webp"}.get(
            str(image_format), ".png"
        )
        stem = safe_name(PurePosixPath(parts[1]).stem)
        out_name = stem + extension
        counter = 1
        while f"{label}/{out_name}" in used:
            out_name = f"{stem}-{counter}{extension}"
            counter += 1
        used.add(f"{label}/{out_name}")
        folder = target / label
        folder.mkdir(exist_ok=True)
        if extension == ".png" and image_format != "PNG":
            with Image.open(io.BytesIO(data)) as image:
                image.save(folder / out_name)
        else:
            (folder / out_name).write_bytes(data)
        report.images[label] += 1
        report.sizes[size] += 1
        report.modes[mode] += 1
    if report.total == 0:
        shutil.rmtree(target, ignore_errors=True)
        raise DatasetError(
            "No images found in class folders. The zip must hold one folder per class with images "
            "inside, e.g. cat/1.jpg, dog/2.png." + (f" Skipped: {report.skipped_summary()}." if report.skipped else "")
        )
    return report


def _clean_parts(filename: str) -> list[str] | None:
    path = PurePosixPath(filename.replace("\\", "/"))
    parts = [p for p in path.parts if p not in ("", ".")]
    if path.is_absolute() or ".." in parts or not parts:
        return None
    if any(p in JUNK_PARTS or p.startswith(".") for p in parts):
        return None
    return parts


def _common_folder(all_parts: list[list[str]]) -> list[str]:
    """A single top folder that wraps the class folders (a zipped folder) is stripped."""
    prefix: list[str] = []
    while (
        all_parts
        and all(len(p) > len(prefix) + 1 for p in all_parts)
        and any(len(p) > len(prefix) + 2 for p in all_parts)
    ):
        candidates = {p[len(prefix)] for p in all_parts}
        if len(candidates) != 1:
            break
        prefix.append(candidates.pop())
    return prefix


def delete_dataset(fo: ModuleType, name: str) -> None:
    if fo.dataset_exists(name):
        fo.delete_dataset(name)
