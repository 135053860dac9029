"""The CAM service: predictions, targets, several layers of one method in one pass, guided backprop.

Every method comes from pytorch-grad-cam. For one method and several layers we register the
library's hooks on all the layers at once, run ONE forward and ONE backward pass, and let the
library's own `get_cam_image` turn each layer's activations and gradients into a map. The library's
`__call__` would instead average the layers into one map; calling it once per layer would cost one
forward and backward per layer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import numpy as np
import torch
from torch import nn

from core.errors import UserError
from core.vision.models import LoadedModel, reshape_transform
from core.vision.registry import BASELINE, METHODS
from core.vision.targets import Target

if TYPE_CHECKING:
    from pytorch_grad_cam.base_cam import BaseCAM  # an untyped library: Any to mypy

log = logging.getLogger(__name__)
TargetFn = Callable[[torch.Tensor], torch.Tensor]
Progress = Callable[[float, str], None]


class CamError(UserError, RuntimeError):
    """A map that cannot be computed; the message says what to do."""


class Cancelled(RuntimeError):
    """The caller asked to stop."""


def method_class(name: str) -> type:
    import pytorch_grad_cam

    if name != BASELINE and name not in METHODS:
        raise CamError(f"Unknown method {name!r}.")
    return getattr(pytorch_grad_cam, name)


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SoftmaxTarget:
    """The same target as a probability (what the faithfulness metrics score)."""

    target: Target

    def __call__(self, model_output: torch.Tensor) -> torch.Tensor:
        return self.target(torch.softmax(model_output, dim=-1))


@dataclass(frozen=True)
class Prediction:
    index: int
    label: str
    probability: float


def predict(loaded: LoadedModel, input_tensor: torch.Tensor, k: int = 5) -> list[Prediction]:
    with loaded.locked() as model, torch.no_grad():
        probabilities = torch.softmax(model(input_tensor), dim=-1)[0]
    values, indices = probabilities.topk(min(k, probabilities.numel()))
    return [
        Prediction(int(i), loaded.categories[int(i)] if int(i) < len(loaded.categories) else str(int(i)), float(v))
        for v, i in zip(values, indices, strict=True)
    ]


# --- maps --------------------------------------------------------------------------------------


@dataclass
class LayerMap:
    layer: str
    method: str
    normalized: np.ndarray  # H x W in [0, 1], as the library scales it
    raw: np.ndarray  # H x W, the unscaled map (after ReLU), for a scale shared across layers
    activation_shape: tuple[int, ...]
    extras: dict[str, object] = field(default_factory=dict)


@dataclass
class CamRun:
    maps: list[LayerMap]
    method: str
    target: Target
    seconds: float
    forward_passes: int


class _CountingModel(nn.Module):
    """Wraps the model a slow method calls per channel batch: counts images, reports, can stop."""

    def __init__(
        self,
        model: nn.Module,
        total_images: int,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
        label: str,
    ) -> None:
        super().__init__()
        self.inner = model
        self.total = max(total_images, 1)
        self.done = 0
        self.progress = progress
        self.cancelled = cancelled
        self.label = label

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.cancelled and self.cancelled():
            raise Cancelled("stopped")
        out = self.inner(x)
        self.done += int(x.shape[0])
        if self.progress:
            self.progress(min(self.done / self.total, 1.0), self.label)
        return out


@contextmanager
def _cam_object(
    cls: type, model: nn.Module, layers: list[nn.Module], reshape: Callable | None, **kwargs: object
) -> Iterator[BaseCAM]:
    """A library CAM object whose hooks are removed on exit, whatever happens (its own __exit__
    would swallow IndexError)."""
    cam = cls(model=model, target_layers=layers, reshape_transform=reshape, **kwargs)
    try:
        yield cam
    finally:
        cam.activations_and_grads.release()
        model.zero_grad(set_to_none=True)


def _extract(cam: BaseCAM, input_tensor: torch.Tensor, targets: Sequence[TargetFn]) -> tuple[list, list]:
    """One forward and (if the method needs it) one backward pass; activations and gradients per layer."""
    if cam.compute_input_gradient:
        input_tensor = input_tensor.clone().requires_grad_(True)
    with torch.enable_grad():
        outputs = cam.activations_and_grads(input_tensor)
        if cam.uses_gradients:
            cam.model.zero_grad()
            loss = cast(torch.Tensor, sum(target(output) for target, output in zip(targets, outputs, strict=True)))
            if cam.detach:
                loss.backward()
            else:
                torch.autograd.grad(loss, input_tensor, retain_graph=True, create_graph=True)
    store = cam.activations_and_grads
    if cam.detach:
        activations = [a.cpu().data.numpy() for a in store.activations]
        gradients = [g.cpu().data.numpy() for g in store.gradients]
    else:
        activations, gradients = list(store.activations), list(store.gradients)
    return activations, gradients


def _maps_from(
    cam: BaseCAM,
    input_tensor: torch.Tensor,
    layer_names: list[str],
    layers: list[nn.Module],
    targets: Sequence[TargetFn],
    eigen_smooth: bool,
    method: str,
    progress: Progress | None = None,
    seed: int | None = None,
) -> list[LayerMap]:
    import cv2
    from pytorch_grad_cam.utils.image import scale_cam_image

    activations, gradients = _extract(cam, input_tensor, targets)
    if not cam.detach:
        pass  # ShapleyCAM needs the graph; keep hooks until the maps are made
    else:
        cam.activations_and_grads.release()  # slow methods run more forwards: stop collecting
    size = cam.get_target_width_height(input_tensor)
    maps = []
    for i, (name, layer) in enumerate(zip(layer_names, layers, strict=True)):
        if i >= len(activations):
            raise CamError(f"Layer {name} produced no output in the forward pass. Pick another layer.")
        if cam.uses_gradients and i >= len(gradients):
            raise CamError(
                f"Layer {name} gets no gradient from the class score (it is frozen or not on the path to "
                "the output). Pick another layer or a gradient-free method (EigenCAM, ScoreCAM)."
            )
        if progress:
            progress(i / len(layers), f"{method}: {name}")
        activation = activations[i]
        gradient = gradients[i] if i < len(gradients) else None
        if seed is not None:
            np.random.seed(seed)  # RandomCAM draws its weights here: the same per layer as a one-layer run
        raw = cam.get_cam_image(input_tensor, layer, targets, activation, gradient, eigen_smooth)
        raw = np.maximum(np.asarray(raw, dtype=np.float32), 0)
        normalized = scale_cam_image(raw, size)[0]
        raw_full = cv2.resize(np.asarray(raw[0], dtype=np.float32), size)
        shape = tuple(int(s) for s in np.shape(activation)[1:])
        maps.append(
            LayerMap(
                name,
                method,
                np.asarray(normalized, dtype=np.float32),
                np.asarray(np.maximum(raw_full, 0), dtype=np.float32),
                shape,
            )
        )
    return maps


def _slow_images(loaded: LoadedModel, method: str, layers: list[str]) -> int:
    channels = [loaded.layer(n).output_shape[0 if loaded.reshape == "none" else -1] for n in layers]
    if method == "AblationCAM":
        return sum(c + 1 for c in channels)
    return sum(channels)


def estimate_seconds(loaded: LoadedModel, method: str, layers: list[str], aug_smooth: bool = False) -> float:
    """Rough CPU time: forward passes the method needs x measured time per image."""
    info = METHODS.get(method)
    per_image = loaded.seconds_per_image()
    passes = 3.0 if (info and info.uses_gradients) else 1.0
    if info and info.slow:
        passes += _slow_images(loaded, method, layers)
    return passes * per_image * (6 if aug_smooth else 1)


def compute_maps(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    layers: Sequence[str],
    method: str,
    target: Target,
    aug_smooth: bool = False,
    eigen_smooth: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    seed: int | None = None,
) -> CamRun:
    """Maps of one method for several layers of `loaded`, from one forward and one backward pass.

    `seed` reseeds NumPy before each layer's map (RandomCAM), restoring the global state afterwards.

    Fast methods run on the shared model under its lock; methods that change modules while they work
    (AblationCAM) or take long (ScoreCAM) run on a private copy so other users are not blocked.
    """
    started = time.perf_counter()
    info = METHODS.get(method)
    if info is None and method != BASELINE:
        raise CamError(f"Unknown method {method!r}.")
    if not layers and not (info and info.layer_independent):
        raise CamError("Choose at least one layer.")
    names = loaded.execution_order(list(layers)) if layers else []
    cls = method_class(method)
    reshape = reshape_transform(loaded.reshape)
    targets: list[TargetFn] = [target]
    slow = bool(info and (info.slow or info.on_copy))

    def run(model: nn.Module) -> list[LayerMap]:
        modules = [model.get_submodule(n) for n in names]
        kwargs: dict[str, object] = {}
        if method == "AblationCAM":
            from pytorch_grad_cam.ablation_layer import AblationLayer, AblationLayerVit

            kwargs["ablation_layer"] = AblationLayerVit() if loaded.reshape == "tokens" else AblationLayer()
        if info and info.layer_independent:
            with _cam_object(cls, model, [], reshape, **kwargs) as cam:
                result = cam(input_tensor=input_tensor, targets=targets, aug_smooth=aug_smooth)
            full = np.asarray(result[0], dtype=np.float32)
            return [LayerMap("(all bias layers)", method, full, full, tuple(full.shape))]
        if info and info.per_layer and len(names) > 1:
            maps: list[LayerMap] = []
            for name, module in zip(names, modules, strict=True):
                with _cam_object(cls, model, [module], reshape, **kwargs) as cam:
                    if aug_smooth:
                        maps += _aug_smoothed(cam, input_tensor, [name], [module], targets, eigen_smooth, method)
                    else:
                        maps += _maps_from(cam, input_tensor, [name], [module], targets, eigen_smooth, method)
            return maps
        with _cam_object(cls, model, modules, reshape, **kwargs) as cam:
            if slow:
                cam.model = _CountingModel(
                    model,
                    _slow_images(loaded, method, names) * (6 if aug_smooth else 1),
                    progress,
                    cancelled,
                    method,
                )
            if not aug_smooth:
                return _maps_from(
                    cam,
                    input_tensor,
                    names,
                    modules,
                    targets,
                    eigen_smooth,
                    method,
                    None if slow else progress,
                    seed,
                )
            return _aug_smoothed(cam, input_tensor, names, modules, targets, eigen_smooth, method)

    random_state = np.random.get_state() if seed is not None else None
    try:
        maps = _run_guarded(run, loaded, slow, method)
    finally:
        if random_state is not None:
            np.random.set_state(random_state)
    if slow:
        passes = 1 + (_slow_images(loaded, method, names) if info and info.slow else 0)
    else:
        passes = len(names) if info and info.per_layer else 1
    if aug_smooth:
        passes *= 6
    if progress:
        progress(1.0, f"{method}: done")
    return CamRun(maps, method, target, time.perf_counter() - started, passes)


def _run_guarded(
    run: Callable[[nn.Module], list[LayerMap]], loaded: LoadedModel, slow: bool, method: str
) -> list[LayerMap]:
    """Run on a private copy (slow or module-changing methods) or on the shared model under its lock,
    turning library failures on unusual layers into messages."""
    try:
        if slow:
            return run(loaded.private_copy())
        with loaded.locked() as model:
            return run(model)
    except (CamError, Cancelled):
        raise
    except TypeError as exc:
        log.info("%s failed: %s", method, exc)
        raise CamError(
            f"{method} cannot replace this layer (the model calls it with extra arguments). "
            "Pick one of its sub-layers (e.g. a BatchNorm or convolution inside the block)."
        ) from None
    except (ValueError, IndexError, RuntimeError) as exc:
        log.exception("%s failed", method)
        raise CamError(
            f"{method} failed on these layers ({type(exc).__name__}: {str(exc)[:160]}). Try another layer or method."
        ) from None


def _aug_smoothed(
    cam: BaseCAM,
    input_tensor: torch.Tensor,
    names: list[str],
    modules: list[nn.Module],
    targets: Sequence[TargetFn],
    eigen_smooth: bool,
    method: str,
) -> list[LayerMap]:
    """The library's test-time augmentation (flip x brightness), applied to every layer's map."""
    from pytorch_grad_cam.activations_and_gradients import ActivationsAndGradients

    sums: list[np.ndarray] | None = None
    raw_sums: list[np.ndarray] | None = None
    shapes: list[tuple[int, ...]] = []
    count = 0
    for transform in cam.tta_transforms:
        cam.activations_and_grads = ActivationsAndGradients(
            cam.model if not isinstance(cam.model, _CountingModel) else cam.model.inner,
            modules,
            cam.reshape_transform,
            cam.detach,
        )
        augmented = transform.augment_image(input_tensor)
        maps = _maps_from(cam, augmented, names, modules, targets, eigen_smooth, method)
        cam.activations_and_grads.release()
        normal = [transform.deaugment_mask(torch.from_numpy(m.normalized)[None, None]).numpy()[0, 0] for m in maps]
        raw = [transform.deaugment_mask(torch.from_numpy(m.raw)[None, None]).numpy()[0, 0] for m in maps]
        sums = normal if sums is None else [s + n for s, n in zip(sums, normal, strict=True)]
        raw_sums = raw if raw_sums is None else [s + r for s, r in zip(raw_sums, raw, strict=True)]
        shapes = [m.activation_shape for m in maps]
        count += 1
    assert sums is not None and raw_sums is not None
    return [
        LayerMap(n, method, np.asarray(s / count, dtype=np.float32), np.asarray(r / count, dtype=np.float32), sh)
        for n, s, r, sh in zip(names, sums, raw_sums, shapes, strict=True)
    ]


# --- guided backprop ---------------------------------------------------------------------------


def guided_backprop(loaded: LoadedModel, input_tensor: torch.Tensor, target: Target) -> np.ndarray:
    """Guided backpropagation (Springenberg et al.) of the target: H x W x 3 input gradient.

    Uses pytorch-grad-cam's GuidedBackpropReLU on a private copy of the model (ReLU6 split into
    ReLU + clamp first), so the shared model's modules are never swapped.
    """
    guided = loaded.guided_model()
    x = input_tensor.clone().requires_grad_(True)
    with torch.enable_grad():
        output = guided(x)
        target(output[0]).backward()
    assert x.grad is not None
    return np.asarray(x.grad[0].permute(1, 2, 0).numpy(), dtype=np.float32)


def guided_gradcam(guided: np.ndarray, cam_map: np.ndarray) -> np.ndarray:
    """Guided Grad-CAM: guided backprop x the (normalised) map, as an 8-bit image (library's deprocess)."""
    from pytorch_grad_cam.utils.image import deprocess_image

    return deprocess_image(guided * cam_map[..., None])


def gradient_image(guided: np.ndarray) -> np.ndarray:
    from pytorch_grad_cam.utils.image import deprocess_image

    return deprocess_image(guided.copy())
