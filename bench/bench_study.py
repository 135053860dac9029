"""Offline study engine on a 10-minute lecture transcript: quiz (10 questions) and deck (20 cards).

Baseline, in the same run: the same material built the naive way — every sentence embedded on its own
(one model call per sentence, as a per-item loop over an embeddings API would) instead of in batches.
The study engine's own figures (prepare, quiz, deck) are printed for the record.
"""

from __future__ import annotations

import time

from bench.common import note, report
from core.ai.base import Segment
from core.ai.local import MiniLMEmbedder
from core.videos.study.offline import make_flashcards, make_quiz, prepare
from tests.study.lecture import CHAPTERS

WORDS_PER_SECOND = 2.5


def ten_minute_lecture() -> list[Segment]:
    """About 1,500 words: the three chapters, each retold in five variants, in topic order."""
    segments: list[Segment] = []
    clock = 0.0
    for sentences in CHAPTERS.values():
        for variant in range(5):
            for sentence in sentences:
                lead = ("", "Again: ", "Recall: ", "Note: ", "Remember: ")[variant]
                text = f"{lead}{sentence}"
                length = len(text.split()) / WORDS_PER_SECOND
                segments.append(Segment(clock, clock + length, text))
                clock += length + 0.3
    return segments


class OneByOne:
    """The naive embedder: one call per text."""

    name = "one by one"

    def __init__(self, inner: MiniLMEmbedder) -> None:
        self.inner = inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.inner.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def main() -> None:
    segments = ten_minute_lecture()
    embedder = MiniLMEmbedder()
    embedder.embed_documents(["warm up"])
    minutes = segments[-1].end / 60

    started = time.perf_counter()
    material = prepare(segments, embedder)
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    quiz = make_quiz(material, 10)
    quiz_s = time.perf_counter() - started
    started = time.perf_counter()
    deck = make_flashcards(material, 20)
    deck_s = time.perf_counter() - started

    started = time.perf_counter()
    naive = prepare(segments, OneByOne(embedder))  # type: ignore[arg-type]
    make_quiz(naive, 10)
    make_flashcards(naive, 20)
    baseline = time.perf_counter() - started

    note(f"lecture length ({len(segments)} segments)", minutes, "min")
    note("prepare (sentences, embeddings, chapters, key terms)", prepared, "s")
    note(f"10-question quiz ({len(quiz.items)} made)", quiz_s, "s")
    note(f"20-card deck ({len(deck.items)} made)", deck_s, "s")
    report("quiz + deck from transcript, batched vs one-by-one embedding", prepared + quiz_s + deck_s, baseline, "s")


if __name__ == "__main__":
    main()
