"""How far to trust a map: perturbation metrics from pytorch-grad-cam plus deletion/insertion curves,
a random-map baseline and the model-randomisation sanity check (Adebayo et al. 2018).

Scores use the target's softmax probability, so "confidence" reads as a probability change.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.vision.cam import SoftmaxTarget, Target, compute_maps
from core.vision.grid import Cell, GridResult, cell_label, layered_cells
from core.vision.models import LoadedModel

log = logging.getLogger(__name__)
ROAD_PERCENTILES = (20, 40, 60, 80)
CURVE_STEPS = 16  # the full deletion/insertion curves: 17 points each
QUICK_CURVE_STEPS = 8  # the viewer's default: half the model calls; AUCs within about 0.01 of the full ones
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


def score_maps(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    maps: Sequence[np.ndarray],
    target: Target,
    road: bool = True,
    progress: Progress | None = None,
    road_percentiles: Sequence[int] = ROAD_PERCENTILES,
    curve_steps: int = CURVE_STEPS,
) -> list[Faithfulness]:
    """Faithfulness of several maps of the same image.

    Every perturbed image of every map (the image times the map, then each deletion and insertion
    step) goes through the model in small batches, so the progress moves after each batch; the images
    every map shares (the untouched and the fully blurred one) go through once.
    """
    if not maps:
        return []
    cams = [np.asarray(m, dtype=np.float32) for m in maps]
    report = progress or (lambda _fraction, _text: None)
    with loaded.locked() as model, _one_thread(), torch.inference_mode():
        if road:
            morf, lerf = _road(model, input_tensor, cams, target, road_percentiles, _span(report, 0.0, 0.6))
        else:
            morf = lerf = [float("nan")] * len(cams)
        start = 0.6 if road else 0.0
        scoring = _span(report, start, 1.0)
        change, curves = _confidence_and_curves(model, input_tensor, cams, target, scoring, curve_steps)
    results = []
    for i, (deletion, insertion) in enumerate(curves):
        results.append(
            Faithfulness(
                confidence_change=change[i],
                morf=morf[i],
                lerf=lerf[i],
                road_combined=(lerf[i] - morf[i]) / 2,
                deletion_auc=_auc(deletion),
                insertion_auc=_auc(insertion),
                deletion_curve=tuple(float(v) for v in deletion),
                insertion_curve=tuple(float(v) for v in insertion),
            )
        )
    report(1.0, f"scored {len(cams)} maps")
    return results


BATCH = 8  # images per model call: on CPU small batches stay in cache (batches of 32 were ~2x slower per image)
CONFIDENCE, DELETION, INSERTION = "confidence change", "deletion curve", "insertion curve"

_threads_lock = threading.Lock()
_scorers = 0
_threads_before = 0


@contextmanager
def _one_thread() -> Iterator[None]:
    """One intra-op torch thread while scoring. On this shared 2-core machine the default two threads
    made each image 2-3x slower whenever anything else ran (they wait on each other); one thread with
    small batches was the fastest setting measured. Counted, so overlapping scorers restore it once."""
    global _scorers, _threads_before
    with _threads_lock:
        if _scorers == 0:
            _threads_before = torch.get_num_threads()
            torch.set_num_threads(1)
        _scorers += 1
    try:
        yield
    finally:
        with _threads_lock:
            _scorers -= 1
            if _scorers == 0:
                torch.set_num_threads(_threads_before)


def _span(progress: Progress, start: float, end: float, text: str | None = None) -> Progress:
    """Progress of a part of the work (from `start` to `end` of the whole), under its own label if given."""
    return lambda fraction, label: progress(start + (end - start) * fraction, text or label)


def _confidence_and_curves(
    model: nn.Module,
    input_tensor: torch.Tensor,
    cams: Sequence[np.ndarray],
    target: Target,
    progress: Progress,
    steps: int = CURVE_STEPS,
) -> tuple[list[float], list[tuple[np.ndarray, np.ndarray]]]:
    """The library's confidence change (p(x * map) - p(x)) and the deletion/insertion curves of every
    map, from batched model calls. Caller holds the lock."""
    from pytorch_grad_cam.metrics.cam_mult_image import multiply_tensor_with_cam

    image = input_tensor[0]
    blurred = _blurred(input_tensor)[0]
    probability = SoftmaxTarget(target)
    shared = probability(model(torch.stack([image, blurred]))).numpy()  # step 0 / step N of every curve
    orders = [np.argsort(-cam.ravel(), kind="stable") for cam in cams]
    probes = [
        probe
        for i in range(len(cams))
        for probe in [(i, CONFIDENCE, 0)] + [(i, part, s) for part in (DELETION, INSERTION) for s in range(1, steps)]
    ]

    def perturbed(i: int, part: str, step: int) -> torch.Tensor:
        if part == CONFIDENCE:
            return multiply_tensor_with_cam(image, torch.from_numpy(cams[i]))
        h, w = cams[i].shape
        flat = np.zeros(h * w, dtype=np.float32)
        flat[orders[i][: round(step / steps * h * w)]] = 1.0
        mask = torch.from_numpy(flat.reshape(1, h, w))
        if part == DELETION:
            return image * (1 - mask) + blurred * mask
        return blurred * (1 - mask) + image * mask

    scores = np.empty(len(probes), dtype=np.float32)
    for first in range(0, len(probes), BATCH):
        chunk = probes[first : first + BATCH]
        batch = torch.stack([perturbed(*probe) for probe in chunk])
        scores[first : first + len(chunk)] = probability(model(batch)).numpy()
        i, part, _ = chunk[-1]
        progress((first + len(chunk)) / len(probes), f"scoring map {i + 1} of {len(cams)} — {part}")
    per_map = scores.reshape(len(cams), 1 + 2 * (steps - 1))
    original, fully_blurred = float(shared[0]), float(shared[1])
    change = [float(row[0] - shared[0]) for row in per_map]
    curves = [
        (
            np.array([original, *row[1:steps], fully_blurred], dtype=np.float32),
            np.array([fully_blurred, *row[steps:], original], dtype=np.float32),
        )
        for row in per_map
    ]
    return change, curves


def _road(
    model: nn.Module,
    input_tensor: torch.Tensor,
    cams: Sequence[np.ndarray],
    target: Target,
    percentiles: Sequence[int],
    progress: Progress,
) -> tuple[list[float], list[float]]:
    """pytorch-grad-cam's ROAD (MoRF and LeRF, averaged over percentiles as its *Average classes do),
    one map and percentile at a time so the progress moves. Caller holds the lock."""
    from pytorch_grad_cam.metrics.road import ROADLeastRelevantFirst, ROADMostRelevantFirst

    targets = [SoftmaxTarget(target)]
    results: dict[type, list[float]] = {ROADMostRelevantFirst: [], ROADLeastRelevantFirst: []}
    total = 2 * len(cams) * len(percentiles)
    done = 0
    for metric, label in ((ROADMostRelevantFirst, "most"), (ROADLeastRelevantFirst, "least")):
        for i, cam in enumerate(cams):
            progress(done / total, f"ROAD ({label} relevant first): map {i + 1} of {len(cams)}")
            scores = [metric(p)(input_tensor, cam[None], targets, model) for p in percentiles]
            results[metric].append(float(np.mean(np.asarray(scores, dtype=np.float32))))
            done += len(percentiles)
    return results[ROADMostRelevantFirst], results[ROADLeastRelevantFirst]


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

    @property
    def has_road(self) -> bool:
        return any(not np.isnan(s.morf) for s in self.scores)

    def beats_random(self, name: str) -> bool | None:
        """Whether the map `name` beats its layer's random baseline (the rule: BEATS_RANDOM_RULE); None
        for a baseline itself, or a map without one (FullGrad's all-layers map)."""
        if name.startswith(BASELINE_LABEL):
            return None
        pair = list(self.with_baseline(name).values())
        if len(pair) != 2:
            return None
        own, baseline = pair
        return own.deletion_auc < baseline.deletion_auc and own.insertion_auc > baseline.insertion_auc


BEATS_RANDOM_RULE = (
    "its deletion AUC is lower and its insertion AUC higher than those of the random baseline on the same layer"
)


def score_grid(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    result: GridResult,
    cells: Sequence[Cell],
    target: Target,
    road: bool = False,
    progress: Progress | None = None,
    curve_steps: int = CURVE_STEPS,
) -> ScoreTable:
    """Score the grid's maps (`cells`, in order) next to a RandomCAM baseline per layer."""
    layers = list(dict.fromkeys(layer for layer, _ in layered_cells(cells)))
    if progress:
        progress(0.0, f"random baseline on {len(layers)} layer(s)")
    baselines = random_baselines(loaded, input_tensor, layers, target)
    maps = [result.layer_map(cell).normalized for cell in cells]
    scoring = _span(progress, 0.03, 1.0) if progress else None
    scores = score_maps(
        loaded, input_tensor, [*maps, *baselines], target, road=road, progress=scoring, curve_steps=curve_steps
    )
    names = [cell_label(cell) for cell in cells] + [f"{BASELINE_LABEL} · {layer}" for layer in layers]
    return ScoreTable(tuple(names), tuple(scores))


def deletion_probe(
    loaded: LoadedModel, input_tensor: torch.Tensor, cam: np.ndarray, target: Target, fraction: float
) -> tuple[np.ndarray, float]:
    """The image with the map's most relevant `fraction` of pixels blurred away (as one step of the
    deletion curve), as the RGB picture the model then sees, and the target's probability on it."""
    values = np.asarray(cam, dtype=np.float32)
    h, w = values.shape
    flat = np.zeros(h * w, dtype=np.float32)
    flat[np.argsort(-values.ravel(), kind="stable")[: round(min(max(fraction, 0.0), 1.0) * h * w)]] = 1.0
    mask = torch.from_numpy(flat.reshape(1, h, w))
    perturbed = input_tensor[0] * (1 - mask) + _blurred(input_tensor)[0] * mask
    with loaded.locked() as model, torch.inference_mode():
        probability = float(SoftmaxTarget(target)(model(perturbed[None]))[0])
    mean = np.asarray(loaded.mean, dtype=np.float32)
    std = np.asarray(loaded.std, dtype=np.float32)
    rgb = (perturbed.numpy().transpose(1, 2, 0) * std + mean) * 255
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8), probability


