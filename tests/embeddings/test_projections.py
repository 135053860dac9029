"""Projections via fiftyone.brain, stored as brain runs, with a quality score."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.embeddings import projections as pj
from core.embeddings.datasets import samples_of
from core.embeddings.embedders import embed


def test_pca_is_stored_as_a_brain_run_and_reloads(digits: Any, data_dir: Path) -> None:
    samples = samples_of(digits)
    vectors = embed(data_dir, digits.name, "pixels", samples.filepaths)
    projection = pj.compute_projection(digits, samples.ids, vectors, "pca", "pixels")
    assert projection.points.shape == (1797, 2)
    assert projection.sample_ids == samples.ids
    assert "mlstudio_pixels_pca" in digits.list_brain_runs()
    assert digits.get_brain_info("mlstudio_pixels_pca").config.method == "pca"
    expected = vectors - vectors.mean(axis=0)
    top = np.linalg.svd(expected, full_matrices=False)[2][:2]
    assert np.allclose(np.abs(expected @ top.T), np.abs(projection.points), atol=1e-2)
    again = pj.load_projection(digits, "pixels", "pca", samples.ids)
    assert again is not None and np.allclose(again.points, projection.points)
    assert again.quality == projection.quality
    assert 0.5 < projection.quality.trustworthiness < 1.0
    assert pj.load_projection(digits, "pixels", "pca", samples.ids[:-1]) is None


def test_tsne_on_a_subset_separates_better_than_pca(digits: Any, data_dir: Path) -> None:
    samples = samples_of(digits)
    ids, paths = samples.ids[::6], samples.filepaths[::6]
    vectors = embed(data_dir, digits.name, "pixels", paths)
    tsne = pj.compute_projection(digits, ids, vectors, "tsne", "pixels", {"max_iters": 300, "perplexity": 20})
    assert tsne.points.shape == (len(ids), 2)
    assert "mlstudio_pixels_tsne" in digits.list_brain_runs()
    pca_quality = pj.projection_quality(vectors, vectors @ np.linalg.svd(vectors - vectors.mean(0))[2][:2].T)
    assert tsne.quality.trustworthiness > pca_quality.trustworthiness


def test_quality_is_perfect_for_an_isometry_and_poor_for_noise() -> None:
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(400, 2))
    high = np.hstack([plane, np.zeros((400, 3))])
    perfect = pj.projection_quality(high, plane)
    assert perfect.trustworthiness > 0.999 and perfect.knn_preservation > 0.99
    noise = pj.projection_quality(rng.normal(size=(400, 10)), rng.normal(size=(400, 2)))
    assert noise.trustworthiness < 0.7 and noise.knn_preservation < 0.1
    assert "poor" in noise.verdict


def test_neighbours_kept_per_point_marks_where_the_map_misleads(monkeypatch) -> None:
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(400, 2))
    high = np.hstack([plane, np.zeros((400, 3))])
    torn = plane.copy()
    torn[:40] = rng.normal(size=(40, 2)) * 3  # 40 points thrown to random places on the map
    kept = pj.neighbours_kept_per_point(high, torn)
    assert kept.shape == (400,) and not np.isnan(kept).any()
    assert kept[:40].mean() < 0.15 and kept[40:].mean() > 0.6
    np.testing.assert_allclose(pj.neighbours_kept_per_point(high, plane), 1.0)
    monkeypatch.setattr(pj, "KEPT_LIMIT", 100)
    sampled = pj.neighbours_kept_per_point(high, plane)
    assert int((~np.isnan(sampled)).sum()) == 100  # beyond the limit, a sample is measured


def test_too_many_points_for_tsne_says_what_to_do() -> None:
    with pytest.raises(pj.ProjectionError, match="Use PCA, or project a random sample"):
        pj.check_size("tsne", 70_000)
    pj.check_size("pca", 70_000)


def test_a_stored_projection_of_some_samples_reloads_when_not_exact(digits: Any, data_dir: Path) -> None:
    from core.embeddings.explore import map_entry

    samples = samples_of(digits)
    ids, paths = samples.ids[::3], samples.filepaths[::3]
    vectors = embed(data_dir, digits.name, "pixels", paths)
    stored = pj.compute_projection(digits, ids, vectors, "pca", "pixels_subset_test")
    assert pj.load_projection(digits, "pixels_subset_test", "pca", samples.ids) is None  # exact: not these samples
    again = pj.load_projection(digits, "pixels_subset_test", "pca", samples.ids, exact=False)
    assert again is not None and again.sample_ids == ids and np.allclose(again.points, stored.points)
    assert pj.load_projection(digits, "pixels_subset_test", "pca", ["nope"] * 5, exact=False) is None
    entry = map_entry(again, samples)
    assert set(entry.xy) == set(paths) and entry.brain_key == "mlstudio_pixels_subset_test_pca"
    digits.delete_brain_run("mlstudio_pixels_subset_test_pca")
