"""Faithfulness scores are real computations on the model: checked against direct model calls."""

import numpy as np
import pytest
import torch

from core.vision.cam import SoftmaxTarget, Target, compute_maps
from core.vision.faithfulness import (
    Faithfulness,
    RandomisationStep,
    ScoreTable,
    depends_on_weights,
    random_baseline,
    random_baselines,
    randomisation_check,
    score_maps,
)
from tests.vision.former_path import former_curves


def probability(model, x: torch.Tensor, index: int) -> float:
    with torch.no_grad():
        return float(torch.softmax(model(x), dim=-1)[0, index])


def test_scores_of_a_map_and_the_random_baseline(lite0, chelsea) -> None:
    target = Target(285)
    gradcam = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", target).maps[0].normalized
    baseline = random_baseline(lite0, chelsea, "_blocks.15", target)
    assert baseline.shape == gradcam.shape and not np.allclose(baseline, gradcam)
    np.testing.assert_allclose(baseline, random_baseline(lite0, chelsea, "_blocks.15", target))  # seeded
    seen = []
    scores = score_maps(
        lite0,
        chelsea,
        [gradcam, baseline],
        target,
        road=True,
        road_percentiles=(90,),
        progress=lambda f, _t: seen.append(f),
    )
    assert len(scores) == 2 and seen[-1] == 1.0
    p = probability(lite0.model, chelsea, 285)
    masked = probability(lite0.model, chelsea * torch.from_numpy(gradcam), 285)
    ours = scores[0]
    assert ours.confidence_change == pytest.approx(masked - p, abs=1e-4)
    # deletion starts from the untouched image, insertion ends on it
    assert ours.deletion_curve[0] == pytest.approx(p, abs=1e-4)
    assert ours.insertion_curve[-1] == pytest.approx(p, abs=1e-4)
    assert len(ours.deletion_curve) == 17 and 0 <= ours.deletion_auc <= 1 and 0 <= ours.insertion_auc <= 1
    for s in scores:
        assert -1 <= s.morf <= 1 and -1 <= s.lerf <= 1
        assert s.road_combined == pytest.approx((s.lerf - s.morf) / 2)
    # Grad-CAM on the last block should explain the cat better than random channel weights
    assert ours.insertion_auc - ours.deletion_auc > scores[1].insertion_auc - scores[1].deletion_auc


def test_model_randomisation_changes_the_map_and_not_the_cached_model(lite0, chelsea) -> None:
    before = {k: v.clone() for k, v in lite0.model.state_dict().items()}
    seen: list[tuple[float, str]] = []
    original, steps = randomisation_check(
        lite0, chelsea, "_blocks.15", "GradCAM", Target(285), steps=3, progress=lambda f, t: seen.append((f, t))
    )
    assert len(steps) == 3
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert seen[0][1] == "GradCAM map of the trained model"
    assert any(t.startswith("step 2 of 3: top ") for _, t in seen)
    assert [s.layers_reinitialised for s in steps] == sorted(s.layers_reinitialised for s in steps)
    assert steps[-1].layers_reinitialised > steps[0].layers_reinitialised >= 1
    assert steps[-1].ssim < 0.6 and abs(steps[-1].spearman) < 0.8
    assert all(torch.equal(before[k], v) for k, v in lite0.model.state_dict().items())
    fresh = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", Target(285)).maps[0].normalized
    np.testing.assert_allclose(fresh, original, atol=1e-5)


def per_map_scores(model, x: torch.Tensor, cam: np.ndarray, target: Target, steps: int = 16):
    """The former path, one map at a time: the library's confidence change on this map, then one model
    call with all 17 deletion images and one with all 17 insertion images."""
    from pytorch_grad_cam.metrics.cam_mult_image import CamMultImageConfidenceChange

    probability = SoftmaxTarget(target)
    change = CamMultImageConfidenceChange()(x, cam[None], [probability], model)
    deletion, insertion = former_curves(model, x, cam, probability, steps)
    return float(np.ravel(change)[0]), deletion, insertion


