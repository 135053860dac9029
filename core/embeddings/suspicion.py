"""Suspected label errors: kNN label disagreement in the embedding space, plus cleanlab where it applies.

For every sample:
- `knn_disagreement`: share of its k nearest neighbours (in the embedding space, not the 2-D plot)
  whose label differs from its own;
- `proposed`: the neighbours' majority label, offered as the fix;
- `label_quality`: cleanlab's self-confidence score, from out-of-fold predicted probabilities of a
  logistic regression trained on the embeddings (5-fold cross-validation), when every class has
  enough samples; `cleanlab_issue` marks cleanlab's `find_label_issues` verdict;
- `score` in [0, 1]: the mean of the kNN disagreement and 1 - label quality (kNN only without cleanlab);
- `predicted`: what a model trained on the embeddings says each sample is without having seen its label:
  the out-of-fold logistic regression's class where cleanlab applies, else the neighbours' majority.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

CLEANLAB_MAX_SAMPLES = 60_000
CLEANLAB_MIN_PER_CLASS = 5


@dataclass(frozen=True)
class Suspicion:
    score: np.ndarray  # float, higher = more likely mislabelled
    knn_disagreement: np.ndarray
    proposed: list[str]
    label_quality: np.ndarray | None
    cleanlab_issue: np.ndarray | None
    neighbors: int
    cleanlab_note: str
    predicted: list[str]
    prediction_source: str

    @property
    def suspects(self) -> np.ndarray:
        """Boolean mask: cleanlab flags it, or most neighbours disagree with its label."""
        mask = self.knn_disagreement >= 0.5
        if self.cleanlab_issue is not None:
            mask = mask | self.cleanlab_issue
        return mask


def _reduced(embeddings: np.ndarray, dims: int = 64, seed: int = 0) -> np.ndarray:
    from sklearn.decomposition import PCA

    x = np.asarray(embeddings, dtype=np.float32)
    if x.shape[1] > dims and x.shape[0] > dims:
        x = PCA(n_components=dims, svd_solver="randomized", random_state=seed).fit_transform(x)
    return x


def knn_labels(embeddings: np.ndarray, labels: Sequence[str], k: int = 10) -> tuple[np.ndarray, list[str]]:
    """Per sample: share of its k nearest neighbours with another label, and their majority label."""
    from sklearn.neighbors import NearestNeighbors

    n = len(labels)
    k = max(1, min(k, n - 1))
    neighbours = NearestNeighbors(n_neighbors=k).fit(embeddings).kneighbors(return_distance=False)
    label_array = np.asarray(labels, dtype=object)
    neighbour_labels = label_array[neighbours]
    disagreement = (neighbour_labels != label_array[:, None]).mean(axis=1).astype(np.float32)
    proposed = []
    for own, row in zip(labels, neighbour_labels, strict=True):
        counts = Counter(row.tolist())
        best = max(counts.values())
        winners = [label for label, count in counts.items() if count == best]
        proposed.append(own if own in winners else sorted(winners)[0])
    return disagreement, proposed


def cleanlab_scores(
    embeddings: np.ndarray, labels: Sequence[str], seed: int = 0
) -> tuple[np.ndarray, np.ndarray, list[str]] | str:
    """(label quality, issue mask, out-of-fold predicted label) from cleanlab, or why it does not apply."""
    counts = Counter(labels)
    if len(counts) < 2:
        return "cleanlab needs at least two classes"
    if min(counts.values()) < CLEANLAB_MIN_PER_CLASS:
        return f"cleanlab skipped: a class has fewer than {CLEANLAB_MIN_PER_CLASS} samples"
    if len(labels) > CLEANLAB_MAX_SAMPLES:
        return f"cleanlab skipped above {CLEANLAB_MAX_SAMPLES:,} samples (kNN only)"
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    classes = sorted(counts)
    y = np.array([classes.index(label) for label in labels])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, C=0.5))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    pred_probs = cross_val_predict(model, embeddings, y, cv=folds, method="predict_proba")
    quality = get_label_quality_scores(y, pred_probs).astype(np.float32)
    # n_jobs=1: cleanlab would fork worker processes, which deadlocks inside a threaded server.
    issues = find_label_issues(y, pred_probs, filter_by="prune_by_noise_rate", n_jobs=1)
    predicted = [classes[i] for i in pred_probs.argmax(axis=1)]
    return quality, np.asarray(issues, dtype=bool), predicted


def suspicion(embeddings: np.ndarray, labels: Sequence[str], k: int = 10, use_cleanlab: bool = True) -> Suspicion:
    if len(labels) != len(embeddings):
        raise ValueError("one label per embedding row is needed")
    if len(labels) < 3:
        raise ValueError("at least 3 samples are needed to look for label errors")
    x = _reduced(embeddings)
    # small classes (a short talk's chapters of a few passages): fewer neighbours than a typical class has
    # other members, or every sample of a small class would have most neighbours elsewhere and look suspect
    typical_class = int(np.median(list(Counter(labels).values())))
    k = max(1, min(k, typical_class - 1, len(labels) - 1))
    disagreement, proposed = knn_labels(x, labels, k)
    quality: np.ndarray | None = None
    issues: np.ndarray | None = None
    note = "kNN disagreement only"
    predicted, source = list(proposed), f"majority of the {k} nearest neighbours"
    if use_cleanlab:
        try:
            result = cleanlab_scores(x, labels)
        except Exception as exc:
            log.warning("cleanlab failed", exc_info=True)
            result = f"cleanlab failed ({type(exc).__name__}); kNN only"
        if isinstance(result, str):
            note = result
        else:
            quality, issues, predicted = result
            source = "logistic regression on the embeddings, 5-fold out-of-fold"
            note = f"kNN disagreement + cleanlab ({int(issues.sum())} label issues found)"
    score = disagreement if quality is None else 0.5 * disagreement + 0.5 * (1.0 - quality)
    return Suspicion(np.asarray(score, np.float32), disagreement, proposed, quality, issues, k, note, predicted, source)
