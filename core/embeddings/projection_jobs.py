"""UMAP and t-SNE in a worker process, so a long run can be stopped.

Neither umap-learn nor scikit-learn's t-SNE can be interrupted from another thread, so the points are
computed in a separate Python process: stopping it frees the CPU at once, and the app's own threads
(Streamlit, the database client, numba's pool) are never forked. The process is a plain
`python -m core.embeddings.projection_jobs`, not a multiprocessing "spawn" child: spawn re-imports the
parent's `__main__`, which under Streamlit is the page script, so each worker would first run the page.
A fresh process would pay ~20 s of imports and UMAP's numba compilation on every run, so one worker is
kept warm (it loads UMAP's compiled functions on start, from the disk cache core.embeddings.umap_cache
fills at install, or compiles them the first time) and each job takes it; a finished job gives it back, a
stopped one kills it and a new spare starts warming. The embeddings go to the worker as an .npy file,
the points come back the same way; the parent then stores them as a FiftyOne brain run with
`method="manual"` (see `store_points`), so they show up in the FiftyOne App like any other projection.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from core.embeddings.projections import (
    METHOD_LABELS,
    Projection,
    ProjectionError,
    brain_key,
    brain_kwargs,
    check_size,
    projection_quality,
    store_quality,
)
from core.workers import WorkerProcess, child_connection

CHILD_METHODS = ("umap", "tsne")


def compute_points(embeddings: np.ndarray, method: str, params: dict[str, Any]) -> np.ndarray:
    """The 2-D points, with the same settings `fiftyone.brain` would use for this method."""
    kwargs = brain_kwargs(method, params)
    if method == "umap":
        import umap

        reducer = umap.UMAP(
            n_components=2,
            n_neighbors=kwargs["num_neighbors"],
            min_dist=kwargs["min_dist"],
            metric=kwargs["metric"],
            random_state=kwargs["seed"],
        )
        return np.asarray(reducer.fit_transform(embeddings), dtype=np.float32)
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    x = embeddings
    if kwargs["pca_dims"] and x.shape[1] > kwargs["pca_dims"] and len(x) > kwargs["pca_dims"]:
        x = PCA(n_components=kwargs["pca_dims"], svd_solver="randomized", random_state=kwargs["seed"]).fit_transform(x)
    perplexity = min(kwargs["perplexity"], max(1.0, (len(x) - 1) / 3))
    tsne = TSNE(
        n_components=2,
        perplexity=perplexity,
        learning_rate=kwargs["learning_rate"],
        max_iter=kwargs["max_iters"],
        random_state=kwargs["seed"],
        init="pca",
    )
    return np.asarray(tsne.fit_transform(x), dtype=np.float32)


def _run_job(folder: str, method: str, params: dict[str, Any]) -> None:
    work = Path(folder)
    try:
        embeddings = np.load(work / "embeddings.npy")
        points = compute_points(embeddings, method, params)
        np.save(work / "points.tmp.npy", points)
        (work / "points.tmp.npy").rename(work / "points.npy")
    except Exception as exc:  # reported to the parent as text; the worker goes on
        (work / "error.txt").write_text(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")


def _warm_up() -> None:
    """Import and compile what the jobs use (UMAP's numba functions), so a job starts computing at once."""
    import warnings

    warnings.filterwarnings("ignore")
    from core.embeddings.umap_cache import enable_umap_cache

    enable_umap_cache()  # load UMAP's compiled functions from disk (filled at install) instead of compiling
    points = np.random.default_rng(0).normal(size=(200, 8)).astype(np.float32)
    with contextlib.suppress(Exception):
        compute_points(points, "umap", {"num_neighbors": 5})
        compute_points(points, "tsne", {"max_iters": 250, "perplexity": 5.0})


WARM_LARGE = "warm-large"
EXACT_NEIGHBOURS_UP_TO = 4_096  # umap-learn's switch from exact neighbours to NN-descent


def _warm_up_large() -> None:
    """Compile NN-descent, which UMAP runs above 4,096 points and numba cannot cache on disk (see
    core.embeddings.umap_cache): 20-40 s, paid here while the user picks the parameters, not in the run."""
    points = np.random.default_rng(0).normal(size=(EXACT_NEIGHBOURS_UP_TO + 104, 8)).astype(np.float32)
    with contextlib.suppress(Exception):
        compute_points(points, "umap", {"num_neighbors": 5})


def _serve(connection: Connection) -> None:
    """The worker's loop: warm up, then run (folder, method, params) jobs one by one until told to stop
    or until the app is gone (its end of the connection closes)."""
    _warm_up()
    with contextlib.suppress(EOFError, OSError):
        connection.send("ready")
        while (message := connection.recv()) is not None:
            if message == WARM_LARGE:
                _warm_up_large()
                connection.send(WARM_LARGE)
                continue
            _run_job(*message)
            connection.send("done")


class Worker:
    """One warm worker process and the connection to it (a socket pair, pickled messages)."""

    def __init__(self) -> None:
        self.handle = WorkerProcess(__name__)
        self.process = self.handle.process
        self.connection = self.handle.connection
        self.ready = False  # warmed up
        self.large_asked = False  # NN-descent's compilation asked for (the datasets above 4,096 points)
        self.large_ready = False
        self._finished = 0

    def warm_large(self) -> None:
        """Compile the path of datasets above 4,096 points now (once per worker), before a job needs it."""
        if not self.large_asked:
            self.large_asked = True
            with contextlib.suppress(OSError):
                self.connection.send(WARM_LARGE)

    def submit(self, folder: Path, method: str, params: dict[str, Any]) -> None:
        self._finished = 0
        self.connection.send((str(folder), method, params))

    def _read(self, timeout: float = 0.0) -> None:
        with contextlib.suppress(EOFError, OSError):
            while self.connection.poll(timeout):
                reply = self.connection.recv()
                if reply == "ready":
                    self.ready = True
                elif reply == WARM_LARGE:
                    self.large_ready = True
                else:
                    self._finished += 1
                timeout = 0.0

    def idle(self) -> bool:
        """True once the job sent last is finished."""
        self._read()
        return self._finished > 0

    def wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.ready and self.alive() and time.monotonic() < deadline:
            self._read(0.2)
        return self.ready

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.handle.kill()


_pool_lock = threading.Lock()
_spare: list[Worker] = []


def warm_worker(points: int = 0) -> Worker:
    """Start a spare worker now if there is none (when a user picks UMAP or t-SNE), so the run is fast;
    for a dataset of more than 4,096 `points` it also compiles UMAP's NN-descent while it waits."""
    with _pool_lock:
        if not (_spare and _spare[0].alive()):
            _spare[:] = [Worker()]
        worker = _spare[0]
        if points > EXACT_NEIGHBOURS_UP_TO:
            worker.warm_large()
        return worker


def _take_worker() -> Worker:
    with _pool_lock:
        worker = _spare.pop() if _spare else None
    return worker if worker is not None and worker.alive() else Worker()


def _give_back(worker: Worker) -> None:
    with _pool_lock:
        if not _spare and worker.alive():
            _spare.append(worker)
            return
    worker.handle.close()


def shutdown_workers() -> None:
    with _pool_lock:
        workers, _spare[:] = list(_spare), []
    for worker in workers:
        worker.kill()


@dataclass
class ProjectionJob:
    """A UMAP/t-SNE run in a worker. Poll `poll()`; `stop()` ends it; `points()` once it is done."""

    dataset_name: str
    method: str
    embedder: str
    sample_ids: list[str]
    params: dict[str, Any]
    folder: Path
    worker: Worker | None
    started: float = field(default_factory=time.monotonic)
    stopped: bool = False

    @property
    def label(self) -> str:
        return METHOD_LABELS[self.method]

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def poll(self) -> str:
        """'running', 'done', 'failed' or 'stopped'; a finished job gives its worker back."""
        if self.stopped:
            return "stopped"
        worker = self.worker
        if worker is not None and worker.idle():
            self.worker = None
            _give_back(worker)
        if (self.folder / "points.npy").exists():
            return "done"
        if (self.folder / "error.txt").exists():
            return "failed"
        if worker is not None and worker.alive():
            return "running"
        # the worker is gone without a result: killed (e.g. out of memory) before it could write anything
        return "failed"

    def error(self) -> str:
        path = self.folder / "error.txt"
        first = path.read_text().splitlines()[0] if path.exists() else "the worker process ended without a result"
        return f"{self.label} failed: {first}. Try PCA or other parameters."

    def points(self) -> np.ndarray:
        return np.load(self.folder / "points.npy")

    def stop(self) -> None:
        """End the work now: its worker process is killed (the CPU is free at once), files removed."""
        self.stopped = True
        if self.worker is not None:
            self.worker.kill()
            self.worker = None
        self.cleanup()

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def start_projection(
    work_dir: Path,
    dataset_name: str,
    sample_ids: Sequence[str],
    embeddings: np.ndarray,
    method: str,
    embedder: str,
    params: dict[str, Any] | None = None,
) -> ProjectionJob:
    """Start UMAP or t-SNE of `embeddings` (row i = sample_ids[i]) in a worker process."""
    if method not in CHILD_METHODS:
        raise ProjectionError(f"{METHOD_LABELS.get(method, method)} runs in the page directly; no job needed.")
    check_size(method, len(sample_ids))
    if len(sample_ids) < 5:
        raise ProjectionError("A projection needs at least 5 samples.")
    work_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{method}-", dir=work_dir))
    np.save(folder / "embeddings.npy", np.ascontiguousarray(embeddings, dtype=np.float32))
    params = dict(params or {})
    worker = _take_worker()
    worker.submit(folder, method, params)
    return ProjectionJob(dataset_name, method, embedder, list(sample_ids), params, folder, worker)


def store_points(dataset: Any, job: ProjectionJob) -> Projection:
    """Save a finished job's points as a FiftyOne brain run (method "manual") on `dataset` (the job's),
    with its quality score."""
    import fiftyone.brain as fob

    points = job.points()
    embeddings = np.load(job.folder / "embeddings.npy")
    key = brain_key(job.embedder, job.method)
    if key in dataset.list_brain_runs():
        dataset.delete_brain_run(key)
    view = dataset.select(job.sample_ids, ordered=True)
    results = fob.compute_visualization(view, points=points, method="manual", brain_key=key, num_dims=2)
    quality = projection_quality(embeddings, points)
    params = dict(job.params, computed_by=job.method)
    store_quality(dataset, key, params, quality)
    job.cleanup()
    return Projection(job.method, key, [str(i) for i in results.sample_ids], points, params, quality)


if __name__ == "__main__":  # the worker process: argv[1] is its end of the socket pair
    _serve(child_connection(sys.argv))
