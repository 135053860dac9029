"""A Talk to Videos transcript as a text dataset: passages labelled by chapter, MiniLM embeddings, a map."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from core.ai.base import Segment
from core.ai.local import shared_minilm
from core.embeddings.datasets import DatasetError, samples_of
from core.embeddings.text_datasets import dataset_kind, passages_of, transcript_dataset
from tests.study.lecture import lecture_segments


@pytest.fixture(scope="module")
def lecture(fo: ModuleType, data_dir: Path):
    dataset = transcript_dataset(
        fo, data_dir, "text:lecture0001", "Three topics", lecture_segments(), shared_minilm(), passage_words=20
    )
    yield dataset
    fo.delete_dataset(dataset.name)


def test_passages_carry_text_times_and_their_chapter(lecture) -> None:
    samples = samples_of(lecture)
    passages = passages_of(lecture)
    assert dataset_kind(lecture) == "text"
    assert len(samples) >= 10
    # passages are consecutive, non-overlapping and cover the lecture in order
    ordered = [passages[sid] for sid in samples.ids]
    assert all(a.end <= b.start for a, b in itertools.pairwise(ordered))
    assert ordered[0].start == 0.0
    assert "volcano" in ordered[0].text.lower()
    # labels are the three chapters the study tools find; the first passage is in chapter 1, the last in 3
    labels = Counter(samples.labels)
    assert len(labels) == 3
    assert samples.labels[0].startswith("1 · ") and samples.labels[-1].startswith("3 · ")
    # every passage file holds its text (FiftyOne keeps one file per sample)
    assert Path(samples.filepaths[3]).read_text() == ordered[3].text


def test_minilm_embeddings_group_passages_by_topic(lecture, data_dir: Path) -> None:
    from core.embeddings.embedders import embed

    samples = samples_of(lecture)
    vectors = embed(data_dir, lecture.name, "minilm", samples.filepaths)
    assert vectors.shape == (len(samples), 384)
    # each passage's nearest other passage is in the same chapter for most passages
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    nearest = sims.argmax(axis=1)
    same = np.mean([samples.labels[i] == samples.labels[j] for i, j in enumerate(nearest)])
    assert same >= 0.7, same


def test_too_short_a_transcript_says_how_much_is_needed(fo: ModuleType, data_dir: Path) -> None:
    segments = [Segment(0.0, 4.0, "Only a few words here."), Segment(4.0, 8.0, "And a few more.")]
    with pytest.raises(DatasetError, match="at least 5"):
        transcript_dataset(fo, data_dir, "text:short0001", "Short", segments, shared_minilm())
