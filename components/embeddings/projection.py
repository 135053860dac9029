"""The projection: its settings panel, and the points on screen (a stored brain run, an instant PCA, or a
UMAP / t-SNE running in a worker with progress and Stop)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import streamlit as st

from components.embeddings import state as keys
from components.embeddings.analysis import Analysis
from components.embeddings.datasets import OpenDataset
from components.embeddings.state import EmbeddingsState, seed, set_view
from components.shared.flash import flash, show_flashes
from components.shared.memo import forget, memo_value, session_memo
from components.shared.text import markdown_text
from core.embeddings.explore import MapEntry, map_entry, sample_rows
from core.embeddings.projection_jobs import start_projection, store_points, warm_worker
from core.embeddings.projections import (
    MAX_POINTS,
    METHOD_LABELS,
    Projection,
    ProjectionError,
    compute_projection,
    load_projection,
)
from core.embeddings.view import ITERATIONS, MIN_DIST, NEIGHBORS, PERPLEXITY, Method, TsneSettings, UmapSettings

log = logging.getLogger(__name__)
ProjectionKey = tuple[str, str, str]  # (dataset, embedder, method)


@dataclass(frozen=True)
class ProjectionRequest:
    method: Method
    params: dict[str, object]
    rows: np.ndarray  # which samples to project (all, or a random sample)
    run: bool  # Compute was pressed


def projection_settings(state: EmbeddingsState, method: Method, n_samples: int) -> ProjectionRequest:
    """The "<method> settings" expander: the method's sliders, a random-sample switch, and Compute."""
    label = METHOD_LABELS[method]
    with st.expander(f"{label} settings", icon=":material/tune:"):
        if method == "umap":
            seed(keys.UMAP_NEIGHBORS, state.view.umap.num_neighbors)
            seed(keys.UMAP_MIN_DIST, state.view.umap.min_dist)
            neighbors = st.slider("Neighbours", int(NEIGHBORS.low), int(NEIGHBORS.high), key=keys.UMAP_NEIGHBORS)
            min_dist = st.slider("Minimum distance", MIN_DIST.low, MIN_DIST.high, key=keys.UMAP_MIN_DIST)
            set_view(state, umap=UmapSettings(int(neighbors), float(min_dist)))
        elif method == "tsne":
            seed(keys.TSNE_PERPLEXITY, state.view.tsne.perplexity)
            seed(keys.TSNE_ITERS, state.view.tsne.max_iters)
            perplexity = st.slider("Perplexity", PERPLEXITY.low, PERPLEXITY.high, key=keys.TSNE_PERPLEXITY)
            iters = st.slider(
                "Iterations",
                int(ITERATIONS.low),
                int(ITERATIONS.high),
                step=int(ITERATIONS.step or 1),
                key=keys.TSNE_ITERS,
            )
            set_view(state, tsne=TsneSettings(float(perplexity), int(iters)))
        else:
            st.caption("PCA has no settings worth tuning here: it is exact and instant, and shown first.")
        limit = MAX_POINTS[method]
        use_sample = n_samples > limit and st.checkbox(
            f"Project a random sample of {limit:,} samples",
            key=keys.USE_SAMPLE,
            help=f"{label} is limited to {limit:,} samples here.",
        )
        run = st.button(f"Compute {label}", key=keys.RUN, type="primary")
    rows = sample_rows(n_samples, limit) if use_sample else np.arange(n_samples)
    return ProjectionRequest(method, state.view.params(), rows, run)


def _stored_or_pca(data: OpenDataset, analysis: Analysis, request: ProjectionRequest, embedder: str) -> MapEntry | None:
    """The brain run stored for this dataset, embedder and method; else PCA computed now; else None."""
    samples = data.samples
    projection = load_projection(data.dataset, embedder, request.method, samples.ids, exact=request.method == "pca")
    if projection is None and request.method == "pca":
        projection = _pca(data, analysis, request, embedder)
    return None if projection is None else map_entry(projection, samples)


