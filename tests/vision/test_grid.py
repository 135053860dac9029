"""The grid the viewer shows, its plan, its scores and its downloads, on EfficientNet-Lite0 and chelsea."""

import json

import numpy as np
import pytest

from core.vision import render
from core.vision.cam import Target, compute_maps
from core.vision.export import file_stem, map_metadata
from core.vision.faithfulness import ScoreTable, score_grid
from core.vision.grid import (
    GridRequest,
    Plan,
    cell_label,
    compute_grid,
    display_values,
    layer_tree,
    layered_cells,
    plan,
    prepare,
    relative_peaks,
    run_summary,
)
from core.vision.images import load_sample

LAYERS = ("_blocks.10", "_blocks.15")


@pytest.fixture(scope="module")
def grid(lite0, chelsea):
    seen: list[float] = []
    request = GridRequest(LAYERS, ("GradCAM", "EigenCAM", "NoSuchCAM"), Target(285))
    result = compute_grid(lite0, chelsea, request, lambda f, _text: seen.append(f))
    return request, result, seen


def test_a_grid_has_a_map_per_layer_and_method_and_keeps_failures_as_messages(grid, lite0, chelsea) -> None:
    _request, result, seen = grid
    assert list(result.runs) == ["GradCAM", "EigenCAM"]
    assert result.errors == {"NoSuchCAM": "Unknown method 'NoSuchCAM'."}  # a message, not a failed grid
    assert result.layers() == list(LAYERS)
    direct = compute_maps(lite0, chelsea, list(LAYERS), "GradCAM", Target(285))
    np.testing.assert_allclose(result.layer_map(("_blocks.15", "GradCAM")).normalized, direct.maps[1].normalized)
    assert result.guided is not None and result.guided.method == "GradCAM"
    assert set(result.guided.by_layer) == set(LAYERS) and result.guided.gradient.dtype == np.uint8
    assert seen and max(seen) == 1.0 and all(0 <= f <= 1 for f in seen)
    assert run_summary(result, 2).startswith("2 layer(s) x 2 method(s) in ")


def test_display_values_share_one_scale_per_method_or_stretch_each_map(grid) -> None:
    _request, result, _seen = grid
    shared = display_values(result.runs, shared=True)
    own = display_values(result.runs, shared=False)
    assert list(shared) == [(layer, m) for m in ("GradCAM", "EigenCAM") for layer in LAYERS]
    for method in ("GradCAM", "EigenCAM"):
        assert max(float(shared[(layer, method)].max()) for layer in LAYERS) == pytest.approx(1.0)
    for (layer, method), value in own.items():
        np.testing.assert_array_equal(value, result.layer_map((layer, method)).normalized)


def test_relative_peaks_say_how_strong_each_row_is_whichever_scale_is_shown(grid) -> None:
    _request, result, _seen = grid
    peaks = relative_peaks(result.runs)
    shared = display_values(result.runs, shared=True)
    for cell, peak in peaks.items():
        assert 0 <= peak <= 1
        assert peak == pytest.approx(float(shared[cell].max()), abs=1e-6)  # the shared scale's peak
    for method in ("GradCAM", "EigenCAM"):
        assert max(peaks[(layer, method)] for layer in LAYERS) == pytest.approx(1.0)


def test_the_maps_are_computed_on_the_square_that_is_shown(lite0) -> None:
    chelsea = load_sample("chelsea")  # 451 x 300
    crop = prepare(lite0, chelsea)
    assert crop.framing == "crop" and crop.framing_note == "centre crop: 33% of the width cut off"
    fit = prepare(lite0, chelsea, "fit")
    assert fit.framing_note == "the whole image, with grey bars above and below"
    assert fit.rgb.shape == (224, 224, 3) and not np.array_equal(fit.rgb, crop.rgb)
    np.testing.assert_allclose(fit.tensor, lite0.to_tensor(fit.rgb))  # the tensor is made from what is shown
    bars = fit.tensor[0, :, :20, :]  # the mean colour: close to zero after normalisation
    assert float(bars.abs().max()) < 0.03
    assert fit.predictions[0].label == "Egyptian cat"


def test_what_is_missing_and_what_starts_at_once(lite0) -> None:
    assert GridRequest((), (), Target(1)).missing() == "Choose at least one method."
    assert GridRequest((), ("GradCAM",), Target(1)).missing() == "Choose at least one layer."
    assert GridRequest((), ("FullGrad",), Target(1)).missing() is None
    assert plan(lite0, GridRequest(("_blocks.15",), ("GradCAM",), Target(1))).starts_now
    slow = plan(lite0, GridRequest(("_blocks.15",), ("GradCAM", "ScoreCAM"), Target(1)))
    assert slow.slow == ("ScoreCAM",) and not slow.starts_now
    assert not Plan(25.0, ()).starts_now


def test_scores_of_a_grid_come_with_a_random_baseline_per_layer(grid, lite0, chelsea) -> None:
    request, result, _seen = grid
    cells = [("_blocks.15", "GradCAM"), ("_blocks.15", "EigenCAM")]
    table = score_grid(lite0, chelsea, result, cells, request.target)
    assert isinstance(table, ScoreTable) and len(table.scores) == len(cells) + 1
    assert table.names == ("GradCAM · _blocks.15", "EigenCAM · _blocks.15", "Random baseline · _blocks.15")
    assert table.map_names() == [cell_label(c) for c in cells]
    assert list(table.with_baseline("EigenCAM · _blocks.15")) == [
        "EigenCAM · _blocks.15",
        "Random baseline · _blocks.15",
    ]
    assert all(0 <= s.deletion_auc <= 1 for s in table.scores)
    assert layered_cells([("(all bias layers)", "FullGrad"), ("_blocks.1", "GradCAM")]) == [("_blocks.1", "GradCAM")]


def test_download_name_and_metadata(grid, lite0) -> None:
    request, result, _seen = grid
    assert file_stem("user:resnet18", ("(all bias layers)", "FullGrad")) == "user-resnet18_FullGrad_all_bias_layers"
    assert file_stem("efficientnet_lite0", ("_blocks.15", "GradCAM")) == "efficientnet_lite0_GradCAM__blocks.15"
    prepared = prepare(lite0, load_sample("chelsea"))
    cell = ("_blocks.15", "GradCAM")
    meta = map_metadata(
        lite0, "chelsea", cell, result.layer_map(cell), request, render.Display(threshold=0.2), prepared.predictions
    )
    assert meta["target_label"] == "Egyptian cat" and meta["minus_class"] is None
    assert meta["activation_shape"] == (320, 7, 7) and meta["threshold"] == 0.2
    assert meta["framing"] == "centre crop"
    letterboxed = map_metadata(
        lite0, "chelsea", cell, result.layer_map(cell), request, render.Display(), prepared.predictions, "fit"
    )
    assert letterboxed["framing"] == "fit (letterbox)"
    assert json.loads(render.metadata_json(meta))["top5"][0]["class"] == prepared.predictions[0].label


def test_layer_tree_is_indented_by_depth(lite0) -> None:
    lines = layer_tree(lite0.layers()).splitlines()
    assert len(lines) == len(lite0.layers())
    assert any(line.startswith("  ") for line in lines) and "Conv2d" in "\n".join(lines)
