"""Embedders: raw pixels and EfficientNet-Lite0 features, cached per (dataset, embedder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from core.embeddings import embedders as em
from core.embeddings.datasets import samples_of


def test_pixel_embeddings_are_cached_and_reused(digits: Any, data_dir: Path, monkeypatch) -> None:
    paths = samples_of(digits).filepaths[:40]
    first = em.embed(data_dir, "cache-test", "pixels", paths)
    assert first.shape == (40, 64)
    vectors_path, index_path = em.cache_paths(data_dir, "cache-test", "pixels")
    assert vectors_path.is_file() and index_path.is_file()

    def fail(*_args: Any) -> np.ndarray:
        raise AssertionError("should have come from the cache")

    monkeypatch.setitem(em._FUNCTIONS, "pixels", fail)
    again = em.embed(data_dir, "cache-test", "pixels", list(reversed(paths)))
    assert np.array_equal(again, first[::-1])


def test_efficientnet_lite0_loads_offline_and_recognises_a_cat() -> None:
    from PIL import Image
    from skimage import data

    model = em.efficientnet_lite0()
    cat = Image.fromarray(data.chelsea())
    assert model.classify(cat) in (281, 282, 285)  # tabby, tiger cat, Egyptian cat
    features = model.features([cat, cat.convert("L")])
    assert features.shape == (2, 1280) and np.isfinite(features).all()


def test_efficientnet_features_group_digits_by_class(digits: Any, data_dir: Path) -> None:
    samples = samples_of(digits)
    rows = [i for i, label in enumerate(samples.labels) if label in ("0", "1")][:40]
    vectors = em.embed(data_dir, "digits-small", "efficientnet_lite0", [samples.filepaths[i] for i in rows])
    labels = np.array([samples.labels[i] for i in rows])
    normed = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = normed @ normed.T
    np.fill_diagonal(similarity, -1)
    nearest_same = labels[similarity.argmax(axis=1)] == labels
    assert nearest_same.mean() > 0.9
