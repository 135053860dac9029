"""The transcript: a list of segments (start, end, text, optional speaker), with parsers and exports."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from core.ai.base import Segment, Word
from core.errors import UserError

__all__ = [
    "Segment",
    "TranscriptError",
    "export",
    "format_timestamp",
    "low_confidence",
    "parse_pasted",
    "parse_subtitles",
    "transcription_prompt",
]

EXPORT_FORMATS = ("txt", "srt", "vtt", "json")
#: A recognized word below this probability is shown as uncertain.
LOW_CONFIDENCE = 0.5
#: Whisper keeps at most 223 prompt tokens; about 4 characters a token, with room to spare.
PROMPT_CHARS = 600


class TranscriptError(UserError, ValueError):
    """A transcript cannot be used; the message says what to do."""


def format_timestamp(seconds: float) -> str:
    """ "1:02:03" or "2:03" — what users see and click."""
    total = int(max(0.0, float(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _subtitle_time(seconds: float, separator: str) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_CUE = re.compile(rf"{_TIME}\s*-->\s*{_TIME}")
_TAG = re.compile(r"<[^>]+>|\{\\[^}]*\}")


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def parse_subtitles(text: str) -> list[Segment]:
    """Segments from SubRip (.srt) or WebVTT (.vtt) text. Styling tags are dropped.

    YouTube's rolling auto-captions repeat each line in the next cue; consecutive duplicates are merged.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    segments: list[Segment] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            match = _CUE.search(line)
            if not match:
                continue
            start = _seconds(*match.groups()[:4])
            end = _seconds(*match.groups()[4:])
            body = " ".join(_TAG.sub("", part).strip() for part in lines[index + 1 :])
            body = re.sub(r"\s+", " ", body).strip()
            speaker = None
            voice = re.match(r"<v\s+([^>]+)>", " ".join(lines[index + 1 :]))
            if voice:
                speaker = voice[1].strip()
            if body:
                segments.append(Segment(start, max(end, start), body, speaker))
            break
    return _dedupe_rolling(segments)


def _dedupe_rolling(segments: list[Segment]) -> list[Segment]:
    result: list[Segment] = []
    for segment in segments:
        if result and segment.text == result[-1].text:
            result[-1] = Segment(result[-1].start, segment.end, segment.text, segment.speaker)
            continue
        if result and segment.text.startswith(result[-1].text + " "):
            segment = Segment(segment.start, segment.end, segment.text[len(result[-1].text) :].strip(), segment.speaker)
        result.append(segment)
    return result


_PASTED_TIME = re.compile(r"^\[?\(?((?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?)\)?\]?\s*[-–:]?\s*(.*)$")