def _auc(curve: Sequence[float] | np.ndarray) -> float:
    values = np.asarray(curve, dtype=np.float64)
    return float(np.sum((values[1:] + values[:-1]) / 2) / (len(values) - 1))


def _blurred(input_tensor: torch.Tensor) -> torch.Tensor:
    import torchvision.transforms.functional as tf

    return tf.gaussian_blur(input_tensor, kernel_size=[31, 31], sigma=[10.0, 10.0])


def random_baselines(
    loaded: LoadedModel, input_tensor: torch.Tensor, layers: Sequence[str], target: Target, seed: int = 0
) -> list[np.ndarray]:
    """pytorch-grad-cam's RandomCAM on each layer (random channel weights, same activations), from one
    pass; reseeded per layer, so each map is the one a one-layer run with `seed` gives."""
    if not layers:
        return []
    with _one_thread():
        run = compute_maps(loaded, input_tensor, list(layers), "RandomCAM", target, seed=seed)
    by_layer = {m.layer: m.normalized for m in run.maps}
    return [by_layer[layer] for layer in layers]


def random_baseline(
    loaded: LoadedModel, input_tensor: torch.Tensor, layer: str, target: Target, seed: int = 0
) -> np.ndarray:
    return random_baselines(loaded, input_tensor, [layer], target, seed)[0]


