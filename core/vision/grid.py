"""The grid of maps the viewer shows: rows = layers, columns = methods, plus guided backprop.

Importing this module is cheap (no torch): the CAM service is imported when a computation first runs,
so the page can draw its title and model picker before torch loads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from core.vision import render
from core.vision.images import Framing, LoadedImage, frame, framing_note
from core.vision.registry import METHODS
from core.vision.targets import Target

if TYPE_CHECKING:
    import torch

    from core.vision.cam import CamRun, LayerMap, Prediction
    from core.vision.models import LayerInfo, LoadedModel

Progress = Callable[[float, str], None]
Cell = tuple[str, str]  # (layer, method)
FAST_LIMIT_S = 20.0  # below this estimate maps are computed as soon as the settings change


@dataclass(frozen=True)
class Prepared:
    """The image as the model sees it, and what the model predicts for it."""

    rgb: np.ndarray  # input_size x input_size x 3, uint8: the maps are computed on it and laid over it
    tensor: torch.Tensor
    predictions: list[Prediction]
    framing: Framing = "crop"
    framing_note: str = ""  # what part of the picture the model sees, in words


def prepare(loaded: LoadedModel, image: LoadedImage, framing: Framing = "crop") -> Prepared:
    from core.vision.cam import predict

    fill = (round(255 * loaded.mean[0]), round(255 * loaded.mean[1]), round(255 * loaded.mean[2]))
    rgb = frame(image.rgb, loaded.input_size, framing, fill)
    tensor = loaded.to_tensor(rgb)
    note = framing_note(*image.size, framing)
    return Prepared(rgb, tensor, predict(loaded, tensor), framing, note)


@dataclass(frozen=True)
class GridRequest:
    layers: tuple[str, ...]
    methods: tuple[str, ...]
    target: Target
    aug_smooth: bool = False
    eigen_smooth: bool = False
    guided: bool = True

    def missing(self) -> str | None:
        """What the user still has to choose before maps can be made, if anything."""
        if not self.methods:
            return "Choose at least one method."
        if not self.layers and not all(METHODS[m].layer_independent for m in self.methods if m in METHODS):
            return "Choose at least one layer."
        return None


@dataclass(frozen=True)
class Plan:
    seconds: float
    slow: tuple[str, ...]  # methods that run one forward pass per channel

    @property
    def starts_now(self) -> bool:
        """Quick enough to compute as soon as the settings change (else the user presses a button)."""
        return self.seconds < FAST_LIMIT_S and not self.slow


def plan(loaded: LoadedModel, request: GridRequest) -> Plan:
    from core.vision.cam import estimate_seconds

    seconds = sum(estimate_seconds(loaded, m, list(request.layers), request.aug_smooth) for m in request.methods)
    return Plan(seconds, tuple(m for m in request.methods if METHODS[m].slow))


@dataclass(frozen=True)
class Guided:
    """Guided backprop's input gradient, and guided Grad-CAM per layer (gradient x `method`'s map)."""

    gradient: np.ndarray
    method: str
    by_layer: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class GridResult:
    runs: dict[str, CamRun]
    errors: dict[str, str]
    guided: Guided | None

    @property
    def seconds(self) -> float:
        return sum(run.seconds for run in self.runs.values())

    def layers(self) -> list[str]:
        """Every layer with a map, in execution order."""
        return list(dict.fromkeys(m.layer for run in self.runs.values() for m in run.maps))

    def layer_map(self, cell: Cell) -> LayerMap:
        layer, method = cell
        return next(m for m in self.runs[method].maps if m.layer == layer)


def compute_grid(loaded: LoadedModel, tensor: torch.Tensor, request: GridRequest, progress: Progress) -> GridResult:
    """Every method's maps (one failing method is an error message, not a failed grid), then guided backprop."""
    from core.vision import cam

    runs: dict[str, CamRun] = {}
    errors: dict[str, str] = {}
    count = len(request.methods)
    for i, method in enumerate(request.methods):
        try:
            runs[method] = cam.compute_maps(
                loaded,
                tensor,
                request.layers,
                method,
                request.target,
                request.aug_smooth,
                request.eigen_smooth,
                _part(progress, i, count),
            )
        except cam.CamError as exc:
            errors[method] = str(exc)
    guided = None
    if request.guided and runs:
        progress(1.0, "Guided backprop…")
        gradient = cam.guided_backprop(loaded, tensor, request.target)
        base = "GradCAM" if "GradCAM" in runs else next(iter(runs))
        by_layer = {m.layer: cam.guided_gradcam(gradient, m.normalized) for m in runs[base].maps}
        guided = Guided(cam.gradient_image(gradient), base, by_layer)
    return GridResult(runs, errors, guided)


def _part(progress: Progress, index: int, count: int) -> Progress:
    """Progress of method `index` of `count`, as a fraction of the whole grid."""

    def report(fraction: float, text: str) -> None:
        progress(min((index + fraction) / count, 1.0), text)

    return report


def display_values(runs: dict[str, CamRun], shared: bool) -> dict[Cell, np.ndarray]:
    """(layer, method) -> values in [0, 1]: each map on its own scale, or one scale per method."""
    values: dict[Cell, np.ndarray] = {}
    for method, run in runs.items():
        scaled = render.shared_scale([m.raw for m in run.maps]) if shared else [m.normalized for m in run.maps]
        for layer_map, value in zip(run.maps, scaled, strict=True):
            values[(layer_map.layer, method)] = value
    return values


def relative_peaks(runs: dict[str, CamRun]) -> dict[Cell, float]:
    """(layer, method) -> the map's largest raw value over its method's largest on any layer (0-1):
    how strong a row is, whichever colour scale is shown."""
    peaks: dict[Cell, float] = {}
    for method, run in runs.items():
        top = max((float(np.max(m.raw)) for m in run.maps), default=0.0)
        for layer_map in run.maps:
            peak = float(np.max(layer_map.raw))
            peaks[(layer_map.layer, method)] = min(max(peak / top, 0.0), 1.0) if top > 0 else 0.0
    return peaks


def layered_cells(cells: Sequence[Cell]) -> list[Cell]:
    """Cells that belong to one layer (FullGrad's "(all bias layers)" does not)."""
    return [cell for cell in cells if not cell[0].startswith("(")]


def cell_label(cell: Cell) -> str:
    return f"{cell[1]} · {cell[0]}"


def run_summary(result: GridResult, layer_count: int) -> str:
    passes = ", ".join(f"{m}: {r.forward_passes} forward pass(es) for all layers" for m, r in result.runs.items())
    return f"{layer_count} layer(s) x {len(result.runs)} method(s) in {result.seconds:.1f} s; {passes}"


def layer_tree(layers: Sequence[LayerInfo]) -> str:
    """The model's modules, indented by depth, with type and output shape (from the dry run)."""
    return "\n".join(
        f"{'  ' * info.depth}{info.name.split('.')[-1]}  {info.type_name}  {tuple(info.output_shape)}"
        for info in layers
    )
