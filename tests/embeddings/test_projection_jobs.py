"""UMAP / t-SNE in a worker process: the result becomes a brain run; the warm worker is reused; Stop ends it."""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.embeddings import projection_jobs
from core.embeddings.datasets import samples_of
from core.embeddings.projection_jobs import ProjectionJob, start_projection, store_points
from core.embeddings.projections import ProjectionError, load_projection


def wait(job: ProjectionJob, timeout: float = 240.0) -> str:
    deadline = time.monotonic() + timeout
    while (state := job.poll()) == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    return state


def digit_vectors(dataset: Any) -> tuple[list[str], np.ndarray]:
    from sklearn.datasets import load_digits

    samples = samples_of(dataset)
    # the digits PNGs are written in load_digits order: file NNNN.png is row NNNN
    rows = [int(Path(p).stem) for p in samples.filepaths]
    return samples.ids, load_digits().data[rows].astype(np.float32)


def test_umap_job_result_is_stored_as_a_brain_run(small_digits: Any, tmp_path: Path) -> None:
    ids, vectors = digit_vectors(small_digits)
    params = {"num_neighbors": 10, "seed": 3}
    job = start_projection(tmp_path, small_digits.name, ids, vectors, "umap", "pixels", params)
    worker = job.worker
    assert worker is not None
    assert wait(job) == "done", job.error()
    assert projection_jobs._spare == [worker]  # given back, warm, for the next run
    projection = store_points(small_digits, job)
    assert projection.points.shape == (len(ids), 2)
    assert projection.quality is not None and projection.quality.trustworthiness > 0.8
    assert not job.folder.exists()  # the exchange files are removed
    again = load_projection(small_digits, "pixels", "umap", ids)
    assert again is not None
    np.testing.assert_allclose(again.points, projection.points)

    second = start_projection(tmp_path, small_digits.name, ids, vectors, "tsne", "pixels", {"max_iters": 250})
    assert second.worker is worker  # the same warm process
    assert wait(second) == "done", second.error()


def test_stop_ends_the_worker_process_at_once(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6_000, 64)).astype(np.float32)
    ids = [f"id{i}" for i in range(len(vectors))]
    job = start_projection(tmp_path, "none", ids, vectors, "tsne", "pixels", {"max_iters": 2000})
    time.sleep(1.0)
    assert job.poll() == "running"
    assert job.worker is not None
    process = job.worker.process
    started = time.monotonic()
    job.stop()
    assert time.monotonic() - started < 5.0
    assert process.poll() is not None  # ended
    assert job.poll() == "stopped"
    assert not job.folder.exists()


def test_the_worker_does_not_run_the_page_that_started_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Streamlit runs a page as the module `__main__`; a multiprocessing "spawn" child would import it again.
    marker = tmp_path / "page-ran"
    page = tmp_path / "page.py"
    page.write_text(f"from pathlib import Path\nPath({str(marker)!r}).touch()\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    worker = projection_jobs.Worker()
    try:
        assert worker.wait_ready(180), "the worker did not warm up"
        assert not marker.exists()
    finally:
        worker.kill()
    assert not worker.alive()


def test_a_failing_run_reports_what_went_wrong(tmp_path: Path) -> None:
    vectors = np.random.default_rng(1).normal(size=(50, 8)).astype(np.float32)
    job = start_projection(
        tmp_path, "none", [str(i) for i in range(50)], vectors, "umap", "pixels", {"metric": "no-such"}
    )
    assert wait(job) == "failed"
    assert job.error().startswith("UMAP failed:")
    assert "Try PCA" in job.error()


def test_sizes_beyond_the_limit_are_refused_before_starting(tmp_path: Path) -> None:
    with pytest.raises(ProjectionError, match="random sample"):
        start_projection(tmp_path, "none", ["x"] * 20_001, np.zeros((20_001, 2), np.float32), "tsne", "pixels")


def test_a_large_dataset_has_nn_descent_compiled_in_the_spare_worker_before_its_run(tmp_path: Path) -> None:
    """Above 4,096 points UMAP runs NN-descent, which numba compiles per process: the spare worker does it
    when the page asks for it (warm_worker with the dataset's size), and a job sent meanwhile still runs."""
    projection_jobs.shutdown_workers()
    small = projection_jobs.warm_worker(1_000)
    assert not small.large_asked  # exact neighbours: nothing more to compile
    worker = projection_jobs.warm_worker(5_000)
    assert worker is small and worker.large_asked
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    job = start_projection(tmp_path, "none", [f"id{i}" for i in range(300)], vectors, "umap", "pixels")
    assert job.worker is worker
    assert wait(job, 400) == "done", job.error()  # queued behind the compilation, then run
    deadline = time.monotonic() + 60
    while not worker.large_ready and time.monotonic() < deadline:
        worker.idle()
        time.sleep(0.2)
    assert worker.large_ready
