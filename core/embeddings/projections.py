"""2-D projections (PCA, UMAP, t-SNE) through `fiftyone.brain.compute_visualization`, stored as brain
runs, plus a score of how far to believe each picture (trustworthiness and kNN preservation).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.errors import UserError

log = logging.getLogger(__name__)

METHODS = ("pca", "umap", "tsne")
METHOD_LABELS = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
# Above these sizes a method takes too long on a small CPU box; the page offers PCA or a sample.
MAX_POINTS = {"pca": 2_000_000, "umap": 100_000, "tsne": 20_000}
QUALITY_SAMPLE = 2_000
QUALITY_NEIGHBORS = 10


class ProjectionError(UserError, RuntimeError):
    """A projection cannot be computed as asked. The message says what to do instead."""


@dataclass(frozen=True)
class Quality:
    trustworthiness: float  # sklearn.manifold.trustworthiness, 1 = no false neighbours in 2-D
    knn_preservation: float  # share of each point's k nearest neighbours that stay neighbours in 2-D
    neighbors: int
    sample_size: int

    @property
    def verdict(self) -> str:
        if self.trustworthiness >= 0.95 and self.knn_preservation >= 0.3:
            return "good: close points in the plot are close in the embedding space"
        if self.trustworthiness >= 0.85:
            return "fair: clusters are meaningful, distances between them less so"
        return "poor: treat neighbourhoods in this plot with suspicion"


@dataclass(frozen=True)
class Projection:
    method: str
    brain_key: str
    sample_ids: list[str]
    points: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    quality: Quality | None = None


def brain_key(embedder: str, method: str) -> str:
    return f"mlstudio_{embedder}_{method}"


def check_size(method: str, n: int) -> None:
    if method not in MAX_POINTS:
        raise ProjectionError(f"Unknown method {method!r}; choose PCA, UMAP or t-SNE.")
    if n > MAX_POINTS[method]:
        raise ProjectionError(
            f"{METHOD_LABELS[method]} on {n:,} samples would take too long here "
            f"(limit {MAX_POINTS[method]:,}). "
            f"Use PCA, or project a random sample of at most {MAX_POINTS[method]:,} samples."
        )


def brain_kwargs(method: str, params: dict[str, Any]) -> dict[str, Any]:
    seed = int(params.get("seed", 51))
    if method == "pca":
        # scikit-learn's "auto" picks the covariance eigensolver for tall data (n >= 10 d, d <= 1000):
        # exact, ~15x faster than the full SVD on 70k x 784 and faster than brain's default randomized
        # SVD in 2 of 3 runs on this busy 2-core box, 15x on digits (see bench/bench_embeddings.py).
        return {"svd_solver": params.get("svd_solver", "auto"), "seed": seed}
    if method == "umap":
        return {
            "num_neighbors": int(params.get("num_neighbors", 15)),
            "min_dist": float(params.get("min_dist", 0.1)),
            "metric": params.get("metric", "euclidean"),
            # No seed unless asked: umap-learn runs single-threaded with one (about 2x slower on 2 cores
            # for 70k points). The result is stored as a brain run, so the picture persists anyway.
            "seed": params.get("seed"),
            "verbose": False,
        }
    return {
        "perplexity": float(params.get("perplexity", 30.0)),
        "learning_rate": float(params.get("learning_rate", 200.0)),
        "max_iters": int(params.get("max_iters", 1000)),
        "pca_dims": min(50, int(params.get("pca_dims", 50))),
        "seed": seed,
        "verbose": False,
    }


def compute_projection(
    dataset: Any,
    sample_ids: Sequence[str],
    embeddings: np.ndarray,
    method: str,
    embedder: str,
    params: dict[str, Any] | None = None,
) -> Projection:
    """Project `embeddings` (row i = sample_ids[i]) and store the result as a brain run on `dataset`."""
    import fiftyone.brain as fob

    params = dict(params or {})
    check_size(method, len(sample_ids))
    if len(sample_ids) < 5:
        raise ProjectionError("A projection needs at least 5 samples.")
    kwargs = brain_kwargs(method, params)
    if method == "tsne" and embeddings.shape[1] <= kwargs["pca_dims"]:
        kwargs["pca_dims"] = None  # already low-dimensional: no PCA step before t-SNE
    key = brain_key(embedder, method)
    if key in dataset.list_brain_runs():
        dataset.delete_brain_run(key)
    view = dataset.select(list(sample_ids), ordered=True)
    try:
        results = fob.compute_visualization(
            view, embeddings=embeddings, method=method, brain_key=key, num_dims=2, progress=False, **kwargs
        )
    except (ValueError, MemoryError) as exc:
        log.exception("projection failed")
        raise ProjectionError(f"{METHOD_LABELS[method]} failed: {exc}. Try PCA or other parameters.") from None
    points = np.asarray(results.points, dtype=np.float32)
    quality = projection_quality(embeddings, points)
    store_quality(dataset, key, params, quality)
    return Projection(method, key, list(results.sample_ids), points, params, quality)


def load_projection(
    dataset: Any, embedder: str, method: str, sample_ids: Sequence[str], exact: bool = True
) -> Projection | None:
    """The stored brain run for (embedder, method) if it covers exactly these samples; with `exact=False`
    also one that covers only some of them (a random sample, or before samples were added or deleted)."""
    key = brain_key(embedder, method)
    if key not in dataset.list_brain_runs():
        return None
    try:
        results = dataset.load_brain_results(key)
    except Exception:
        log.warning("could not load brain run %s", key, exc_info=True)
        return None
    ids = [str(i) for i in results.sample_ids]
    if ids != list(sample_ids) and (exact or not set(ids) & set(sample_ids)):
        return None
    stored = dataset.info.get("mlstudio_projections", {}).get(key, {})
    quality = Quality(**stored["quality"]) if "quality" in stored else None
    return Projection(method, key, ids, np.asarray(results.points, np.float32), stored.get("params", {}), quality)


def store_quality(dataset: Any, key: str, params: dict[str, Any], quality: Quality) -> None:
    info = dict(dataset.info.get("mlstudio_projections", {}))
    info[key] = {"params": params, "quality": quality.__dict__}
    dataset.info["mlstudio_projections"] = info
    dataset.save()


def projection_quality(
    embeddings: np.ndarray,
    points: np.ndarray,
    neighbors: int = QUALITY_NEIGHBORS,
    sample: int = QUALITY_SAMPLE,
    seed: int = 0,
) -> Quality:
    """Trustworthiness and kNN preservation on (a random sample of at most `sample`) points."""
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import NearestNeighbors

    n = len(points)
    rows = np.arange(n)
    if n > sample:
        rows = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    high, low = embeddings[rows], points[rows]
    k = max(1, min(neighbors, len(rows) // 2 - 1))
    trust = float(trustworthiness(high, low, n_neighbors=k))
    high_nn = NearestNeighbors(n_neighbors=k + 1).fit(high).kneighbors(return_distance=False)
    low_nn = NearestNeighbors(n_neighbors=k + 1).fit(low).kneighbors(return_distance=False)
    kept = [len(set(a[:k]) & set(b[:k])) / k for a, b in zip(high_nn, low_nn, strict=True)]
    return Quality(round(trust, 4), round(float(np.mean(kept)), 4), k, len(rows))


KEPT_LIMIT = 20_000  # above, a random sample of this many points is measured (the others are left blank)


def neighbours_kept_per_point(
    embeddings: np.ndarray, points: np.ndarray, neighbors: int = QUALITY_NEIGHBORS, seed: int = 0
) -> np.ndarray:
    """For each point, the share of its `neighbors` nearest neighbours in the embedding space that are also
    among its nearest in the 2-D map (NaN for points outside the measured sample): where distances in the
    plot can be believed, point by point."""
    from sklearn.neighbors import NearestNeighbors

    n = len(points)
    kept = np.full(n, np.nan, dtype=np.float32)
    rows = np.arange(n)
    if n > KEPT_LIMIT:
        rows = np.sort(np.random.default_rng(seed).choice(n, KEPT_LIMIT, replace=False))
    k = max(1, min(neighbors, len(rows) - 1))
    if len(rows) < 2:
        return kept
    high_nn = NearestNeighbors(n_neighbors=k).fit(embeddings[rows]).kneighbors(return_distance=False)
    low_nn = NearestNeighbors(n_neighbors=k).fit(points[rows]).kneighbors(return_distance=False)
    shared = [len(set(a) & set(b)) / k for a, b in zip(high_nn, low_nn, strict=True)]
    kept[rows] = np.asarray(shared, dtype=np.float32)
    return kept
