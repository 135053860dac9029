"""Embeddings (with progress bars for weights and files not embedded yet) and suspicion, cached per dataset,
embedder and labels."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from components.embeddings import resources as embeddings_resources
from components.embeddings.datasets import OpenDataset
from core.embeddings.embedders import EMBEDDERS, EmbeddingError, embed, fetch_weights, missing_count, weights_ready
from core.embeddings.suspicion import Suspicion

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Analysis:
    vectors: np.ndarray  # row i: the embedding of samples[i]
    suspicion: Suspicion


def _advance(bar: Any, done: int, total: int, text: str) -> None:
    bar.progress(done / max(total, 1), text=text)


def analysed(data_dir: Path, data: OpenDataset, embedder: str) -> Analysis:
    """The dataset's embeddings and suspicion; an embedding failure is an error message and stops the page."""
    samples, label = data.samples, EMBEDDERS[embedder].label
    try:
        todo = missing_count(data_dir, data.name, embedder, samples.filepaths)
        if todo and not weights_ready(embedder):
            bar = st.progress(0.0, text=f"Downloading the weights of {label} (once)...")
            fetch_weights(
                embedder,
                lambda done, total: _advance(
                    bar, done, total, f"Downloading the weights of {label}: {done / 1e6:.0f}/{total / 1e6:.0f} MB"
                ),
            )
            bar.empty()
        if todo:
            bar = st.progress(0.0, text=f"Embedding {todo} {data.item} with {label}...")
            embed(
                data_dir,
                data.name,
                embedder,
                samples.filepaths,
                lambda done, total: _advance(bar, done, total, f"Embedding {done}/{total} {data.item}..."),
            )
            bar.empty()
        with st.spinner("Looking for suspected label errors...", show_time=True):
            vectors, suspicion = embeddings_resources.analysis(
                str(data_dir), data.name, embedder, tuple(samples.filepaths), tuple(samples.labels)
            )
    except (EmbeddingError, ValueError) as exc:
        log.exception("embedding failed")
        st.error(f"Could not embed this dataset: {exc}")
        st.stop()
    return Analysis(vectors, suspicion)
