"""A transcript prepared once for every study tool: sentences, their embeddings, chapters, key terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.ai.base import Embedder, Progress, Segment, no_progress
from core.videos.chunks import TimedSentence
from core.videos.study.chapters import (
    embed_sentences,
    keyphrases,
    split_into_chapters,
    transcript_sentences,
    unit_centroid,
)
from core.videos.study.model import (
    Chapter,
)
from core.videos.transcript import low_confidence

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?%)?(?![\w])")
BLANK = "_____"
SIGNPOSTS = {
    "today",
    "now",
    "finally",
    "next",
    "so",
    "welcome",
    "thank",
    "thanks",
    "let",
    "well",
    "okay",
    "ok",
}
DEFINITION = r"\s+(?:is|are|was|were|means|refers to|describes|stands for)\b"


@dataclass(frozen=True)
class StudyMaterial:
    """A transcript prepared once for every study tool: sentences, their embeddings, chapters."""

    sentences: tuple[TimedSentence, ...]
    vectors: np.ndarray
    chapters: tuple[Chapter, ...]
    terms: tuple[str, ...]  # key terms of the whole video, best first
    numbers: tuple[str, ...]  # distinct numbers said in the video
    # (start, end, word lowercased) of each word the recognizer was unsure of: not a quiz answer
    unsure: tuple[tuple[float, float, str], ...] = ()

    def unsure_words(self, start: float, end: float) -> set[str]:
        """The words the recognizer was unsure of between `start` and `end` (seconds)."""
        return {word for first, last, word in self.unsure if last >= start - 0.5 and first <= end + 0.5}


def prepare(segments: Sequence[Segment], embedder: Embedder, progress: Progress = no_progress) -> StudyMaterial:
    progress(0.0, "reading the sentences")
    sentences = transcript_sentences(segments)
    progress(0.3, "comparing them")
    vectors = embed_sentences(embedder, sentences)
    progress(0.55, "finding the chapters")
    chapters = split_into_chapters(sentences, vectors, embedder)
    progress(0.8, "picking the key terms")
    text = " ".join(s.text for s in sentences)
    terms = _terms(keyphrases([text], embedder, [unit_centroid(vectors)], top=30)[0], chapters)
    numbers = tuple(dict.fromkeys(m.group().strip() for s in sentences for m in NUMBER.finditer(s.text)))
    unsure = tuple(
        (w.start, w.end, plain)
        for segment in segments
        for w in segment.words
        if low_confidence(w) and (plain := re.sub(r"[^\w'-]+", "", w.word).lower())
    )
    return StudyMaterial(tuple(sentences), vectors, tuple(chapters), terms, numbers, unsure)


def _terms(found: list[str], chapters: Sequence[Chapter]) -> tuple[str, ...]:
    for chapter in chapters:
        found.extend(chapter.keyphrases)
    unique: dict[str, str] = {}
    for term in found:
        unique.setdefault(term.lower(), term)
    return tuple(unique.values())
