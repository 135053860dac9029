"""Datasets: digits written once, zip uploads checked by content (junk, traversal, bombs, mixed images)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from PIL import Image

from core.embeddings import datasets as ds
from core.embeddings.embedders import embed


def png(size: tuple[int, int], mode: str = "L", fmt: str = "PNG", value: int = 128) -> bytes:
    buffer = io.BytesIO()
    color: Any = value if len(mode) == 1 else tuple([value] * len(mode))
    Image.new(mode, size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_digits_are_written_once_and_loaded_with_labels(digits: Any, data_dir: Path) -> None:
    root = ds.embeddings_dir(data_dir) / "digits"
    files = sorted(root.glob("*/*.png"))
    assert len(files) == 1797
    stamp = files[0].stat().st_mtime_ns
    ds.write_digits_pngs(data_dir)
    assert files[0].stat().st_mtime_ns == stamp
    samples = ds.samples_of(digits)
    assert len(samples) == 1797
    assert samples.classes == [str(i) for i in range(10)]
    with Image.open(samples.filepaths[0]) as image:
        assert image.size == (8, 8)


def test_zip_of_class_folders_keeps_images_and_skips_junk(fo: ModuleType, data_dir: Path) -> None:
    files = {
        "shapes/cat/a.png": png((20, 20)),
        "shapes/cat/b.jpg": png((31, 17), "RGB", "JPEG"),
        "shapes/cat/c.png": png((8, 8), "RGBA"),
        "shapes/dog/a.png": png((12, 40), "P"),
        "shapes/dog/fake.png": b"this is text, not a picture",
        "shapes/dog/notes.txt": b"hello",
        "shapes/readme.md": b"# readme",
        "shapes/__MACOSX/cat/._a.png": b"junk",
        "shapes/.DS_Store": b"junk",
        "../evil/x.png": png((4, 4)),
    }
    dataset, report = ds.import_zip(fo, data_dir, make_zip(files), "shapes upload")
    try:
        assert dataset.name == "shapes-upload"
        assert report.images == {"cat": 3, "dog": 1}
        assert report.skipped["files that are not images"] == 2
        assert report.skipped["unsafe or hidden paths"] == 3
        assert len(report.sizes) == 4 and "RGBA" in report.modes
        samples = ds.samples_of(dataset)
        assert sorted(samples.labels) == ["cat", "cat", "cat", "dog"]
        assert all(Path(p).is_relative_to(data_dir) for p in samples.filepaths)
        vectors = embed(data_dir, dataset.name, "pixels", samples.filepaths)
        assert vectors.shape == (4, 32 * 32) and np.isfinite(vectors).all()
        with pytest.raises(ds.DatasetError, match="exists already"):
            ds.import_zip(fo, data_dir, make_zip(files), "shapes upload")
    finally:
        ds.delete_dataset(fo, "shapes-upload")


def test_zip_without_images_is_refused_with_a_reason(fo: ModuleType, data_dir: Path) -> None:
    junk = make_zip({"cat/a.txt": b"x", "b.png": png((4, 4)), "cat/c.png": b"not png"})
    with pytest.raises(ds.DatasetError, match="No images found in class folders"):
        ds.import_zip(fo, data_dir, junk, "junk")
    assert "junk" not in fo.list_datasets()
    with pytest.raises(ds.DatasetError, match="not a zip"):
        ds.import_zip(fo, data_dir, b"PK but not really", "notzip")


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = make_zip({"cat/a.png": png((4, 4)), "cat/zeros.png": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ds.DatasetError, match="zip bomb"):
        ds.extract_class_folders(bomb, tmp_path / "out")


def test_image_with_too_many_pixels_is_skipped(tmp_path: Path) -> None:
    huge = png((8000, 6000), "1")  # 48 Mpx, tiny file
    report = ds.extract_class_folders(make_zip({"a/big.png": huge, "a/ok.png": png((5, 5))}), tmp_path / "o")
    assert report.images == {"a": 1}
    assert report.skipped["oversized images"] == 1


def test_unknown_dataset_is_a_message(fo: ModuleType) -> None:
    with pytest.raises(ds.DatasetError, match="no FiftyOne dataset named"):
        ds.load_dataset(fo, "does-not-exist")


def test_zoo_dataset_uses_the_zoo_and_reports_offline_failures(fo: ModuleType, digits: Any, monkeypatch) -> None:
    import fiftyone.zoo as foz

    calls: list[dict[str, Any]] = []

    def fake_zoo(name: str, **kwargs: Any) -> Any:
        # Stands in for the download: builds the dataset from local files, like the zoo would.
        calls.append({"name": name, **kwargs})
        if name == "cifar10":
            raise RuntimeError("Name or service not known")
        clone = digits.limit(kwargs["max_samples"]).clone(kwargs["dataset_name"])
        return clone

    monkeypatch.setattr(foz, "load_zoo_dataset", fake_zoo)
    dataset = ds.zoo_dataset(fo, "mnist", "test", 20)
    try:
        assert dataset.name == "mnist-test-20" and dataset.persistent and len(dataset) == 20
        assert calls[0]["split"] == "test" and calls[0]["max_samples"] == 20
        assert ds.zoo_dataset(fo, "mnist", "test", 20).name == "mnist-test-20"
        assert len(calls) == 1  # the second call loads the stored dataset
        with pytest.raises(ds.DatasetError, match="needs internet access"):
            ds.zoo_dataset(fo, "cifar10", "test", 20)
        with pytest.raises(ds.DatasetError, match="Unknown zoo dataset"):
            ds.zoo_dataset(fo, "imagenet", "test", 20)
    finally:
        ds.delete_dataset(fo, "mnist-test-20")
