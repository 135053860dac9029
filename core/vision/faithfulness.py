"""How far to trust a map: perturbation metrics from pytorch-grad-cam plus deletion/insertion curves,
a random-map baseline and the model-randomisation sanity check (Adebayo et al. 2018).

Scores use the target's softmax probability, so "confidence" reads as a probability change.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.vision.cam import SoftmaxTarget, Target, compute_maps
from core.vision.grid import Cell, GridResult, cell_label, layered_cells
from core.vision.models import LoadedModel

log = logging.getLogger(__name__)
ROAD_PERCENTILES = (20, 40, 60, 80)
CURVE_STEPS = 16
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Faithfulness:
    """Scores of one map. Higher is better for every field except `morf` and `deletion_auc`."""

    confidence_change: float  # library CamMultImageConfidenceChange: p(x * map) - p(x)
    morf: float  # ROAD, most relevant removed first (average over percentiles): lower is better
    lerf: float  # ROAD, least relevant removed first: higher is better
    road_combined: float  # (lerf - morf) / 2, the library's ROADCombined
    deletion_auc: float  # lower is better
    insertion_auc: float  # higher is better
    deletion_curve: tuple[float, ...]
    insertion_curve: tuple[float, ...]


def _probability_targets(target: Target, count: int) -> list[SoftmaxTarget]:
    return [SoftmaxTarget(target)] * count


def score_maps(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    maps: Sequence[np.ndarray],
    target: Target,
    road: bool = True,
    progress: Progress | None = None,
    road_percentiles: Sequence[int] = ROAD_PERCENTILES,
) -> list[Faithfulness]:
    """Faithfulness of several maps of the same image, batched (one model call per metric step)."""
    from pytorch_grad_cam.metrics.cam_mult_image import CamMultImageConfidenceChange
    from pytorch_grad_cam.metrics.road import (
        ROADLeastRelevantFirstAverage,
        ROADMostRelevantFirstAverage,
    )

    if not maps:
        return []
    cams = np.stack([np.float32(m) for m in maps])
    batch = input_tensor.repeat(len(maps), 1, 1, 1)
    targets = _probability_targets(target, len(maps))
    with loaded.locked() as model:
        if progress:
            progress(0.05, "confidence change")
        change = CamMultImageConfidenceChange()(batch, cams, targets, model)
        if road:
            if progress:
                progress(0.15, "ROAD, most relevant first")
            morf = ROADMostRelevantFirstAverage(list(road_percentiles))(batch, cams, targets, model)
            if progress:
                progress(0.5, "ROAD, least relevant first")
            lerf = ROADLeastRelevantFirstAverage(list(road_percentiles))(batch, cams, targets, model)
        else:
            morf = lerf = np.full(len(maps), np.nan, dtype=np.float32)
        if progress:
            progress(0.85, "deletion and insertion curves")
        curves = [deletion_insertion(model, input_tensor, cam, target) for cam in cams]
    results = []
    for i, (deletion, insertion) in enumerate(curves):
        results.append(
            Faithfulness(
                confidence_change=float(np.ravel(change)[i]),
                morf=float(np.ravel(morf)[i]),
                lerf=float(np.ravel(lerf)[i]),
                road_combined=float((np.ravel(lerf)[i] - np.ravel(morf)[i]) / 2),
                deletion_auc=_auc(deletion),
                insertion_auc=_auc(insertion),
                deletion_curve=tuple(float(v) for v in deletion),
                insertion_curve=tuple(float(v) for v in insertion),
            )
        )
    if progress:
        progress(1.0, "done")
    return results


BASELINE_LABEL = "Random baseline"


@dataclass(frozen=True)
class ScoreTable:
    """Scores of every map in a grid, then of the random baseline on each of its layers."""

    names: tuple[str, ...]  # "<method> · <layer>", then "Random baseline · <layer>"
    scores: tuple[Faithfulness, ...]

    def map_names(self) -> list[str]:
        return [name for name in self.names if not name.startswith(BASELINE_LABEL)]

    def with_baseline(self, name: str) -> dict[str, Faithfulness]:
        """This map's scores and its layer's random baseline (for the curves), by name."""
        by_name = dict(zip(self.names, self.scores, strict=True))
        baseline = f"{BASELINE_LABEL} · " + name.split(" · ", 1)[1]
        return {n: by_name[n] for n in (name, baseline) if n in by_name}


def score_grid(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    result: GridResult,
    cells: Sequence[Cell],
    target: Target,
    road: bool = False,
    progress: Progress | None = None,
) -> ScoreTable:
    """Score the grid's maps (`cells`, in order) next to a RandomCAM baseline per layer."""
    layers = list(dict.fromkeys(layer for layer, _ in layered_cells(cells)))
    baselines = [random_baseline(loaded, input_tensor, layer, target) for layer in layers]
    maps = [result.layer_map(cell).normalized for cell in cells]
    scores = score_maps(loaded, input_tensor, [*maps, *baselines], target, road=road, progress=progress)
    names = [cell_label(cell) for cell in cells] + [f"{BASELINE_LABEL} · {layer}" for layer in layers]
    return ScoreTable(tuple(names), tuple(scores))