def _clock(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def parse_pasted(text: str, words_per_second: float = 2.5) -> list[Segment]:
    """Segments from pasted text. Lines starting with a timestamp ("1:23 text", "[00:01:23] text") keep
    it; otherwise each paragraph/sentence group gets an estimated time from its word count (marked ~).
    """
    if re.search(r"-->", text):
        return parse_subtitles(text)
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    stamped = [(_PASTED_TIME.match(line), line) for line in lines]
    if lines and sum(1 for m, _ in stamped if m and m[2]) >= max(1, len(lines) // 2):
        segments: list[Segment] = []
        for match, line in stamped:
            if match and match[2]:
                segments.append(Segment(_clock(match[1]), _clock(match[1]), match[2].strip()))
            elif segments:
                last = segments[-1]
                segments[-1] = Segment(last.start, last.end, f"{last.text} {line}")
        fixed = []
        for i, seg in enumerate(segments):
            if i + 1 < len(segments):
                end = segments[i + 1].start
            else:
                end = seg.start + len(seg.text.split()) / words_per_second
            fixed.append(Segment(seg.start, max(end, seg.start), seg.text))
        return fixed
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(lines))
    segments = []
    clock = 0.0
    group: list[str] = []
    for sentence in sentences:
        group.append(sentence)
        if sum(len(s.split()) for s in group) >= 25:
            words = sum(len(s.split()) for s in group)
            segments.append(Segment(clock, clock + words / words_per_second, " ".join(group)))
            clock += words / words_per_second
            group = []
    if group and " ".join(group).strip():
        words = sum(len(s.split()) for s in group)
        segments.append(Segment(clock, clock + words / words_per_second, " ".join(group).strip()))
    return segments


def require_content(segments: Sequence[Segment], min_words: int = 5) -> None:
    words = sum(len(s.text.split()) for s in segments)
    if words < min_words:
        raise TranscriptError(
            f"The transcript is empty or too short ({words} words). Give a transcript with at least "
            f"{min_words} words, or a video with speech."
        )


def export(segments: Sequence[Segment], fmt: str) -> str:
    """The transcript as txt, srt, vtt or json text."""
    if fmt == "txt":
        return "\n".join(f"[{format_timestamp(s.start)}] {s.text}" for s in segments) + "\n"
    if fmt == "srt":
        blocks = [
            f"{i}\n{_subtitle_time(s.start, ',')} --> {_subtitle_time(s.end, ',')}\n"
            f"{(s.speaker + ': ') if s.speaker else ''}{s.text}\n"
            for i, s in enumerate(segments, 1)
        ]
        return "\n".join(blocks)
    if fmt == "vtt":
        blocks = [
            f"{_subtitle_time(s.start, '.')} --> {_subtitle_time(s.end, '.')}\n"
            f"{('<v ' + s.speaker + '>') if s.speaker else ''}{s.text}\n"
            for s in segments
        ]
        return "WEBVTT\n\n" + "\n".join(blocks)
    if fmt == "json":
        return json.dumps({"segments": [s.to_dict() for s in segments]}, indent=1, ensure_ascii=False)
    raise ValueError(f"unknown export format {fmt!r}; use one of {EXPORT_FORMATS}")


def segments_from_json(text: str) -> list[Segment]:
    data = json.loads(text)
    return [Segment.from_dict(item) for item in data["segments"]]


def low_confidence(word: Word, threshold: float = LOW_CONFIDENCE) -> bool:
    return word.probability < threshold


_URL = re.compile(r"https?://\S+|www\.\S+")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_FILE_NOISE = re.compile(r"[_]+|(?<=\w)[-.](?=\w)")


def title_from_filename(name: str) -> str:
    """ "bees_lecture-final.mp4" → "bees lecture final": a file name as words."""
    stem = re.sub(r"\.[A-Za-z0-9]{2,4}$", "", name.strip())
    return re.sub(r"\s+", " ", _FILE_NOISE.sub(" ", stem)).strip()


def transcription_prompt(
    title: str, description: str = "", chapters: Sequence[str] = (), limit: int = PROMPT_CHARS
) -> str:
    """The speech recognizer's prompt: what the video says it is about, so names are spelled right.

    The title first, then the chapter titles, then the description's first sentences, without links
    and hashtags, cut at a sentence or word end within `limit` characters. Empty when nothing is known.
    """

    def clean(text: str) -> str:
        text = _HASHTAG.sub(" ", _URL.sub(" ", text))
        return re.sub(r"\s+", " ", text).strip(" -|·•\t")

    parts: list[str] = []
    heading = clean(title)
    if heading:
        parts.append(heading.rstrip(".") + ".")
    names = [clean(c).rstrip(".") for c in chapters]
    names = [n for n in dict.fromkeys(names) if n and n.lower() != heading.lower()]
    if names:
        parts.append(", ".join(names) + ".")
    lines = [clean(line) for line in description.splitlines()]
    body = " ".join(line for line in lines if len(line.split()) >= 2)
    if body:
        parts.append(body)
    text = " ".join(parts)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence_end >= limit // 2:
        return cut[: sentence_end + 1]
    return cut[: cut.rfind(" ")].rstrip(" ,;:") if " " in cut else cut


def word_spans(segment: Segment) -> list[tuple[str, Word | None]]:
    """The line's text in order, cut into its recognized words (with their data) and what lies between.

    Joining the pieces gives `segment.text` exactly ("20,000" stays one piece of text even when the
    recognizer's words are "20" and ",000"). A segment without word data is one piece.
    """
    spans: list[tuple[str, Word | None]] = []
    position = 0
    for word in segment.words:
        found = segment.text.find(word.word, position) if word.word else -1
        if found < 0:
            continue
        if found > position:
            spans.append((segment.text[position:found], None))
        spans.append((word.word, word))
        position = found + len(word.word)
    if position < len(segment.text):
        spans.append((segment.text[position:], None))
    return spans
