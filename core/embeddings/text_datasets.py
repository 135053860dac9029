"""Text datasets: the transcript of a Talk to Videos library video as a FiftyOne dataset of passages.

Each sample is a passage of the transcript (consecutive segments, ~40 words, no overlap, so a 10-minute
talk gives ~40 points), stored as a small text file (FiftyOne keeps one file path per sample) with the
passage's `text`, `start`/`end` seconds and `video_id`. Its `ground_truth` label is the chapter the
passage falls in, as the study tools split the video (topic shifts in MiniLM sentence embeddings), so the
map shows the talk's topics and "suspects" are passages that sound like another chapter.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from core.ai.base import Embedder, Segment
from core.embeddings.datasets import LABEL_FIELD, DatasetError, embeddings_dir, safe_name
from core.videos.chunks import Chunk, build_chunks

log = logging.getLogger(__name__)

KIND_KEY = "mlstudio_kind"
VIDEO_KEY = "mlstudio_video_id"
PASSAGE_WORDS = 40
MIN_PASSAGES = 5


@dataclass(frozen=True)
class Passage:
    text: str
    start: float
    end: float


def dataset_kind(dataset: Any) -> str:
    """'text' for transcript datasets made here, 'image' for everything else."""
    return str(dataset.info.get(KIND_KEY, "image"))


def dataset_name_for(title: str, video_id: str) -> str:
    return safe_name(f"video-{title[:40]}-{video_id[-6:]}")


def chapter_of(chunk: Chunk, chapters: Sequence[tuple[str, float, float]]) -> str:
    """The chapter label the passage overlaps most (ties: the earlier chapter)."""
    best, best_overlap = chapters[0][0], -1.0
    for label, start, end in chapters:
        overlap = min(chunk.end, end) - max(chunk.start, start)
        if overlap > best_overlap:
            best, best_overlap = label, overlap
    return best


def chapter_labels(segments: Sequence[Segment], embedder: Embedder) -> list[tuple[str, float, float]]:
    """(label, start, end) of the chapters the study tools find in this transcript."""
    from core.videos.study.offline import prepare

    material = prepare(segments, embedder)
    return [(f"{c.index + 1} · {c.title}", c.start, c.end) for c in material.chapters]


def transcript_dataset(
    fo: ModuleType,
    data_dir: Path,
    video_id: str,
    title: str,
    segments: Sequence[Segment],
    embedder: Embedder,
    passage_words: int = PASSAGE_WORDS,
    prefix: str = "",
) -> Any:
    """The FiftyOne dataset of this video's transcript passages, created the first time (named with the
    owner's `prefix`, core.spaces)."""
    name = prefix + dataset_name_for(title, video_id)
    if fo.dataset_exists(name):
        return fo.load_dataset(name)
    chunks = build_chunks(segments, target_words=passage_words, overlap_segments=0)
    if len(chunks) < MIN_PASSAGES:
        words = sum(len(s.text.split()) for s in segments)
        raise DatasetError(
            f"This transcript has {words} words, only {len(chunks)} passages: a map needs at least "
            f"{MIN_PASSAGES} (about {MIN_PASSAGES * passage_words} words). Pick a longer video."
        )
    chapters = chapter_labels(segments, embedder)
    folder = embeddings_dir(data_dir) / "text" / safe_name(video_id)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    samples = []
    for chunk in chunks:
        path = folder / f"passage_{chunk.id:04d}.txt"
        path.write_text(chunk.text, encoding="utf-8")
        samples.append(
            fo.Sample(
                filepath=str(path),
                text=chunk.text,
                start=float(chunk.start),
                end=float(chunk.end),
                video_id=video_id,
                **{LABEL_FIELD: fo.Classification(label=chapter_of(chunk, chapters))},
            )
        )
    dataset = fo.Dataset(name, persistent=True)
    dataset.add_samples(samples, progress=False)
    dataset.info.update({KIND_KEY: "text", VIDEO_KEY: video_id, "mlstudio_source": title})
    dataset.save()
    return dataset


def passages_of(dataset: Any) -> dict[str, Passage]:
    """Text and time range per sample id (for the selection list and hover texts)."""
    ids, texts, starts, ends = dataset.values(["id", "text", "start", "end"])
    return {
        sid: Passage(str(text or ""), float(start or 0.0), float(end or 0.0))
        for sid, text, start, end in zip(ids, texts, starts, ends, strict=True)
    }


def read_passages(paths: Sequence[str]) -> list[str]:
    try:
        return [Path(p).read_text(encoding="utf-8") for p in paths]
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"A passage file could not be read ({exc}). Import the video again.") from None
