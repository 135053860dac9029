"""Chapters (topic shifts) from sentence embeddings, keyphrases with YAKE, central sentences.

Segmentation is TextTiling on embeddings: the similarity between the blocks of sentences before and
after each gap, its "depth" against the peaks around it, and boundaries at the deepest gaps that stand
out from the rest (mean + half a standard deviation), with a minimum chapter length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from core.ai.base import Embedder, Segment
from core.videos.chunks import TimedSentence, timed_sentences
from core.videos.study.model import Chapter, StudyError

MIN_WORDS = 60  # below this a transcript has too little to summarize or question
BLOCK = 3  # sentences on each side of a gap
MIN_CHAPTER_SENTENCES = 4
WORDS_PER_CHAPTER = 120  # caps the number of chapters for short videos


def transcript_sentences(segments: Sequence[Segment]) -> list[TimedSentence]:
    sentences = [s for s in timed_sentences(segments) if len(s.text.split()) >= 3] if segments else []
    words = sum(len(s.text.split()) for s in sentences)
    if words < MIN_WORDS:
        raise StudyError(
            f"The transcript has {words} words in full sentences; study material needs at least "
            f"{MIN_WORDS} (about half a minute of speech). Add a longer video or transcript."
        )
    return sentences


def embed_sentences(embedder: Embedder, sentences: Sequence[TimedSentence]) -> np.ndarray:
    vectors = np.asarray(embedder.embed_documents([s.text for s in sentences]), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def gap_depths(vectors: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Depth score of the gap after each sentence i (i = 0..n-2); higher = stronger topic shift."""
    n = len(vectors)
    if n < 2:
        return np.zeros(0)
    similarity = np.empty(n - 1)
    for gap in range(n - 1):
        left = vectors[max(0, gap - block + 1) : gap + 1].mean(axis=0)
        right = vectors[gap + 1 : gap + 1 + block].mean(axis=0)
        similarity[gap] = float(left @ right / max(np.linalg.norm(left) * np.linalg.norm(right), 1e-9))
    depths = np.empty_like(similarity)
    for gap in range(len(similarity)):
        left_peak = similarity[: gap + 1].max()
        right_peak = similarity[gap:].max()
        depths[gap] = (left_peak - similarity[gap]) + (right_peak - similarity[gap])
    return depths


def choose_boundaries(depths: np.ndarray, n_sentences: int, max_chapters: int) -> list[int]:
    """Indices of the first sentence of each chapter after the first."""
    if len(depths) == 0 or max_chapters <= 1:
        return []
    threshold = float(depths.mean() + 0.5 * depths.std())
    chosen: list[int] = []
    for gap in np.argsort(-depths):
        if depths[gap] <= threshold or len(chosen) >= max_chapters - 1:
            break
        start = int(gap) + 1
        cuts = sorted([0, *chosen, start, n_sentences])
        if min(b - a for a, b in zip(cuts, cuts[1:], strict=False)) >= MIN_CHAPTER_SENTENCES:
            chosen.append(start)
    return sorted(chosen)


@lru_cache(maxsize=1)
def _keyword_extractor(top: int) -> object:
    import yake

    return yake.KeywordExtractor(lan="en", n=2, dedup_lim=0.7, top=top)


def keyphrases(text: str, top: int = 12) -> list[str]:
    """YAKE keyphrases (1–2 words), best first, without ones that are only numbers or very short."""
    extractor = _keyword_extractor(top)
    phrases = [phrase for phrase, _score in extractor.extract_keywords(text)]  # type: ignore[attr-defined]
    return [p for p in phrases if len(p) >= 3 and not re.fullmatch(r"[\d\s.,%]+", p)]


def central_order(vectors: np.ndarray) -> list[int]:
    """Sentence indices from most to least central (cosine to the centroid)."""
    centroid = vectors.mean(axis=0)
    scores = vectors @ (centroid / max(float(np.linalg.norm(centroid)), 1e-9))
    return [int(i) for i in np.argsort(-scores)]


def split_into_chapters(
    sentences: Sequence[TimedSentence], vectors: np.ndarray, max_chapters: int = 12
) -> list[Chapter]:
    words = sum(len(s.text.split()) for s in sentences)
    limit = max(1, min(max_chapters, words // WORDS_PER_CHAPTER))
    bounds = [0, *choose_boundaries(gap_depths(vectors), len(sentences), limit), len(sentences)]
    chapters = []
    for index, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        part = tuple(sentences[a:b])
        phrases = keyphrases(" ".join(s.text for s in part))
        title = phrases[0][:1].upper() + phrases[0][1:] if phrases else f"Part {index + 1}"
        chapters.append(Chapter(index, title, part[0].start, part[-1].end, part, tuple(phrases)))
    return chapters


def chapter_vectors(chapters: Sequence[Chapter], vectors: np.ndarray) -> list[np.ndarray]:
    result = []
    offset = 0
    for chapter in chapters:
        result.append(vectors[offset : offset + len(chapter.sentences)])
        offset += len(chapter.sentences)
    return result
