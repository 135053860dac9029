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

BLAS runs on one thread here: the products are small (1,797 x 64 for digits), and OpenBLAS's threads
waiting on each other on a busy 2-core machine made the cross-validation 20-40 times slower (2-3 s
per logistic-regression fit instead of 0.1 s). `stored_suspicion` keeps the result on disk, keyed by
a hash of the embeddings and labels, so a reload, a second visit or a restarted app reads it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

CLEANLAB_MAX_SAMPLES = 60_000
CLEANLAB_MIN_PER_CLASS = 5
# threadpool_limits sets a process-wide count and restores the one it found: two overlapping calls
# could restore each other's "1" for good, so one computation at a time (each well under a second).
_blas_lock = threading.Lock()


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
    with _blas_lock, threadpool_limits(limits=1, user_api="blas"):
        return _suspicion(embeddings, labels, k, use_cleanlab)


def _suspicion(embeddings: np.ndarray, labels: Sequence[str], k: int, use_cleanlab: bool) -> Suspicion:
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


STORE_VERSION = "1"  # bump when the computation changes, so older stored results are recomputed


def suspicion_key(embeddings: np.ndarray, labels: Sequence[str], k: int, use_cleanlab: bool) -> str:
    digest = hashlib.sha256(f"{STORE_VERSION}|{k}|{use_cleanlab}|{embeddings.shape}".encode())
    digest.update(np.ascontiguousarray(embeddings, dtype=np.float32).tobytes())
    digest.update("\x1f".join(labels).encode())
    return digest.hexdigest()


def stored_path(data_dir: Path, dataset_name: str, embedder: str) -> Path:
    return Path(data_dir).expanduser() / "embeddings" / "cache" / dataset_name / f"{embedder}.suspicion.npz"


def _write(path: Path, key: str, result: Suspicion) -> None:
    arrays = {
        "key": np.array(key),
        "score": result.score,
        "knn_disagreement": result.knn_disagreement,
        "proposed": np.array(result.proposed, dtype=str),
        "predicted": np.array(result.predicted, dtype=str),
        "neighbors": np.array(result.neighbors),
        "cleanlab_note": np.array(result.cleanlab_note),
        "prediction_source": np.array(result.prediction_source),
    }
    if result.label_quality is not None and result.cleanlab_issue is not None:
        arrays["label_quality"] = result.label_quality
        arrays["cleanlab_issue"] = result.cleanlab_issue
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)  # readers see the old file or the new one, never half of one
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _read(path: Path, key: str) -> Suspicion | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            if str(stored["key"]) != key:
                return None
            has_cleanlab = "label_quality" in stored.files
            return Suspicion(
                score=stored["score"],
                knn_disagreement=stored["knn_disagreement"],
                proposed=stored["proposed"].tolist(),
                label_quality=stored["label_quality"] if has_cleanlab else None,
                cleanlab_issue=stored["cleanlab_issue"].astype(bool) if has_cleanlab else None,
                neighbors=int(stored["neighbors"]),
                cleanlab_note=str(stored["cleanlab_note"]),
                predicted=stored["predicted"].tolist(),
                prediction_source=str(stored["prediction_source"]),
            )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        log.warning("ignoring a broken stored suspicion %s: %s", path, exc)
        return None


def stored_suspicion(
    data_dir: Path,
    dataset_name: str,
    embedder: str,
    embeddings: np.ndarray,
    labels: Sequence[str],
    k: int = 10,
    use_cleanlab: bool = True,
) -> Suspicion:
    """`suspicion(...)`, read from the data dir when these embeddings and labels were scored before."""
    key = suspicion_key(embeddings, labels, k, use_cleanlab)
    path = stored_path(data_dir, dataset_name, embedder)
    found = _read(path, key)
    if found is not None:
        return found
    result = suspicion(embeddings, labels, k, use_cleanlab)
    try:
        _write(path, key, result)
    except OSError as exc:  # a full or read-only disk costs the next visit a recomputation, nothing more
        log.warning("could not store suspicion in %s: %s", path, exc)
    return result


EFFECT_LIMIT = 20_000  # above, the same random sample of rows is scored before and after


@dataclass(frozen=True)
class RelabelEffect:
    """How well the embedding's neighbourhoods agree with the labels, before and after a change: the 5-fold
    cross-validated accuracy of a 10-nearest-neighbour classifier (a label set that agrees better with what
    the samples look like scores higher; it is an estimate of consistency, not of truth)."""

    before: float
    after: float
    samples: int

    @property
    def sentence(self) -> str:
        return (
            f"Estimated effect: neighbours agree with the labels {self.before:.1%} → {self.after:.1%} "
            f"(5-fold accuracy of a 10-nearest-neighbour classifier, {self.samples:,} samples)."
        )


def relabel_effect(
    embeddings: np.ndarray, before: Sequence[str], after: Sequence[str], seed: int = 0
) -> RelabelEffect | None:
    """The effect of changing the labels `before` into `after` (both aligned with `embeddings`); None when
    there are too few samples per class to cross-validate."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    rows = np.arange(len(embeddings))
    if len(rows) > EFFECT_LIMIT:
        rows = np.sort(np.random.default_rng(seed).choice(len(rows), EFFECT_LIMIT, replace=False))
    x = _reduced(np.asarray(embeddings, dtype=np.float32)[rows])
    scores = []
    for labels in (before, after):
        y = np.asarray(labels, dtype=object)[rows].astype(str)
        if min(Counter(y).values()) < 5:
            return None
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        with threadpool_limits(1):
            scores.append(float(cross_val_score(KNeighborsClassifier(10), x, y, cv=folds).mean()))
    return RelabelEffect(scores[0], scores[1], len(rows))
