"""Faithfulness scores are real computations on the model: checked against direct model calls."""

import numpy as np
import pytest
import torch

from core.vision.cam import Target, compute_maps
from core.vision.faithfulness import random_baseline, randomisation_check, score_maps


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
    original, steps = randomisation_check(lite0, chelsea, "_blocks.15", "GradCAM", Target(285), steps=3)
    assert len(steps) == 3
    assert [s.layers_reinitialised for s in steps] == sorted(s.layers_reinitialised for s in steps)
    assert steps[-1].layers_reinitialised > steps[0].layers_reinitialised >= 1
    assert steps[-1].ssim < 0.6 and abs(steps[-1].spearman) < 0.8
    assert all(torch.equal(before[k], v) for k, v in lite0.model.state_dict().items())
    fresh = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", Target(285)).maps[0].normalized
    np.testing.assert_allclose(fresh, original, atol=1e-5)