def test_batched_scores_equal_the_per_map_computation(lite0, chelsea) -> None:
    target = Target(285)
    layers = ["_blocks.10", "_blocks.15"]
    maps = [
        m.normalized
        for method in ("GradCAM", "EigenCAM")
        for m in compute_maps(lite0, chelsea, layers, method, target).maps
    ]
    baselines = random_baselines(lite0, chelsea, layers, target)  # one pass for both layers
    for layer, baseline in zip(layers, baselines, strict=True):
        state = np.random.get_state()
        np.random.seed(0)
        one_layer = compute_maps(lite0, chelsea, [layer], "RandomCAM", target).maps[0].normalized
        np.random.set_state(state)
        np.testing.assert_allclose(baseline, one_layer, atol=1e-4)  # one torch thread vs the default: float noise
    threads = torch.get_num_threads()
    labels: list[str] = []
    scores = score_maps(
        lite0, chelsea, [*maps, *baselines], target, road=False, progress=lambda _f, t: labels.append(t)
    )
    assert torch.get_num_threads() == threads  # the scorer's single thread is given back
    assert "scoring map 3 of 6 — deletion curve" in labels and labels[-1] == "scored 6 maps"
    for cam, score in zip([*maps, *baselines], scores, strict=True):
        change, deletion, insertion = per_map_scores(lite0.model, chelsea, cam, target)
        assert score.confidence_change == pytest.approx(change, abs=1e-5)
        np.testing.assert_allclose(score.deletion_curve, deletion, atol=1e-5)
        np.testing.assert_allclose(score.insertion_curve, insertion, atol=1e-5)
        assert np.isnan(score.morf) and np.isnan(score.road_combined)


def _scores(deletion: float, insertion: float) -> Faithfulness:
    nan = float("nan")
    return Faithfulness(0.0, nan, nan, nan, deletion, insertion, (), ())


def test_a_map_beats_random_only_when_both_curves_beat_its_layers_baseline() -> None:
    table = ScoreTable(
        ("GradCAM · a", "HiResCAM · a", "EigenCAM · a", "FullGrad · (all bias layers)", "Random baseline · a"),
        (_scores(0.1, 0.8), _scores(0.1, 0.3), _scores(0.5, 0.8), _scores(0.0, 1.0), _scores(0.3, 0.5)),
    )
    assert [table.beats_random(name) for name in table.names] == [True, False, False, None, None]
    assert not table.has_road


def test_a_map_depends_on_the_weights_when_it_changes_once_every_layer_is_random() -> None:
    flat = np.zeros((2, 2), np.float32)
    changed = [RandomisationStep("x", 1, 0.9, 0.9, flat), RandomisationStep("y", 9, 0.2, 0.3, flat)]
    kept = [RandomisationStep("x", 1, 0.2, 0.3, flat), RandomisationStep("y", 9, 0.7, 0.8, flat)]
    assert depends_on_weights(changed) is True
    assert depends_on_weights(kept) is False  # judged on the last step: every layer re-initialised
    assert depends_on_weights([RandomisationStep("y", 9, -0.6, 0.1, flat)]) is False  # inverted is not changed
    assert depends_on_weights([]) is None


def test_the_deletion_probe_is_a_step_of_the_deletion_curve_and_shows_what_the_model_sees(lite0, chelsea) -> None:
    from core.vision.faithfulness import deletion_probe

    target = Target(285)
    gradcam = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", target).maps[0].normalized
    curve = score_maps(lite0, chelsea, [gradcam], target, road=False, curve_steps=10)[0].deletion_curve
    untouched, p0 = deletion_probe(lite0, chelsea, gradcam, target, 0.0)
    assert p0 == pytest.approx(probability(lite0.model, chelsea, 285), abs=1e-5) == pytest.approx(curve[0], abs=1e-5)
    np.testing.assert_allclose(lite0.to_tensor(untouched), chelsea, atol=0.03)  # the shown picture is the input
    picture, p30 = deletion_probe(lite0, chelsea, gradcam, target, 0.3)
    assert p30 == pytest.approx(curve[3], abs=1e-4)
    assert picture.shape == (224, 224, 3) and not np.array_equal(picture, untouched)
    assert deletion_probe(lite0, chelsea, gradcam, target, 1.0)[1] == pytest.approx(curve[-1], abs=1e-4)
