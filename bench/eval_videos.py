"""Talk to Videos evaluation: answers, refusals and study material on lectures the engine has never seen.

    .venv/bin/python -m bench.eval_videos                 # full: speech -> .mp3 -> transcription -> answers
    .venv/bin/python -m bench.eval_videos --quick         # the script as text segments, no audio (fast)
    .venv/bin/python -m bench.eval_videos --lectures bees,moon -v
    .venv/bin/python -m bench.eval_videos --llm --quick   # the LLM path against the local OpenAI API double

What it does, per lecture of `bench.eval_lectures`:
1. Speech, sentence by sentence: Piper at its DEFAULT noise settings (bees, canal, sourdough) or eSpeak NG
   (markets, moon). Each sentence's WAV is cached (Piper's default noise is unseeded, so the cache is what
   keeps reruns on the same audio): `$MLSTUDIO_EVAL_CACHE`, else `<tmp>/mlstudio-eval-videos`. The pieces
   are joined with 0.4 s pauses (1.2 s between chapters), so every sentence has a known start and end (its
   "moment"), and exported as .mp3.
2. The app's own processing: the .mp3 is ingested into a fresh Library and `core.videos.pipeline.process`
   runs (ffmpeg extraction, pieces cut at pauses, `core.ai.local.WhisperTranscriber`, the FAISS index over
   MiniLM). Transcription time counts the transcriber's calls only (the model is loaded before).
3. The offline answer engine, built as the app builds it (`OfflineAnswerEngine(index, segments, embedder)`),
   is asked every question in order, each with the conversation so far as history (the chat page passes the
   whole chat), so follow-ups get their context and every other question is exposed to it too.
4. Study material from `core.videos.study.offline` (summary, a 10-question quiz, 20 flashcards: the page's
   default counts).

How answers are judged (see `judge`):
- refused: the answer has no citation or says it is not grounded (`Answer.grounded` False). That is how
  both engines of core/videos/chat.py signal "The video does not cover this."
- a covered question is answered correctly when, for every part: each keyword group has an alternative in
  the answer text (lowercase, punctuation dropped, digit grouping dropped, number words 0-20 as digits, light
  suffix stemming: powers = powered = power; a word of 5+ letters also matches at similarity >= 0.8, so a
  slightly misheard name still counts), and a citation's time range overlaps one of the part's true
  sentences, widened by 2 s either side. A yes/no question also needs the answer to open with the expected
  "Yes" or "No". "moment only" drops the keyword condition.
- two_part_partial: correct as above for the covered part; "says what is missing" also needs a phrase such
  as "does not cover/say/mention" in a grounded answer.

Meta sentences (greeting, agenda, closing, rhetorical question) are found by `META_PATTERNS` below; they are
counted in the summary and among the sentences answers cite.

Quiz answer types are judged by a documented heuristic (`answer_type`), NOT by spaCy, so the figures before
and after a change of the engine come from the same judge: date (a year 1000-2100 or a month name), number
(digits, number words, percent), named entity (capitalised where the transcript uses it mid-sentence, or all
words capitalised when the transcript does not hold it), defined term (the transcript has "X is a/an/the",
"X means", "called X", "known as X" or "X, a ..."), else "other" with a word-class guess from the last word's
suffix (adjective -ous/-ful/-ive/-able/-ible/-less/-ic/-ical, adverb -ly, verb -ing/-ed, else noun). A
distractor is "of the answer's type" when it gets the same label (including the word-class guess for
"other"). When spaCy and an English model are importable, entity-label figures are printed as well.

Flashcard fronts are well-formed when they are a question (opens with a question word or an auxiliary and
ends with "?"), "True or false: <a statement>", a term (1-5 words, no sentence punctuation) or a cloze sentence
with exactly one blank; "What does the video explain about ..." (a template, not a question about content)
is not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import note  # noqa: E402
from bench.eval_lectures import KINDS, LECTURES, NOT_COVERED_KINDS, Lecture, Question  # noqa: E402

RATE = 22050
SAMPLE = ("-sample_fmt", "s16")
MP3 = ("-c:a", "libmp3lame", "-b:a", "64k")
LEAD_S = 0.5
SENTENCE_PAUSE_S = 0.4
CHAPTER_PAUSE_S = 1.2
TOLERANCE_S = 2.0
QUICK_SECONDS_PER_WORD = 0.38
QUIZ_COUNT = 10
CARD_COUNT = 20
CACHE = Path(os.environ.get("MLSTUDIO_EVAL_CACHE") or Path(tempfile.gettempdir()) / "mlstudio-eval-videos")

# ----------------------------------------------------------------------------------------- text helpers

NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
SPELLING = {  # British -> American, so Whisper's American spelling is not counted as an error
    "kilometres": "kilometers",
    "kilometre": "kilometer",
    "metres": "meters",
    "metre": "meter",
    "centimetres": "centimeters",
    "flavour": "flavor",
    "labour": "labor",
    "tranquillity": "tranquility",
    "dr": "doctor",
    "percent": "percent",
}


def tokens(text: str) -> list[str]:
    """Lowercase words and numbers: '384,400' -> '384400', '1.3' stays, '%' -> 'percent', 'six' -> '6'."""
    text = text.lower().replace("’", "'").replace("%", " percent ")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"'s\b", "", text)
    found = re.findall(r"\d+(?:\.\d+)?|[a-z]+", text)
    return [NUMBER_WORDS.get(SPELLING.get(t, t), SPELLING.get(t, t)) for t in found]


def stem(word: str) -> str:
    """A light suffix stripper, applied to both sides: powers/powered/powering -> power, bodies -> body."""
    if word[:1].isdigit() or len(word) <= 3:
        return word
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            break
    return word.rstrip("e") if len(word) > 4 else word


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


def contains_keyword(answer_stems: Sequence[str], keyword: str) -> bool:
    wanted = stems(keyword)
    if not wanted:
        return False
    n = len(wanted)
    for i in range(len(answer_stems) - n + 1):
        if all(_word_match(answer_stems[i + j], w) for j, w in enumerate(wanted)):
            return True
    return False


def _word_match(got: str, wanted: str) -> bool:
    if got == wanted:
        return True
    return len(wanted) >= 5 and not wanted[:1].isdigit() and SequenceMatcher(None, got, wanted).ratio() >= 0.8


def word_errors(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Levenshtein distance over words (substitutions + insertions + deletions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


META_PATTERNS = {
    "greeting": [
        r"^\W*(hello|hi|hey|good (morning|afternoon|evening))\b",
        r"\bwelcome (to|back)\b",
        r"\bglad you (could|can|are)\b",
    ],
    "agenda": [
        r"\b(our|the) (first|second|third|next|last|final) (topic|part|section|subject)\b",
        r"\bin this (lecture|talk|video|guide|lesson|session)\b",
        r"\btoday we('ll| will| are going to)? (talk|look|learn|discuss|cover|start)\b",
        r"\b(at the end|later|next|then) we('ll| will) (look|talk|turn|discuss|see)\b",
        r"^\W*(now|finally|first|next|so)?,? ?let('s| us) (talk|look|turn|move|start|begin|discuss)\b",
    ],
    "closing": [
        r"\bthank(s| you)( so much)? for (listening|watching|your attention)\b",
        r"\bsee you (next|soon|later|in)\b",
        r"^\W*that('s| is) (all|it) for (today|now)\b",
    ],
    "rhetorical question": [r"\?\s*$"],
}


def meta_kind(sentence: str) -> str | None:
    lowered = sentence.lower().strip()
    for kind, patterns in META_PATTERNS.items():
        if any(re.search(p, lowered) for p in patterns):
            return kind
    return None


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


# ----------------------------------------------------------------------------------------- speech


@dataclass
class Spoken:
    media: Path | None  # the .mp3 (None in --quick)
    times: list[tuple[float, float]]  # each script sentence's start and end in the media
    duration: float


def _voice_engine(voice: str) -> Any:
    from core.ai.local import EspeakSpeech, PiperSpeech

    return PiperSpeech() if voice == "piper" else EspeakSpeech()


def _sentence_wav(text: str, voice: str, engines: dict[str, Any]) -> Path:
    """One sentence as 22.05 kHz mono 16-bit WAV, cached by voice and text."""
    from core.media.ffmpeg import ffmpeg_binary

    folder = CACHE / "sentences"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{voice}-{hashlib.sha1(text.encode()).hexdigest()[:16]}.wav"
    if path.is_file():
        return path
    if voice not in engines:
        engines[voice] = _voice_engine(voice)
    raw = path.with_suffix(".raw.wav")
    raw.write_bytes(engines[voice].synthesize(text).data)  # Piper: its default noise settings
    partial = path.with_suffix(".part.wav")
    subprocess.run(
        [
            ffmpeg_binary(),
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(raw),
            "-ac",
            "1",
            "-ar",
            str(RATE),
            *SAMPLE,
            str(partial),
        ],
        check=True,
    )
    raw.unlink()
    partial.replace(path)
    return path


def speak(lecture: Lecture, engines: dict[str, Any]) -> Spoken:
    """The lecture as an .mp3 with known sentence times (cached)."""
    from core.media.ffmpeg import ffmpeg_binary

    recipe = json.dumps([lecture.voice, LEAD_S, SENTENCE_PAUSE_S, CHAPTER_PAUSE_S, lecture.chapters])
    digest = hashlib.sha1(recipe.encode()).hexdigest()[:12]
    media = CACHE / f"{lecture.key}-{lecture.voice}-{digest}.mp3"
    timing = media.with_suffix(".json")
    if media.is_file() and timing.is_file():
        data = json.loads(timing.read_text())
        return Spoken(media, [tuple(t) for t in data["times"]], float(data["duration"]))  # type: ignore[misc]
    frames: list[bytes] = [b"\x00\x00" * int(RATE * LEAD_S)]
    position = LEAD_S
    times: list[tuple[float, float]] = []
    for c, (_title, sentences) in enumerate(lecture.chapters):
        if c:
            frames.append(b"\x00\x00" * int(RATE * (CHAPTER_PAUSE_S - SENTENCE_PAUSE_S)))
            position += int(RATE * (CHAPTER_PAUSE_S - SENTENCE_PAUSE_S)) / RATE
        for sentence in sentences:
            with wave.open(str(_sentence_wav(sentence, lecture.voice, engines)), "rb") as wav:
                data = wav.readframes(wav.getnframes())
            seconds = len(data) / 2 / RATE
            times.append((position, position + seconds))
            frames += [data, b"\x00\x00" * int(RATE * SENTENCE_PAUSE_S)]
            position += seconds + int(RATE * SENTENCE_PAUSE_S) / RATE
    joined = media.with_suffix(".wav")
    with wave.open(str(joined), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(frames))
    partial = media.with_suffix(".part.mp3")
    subprocess.run(
        [ffmpeg_binary(), "-loglevel", "error", "-y", "-i", str(joined), *MP3, str(partial)],
        check=True,
    )
    joined.unlink()
    partial.replace(media)
    timing.write_text(json.dumps({"times": times, "duration": position}))
    return Spoken(media, times, position)


def quick_times(lecture: Lecture) -> Spoken:
    """Estimated sentence times for --quick (no audio)."""
    position = LEAD_S
    times = []
    for c, (_title, sentences) in enumerate(lecture.chapters):
        if c:
            position += CHAPTER_PAUSE_S - SENTENCE_PAUSE_S
        for sentence in sentences:
            seconds = QUICK_SECONDS_PER_WORD * len(sentence.split())
            times.append((position, position + seconds))
            position += seconds + SENTENCE_PAUSE_S
    return Spoken(None, times, position)


# ----------------------------------------------------------------------------------------- the app's path


class TimedTranscriber:
    """The app's transcriber, with the time spent in it counted."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.english_only = inner.english_only
        self.seconds = 0.0

    def transcribe(self, audio: Path, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.inner.transcribe(audio, *args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class Processed:
    segments: list[Any]
    index: Any
    transcribe_seconds: float = 0.0
    media_duration: float = 0.0


def process_media(spoken: Spoken, lecture: Lecture, transcriber: Any, embedder: Any, library_root: Path) -> Processed:
    """Upload -> extract -> transcribe -> index, through core.videos.pipeline as the page does."""
    from core.videos.library import Library
    from core.videos.pipeline import ingest_media_file, load_index, process

    assert spoken.media is not None
    library = Library(library_root / lecture.key)
    timed = TimedTranscriber(transcriber)
    record = ingest_media_file(library, spoken.media, f"{lecture.title}.mp3", "upload", "eval", 2**31)
    process(library, record.id, lambda: timed, lambda: embedder)
    segments = library.transcript(record.id) or []
    final = library.get(record.id)
    duration = float(final.duration if final and final.duration else spoken.duration)
    return Processed(segments, load_index(library, record.id, embedder), timed.seconds, duration)


def process_text(spoken: Spoken, lecture: Lecture, embedder: Any) -> Processed:
    """--quick: one segment per script sentence at its estimated time; the index built as the app builds it."""
    from core.ai.base import Segment
    from core.videos.chunks import build_chunks
    from core.videos.index import VideoIndex

    segments = [Segment(s, e, text) for (s, e), text in zip(spoken.times, lecture.sentences, strict=True)]
    return Processed(segments, VideoIndex.build(build_chunks(segments), embedder))


def offline_engine(processed: Processed, embedder: Any) -> Any:
    from core.videos.chat import OfflineAnswerEngine

    return OfflineAnswerEngine(processed.index, processed.segments, embedder)


# ----------------------------------------------------------------------------------------- judging answers

MISSING_PART = re.compile(
    r"\b(does not|doesn't|did not|didn't|do not|don't|never) (cover|say|mention|state|tell|give|answer|talk)|"
    r"\bnot (covered|mentioned|said|stated)\b",
    re.I,
)


@dataclass
class Verdict:
    question: Question
    answer_text: str
    cited: list[tuple[float, float, str]]
    refused: bool
    correct: bool = False
    moment: bool = False
    says_missing: bool = False
    cites_meta: bool = False


def refused(answer: Any) -> bool:
    return not answer.citations or not getattr(answer, "grounded", True)


def judge(question: Question, answer: Any, times: Sequence[tuple[float, float]]) -> Verdict:
    cited = [(float(c.start), float(c.end), str(c.text)) for c in answer.citations]
    verdict = Verdict(question, answer.text, cited, refused(answer))
    verdict.cites_meta = any(meta_kind(text) for _, _, text in cited)
    if not question.covered or verdict.refused:
        return verdict
    answer_stems = stems(answer.text)

    def at_moment(part_sentences: Sequence[int]) -> bool:
        return any(
            start <= times[i][1] + TOLERANCE_S and end >= times[i][0] - TOLERANCE_S
            for i in part_sentences
            for start, end, _ in cited
        )

    moments = [at_moment(p.sentences) for p in question.parts]
    words = [all(any(contains_keyword(answer_stems, k) for k in group) for group in p.keywords) for p in question.parts]
    if question.expect is not None:
        opening = tokens(answer.text)[:1]
        words = [bool(opening) and opening[0] == question.expect]
    verdict.moment = all(moments)
    verdict.correct = verdict.moment and all(words)
    verdict.says_missing = question.missing is not None and bool(MISSING_PART.search(answer.text))
    return verdict


def ask_all(engine: Any, lecture: Lecture, times: Sequence[tuple[float, float]]) -> list[Verdict]:
    from core.ai.base import Message

    history: list[Any] = []
    verdicts = []
    for question in lecture.questions:
        answer = engine.ask(question.text, list(history)).answer
        verdicts.append(judge(question, answer, times))
        history += [Message("user", question.text), Message("assistant", answer.text)]
    return verdicts


# ----------------------------------------------------------------------------------------- judging study material

YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})$")
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
SMALL_WORDS = {"of", "de", "von", "van", "the", "and", "da", "di", "la", "le", "du", "al"}
ADJECTIVE = ("ous", "ful", "ive", "able", "ible", "less", "ic", "ical")


