"""Where the samples come from: the FiftyOne store, the three ways to add a dataset, and the dataset picker."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import streamlit as st

from components.embeddings import resources as embeddings_resources
from components.embeddings import state as keys
from components.embeddings.state import EmbeddingsState, seed, set_view
from components.shared import resources as shared_resources
from components.shared.flash import flash, show_flashes
from components.shared.space import owner_space
from components.shared.text import markdown_text
from components.videos.resources import library as video_library
from core.ai.base import Segment
from core.config import Settings
from core.embeddings.datasets import (
    DIGITS_NAME,
    ZOO_DATASETS,
    DatasetError,
    Samples,
    digits_dataset,
    import_zip,
    load_dataset,
    name_for_upload,
    samples_of,
    zoo_dataset,
)
from core.embeddings.explore import known_selection
from core.embeddings.store import RESTARTED_MESSAGE, DatabaseRestarted, StoreError, reset_failure, restart_if_stopped
from core.embeddings.text_datasets import Passage, dataset_kind, passages_of, transcript_dataset
from core.spaces import Space
from core.videos.transcript import format_timestamp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenDataset:
    """The dataset on screen: its FiftyOne object, what it holds, and (for transcripts) the passages."""

    dataset: Any
    kind: str  # "image" or "text"
    samples: Samples
    passages: dict[str, Passage]

    @property
    def name(self) -> str:
        return str(self.dataset.name)

    @property
    def item(self) -> str:
        return "passages" if self.kind == "text" else "images"


def store_or_stop(data_dir: Path) -> ModuleType:
    """The FiftyOne module with its database running; if it cannot start, say so with a retry and stop.

    A database that stopped since the last run (mongod killed, out of memory) is noticed with a short
    ping and started again; the user is told and presses Try again, instead of waiting on every action.
    """
    try:
        with st.spinner("Starting the FiftyOne database (first time takes a few seconds)...", show_time=True):
            fo = embeddings_resources.store(str(data_dir))
            if restart_if_stopped(data_dir):
                raise DatabaseRestarted()
        return fo
    except DatabaseRestarted as exc:
        _stop_with_retry(str(exc), st.warning)
    except StoreError as exc:
        _stop_with_retry(str(exc), st.error)
    raise AssertionError("not reached: st.stop() ends the run")


@contextmanager
def database_faults(data_dir: Path) -> Iterator[None]:
    """Around the page's work: a database lost in the middle of an action is restarted, with Try again."""
    import pymongo.errors

    try:
        yield
    except pymongo.errors.ConnectionFailure:
        log.warning("the FiftyOne database did not answer during an action", exc_info=True)
        try:
            restarted = restart_if_stopped(data_dir)
        except StoreError as exc:
            _stop_with_retry(str(exc), st.error)
        _stop_with_retry(
            RESTARTED_MESSAGE if restarted else "The dataset database did not answer in time. Press Try again.",
            st.warning,
        )


def _stop_with_retry(message: str, show: Callable[..., Any]) -> NoReturn:
    show(message, icon=":material/database:")
    if st.button("Try again", key=keys.RETRY_STORE, type="primary"):
        reset_failure()
        st.rerun()
    st.stop()


def _add(space: Space, spinner: str, load: Callable[[], tuple[Any, str]]) -> None:
    """Run an import; on success select the new dataset and say what it holds, else say what went wrong."""
    try:
        with st.spinner(spinner, show_time=True):
            dataset, summary = load()
    except DatasetError as exc:
        st.error(markdown_text(str(exc)))
        return
    shown = space.shown_dataset_name(dataset.name)
    st.session_state[keys.DATASET] = shown
    flash(keys.IMPORTED, "success", f"Added {shown}: {summary}.")
    st.rerun()


