"""Chunks (what gets embedded) built from segments, and timed sentences inside them.

A chunk keeps the time range of the segments it was built from, so every retrieved passage can be
cited as a moment of the video.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core.ai.base import Segment


@dataclass(frozen=True)
class Chunk:
    id: int
    start: float
    end: float
    text: str
    first_segment: int
    last_segment: int

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "first_segment": self.first_segment,
            "last_segment": self.last_segment,
        }


@dataclass(frozen=True)
class TimedSentence:
    start: float
    end: float
    text: str
    segment: int


def build_chunks(segments: Sequence[Segment], target_words: int = 80, overlap_segments: int = 1) -> list[Chunk]:
    """Consecutive segments grouped into chunks of about `target_words` words, overlapping by one segment."""
    chunks: list[Chunk] = []
    i = 0
    n = len(segments)
    while i < n:
        words = 0
        j = i
        while j < n and (words < target_words or j == i):
            words += len(segments[j].text.split())
            j += 1
        text = " ".join(s.text.strip() for s in segments[i:j])
        chunks.append(Chunk(len(chunks), segments[i].start, segments[j - 1].end, text, i, j - 1))
        if j >= n:
            break
        i = max(i + 1, j - overlap_segments)
    return chunks


def timed_sentences(segments: Sequence[Segment], first: int = 0, last: int | None = None) -> list[TimedSentence]:
    """Sentences of segments[first..last], joined across segment borders, with interpolated times.

    A character's time is interpolated inside its segment by its position; a sentence runs from its
    first character's time to its last one's. `segment` is the segment the sentence starts in.
    """
    last = len(segments) - 1 if last is None else last
    text, time_at = joined_with_times(segments, first, last)

    result: list[TimedSentence] = []
    for match in re.finditer(r"[^.!?]+(?:[.!?]+|$)", text):
        sentence = match.group().strip()
        if not sentence:
            continue
        begin = match.start() + (len(match.group()) - len(match.group().lstrip()))
        start, index = time_at(begin, end=False)
        end, _ = time_at(match.end(), end=True)
        result.append(TimedSentence(start, max(start, end), sentence, index))
    return result


class TimeAt(Protocol):
    def __call__(self, pos: int, end: bool) -> tuple[float, int]: ...


def joined_with_times(segments: Sequence[Segment], first: int = 0, last: int | None = None) -> tuple[str, TimeAt]:
    """The text of segments first..last joined by spaces, and a map from a character position to its
    time and segment (interpolated inside the segment; `end` picks the side for positions in a gap)."""
    last = len(segments) - 1 if last is None else last
    text = ""
    anchors: list[tuple[int, int, int]] = []  # (char start, char end, segment index)
    for index in range(first, last + 1):
        piece = segments[index].text.strip()
        if not piece:
            continue
        if text:
            text += " "
        anchors.append((len(text), len(text) + len(piece), index))
        text += piece

    def time_at(pos: int, end: bool) -> tuple[float, int]:
        for start_c, end_c, index in anchors:
            if start_c <= pos <= end_c:
                seg = segments[index]
                share = (pos - start_c) / max(1, end_c - start_c)
                return seg.start + share * max(0.0, seg.end - seg.start), index
        seg_index = anchors[-1][2] if end else anchors[0][2]
        return (segments[seg_index].end if end else segments[seg_index].start), seg_index

    return text, time_at