def _occurrences(phrase: str, sentences: Sequence[str]) -> list[tuple[str, bool]]:
    """(the phrase as written, whether it starts its sentence) for each occurrence in the transcript."""
    found = []
    pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.I)
    for sentence in sentences:
        for match in pattern.finditer(sentence):
            found.append((match.group(), not sentence[: match.start()].strip(" \"'(")))
    return found


def _capitalised(phrase: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", phrase) if w.lower() not in SMALL_WORDS]
    return bool(words) and all(w[:1].isupper() for w in words)


def is_defined(phrase: str, sentences: Sequence[str]) -> bool:
    p = re.escape(phrase.lower().strip())
    forms = rf"(?:{p}|{p}s|{p.removesuffix('s')})" if len(phrase) > 3 else p
    patterns = [
        rf"(?<!\w){forms}\s+(?:is|are|was|were|means|refers to)\s+(?:a|an|the|one|any|how|when|what)\b",
        rf"\b(?:called|known as|named)\s+(?:the\s+|a\s+|an\s+)?{forms}(?!\w)",
        rf"(?<!\w){forms},\s+(?:a|an|the)\b",
    ]
    return any(re.search(pattern, s.lower()) for s in sentences for pattern in patterns)


def answer_type(phrase: str, sentences: Sequence[str]) -> str:
    """date / number / entity / term / other:<word class>, from the text alone (see the module doc)."""
    text = phrase.strip().strip(".")
    lowered = text.lower()
    words = lowered.split()
    if YEAR.match(text) or any(m in words for m in MONTHS):
        return "date"
    if re.search(r"\d", text) or (
        words and all(w in NUMBER_WORDS or w in ("percent", "hundred", "thousand", "million") for w in words)
    ):
        return "number"
    seen = _occurrences(text, sentences)
    inner = [written for written, initial in seen if not initial]
    if (inner and all(_capitalised(w) for w in inner)) or (
        not inner and _capitalised(text) and (len(words) > 1 or not seen)
    ):
        return "entity"
    if is_defined(text, sentences):
        return "term"
    last = words[-1] if words else ""
    if last.endswith(ADJECTIVE):
        word_class = "adjective"
    elif last.endswith("ly"):
        word_class = "adverb"
    elif last.endswith(("ing", "ed")):
        word_class = "verb"
    else:
        word_class = "noun"
    return f"other:{word_class}"


FACT_TYPES = ("date", "number", "entity", "term")
QUESTION_OPENERS = re.compile(
    r"^(what|who|whom|whose|when|where|which|why|how|is|are|was|were|do|does|did|can|could|should|would|will|has|have|name)\b",
    re.I,
)


def front_is_well_formed(front: str) -> bool:
    text = front.strip()
    if re.search(r"what does the video (explain|say|tell)", text, re.I):
        return False
    if text.lower().startswith("true or false:"):
        return len(text.split()) >= 6
    if "_____" in text:
        return text.count("_____") == 1
    if text.endswith("?"):
        return bool(QUESTION_OPENERS.match(text))
    return 1 <= len(text.split()) <= 5 and not re.search(r"[.!?;:]", text)


@dataclass
class StudyFigures:
    sentences_used: float = 0.0
    meta_in_summary: int = 0
    meta_examples: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    quiz: int = 0
    fact_answers: int = 0
    misheard_answers: int = 0  # the right option is not what the lecture said (a recognizer's mishearing)
    distractors: int = 0
    typed_distractors: int = 0
    duplicate_answers: int = 0
    answer_in_stem: int = 0
    longest_is_right: int = 0
    quiz_true_chapters: int = 0
    answer_types: Counter[str] = field(default_factory=Counter)
    cards: int = 0
    card_chapters: int = 0
    detected_chapters: int = 0
    card_true_chapters: int = 0
    true_chapters: int = 0
    well_formed_fronts: int = 0
    card_kinds: Counter[str] = field(default_factory=Counter)
    quiz_items: list[tuple[str, list[str]]] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


def _true_chapter(seconds: float, lecture: Lecture, times: Sequence[tuple[float, float]]) -> int:
    owner = lecture.chapter_of_sentence
    best = min(
        range(len(times)), key=lambda i: 0 if times[i][0] <= seconds <= times[i][1] else abs(times[i][0] - seconds)
    )
    return owner[best]


def _matched_sentence(text: str, sentences: Sequence[str]) -> int | None:
    """The transcript sentence a summary point quotes (or mostly quotes), if any."""
    words = set(tokens(text))
    if not words:
        return None
    best, score = None, 0.0
    for i, sentence in enumerate(sentences):
        theirs = set(tokens(sentence))
        overlap = len(words & theirs) / max(1, len(words | theirs))
        if overlap > score:
            best, score = i, overlap
    return best if score >= 0.5 else None


def study_figures(builder: Any, material: Any, lecture: Lecture, times: Sequence[tuple[float, float]]) -> StudyFigures:
    figures = StudyFigures()
    sentences = [s.text for s in material.sentences]
    figures.true_chapters = len(lecture.chapters)
    figures.detected_chapters = len(material.chapters)

    summaries = builder.summarize(material).items
    if summaries:
        summary = summaries[0]
        figures.titles = list(summary.chapter_titles)
        points: list[Any] = []
        stack = [*summary.overview, *summary.points]
        while stack:
            point = stack.pop()
            points.append(point)
            stack.extend(point.children)
        used = {i for p in points if (i := _matched_sentence(p.text, sentences)) is not None}
        figures.sentences_used = len(used) / max(1, len(sentences))
        metas = list(dict.fromkeys(p.text for p in points if meta_kind(p.text)))
        figures.meta_in_summary = len(metas)
        figures.meta_examples = metas
        for p in summary.points:
            figures.details.append(f"  summary [{clock(p.start)}] {p.text}")
            for child in p.children:
                figures.details.append(f"      - [{clock(child.start)}] {child.text}")

    quiz = builder.make_quiz(material, QUIZ_COUNT).items
    figures.quiz = len(quiz)
    seen_answers: set[str] = set()
    quiz_chapters = set()
    for q in quiz:
        answer = q.answer_text
        kind = answer_type(answer, sentences)
        figures.answer_types[kind.split(":")[0]] += 1
        figures.fact_answers += kind in FACT_TYPES
        script = " " + " ".join(tokens(" ".join(lecture.sentences))) + " "
        misheard = " " + " ".join(tokens(answer)) + " " not in script
        figures.misheard_answers += misheard
        others = [o for i, o in enumerate(q.options) if i != q.answer]
        figures.distractors += len(others)
        figures.typed_distractors += sum(answer_type(o, sentences) == kind for o in others)
        key = " ".join(tokens(answer))
        figures.duplicate_answers += key in seen_answers
        seen_answers.add(key)
        stem_words = tokens(q.question.replace("_____", " "))
        answer_words = tokens(answer)
        figures.answer_in_stem += bool(answer_words) and any(
            stem_words[i : i + len(answer_words)] == answer_words for i in range(len(stem_words))
        )
        lengths = [len(o) for o in q.options]
        figures.longest_is_right += lengths[q.answer] == max(lengths) and lengths.count(max(lengths)) == 1
        figures.quiz_items.append((answer, others))
        quiz_chapters.add(_true_chapter(q.start, lecture, times))
        heard = " (MISHEARD: not in the script)" if misheard else ""
        figures.details.append(f"  quiz [{kind}] {q.question} -> {answer}{heard} | {' / '.join(others)}")
    figures.quiz_true_chapters = len(quiz_chapters)

    cards = builder.make_flashcards(material, CARD_COUNT).items
    figures.cards = len(cards)
    figures.card_chapters = len({c.chapter for c in cards})
    figures.card_true_chapters = len({_true_chapter(c.start, lecture, times) for c in cards})
    figures.well_formed_fronts = sum(front_is_well_formed(c.front) for c in cards)
    figures.card_kinds = Counter(c.kind for c in cards)
    for c in cards:
        mark = "ok " if front_is_well_formed(c.front) else "BAD"
        figures.details.append(f"  card {mark} [{c.kind}] {c.front}")
    return figures


# ----------------------------------------------------------------------------------------- spaCy (optional extra)


def spacy_types(quiz_items: Sequence[tuple[str, list[str]]]) -> tuple[int, int, int] | None:
    """(answers that are named entities, distractors with the answer's label, distractors) by spaCy, if installed.

    The label is the first entity's label, else the part of speech of the last token.
    """
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm")
    except Exception:
        return None

    def label(text: str) -> str:
        doc = nlp(text)
        if doc.ents:
            return "ENT:" + doc.ents[0].label_
        return "POS:" + (doc[-1].pos_ if len(doc) else "X")

    entities = typed = total = 0
    for answer, others in quiz_items:
        kind = label(answer)
        entities += kind.startswith("ENT:")
        typed += sum(label(o) == kind for o in others)
        total += len(others)
    return entities, typed, total


# ----------------------------------------------------------------------------------------- the LLM path


class LLMDouble:
    """The LLM answer path and study builder, talking to tests/ai/openai_double.py on the loopback."""

    def __init__(self) -> None:
        from core.ai.openai_backend import OpenAIChat
        from tests.ai.openai_double import OpenAIDouble

        self.double = OpenAIDouble()
        self.double.__enter__()
        self.double.chat_reply = "The first passage answers this question [1]."
        self.double.structured_reply = {
            "title": "A chapter",
            "main_point": {"text": "The main point.", "sentence": 0},
            "sub_points": [{"text": "A sub-point.", "sentence": 0, "details": []}],
            "points": [{"text": "An overview point.", "sentence": 0}],
            "questions": [],
            "cards": [{"kind": "concept", "front": "What is said first?", "back": "The opening.", "sentence": 0}],
        }
        self.chat = OpenAIChat("gpt-eval", "sk-eval-double", self.double.base_url, max_retries=0)

    def engine(self, processed: Processed) -> Any:
        from core.videos.chat import LLMAnswerEngine

        return LLMAnswerEngine(processed.index, self.chat)

    def study(self) -> Any:
        from core.videos.study.llm import LLMStudyBuilder

        return LLMStudyBuilder(self.chat, attempts=1)

    def close(self) -> None:
        self.double.__exit__(None, None, None)


# ----------------------------------------------------------------------------------------- reporting


def pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


@dataclass
class LectureResult:
    lecture: Lecture
    verdicts: list[Verdict]
    study: StudyFigures
    errors: int = 0
    reference_words: int = 0
    transcribe_seconds: float = 0.0
    media_duration: float = 0.0


def answer_figures(prefix: str, verdicts: Sequence[Verdict]) -> None:
    covered = [v for v in verdicts if v.question.covered]
    not_covered = [v for v in verdicts if not v.question.covered]
    grounded = [v for v in verdicts if not v.refused]
    note(f"{prefix}: right answer at the true moment", pct(sum(v.correct for v in covered), len(covered)), "%")
    note(f"{prefix}: cites the true moment (any words)", pct(sum(v.moment for v in covered), len(covered)), "%")
    note(f"{prefix}: covered wrongly refused", pct(sum(v.refused for v in covered), len(covered)), "%")
    note(f"{prefix}: not covered refused", pct(sum(v.refused for v in not_covered), len(not_covered)), "%")
    note(f"{prefix}: answers citing a meta sentence", sum(v.cites_meta for v in grounded), "count")


def study_lines(prefix: str, s: StudyFigures) -> None:
    note(f"{prefix}: summary sentences used", pct(s.sentences_used, 1.0), "%")
    note(f"{prefix}: summary meta sentences", s.meta_in_summary, "count")
    note(f"{prefix}: chapters found (true {s.true_chapters})", s.detected_chapters, "count")
    note(f"{prefix}: quiz questions", s.quiz, "count")
    note(f"{prefix}: quiz fact answers", pct(s.fact_answers, s.quiz), "%")
    note(f"{prefix}: quiz right answers not in the script (misheard)", pct(s.misheard_answers, s.quiz), "%")
    note(f"{prefix}: quiz distractors of answer's type", pct(s.typed_distractors, s.distractors), "%")
    note(f"{prefix}: quiz duplicate answers", s.duplicate_answers, "count")
    note(f"{prefix}: quiz answer in the stem", s.answer_in_stem, "count")
    note(f"{prefix}: quiz right option is the longest", pct(s.longest_is_right, s.quiz), "%")
    note(f"{prefix}: quiz true chapters covered", pct(s.quiz_true_chapters, s.true_chapters), "%")
    note(f"{prefix}: flashcards", s.cards, "count")
    note(f"{prefix}: cards: found chapters covered", pct(s.card_chapters, s.detected_chapters), "%")
    note(f"{prefix}: cards: true chapters covered", pct(s.card_true_chapters, s.true_chapters), "%")
    note(f"{prefix}: cards: well-formed fronts", pct(s.well_formed_fronts, s.cards), "%")


def print_lecture(result: LectureResult, quick: bool, details: TextIO | None) -> None:
    lecture = result.lecture
    prefix = f"eval {lecture.key}"
    print(f"## {lecture.key}: {lecture.title} ({lecture.style}; voice {lecture.voice})", flush=True)
    if not quick:
        note(f"{prefix}: transcript word accuracy", 100.0 - pct(result.errors, result.reference_words), "%")
        note(f"{prefix}: transcription real-time factor", result.transcribe_seconds / result.media_duration, "xRT")
        note(f"{prefix}: media duration", result.media_duration / 60, "min")
    answer_figures(prefix, result.verdicts)
    study_lines(prefix, result.study)
    print(f"   chapter titles: {' | '.join(result.study.titles)}", flush=True)
    print(f"   true chapters:  {' | '.join(t for t, _ in lecture.chapters)}", flush=True)
    for text in result.study.meta_examples:
        print(f"   meta sentence in summary: {text}", flush=True)
    if details is not None:
        print(f"## {lecture.key}", file=details, flush=True)
        for v in result.verdicts:
            if v.question.covered:
                mark = "OK     " if v.correct else ("REFUSED" if v.refused else ("MOMENT " if v.moment else "WRONG  "))
            else:
                mark = "REFUSED" if v.refused else "ANSWERD"
            where = ", ".join(clock(s) for s, _, _ in v.cited) or "-"
            print(f"   {mark} {v.question.kind:<16} {v.question.text}", file=details, flush=True)
            print(f"           [{where}] {v.answer_text[:220]}", file=details, flush=True)
        for line in result.study.details:
            print(f"  {line}", file=details, flush=True)


def print_overall(results: Sequence[LectureResult], quick: bool, started: float) -> None:
    print("## all lectures", flush=True)
    prefix = "eval all"
    verdicts = [v for r in results for v in r.verdicts]
    if not quick:
        errors = sum(r.errors for r in results)
        words = sum(r.reference_words for r in results)
        note(f"{prefix}: transcript word accuracy", 100.0 - pct(errors, words), "%")
        seconds = sum(r.transcribe_seconds for r in results)
        duration = sum(r.media_duration for r in results)
        note(f"{prefix}: transcription real-time factor", seconds / duration, "xRT")
        note(f"{prefix}: media duration", duration / 60, "min")
    note(f"{prefix}: questions", len(verdicts), "count")
    answer_figures(prefix, verdicts)
    by_kind: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_kind[v.question.kind].append(v)
    for kind in KINDS:
        group = by_kind.get(kind, [])
        if not group:
            continue
        if kind in NOT_COVERED_KINDS:
            note(f"{prefix}: kind {kind} refused ({len(group)})", pct(sum(v.refused for v in group), len(group)), "%")
        else:
            note(f"{prefix}: kind {kind} right ({len(group)})", pct(sum(v.correct for v in group), len(group)), "%")
    partial = by_kind.get("two_part_partial", [])
    note(
        f"{prefix}: two-part partial says what's missing", pct(sum(v.says_missing for v in partial), len(partial)), "%"
    )
    studies = [r.study for r in results]
    total = StudyFigures()
    for s in studies:
        for name in (
            "meta_in_summary",
            "quiz",
            "fact_answers",
            "misheard_answers",
            "distractors",
            "typed_distractors",
            "duplicate_answers",
            "answer_in_stem",
            "longest_is_right",
            "quiz_true_chapters",
            "cards",
            "card_chapters",
            "detected_chapters",
            "card_true_chapters",
            "true_chapters",
            "well_formed_fronts",
        ):
            setattr(total, name, getattr(total, name) + getattr(s, name))
    total.sentences_used = sum(s.sentences_used for s in studies) / max(1, len(studies))
    study_lines(prefix, total)
    types = Counter[str]()
    for s in studies:
        types.update(s.answer_types)
    print(f"   quiz answer types (heuristic judge): {dict(sorted(types.items()))}", flush=True)
    by_spacy = spacy_types([item for s in studies for item in s.quiz_items])
    if by_spacy is not None:
        entities, typed, distractors = by_spacy
        note(f"{prefix}: spaCy: quiz answers that are entities", pct(entities, total.quiz), "%")
        note(f"{prefix}: spaCy: distractors with the answer's label", pct(typed, distractors), "%")
    note(f"{prefix}: total wall time", time.perf_counter() - started, "s")


# ----------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="use the script as text segments, no audio")
    parser.add_argument("--lectures", default="", help="comma-separated keys: " + ",".join(LECTURES))
    parser.add_argument("--llm", action="store_true", help="the LLM path against the local OpenAI API double")
    parser.add_argument("-v", "--verbose", action="store_true", help="every answer, summary point, question, card")
    parser.add_argument("--details", type=Path, help="write what -v prints to this file instead")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    keys = [k.strip() for k in args.lectures.split(",") if k.strip()] or list(LECTURES)
    unknown = [k for k in keys if k not in LECTURES]
    if unknown:
        parser.error(f"unknown lecture(s) {', '.join(unknown)}; choose from {', '.join(LECTURES)}")
    started = time.perf_counter()

    import core.videos.chat as chat_module
    from core.ai.local import MiniLMEmbedder
    from core.videos.study.offline import OfflineStudyEngine, prepare

    mode = ("quick (text segments)" if args.quick else "full (speech -> mp3 -> transcription)") + (
        ", LLM path via the API double" if args.llm else ", offline engine"
    )
    print(f"# eval_videos: {mode}; engine from {Path(chat_module.__file__).resolve().parent}", flush=True)
    print(f"# lectures: {', '.join(keys)}; audio cache {CACHE}", flush=True)
    embedder = MiniLMEmbedder()
    transcriber = None
    if not args.quick:
        from core.ai.local import WhisperTranscriber

        transcriber = WhisperTranscriber()
    llm = LLMDouble() if args.llm else None
    engines: dict[str, Any] = {}
    results = []
    details: TextIO | None = args.details.open("w") if args.details else (sys.stdout if args.verbose else None)
    with tempfile.TemporaryDirectory(prefix="mlstudio-eval-library-") as library_root:
        for key in keys:
            lecture = LECTURES[key]
            if args.quick:
                spoken = quick_times(lecture)
                processed = process_text(spoken, lecture, embedder)
            else:
                spoken = speak(lecture, engines)
                processed = process_media(spoken, lecture, transcriber, embedder, Path(library_root))
            engine = llm.engine(processed) if llm else offline_engine(processed, embedder)
            verdicts = ask_all(engine, lecture, spoken.times)
            material = prepare(processed.segments, embedder)
            builder = llm.study() if llm else OfflineStudyEngine()
            study = study_figures(builder, material, lecture, spoken.times)
            result = LectureResult(lecture, verdicts, study)
            if not args.quick:
                reference = tokens(" ".join(lecture.sentences))
                hypothesis = tokens(" ".join(s.text for s in processed.segments))
                result.errors = word_errors(reference, hypothesis)
                result.reference_words = len(reference)
                result.transcribe_seconds = processed.transcribe_seconds
                result.media_duration = processed.media_duration
            results.append(result)
            print_lecture(result, args.quick, details)
    print_overall(results, args.quick, started)
    if llm:
        paths = Counter(r["path"].rsplit("/", 1)[-1] for r in llm.double.requests)
        note("eval all: LLM path: requests to the API double", len(llm.double.requests), "count")
        print(f"   requests by endpoint: {dict(paths)}", flush=True)
        llm.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