def _auc(curve: Sequence[float] | np.ndarray) -> float:
    values = np.asarray(curve, dtype=np.float64)
    return float(np.sum((values[1:] + values[:-1]) / 2) / (len(values) - 1))


def _blurred(input_tensor: torch.Tensor) -> torch.Tensor:
    import torchvision.transforms.functional as tf

    return tf.gaussian_blur(input_tensor, kernel_size=[31, 31], sigma=[10.0, 10.0])


def deletion_insertion(
    model: nn.Module, input_tensor: torch.Tensor, cam: np.ndarray, target: Target, steps: int = CURVE_STEPS
) -> tuple[np.ndarray, np.ndarray]:
    """Probability of the target as the most relevant pixels are replaced by a blur (deletion), and as
    they are revealed on a blurred image (insertion); Petsiuk et al. 2018 (RISE). Caller holds the lock."""
    h, w = cam.shape
    order = np.argsort(-cam.ravel(), kind="stable")
    blurred = _blurred(input_tensor)
    masks = np.zeros((steps + 1, h * w), dtype=np.float32)
    for step in range(steps + 1):
        masks[step, order[: round(step / steps * h * w)]] = 1.0
    mask = torch.from_numpy(masks.reshape(steps + 1, 1, h, w))
    deleted = input_tensor * (1 - mask) + blurred * mask
    inserted = blurred * (1 - mask) + input_tensor * mask
    probability = SoftmaxTarget(target)
    with torch.no_grad():
        deletion = probability(model(deleted)).numpy()
        insertion = probability(model(inserted)).numpy()
    return deletion, insertion


def random_baseline(
    loaded: LoadedModel, input_tensor: torch.Tensor, layer: str, target: Target, seed: int = 0
) -> np.ndarray:
    """pytorch-grad-cam's RandomCAM on the same layer: random channel weights, same activations."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        return compute_maps(loaded, input_tensor, [layer], "RandomCAM", target).maps[0].normalized
    finally:
        np.random.set_state(state)


# --- model randomisation -------------------------------------------------------------------------


@dataclass(frozen=True)
class RandomisationStep:
    reinitialised_from: str  # the lowest layer re-initialised so far (everything above it is too)
    layers_reinitialised: int
    spearman: float  # rank correlation with the original map (1 = unchanged)
    ssim: float
    map: np.ndarray


def parameter_layers(model: nn.Module, order: Sequence[str]) -> list[str]:
    """Leaf modules with parameters, in execution order."""
    leaves = {
        n
        for n, m in model.named_modules()
        if n and not list(m.children()) and any(True for _ in m.parameters(recurse=False))
    }
    return [n for n in order if n in leaves]


def randomisation_check(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    layer: str,
    method: str,
    target: Target,
    steps: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[np.ndarray, list[RandomisationStep]]:
    """Cascading re-initialisation from the logits down (on a private copy), recomputing the map each
    step. A map that stays the same while the model's weights are destroyed is not explaining them."""
    from scipy.stats import spearmanr
    from skimage.metrics import structural_similarity

    original = compute_maps(loaded, input_tensor, [layer], method, target).maps[0].normalized
    order = [info.name for info in loaded.layers()]
    clone = loaded.private_copy()
    params = parameter_layers(clone, order)
    if not params:
        raise ValueError("The model has no layers with parameters to re-initialise.")
    fractions = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)[-steps:] if steps < 6 else np.linspace(0, 1, steps)
    cut_points = sorted({max(1, round(len(params) * float(f))) for f in fractions})
    generator = torch.Generator().manual_seed(seed)
    copy_model = LoadedModel(
        loaded.key + ":randomised",
        loaded.label,
        clone,
        loaded.categories,
        loaded.default_layers,
        loaded.reshape,
        loaded.input_size,
        loaded.mean,
        loaded.std,
    )
    copy_model._layers = loaded.layers()  # same architecture: reuse the dry run
    results = []
    done = 0
    for i, cut in enumerate(cut_points):
        for name in reversed(params[len(params) - cut : len(params) - done]):
            _reinitialise(clone.get_submodule(name), generator)
        done = cut
        randomised = compute_maps(copy_model, input_tensor, [layer], method, target).maps[0].normalized
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a flat map has no rank correlation: reported as 0
            rho = spearmanr(original.ravel(), randomised.ravel()).statistic
        ssim = structural_similarity(original, randomised, data_range=1.0)
        results.append(
            RandomisationStep(params[len(params) - cut], cut, float(np.nan_to_num(rho)), float(ssim), randomised)
        )
        if progress:
            progress((i + 1) / len(cut_points), f"re-initialised {cut} of {len(params)} layers")
    return original, results


def _reinitialise(module: nn.Module, generator: torch.Generator) -> None:
    with torch.no_grad():
        for name, parameter in module.named_parameters(recurse=False):
            if name == "weight" and parameter.dim() > 1:
                bound = 1.0 / np.sqrt(max(1, parameter[0].numel()))
                parameter.uniform_(-bound, bound, generator=generator)
            elif name == "weight":
                parameter.fill_(1.0)
            else:
                parameter.zero_()
        for buffer_name in ("running_mean", "running_var"):
            buffer = getattr(module, buffer_name, None)
            if isinstance(buffer, torch.Tensor):
                buffer.fill_(0.0 if buffer_name == "running_mean" else 1.0)