def _pca(data: OpenDataset, analysis: Analysis, request: ProjectionRequest, embedder: str) -> Projection:
    ids = [data.samples.ids[i] for i in request.rows]
    with st.spinner(f"Computing PCA of {len(ids):,} samples...", show_time=True):
        return compute_projection(data.dataset, ids, analysis.vectors[request.rows], "pca", embedder, request.params)


def projected_map(
    fo: ModuleType,
    jobs_dir: Path,
    state: EmbeddingsState,
    data: OpenDataset,
    analysis: Analysis,
    request: ProjectionRequest,
    embedder: str,
) -> MapEntry:
    """The points to draw. Without any yet (UMAP / t-SNE not computed), say how to get them and stop."""
    key: ProjectionKey = (data.name, embedder, request.method)
    if request.method != "pca":
        # UMAP/t-SNE run in a worker process (so Stop works); it compiles while the user reads
        warm_worker(len(analysis.vectors) if request.method == "umap" else 0)
    try:
        if request.run and request.method != "pca":
            _start_job(jobs_dir, state, data, analysis, request, embedder, key)
        else:
            if request.run:
                forget(keys.PROJECTION_MEMO)
            session_memo(keys.PROJECTION_MEMO, key, lambda: _stored_or_pca(data, analysis, request, embedder))
    except ProjectionError as exc:
        st.warning(markdown_text(str(exc)))
    show_flashes(keys.JOB_NEWS)
    if state.job is not None:
        job_panel(fo, state, data, key)
    entry = memo_value(keys.PROJECTION_MEMO, key)
    if not isinstance(entry, MapEntry):
        if state.job is None:
            label = METHOD_LABELS[request.method]
            st.info(
                f"{label} has not been computed for this dataset and embedding yet. "
                f"Open “{label} settings” and press Compute (PCA is instant).",
                icon=":material/info:",
            )
        st.stop()
    return entry


def _start_job(
    jobs_dir: Path,
    state: EmbeddingsState,
    data: OpenDataset,
    analysis: Analysis,
    request: ProjectionRequest,
    embedder: str,
    key: ProjectionKey,
) -> None:
    if state.job is not None:
        state.job.stop()
        state.job = None
    state.job = start_projection(
        jobs_dir,
        data.name,
        [data.samples.ids[i] for i in request.rows],
        analysis.vectors[request.rows],
        request.method,
        embedder,
        request.params,
    )
    state.job_key = key


@st.fragment(run_every=1.0)
def job_panel(fo: ModuleType, state: EmbeddingsState, data: OpenDataset, key: ProjectionKey) -> None:
    """Progress of the running UMAP/t-SNE with a Stop button; stores the result when it is done."""
    job = state.job
    if job is None:
        return
    status = job.poll()
    if status == "running":
        cols = st.columns([5, 1], vertical_alignment="center")
        cols[0].info(
            f"Computing {job.label} of {len(job.sample_ids):,} samples of {job.dataset_name} in the background: "
            f"{job.elapsed:.0f} s so far. You can keep working with the current picture.",
            icon=":material/hourglass_top:",
        )
        if cols[1].button("Stop", key=keys.STOP_JOB, icon=":material/stop:"):
            job.stop()
            state.job = None
            flash(keys.JOB_NEWS, "warning", f"Stopped {job.label} after {job.elapsed:.0f} s; nothing was changed.")
            st.rerun()
        return
    state.job = None
    if status == "done":
        try:
            projection = store_points(fo.load_dataset(job.dataset_name), job)
        except Exception:  # the points are lost; the user can compute again
            log.exception("storing a projection failed")
            flash(
                keys.JOB_NEWS,
                "warning",
                f"{job.label} finished but could not be saved in FiftyOne. Press Compute again.",
            )
        else:
            if state.job_key == key:
                forget(keys.PROJECTION_MEMO)
                session_memo(keys.PROJECTION_MEMO, key, lambda: map_entry(projection, data.samples))
    else:
        flash(keys.JOB_NEWS, "warning", job.error())
        job.cleanup()
    st.rerun()
