"""The user corrects transcript lines: the corrected text replaces the recognizer's everywhere.

The first (machine) transcript is kept in the library so the correction can be reverted. After a change
the search index is rebuilt from the new text, and stored study material (summary, chapters, quiz) is
forgotten so it is made again from the corrected transcript.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.ai.base import Embedder, Segment
from core.errors import UserError
from core.videos.library import Library
from core.videos.pipeline import rebuild_index
from core.videos.transcript import LOW_CONFIDENCE

MAX_LINE_CHARS = 2000

#: Called with a video id once its transcript changed (e.g. `StudyService.forget_generated`).
Forget = Callable[[str], None]


class CorrectionError(UserError, ValueError):
    """A correction cannot be saved; the message says what to do."""


@dataclass(frozen=True)
class Uncertain:
    word: str
    probability: float


def uncertain_words(segment: Segment, threshold: float = LOW_CONFIDENCE) -> list[Uncertain]:
    """The words of a line the recognizer was unsure of, in order."""
    return [Uncertain(w.word, w.probability) for w in segment.words if w.probability < threshold]


def corrected_segment(segment: Segment, text: str) -> Segment:
    """`segment` with the user's text. Its per-word data described the old text, so it is dropped."""
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        raise CorrectionError("A line cannot be empty. Type what is said, or keep the line as it is.")
    if len(cleaned) > MAX_LINE_CHARS:
        raise CorrectionError(f"This line is over {MAX_LINE_CHARS} characters. Shorten it.")
    if cleaned == segment.text:
        return segment
    return Segment(segment.start, segment.end, cleaned, segment.speaker)


def correct_line(
    library: Library, video_id: str, line: int, text: str, embedder: Embedder, forget: Forget | None = None
) -> bool:
    """Replace line `line` of the transcript with `text`; True when something changed."""
    segments = library.transcript(video_id)
    if not segments:
        raise CorrectionError("This video has no transcript to correct yet. Process it first.")
    if not 0 <= line < len(segments):
        raise CorrectionError("This line is not in the transcript any more. Reload the page.")
    fixed = corrected_segment(segments[line], text)
    if fixed == segments[line]:
        return False
    segments[line] = fixed
    library.save_corrected_transcript(video_id, segments)
    _follow(library, video_id, embedder, forget)
    return True


def revert_corrections(library: Library, video_id: str, embedder: Embedder, forget: Forget | None = None) -> bool:
    """Put the recognizer's transcript back; True when there were corrections."""
    if not library.revert_transcript(video_id):
        return False
    _follow(library, video_id, embedder, forget)
    return True


def is_corrected(library: Library, video_id: str) -> bool:
    return library.original_transcript(video_id) is not None


def _follow(library: Library, video_id: str, embedder: Embedder, forget: Forget | None) -> None:
    rebuild_index(library, video_id, embedder)
    if forget is not None:
        forget(video_id)
