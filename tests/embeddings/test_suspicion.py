"""Suspected label errors on digits with 5% of labels flipped on purpose, labels stored in FiftyOne."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from core.embeddings.datasets import LABEL_FIELD, samples_of
from core.embeddings.embedders import embed
from core.embeddings.suspicion import knn_labels, relabel_effect, stored_path, stored_suspicion, suspicion


@pytest.fixture(scope="module")
def flipped(fo: ModuleType, digits: Any, data_dir: Path) -> Any:
    name = "digits-flipped-test"
    if fo.dataset_exists(name):
        fo.delete_dataset(name)
    dataset = digits.clone(name, persistent=True)
    samples = samples_of(dataset)
    rng = np.random.default_rng(7)
    flip = rng.choice(len(samples), size=round(0.05 * len(samples)), replace=False)
    labels = list(samples.labels)
    for index in flip:
        labels[index] = str((int(labels[index]) + int(rng.integers(1, 10))) % 10)
    import fiftyone as fo_module

    dataset.set_values(LABEL_FIELD, [fo_module.Classification(label=label) for label in labels])
    yield dataset, set(int(i) for i in flip), samples.labels
    fo.delete_dataset(name)


def test_flipped_labels_rank_in_the_top_ten_percent(flipped: Any, data_dir: Path) -> None:
    dataset, flip, true_labels = flipped
    samples = samples_of(dataset)  # labels as FiftyOne now stores them (with the flips)
    assert sum(a != b for a, b in zip(samples.labels, true_labels, strict=True)) == len(flip)
    vectors = embed(data_dir, "digits", "pixels", samples.filepaths)
    result = suspicion(vectors, samples.labels, k=10)
    top = set(np.argsort(-result.score)[: len(samples) // 10].tolist())
    assert len(flip & top) / len(flip) >= 0.8
    assert result.label_quality is not None and "cleanlab" in result.cleanlab_note
    fixed = [result.proposed[i] == true_labels[i] for i in flip]
    assert np.mean(fixed) >= 0.8  # the neighbours' majority is the true label for most flips
    assert result.suspects[list(flip)].mean() >= 0.8
    assert result.suspects.mean() < 0.15  # and the suspects are not everything


def test_knn_disagreement_and_majority_on_a_toy_case() -> None:
    points = np.array([[0.0], [0.1], [0.2], [0.3], [10.0], [10.1], [10.2]])
    labels = ["a", "a", "b", "a", "c", "c", "c"]
    disagreement, proposed = knn_labels(points, labels, k=2)
    assert proposed[2] == "a" and disagreement[2] == 1.0
    assert proposed[5] == "c" and disagreement[5] == 0.0


def test_cleanlab_is_skipped_with_a_reason_for_tiny_classes() -> None:
    rng = np.random.default_rng(0)
    result = suspicion(rng.normal(size=(12, 4)), ["a"] * 9 + ["b"] * 3)
    assert result.label_quality is None and "fewer than 5" in result.cleanlab_note
    assert result.score.shape == (12,)


def test_small_clean_classes_are_not_suspects_and_a_stray_one_is() -> None:
    # a short talk: three chapters of two or three passages, each chapter a tight group
    rng = np.random.default_rng(0)
    centres = np.eye(3) * 10
    points = np.vstack([centres[c] + rng.normal(scale=0.1, size=3) for c in (0, 0, 0, 1, 1, 2, 2)])
    labels = ["a", "a", "a", "b", "b", "c", "c"]
    clean = suspicion(points, labels)
    assert not clean.suspects.any()
    wrong = suspicion(points, ["a", "a", "c", "b", "b", "c", "c"])  # passage 2 sits with the a's
    assert wrong.suspects[2] and wrong.proposed[2] == "a"


def _clusters(seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5, size=(3, 8))
    points = np.vstack([centres[c] + rng.normal(size=(20, 8)) for c in range(3)]).astype(np.float32)
    labels = [name for name in "abc" for _ in range(20)]
    labels[3] = "b"  # one stray label
    return points, labels


def test_stored_suspicion_is_read_back_equal_and_recomputed_when_labels_change(tmp_path: Path) -> None:
    points, labels = _clusters()
    first = stored_suspicion(tmp_path, "toy", "pixels", points, labels)
    path = stored_path(tmp_path, "toy", "pixels")
    assert path.is_file() and first.label_quality is not None
    written = path.stat().st_mtime_ns
    again = stored_suspicion(tmp_path, "toy", "pixels", points, labels)
    assert path.stat().st_mtime_ns == written  # read, not recomputed
    assert np.array_equal(again.score, first.score) and again.proposed == first.proposed
    assert again.label_quality is not None and np.array_equal(again.label_quality, first.label_quality)
    assert again.cleanlab_issue is not None and again.cleanlab_issue.dtype == bool
    assert np.array_equal(again.suspects, first.suspects) and again.suspects[3]
    assert (again.cleanlab_note, again.predicted, again.neighbors) == (first.cleanlab_note, first.predicted, 10)
    fixed = list(labels)
    fixed[3] = "a"
    after_fix = stored_suspicion(tmp_path, "toy", "pixels", points, fixed)
    assert not after_fix.suspects[3]
    assert np.array_equal(after_fix.score, suspicion(points, fixed).score)


def test_a_broken_stored_suspicion_is_recomputed(tmp_path: Path) -> None:
    points, labels = _clusters(1)
    path = stored_path(tmp_path, "toy", "pixels")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an npz file")
    result = stored_suspicion(tmp_path, "toy", "pixels", points, labels)
    assert np.array_equal(result.score, suspicion(points, labels).score)
    assert stored_suspicion(tmp_path, "toy", "pixels", points, labels).proposed == result.proposed


def test_knn_only_results_are_stored_without_cleanlab_fields(tmp_path: Path) -> None:
    points, labels = _clusters(2)
    first = stored_suspicion(tmp_path, "toy", "pixels", points, labels, use_cleanlab=False)
    again = stored_suspicion(tmp_path, "toy", "pixels", points, labels, use_cleanlab=False)
    assert again.label_quality is None and again.cleanlab_issue is None
    assert np.array_equal(again.score, first.score) and again.cleanlab_note == "kNN disagreement only"


def test_fixing_flipped_labels_raises_the_estimated_agreement(flipped: Any, data_dir: Path) -> None:
    dataset, _, true_labels = flipped
    samples = samples_of(dataset)
    vectors = embed(data_dir, "digits", "pixels", samples.filepaths)
    effect = relabel_effect(vectors, samples.labels, true_labels)
    assert effect is not None and effect.samples == len(samples)
    assert effect.after > effect.before + 0.02  # 5 % of the labels fixed
    worse = relabel_effect(vectors, true_labels, samples.labels)
    assert worse is not None and worse.after < worse.before
    assert f"{effect.before:.1%} → {effect.after:.1%}" in effect.sentence
    one_of_a_class = [*samples.labels[:-1], "a class of one"]
    assert relabel_effect(vectors, samples.labels, one_of_a_class) is None
