"""Chapters (topic shifts) from sentence embeddings, keyphrases with YAKE, central sentences.

Segmentation is TextTiling on embeddings: the similarity between the blocks of sentences before and
after each gap, its "depth" against the peaks around it, and boundaries at the deepest gaps that stand
out from the rest (mean + half a standard deviation), with a minimum chapter length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np

from core.ai.base import Embedder, Segment
from core.videos.chunks import TimedSentence, timed_sentences
from core.videos.study.model import Chapter, StudyError

MIN_WORDS = 60  # below this a transcript has too little to summarize or question
BLOCK = 3  # sentences on each side of a gap
MIN_CHAPTER_SENTENCES = 4
WORDS_PER_CHAPTER = 80
BIGRAM_MARGIN = 0.02  # caps the number of chapters for short videos


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
        if min(b - a for a, b in pairwise(cuts)) >= MIN_CHAPTER_SENTENCES:
            chosen.append(start)
    return sorted(chosen)


@lru_cache(maxsize=4)
def _keyword_extractor(top: int) -> object:
    import yake

    return yake.KeywordExtractor(lan="en", n=2, dedup_lim=0.7, top=top)


def keyphrases(
    texts: Sequence[str], embedder: Embedder, centroids: Sequence[np.ndarray], top: int = 12
) -> list[list[str]]:
    """Key terms (1–2 words as written) of each passage, best first.

    YAKE proposes candidates from word statistics; each is then scored by how close its embedding is to
    the passage's (KeyBERT's idea), which demotes generic words such as "today" or "work". A two-word
    candidate is kept only when it is clearly closer than either of its words alone ("carbon dioxide",
    not "called lava"). All candidates of all passages are embedded in one batch.
    """
    extractor = _keyword_extractor(top * 3)
    per_text = [
        [
            phrase
            for phrase, _score in extractor.extract_keywords(text)  # type: ignore[attr-defined]
            if len(phrase) >= 3 and not re.fullmatch(r"[\d\s.,%]+", phrase)
        ]
        for text in texts
    ]
    vocabulary = sorted(
        {p for candidates in per_text for p in candidates}
        | {w for candidates in per_text for c in candidates if " " in c for w in c.split()}
    )
    if not vocabulary:
        return [[] for _ in texts]
    vectors = np.asarray(embedder.embed_documents(vocabulary), dtype=np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    row = {phrase: i for i, phrase in enumerate(vocabulary)}
    result = []
    for candidates, centroid in zip(per_text, centroids, strict=True):
        relevance = {p: float(vectors[row[p]] @ centroid) for p in row}
        kept = [
            c for c in candidates if " " not in c or relevance[c] > max(relevance[w] for w in c.split()) + BIGRAM_MARGIN
        ]
        yake_rank = {c: i / len(candidates) for i, c in enumerate(candidates)}
        kept.sort(key=lambda c: -(relevance[c] - 0.3 * yake_rank[c]))
        result.append(kept[:top])
    return result


def unit_centroid(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    return centroid / max(float(np.linalg.norm(centroid)), 1e-9)


def central_order(vectors: np.ndarray) -> list[int]:
    """Sentence indices from most to least central (cosine to the centroid)."""
    scores = vectors @ unit_centroid(vectors)
    return [int(i) for i in np.argsort(-scores)]


def split_into_chapters(
    sentences: Sequence[TimedSentence], vectors: np.ndarray, embedder: Embedder, max_chapters: int = 12
) -> list[Chapter]:
    words = sum(len(s.text.split()) for s in sentences)
    limit = max(1, min(max_chapters, words // WORDS_PER_CHAPTER))
    bounds = [0, *choose_boundaries(gap_depths(vectors), len(sentences), limit), len(sentences)]
    parts = [tuple(sentences[a:b]) for a, b in pairwise(bounds)]
    phrases = keyphrases(
        [" ".join(s.text for s in part) for part in parts],
        embedder,
        [unit_centroid(vectors[a:b]) for a, b in pairwise(bounds)],
    )
    chapters = []
    for index, (part, terms) in enumerate(zip(parts, phrases, strict=True)):
        title = terms[0][:1].upper() + terms[0][1:] if terms else f"Part {index + 1}"
        chapters.append(Chapter(index, title, part[0].start, part[-1].end, part, tuple(terms)))
    return chapters


def chapter_vectors(chapters: Sequence[Chapter], vectors: np.ndarray) -> list[np.ndarray]:
    result = []
    offset = 0
    for chapter in chapters:
        result.append(vectors[offset : offset + len(chapter.sentences)])
        offset += len(chapter.sentences)
    return result
