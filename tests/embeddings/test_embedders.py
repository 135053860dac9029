"""Embedders: raw pixels, EfficientNet-Lite0 and torchvision CNN features, cached per (dataset, embedder)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest

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


# --- torchvision CNNs (weights downloaded once; here random weights placed in a temporary cache) ---


@pytest.fixture()
def torch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty torch cache, and no torchvision feature extractor loaded yet in this process."""
    import torch

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setattr(em, "_tv_models", {})
    return tmp_path / "torch"


@pytest.fixture()
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def refuse(url: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(url)
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return calls


def _images(folder: Path, count: int) -> list[str]:
    from PIL import Image

    folder.mkdir()
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        size = (40 + 7 * i, 30 + 5 * i)  # various sizes and aspect ratios, some smaller than the crop
        path = folder / f"{i}.png"
        Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    return paths


def test_torchvision_embedders_are_listed_as_online_image_embedders() -> None:
    assert {"pixels", "efficientnet_lite0", "resnet18", "resnet50"} <= set(em.EMBEDDERS)
    assert em.EMBEDDERS["pixels"].offline and em.EMBEDDERS["efficientnet_lite0"].offline
    info = em.EMBEDDERS["resnet18"]
    assert not info.offline and info.kind == "image"
    assert "downloads weights once" in info.label and "45 MB" in info.description


def test_resnet18_with_cached_weights_embeds_without_network(
    torch_home: Path, offline: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch
    import torchvision

    from core.vision.models import weights_file
    from core.vision.registry import SPECS

    target = weights_file(SPECS["resnet18"])
    assert target.parent == torch_home / "hub" / "checkpoints" and target.name == "resnet18-f37072fd.pth"
    target.parent.mkdir(parents=True)
    torch.save(torchvision.models.get_model("resnet18", weights=None).state_dict(), target)
    assert em.weights_ready("resnet18") and not em.weights_ready("resnet50")

    paths = _images(tmp_path / "images", 5)
    seen: list[tuple[int, int]] = []
    vectors = em.embed(tmp_path / "data", "tv", "resnet18", paths, lambda done, total: seen.append((done, total)))
    assert offline == []
    assert vectors.shape == (5, 512) and np.isfinite(vectors).all()
    assert seen[-1] == (5, 5)
    assert not np.allclose(vectors[0], vectors[1])  # different images, different features

    def fail(*_args: Any) -> np.ndarray:
        raise AssertionError("should have come from the cache")

    monkeypatch.setitem(em._FUNCTIONS, "resnet18", fail)
    again = em.embed(tmp_path / "data", "tv", "resnet18", paths[::-1])
    assert np.array_equal(again, vectors[::-1])


def test_offline_without_cached_weights_is_a_clear_message(
    torch_home: Path, offline: list[str], tmp_path: Path
) -> None:
    paths = _images(tmp_path / "images", 2)
    with pytest.raises(em.EmbeddingError) as info:
        em.embed(tmp_path / "data", "tv", "resnet18", paths)
    message = str(info.value)
    assert "ResNet-18" in message and "45 MB" in message and "offline" in message
    assert "EfficientNet-Lite0" in message and "try again" in message
    assert "Traceback" not in message and len(message) < 200
    assert offline == ["https://download.pytorch.org/models/resnet18-f37072fd.pth"]  # tried once
    assert list((torch_home / "hub" / "checkpoints").glob("*")) == []  # no partial file
    assert not em.cache_paths(tmp_path / "data", "tv", "resnet18")[0].exists()


def test_unreadable_cached_weights_say_which_file_to_delete(
    torch_home: Path, offline: list[str], tmp_path: Path
) -> None:
    from core.vision.models import weights_file
    from core.vision.registry import SPECS

    target = weights_file(SPECS["resnet18"])
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a checkpoint")
    with pytest.raises(em.EmbeddingError, match="Delete that file"):
        em.embed(tmp_path / "data", "tv", "resnet18", _images(tmp_path / "images", 1))


@pytest.mark.parametrize("key", ["resnet50", "convnext_tiny", "mobilenet_v3_large"])
def test_other_torchvision_cnns_give_their_penultimate_width(key: str, tmp_path: Path) -> None:
    import torchvision
    from PIL import Image

    from core.vision.registry import SPECS

    state = torchvision.models.get_model(SPECS[key].builder, weights=None).state_dict()
    model = em.TorchvisionFeatures(key, state)
    assert model.width == em._ONLINE[key].width
    images = [Image.new("RGB", (50, 80), "red"), Image.new("L", (300, 120), 128)]
    assert model.features(images).shape == (2, model.width)