# --- model randomisation -------------------------------------------------------------------------


@dataclass(frozen=True)
class RandomisationStep:
    reinitialised_from: str  # the lowest layer re-initialised so far (everything above it is too)
    layers_reinitialised: int
    spearman: float  # rank correlation with the original map (1 = unchanged)
    ssim: float
    map: np.ndarray


DEPENDS_ON_WEIGHTS_RHO = 0.5


def depends_on_weights(steps: Sequence[RandomisationStep]) -> bool | None:
    """Adebayo et al.'s verdict from the figures of the check: with every layer re-initialised (the last
    step) the map's rank correlation with the original is below DEPENDS_ON_WEIGHTS_RHO. None without steps."""
    if not steps:
        return None
    return abs(steps[-1].spearman) < DEPENDS_ON_WEIGHTS_RHO


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
    with _one_thread():
        return _randomisation_steps(loaded, input_tensor, layer, method, target, steps, seed, progress)


def _randomisation_steps(
    loaded: LoadedModel,
    input_tensor: torch.Tensor,
    layer: str,
    method: str,
    target: Target,
    steps: int,
    seed: int,
    progress: Progress | None,
) -> tuple[np.ndarray, list[RandomisationStep]]:
    from scipy.stats import spearmanr
    from skimage.metrics import structural_similarity

    report = progress or (lambda _fraction, _text: None)
    label = f"{method} map of the trained model"
    report(0.0, label)
    original = compute_maps(loaded, input_tensor, [layer], method, target, progress=_span(report, 0.0, 0.1, label))
    original_map = original.maps[0].normalized
    report(0.1, "copying the model")
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
        start, end = 0.1 + 0.9 * i / len(cut_points), 0.1 + 0.9 * (i + 1) / len(cut_points)
        label = f"step {i + 1} of {len(cut_points)}: top {cut} of {len(params)} layers re-initialised, recomputing"
        report(start, label)
        for name in reversed(params[len(params) - cut : len(params) - done]):
            _reinitialise(clone.get_submodule(name), generator)
        done = cut
        step_progress = _span(report, start, end, label)
        randomised = (
            compute_maps(copy_model, input_tensor, [layer], method, target, progress=step_progress).maps[0].normalized
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a flat map has no rank correlation: reported as 0
            rho = spearmanr(original_map.ravel(), randomised.ravel()).statistic
        ssim = structural_similarity(original_map, randomised, data_range=1.0)
        results.append(
            RandomisationStep(params[len(params) - cut], cut, float(np.nan_to_num(rho)), float(ssim), randomised)
        )
        report(end, f"step {i + 1} of {len(cut_points)}: top {cut} of {len(params)} layers re-initialised")
    return original_map, results


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