def add_dataset_panels(fo: ModuleType, settings: Settings) -> None:
    """Three expanders: a zip of class folders, a FiftyOne zoo dataset, a Talk to Videos transcript."""
    space = owner_space(settings)
    with st.expander("Add a dataset: upload a zip of class folders", icon=":material/upload:"):
        st.caption("One folder per class with the images inside (cat/1.jpg, dog/2.png, ...). Other files are skipped.")
        upload = st.file_uploader(
            "Zip file", type=["zip"], key=keys.UPLOAD, max_upload_size=settings.mlstudio_max_upload_mb
        )
        new_name = st.text_input("Dataset name", key=keys.UPLOAD_NAME, placeholder="my-images")
        if st.button("Import into FiftyOne", key=keys.IMPORT_ZIP, disabled=upload is None) and upload is not None:
            load = partial(_from_zip, fo, space, upload.getvalue(), new_name, upload.name)
            _add(space, "Checking and importing the images...", load)
    with st.expander("Add a dataset: FiftyOne zoo (needs internet the first time)", icon=":material/cloud_download:"):
        cols = st.columns(3)
        zoo_name = str(
            cols[0].selectbox("Zoo dataset", list(ZOO_DATASETS), format_func=lambda k: ZOO_DATASETS[k], key=keys.ZOO)
        )
        split = str(cols[1].selectbox("Split", ["test", "train"], key=keys.ZOO_SPLIT))
        count = int(cols[2].number_input("Samples", 100, 70_000, 5_000, step=500, key=keys.ZOO_COUNT))
        if st.button("Download into FiftyOne", key=keys.ZOO_LOAD):
            _add(
                space,
                f"Downloading {ZOO_DATASETS[zoo_name]} (first time only)...",
                partial(_from_zoo, fo, zoo_name, split, count, space.dataset_prefix),
            )
    with st.expander("Add a dataset: a video transcript from Talk to Videos", icon=":material/subtitles:"):
        st.caption(
            "Each passage of about 40 words becomes a sample, labelled with the chapter the study tools find "
            "(MiniLM embeddings, offline). The map then shows the talk's topics; suspects are passages that "
            "sound like another chapter."
        )
        _transcript_import(fo, space)
    show_flashes(keys.IMPORTED)


def _transcript_import(fo: ModuleType, space: Space) -> None:
    library = video_library(str(space.root / "videos"))
    videos = [v for v in library.list() if v.ready]
    if not videos:
        st.caption("No processed video yet: add one on the Talk to Videos page first.")
        return
    video = st.selectbox(
        "Video", videos, format_func=lambda v: f"{v.title} ({format_timestamp(v.duration or 0)})", key=keys.VIDEO
    )
    if st.button("Import its transcript", key=keys.IMPORT_VIDEO):
        load = partial(_from_transcript, fo, space, video.id, video.title, library.transcript(video.id) or [])
        _add(space, "Splitting the transcript into passages and chapters...", load)


def _from_zip(fo: ModuleType, space: Space, content: bytes, typed_name: str, filename: str) -> tuple[Any, str]:
    prefix = space.dataset_prefix
    name = name_for_upload(fo, typed_name, filename, prefix)
    dataset, report = import_zip(fo, space.root, content, name, prefix)
    return dataset, report.summary()


def _from_zoo(fo: ModuleType, zoo_name: str, split: str, count: int, prefix: str) -> tuple[Any, str]:
    dataset = zoo_dataset(fo, zoo_name, split, count, prefix)
    return dataset, f"{len(dataset):,} samples"


def _from_transcript(
    fo: ModuleType, space: Space, video_id: str, title: str, segments: list[Segment]
) -> tuple[Any, str]:
    embedder = shared_resources.text_embedder()
    dataset = transcript_dataset(fo, space.root, video_id, title, segments, embedder, prefix=space.dataset_prefix)
    return dataset, f"{len(dataset):,} passages"


def dataset_picker(column: Any, fo: ModuleType, state: EmbeddingsState, space: Space) -> OpenDataset:
    """The dataset box (the owner's datasets, by their shown names); the chosen dataset opened (a failure
    or fewer than 5 samples stops the page)."""
    owned = (space.shown_dataset_name(n) for n in fo.list_datasets() if space.owns_dataset(n))
    names = sorted(set(owned) | {DIGITS_NAME})
    seed(keys.DATASET, state.view.dataset)
    wanted = st.session_state[keys.DATASET]
    if wanted not in names:  # a link to a dataset deleted since (or never here)
        st.warning(markdown_text(f"There is no dataset {wanted!r} among your datasets; showing {DIGITS_NAME}."))
        st.session_state[keys.DATASET] = DIGITS_NAME
    name = column.selectbox("Dataset", names, key=keys.DATASET, help="Datasets in this app's FiftyOne database.")
    if name != state.view.dataset:
        set_view(state, dataset=name)
    try:
        stored = space.dataset_name(name)
        dataset = digits_dataset(fo, space.root, stored) if name == DIGITS_NAME else load_dataset(fo, stored)
    except DatasetError as exc:
        st.error(markdown_text(str(exc)))
        st.stop()
    kind = dataset_kind(dataset)
    opened = OpenDataset(dataset, kind, samples_of(dataset), passages_of(dataset) if kind == "text" else {})
    state.selected = known_selection(state.selected, opened.samples.ids)  # a selection belongs to its dataset
    return opened


def stop_if_too_small(data: OpenDataset) -> None:
    if len(data.samples) < 5:
        st.warning("This dataset has fewer than 5 samples: add images or undo deletions (change log below).")
        st.stop()
