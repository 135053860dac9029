"""Flashcards on the evaluation lectures: chapter coverage in proportion to length, well-formed fronts, clips.

    .venv/bin/python -m bench.eval_flashcards            # the lectures of bench.eval_lectures as text segments
    .venv/bin/python -m bench.eval_flashcards -v         # and every card

Per lecture, the offline deck of 20 cards (the page's default) is built as the app builds it, and judged:
- proportional coverage: 100 × (1 − total variation distance) between the share of cards in each TRUE chapter
  (the chapter of the sentence at the card's start) and that chapter's share of the lecture's words (greeting,
  agenda and closing sentences, found by `bench.eval_videos.meta_kind`, left out: they hold nothing to learn); 100 means
  every chapter has exactly its share, 0 means all cards sit where no words are. Printed against the true
  chapters and against the chapters the engine found;
- true chapters covered, well-formed fronts (`bench.eval_videos.front_is_well_formed`), duplicate answers;
- clip-backed cards: cards whose moment (start..end) lies inside the transcript and lasts 1-30 s.
The sentence times are the estimated ones of `eval_videos --quick`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import note  # noqa: E402
from bench.eval_lectures import LECTURES  # noqa: E402
from bench.eval_videos import _true_chapter, front_is_well_formed, meta_kind, quick_times  # noqa: E402

CARD_COUNT = 20


def proportional(counts: Sequence[int], weights: Sequence[float]) -> float:
    """100 × (1 − total variation distance) between the card shares and the length shares."""
    cards, words = sum(counts) or 1, sum(weights) or 1.0
    return 100 * (1 - 0.5 * sum(abs(c / cards - w / words) for c, w in zip(counts, weights, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--lectures", default=",".join(LECTURES))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from core.ai.base import Segment
    from core.ai.local import MiniLMEmbedder
    from core.videos.study.offline import OfflineStudyEngine, prepare

    embedder = MiniLMEmbedder()
    engine = OfflineStudyEngine()
    overall: list[float] = []
    for key in args.lectures.split(","):
        lecture = LECTURES[key]
        times = quick_times(lecture).times
        segments = [Segment(s, e, text) for (s, e), text in zip(times, lecture.sentences, strict=True)]
        material = prepare(segments, embedder)
        cards = engine.make_flashcards(material, CARD_COUNT).items
        true_words = [
            sum(len(s.split()) for s in sentences if not meta_kind(s)) for _title, sentences in lecture.chapters
        ]
        true_counts = Counter(_true_chapter(c.start, lecture, times) for c in cards)
        found_words = [sum(len(s.text.split()) for s in c.sentences) for c in material.chapters]
        found_counts = Counter(c.chapter for c in cards)
        true_share = proportional([true_counts[i] for i in range(len(true_words))], true_words)
        overall.append(true_share)
        last = segments[-1].end
        clips = sum(
            c.end is not None and 0 <= c.start < c.end <= last + 1 and 1 <= c.end - c.start <= 30 for c in cards
        )
        answers = Counter(c.back.split("\n")[0].strip().lower() for c in cards)
        note(f"cards {key}: cards", len(cards), "count")
        note(f"cards {key}: proportional coverage (true chapters)", true_share, "%")
        note(
            f"cards {key}: proportional coverage (found chapters)",
            proportional([found_counts[i] for i in range(len(found_words))], found_words),
            "%",
        )
        note(f"cards {key}: true chapters covered", 100 * len(true_counts) / len(true_words), "%")
        note(
            f"cards {key}: well-formed fronts",
            100 * sum(map(front_is_well_formed, [c.front for c in cards])) / max(1, len(cards)),
            "%",
        )
        note(f"cards {key}: duplicate answers", sum(n - 1 for n in answers.values()), "count")
        note(f"cards {key}: clip-backed cards", 100 * clips / max(1, len(cards)), "%")
        if args.verbose:
            print(f"   words per true chapter {true_words}, cards {[true_counts[i] for i in range(len(true_words))]}")
            for card in cards:
                mark = "ok " if front_is_well_formed(card.front) else "BAD"
                first = card.back.splitlines()[0] if card.back else ""
                print(f"   {mark} [{card.kind}] ch{card.chapter} {card.start:5.1f}s {card.front}  ->  {first}")
    note("cards overall: proportional coverage (true chapters)", sum(overall) / max(1, len(overall)), "%")


if __name__ == "__main__":
    main()
