"""Processing a video: ingest -> extract audio -> transcribe piece by piece -> index. Resumable.

Each step records its result in the library before the next starts, so a crash, a cancel or a
failure leaves finished steps in place and the next run continues where it stopped.
"""

from __future__ import annotations

import inspect
import logging
import mimetypes
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.ai.base import AIError, Cancelled, Embedder, Segment, Transcriber
from core.errors import DiskFullError, UserError
from core.files import copy_atomic, is_disk_full, size_and_limit
from core.media.ffmpeg import (
    MediaError,
    MediaInfo,
    cut_piece,
    describe_seconds,
    detect_silences,
    extract_audio,
    max_volume_db,
    plan_cuts,
    probe,
    wav_seconds,
)
from core.videos.chunks import build_chunks
from core.videos.index import VideoIndex
from core.videos.library import Library, VideoRecord, content_id, text_id
from core.videos.transcript import (
    TranscriptError,
    parse_pasted,
    parse_subtitles,
    require_content,
    title_from_filename,
    transcription_prompt,
)

log = logging.getLogger(__name__)

SILENT_DB = -50.0
PIECE_SECONDS = 120.0
MAX_MEDIA_SECONDS = 3 * 3600.0  # the default of MLSTUDIO_MAX_MEDIA_MINUTES
NOT_ENGLISH_LOGPROB = -1.0
UNSURE_WORD = 0.5  # a word the recognizer gave less than this probability
UNSURE_SHARE = 0.6

CANCELLED_MESSAGE = "Cancelled. What was finished is kept; press Process to continue."
STAGE_WEIGHTS = {"download": 0.15, "extract": 0.05, "transcribe": 0.72, "index": 0.08, "deck": 0.05}


class InputError(UserError, ValueError):
    """Something the user gave cannot be used; the message says what to do."""


@dataclass
class ProgressReporter:
    """Turns per-stage fractions into one honest overall percentage; raises Cancelled on request."""

    callback: Callable[[float, str], None] = lambda fraction, message: None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    stages: tuple[str, ...] = ("extract", "transcribe", "index")
    alive: Callable[[], bool] = lambda: True  # False once the session that started the work has ended

    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        total = sum(STAGE_WEIGHTS[s] for s in self.stages)
        self._weights = {s: STAGE_WEIGHTS[s] / total for s in self.stages}
        self.fraction = 0.0
        self.message = "Starting"
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def seconds_left(self) -> float | None:
        """At the pace so far; None until there is enough to go on (5% done and 5 s spent)."""
        elapsed = self.elapsed()
        if self.fraction < 0.05 or elapsed < 5.0:
            return None
        return elapsed * (1.0 - self.fraction) / self.fraction

    def cancelled(self) -> bool:
        """Cancel pressed, or nobody left to see the result (the session ended)."""
        return self.cancel_event.is_set() or not self.alive()

    def report(self, stage: str, fraction: float, message: str) -> None:
        if self.cancelled():
            raise Cancelled()
        done = sum(self._weights[s] for s in self.stages[: self.stages.index(stage)]) if stage in self.stages else 0
        overall = done + self._weights.get(stage, 0.0) * max(0.0, min(1.0, fraction))
        self.fraction = max(self.fraction, min(1.0, overall))
        self.message = message
        self.callback(self.fraction, message)

    def stage(self, name: str) -> Callable[[float, str], None]:
        return lambda fraction, message: self.report(name, fraction, message)


# -- ingest ----------------------------------------------------------------------------------------
def check_media(path: Path, size: int, max_bytes: int, max_seconds: float = MAX_MEDIA_SECONDS) -> MediaInfo:
    """By content: ffmpeg must read it, and it must have an audio track with a duration under the limit."""
    if size > max_bytes:
        shown, limit = size_and_limit(size, max_bytes)
        raise InputError(
            f"This file is {shown}; the limit is {limit}. Trim it, upload the audio only, or use subtitles."
        )
    if size == 0:
        raise InputError("This file is empty. Choose another file.")
    try:
        info = probe(path)
    except MediaError as exc:
        raise InputError(
            "This file is not a video or audio file we can read, whatever its name says "
            "(it may be corrupt). Upload an MP4, WebM, MP3, WAV or M4A file, or a subtitle file."
        ) from exc
    if not info.has_audio:
        raise InputError("This file has no audio track, so there is nothing to transcribe. Upload subtitles instead.")
    if info.duration <= 0.2:
        raise InputError("This media is too short to transcribe (under a second).")
    if not info.duration <= max_seconds:
        raise InputError(
            f"This file says it lasts {describe_seconds(info.duration)}; the limit is "
            f"{describe_seconds(max_seconds)}. Trim it or upload a shorter file."
        )
    return info


def ingest_media_file(
    library: Library,
    path: Path,
    title: str,
    source_kind: str,
    source: str,
    max_bytes: int,
    move: bool = False,
    video_id: str | None = None,
    max_seconds: float = MAX_MEDIA_SECONDS,
) -> VideoRecord:
    """Check a media file and add it to the library (or return the record it already has)."""
    info = check_media(path, path.stat().st_size, max_bytes, max_seconds)
    video_id = video_id or content_id(path)
    existing = library.get(video_id)
    if existing is not None and library.media_path(existing) is not None:
        return existing
    suffix = Path(title).suffix.lower() if Path(title).suffix else ""
    if not suffix or mimetypes.guess_type(f"x{suffix}")[0] is None:
        suffix = ".mp4" if info.has_video else ".m4a"
    target = library.folder(video_id) / f"media{suffix}"
    copy_atomic(path, target, "saving the media file", move=move)
    kind = "video" if info.has_video else "audio"
    mime = mimetypes.guess_type(target.name)[0] or f"{kind}/mp4"
    if not mime.startswith(kind):
        mime = f"{kind}/{mime.split('/')[1]}"
    record = library.create(video_id, info.title or Path(title).stem or title, source_kind, source)
    library.update(
        video_id, duration=info.duration, media_file=target.name, media_mime=mime, status="media", error=None
    )
    return library.get(video_id) or record


def ingest_transcript_text(library: Library, text: str, title: str, kind: str) -> VideoRecord:
    """A subtitle file (.srt/.vtt) or pasted transcript becomes a library item with no media."""
    if kind == "subtitles":
        segments = parse_subtitles(text)
        if not segments and text.strip():
            raise InputError(
                "This subtitle file has no cues in SRT or WebVTT format. Check the file or paste the text."
            )
    else:
        segments = parse_pasted(text)
    try:
        require_content(segments)
    except TranscriptError as exc:
        raise InputError(str(exc)) from exc
    video_id = text_id(text)
    library.create(video_id, title, kind, title)
    library.save_transcript(video_id, segments)
    library.update(video_id, status="transcribed", duration=segments[-1].end, transcript_source=kind, error=None)
    record = library.get(video_id)
    assert record is not None
    return record


# -- processing ------------------------------------------------------------------------------------
def audio_path(library: Library, video_id: str) -> Path:
    """The 16 kHz mono WAV extracted from a video's media (transcribed in pieces; kept for the waveform)."""
    return library.folder(video_id) / "audio.wav"


def _extract(library: Library, record: VideoRecord, reporter: ProgressReporter) -> None:
    media = library.media_path(record)
    if media is None:
        raise InputError("The media file of this video is missing from the library. Add the video again.")
    audio = audio_path(library, record.id)
    reporter.report("extract", 0.0, "Extracting audio")
    claimed = record.duration or 0.0
    try:
        # Never more audio than the (checked) duration the file claims: a file that lies about its
        # length cannot make the work longer than what was allowed.
        extract_audio(media, audio, claimed, reporter.stage("extract"), max_seconds=claimed + 1.0 if claimed else None)
    except MediaError as exc:
        raise InputError(f"{exc} Try converting it, or upload subtitles.") from exc
    if max_volume_db(audio) < SILENT_DB:
        audio.unlink(missing_ok=True)
        raise InputError("The audio track is silent, so there is nothing to transcribe. Upload subtitles instead.")
    library.update(record.id, status="audio", duration=wav_seconds(audio) or claimed or None, error=None)


def plan_pieces(audio: Path, duration: float, reporter: ProgressReporter) -> list[tuple[float, float]]:
    """Where to cut the audio into pieces; bounded in pieces, and stopped by Cancel or the session's end."""
    try:
        silences = detect_silences(audio, cancelled=reporter.cancelled)
        return plan_cuts(duration, silences, PIECE_SECONDS, cancelled=reporter.cancelled)
    except MediaError as exc:
        raise InputError(str(exc)) from exc


def _transcribe(library: Library, record: VideoRecord, transcriber: Transcriber, reporter: ProgressReporter) -> None:
    audio = audio_path(library, record.id)
    if not audio.is_file():
        library.update(record.id, status="media")
        raise InputError("The extracted audio is missing; press Process again to redo it.")
    duration = record.duration or probe(audio).duration
    plan = library.read_json(record.id, "pieces/plan.json")
    if plan is None:
        reporter.report("transcribe", 0.0, "Finding pauses to cut the audio at")
        plan = plan_pieces(audio, duration, reporter)
        library.write_json(record.id, "pieces/plan.json", plan)
    description, chapters = library.source_context(record.id)
    title = record.title if record.source_kind == "url" else title_from_filename(record.title)
    # A title alone is no help and some harm: with "The Moon in numbers." as the prompt, tiny.en skipped
    # the talk's first 20 s, which opens with the same words (eval: word accuracy 86.6% with the title
    # as prompt, 91.5% without). A link's description and chapters carry the names worth the prompt.
    prompt = transcription_prompt(title, description, chapters) if description.strip() or chapters else ""
    segments: list[Segment] = []
    logprobs: list[float] = []
    total = sum(end - start for start, end in plan) or 1.0
    done_seconds = 0.0
    for number, (start, end) in enumerate(plan):
        name = f"pieces/{number:04d}.json"
        saved = library.read_json(record.id, name)
        if saved is None:
            piece_path = library.folder(record.id) / "pieces" / f"{number:04d}.wav"
            cut_piece(audio, piece_path, start, end)

            def piece_progress(
                fraction: float,
                _message: str,
                base: float = done_seconds,
                span: float = end - start,
                label: str = f"Transcribing piece {number + 1} of {len(plan)}",
            ) -> None:
                reporter.report("transcribe", (base + fraction * span) / total, label)

            piece_progress(0.0, "")
            try:
                if prompt and accepts_prompt(transcriber):
                    result = transcriber.transcribe(piece_path, piece_progress, prompt=prompt)  # type: ignore[call-arg]
                else:
                    result = transcriber.transcribe(piece_path, piece_progress)
            finally:
                piece_path.unlink(missing_ok=True)
            saved = {
                "segments": [
                    s.clamped(end - start).shifted(start).clamped(duration).to_dict() for s in result.segments
                ],
                "avg_logprob": result.avg_logprob,
            }
            library.write_json(record.id, name, saved)
        segments.extend(Segment.from_dict(s) for s in saved["segments"])
        if saved.get("avg_logprob") is not None and saved["segments"]:
            logprobs.append(float(saved["avg_logprob"]))
        done_seconds += end - start
        reporter.report("transcribe", done_seconds / total, f"Transcribed piece {number + 1} of {len(plan)}")
    mean = sum(logprobs) / len(logprobs) if logprobs else None
    if transcriber.english_only and looks_unreliable(segments, mean):
        library.update(
            record.id,
            warning=(
                "The speech recognizer was unsure of this audio. If it is not in English, the offline "
                "model (English only) cannot transcribe it well: use OpenAI transcription or subtitles."
            ),
        )
    try:
        require_content(segments)
    except TranscriptError as exc:
        raise InputError(
            "No speech was recognized in this audio. If it is not English, the offline model cannot "
            "transcribe it: use OpenAI transcription or upload subtitles."
        ) from exc
    library.save_transcript(record.id, segments)
    library.update(record.id, status="transcribed", transcript_source=transcriber.name, language="en", error=None)


def accepts_prompt(transcriber: Transcriber) -> bool:
    """Whether `transcriber.transcribe` takes a `prompt` (the local one does; the OpenAI one does not)."""
    try:
        parameters = inspect.signature(transcriber.transcribe).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "prompt" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def looks_unreliable(segments: list[Segment], mean_logprob: float | None) -> bool:
    """An English-only model on other languages decodes with low confidence and loops on phrases:
    a low mean log-probability, or text that compresses too well (repeated phrases)."""
    import zlib

    text = " ".join(s.text for s in segments).strip()
    if len(text.split()) < 5:
        return True
    if mean_logprob is not None and mean_logprob < NOT_ENGLISH_LOGPROB:
        return True
    heard = [w.probability for s in segments for w in s.words]
    if len(heard) >= 5 and sum(p < UNSURE_WORD for p in heard) > UNSURE_SHARE * len(heard):
        return True  # most words were guesses: tiny.en "hears" English in other languages
    lines = [s.text.strip().lower() for s in segments if s.text.strip()]
    if len(lines) >= 3 and len(set(lines)) <= len(lines) / 2:  # one line decoded again and again
        return True
    raw = text.lower().encode()
    return len(text.split()) >= 20 and len(raw) / len(zlib.compress(raw)) > 2.4


def _index(library: Library, record: VideoRecord, embedder: Embedder, reporter: ProgressReporter) -> None:
    segments: list[Segment] = library.transcript(record.id) or []
    reporter.report("index", 0.0, "Building the search index")
    index = VideoIndex.build(build_chunks(segments), embedder, reporter.stage("index"))
    index.save(library.index_folder(record.id, embedder.name))
    reporter.report("index", 1.0, "Ready")
    library.update(record.id, status="ready", error=None)


def rebuild_index(library: Library, video_id: str, embedder: Embedder) -> VideoIndex:
    """After the transcript changed: every saved index is dropped, and `embedder`'s is built anew."""
    shutil.rmtree(library.folder(video_id) / "index", ignore_errors=True)
    segments = library.transcript(video_id)
    if not segments:
        raise InputError("This video has no transcript yet. Press Process first.")
    index = VideoIndex.build(build_chunks(segments), embedder)
    index.save(library.index_folder(video_id, embedder.name))
    return index


def process(
    library: Library,
    video_id: str,
    transcriber: Callable[[], Transcriber],
    embedder: Callable[[], Embedder],
    reporter: ProgressReporter | None = None,
) -> VideoRecord:
    """Run the remaining steps for a library item. Errors are recorded on the item and re-raised."""
    reporter = reporter or ProgressReporter()
    record = library.get(video_id)
    if record is None:
        raise InputError("This video is not in the library any more. Add it again.")
    try:
        if record.status in ("new", "media"):
            _extract(library, record, reporter)
            record = library.get(video_id) or record
        if record.status == "audio":
            _transcribe(library, record, transcriber(), reporter)
            record = library.get(video_id) or record
        if record.status in ("transcribed", "ready"):
            # the first time in a process this loads the embedding model (about 10 s on 2 cores)
            reporter.report("index", 0.0, "Loading the search model")
            emb = embedder()
            if record.status != "ready" or not (library.index_folder(video_id, emb.name) / "index.faiss").is_file():
                _index(library, record, emb, reporter)
    except Cancelled:
        library.update(video_id, error=CANCELLED_MESSAGE)
        raise
    except (InputError, AIError) as exc:
        library.update(video_id, error=str(exc))
        raise
    except Exception as exc:
        if is_disk_full(exc):
            full = exc if isinstance(exc, DiskFullError) else DiskFullError("processing")
            log.warning("processing %s stopped: the disk is full (%s)", video_id, exc)
            _record_error(library, video_id, str(full))
            raise full from exc
        log.exception("processing %s failed", video_id)
        library.update(video_id, error="Processing failed unexpectedly. Press Process to retry.")
        raise InputError("Processing failed unexpectedly; finished steps are kept. Press Process to retry.") from exc
    final = library.get(video_id)
    assert final is not None
    return final


def _record_error(library: Library, video_id: str, message: str) -> None:
    """Put the error on the video's record; on a full disk even that small write may fail (logged)."""
    try:
        library.record_error(video_id, message)
    except Exception:
        log.warning("could not record the error of %s", video_id, exc_info=True)


def load_index(library: Library, video_id: str, embedder: Embedder) -> VideoIndex:
    """The video's saved index (built on demand if it is missing or from another embedder)."""
    folder = library.index_folder(video_id, embedder.name)
    if (folder / "index.faiss").is_file():
        try:
            return VideoIndex.load(folder, embedder, trusted_root=library.root)
        except Exception:  # a damaged index is rebuilt from the transcript
            log.warning("rebuilding damaged index for %s", video_id, exc_info=True)
    segments = library.transcript(video_id)
    if not segments:
        raise InputError("This video has no transcript yet. Press Process first.")
    index = VideoIndex.build(build_chunks(segments), embedder)
    index.save(folder)
    return index


EMBEDDABLE_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")


def embeddable(url: str) -> bool:
    """True for sites whose page URL the browser player can embed (st.video plays YouTube and Vimeo links)."""
    from urllib.parse import urlparse

    host = (urlparse(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in EMBEDDABLE_HOSTS)


def ingest_url(
    library: Library,
    url: str,
    deployed: bool,
    max_bytes: int,
    reporter: ProgressReporter | None = None,
    max_seconds: float = MAX_MEDIA_SECONDS,
) -> VideoRecord:
    """A video from a web address: its captions when the site has them, else its audio (then transcribed)."""
    from core.media.download import DownloadError, check_url, fetch

    reporter = reporter or ProgressReporter()
    try:
        url = check_url(url, deployed)
    except DownloadError as exc:
        raise InputError(str(exc)) from exc
    for record in library.list():
        if record.source == url and record.source_kind == "url" and record.status != "new":
            return record
    staging = library.root / "staging" / text_id(url)
    try:
        remote = fetch(url, staging, deployed, max_bytes, reporter.stage("download"))
    except DownloadError as exc:
        raise InputError(str(exc)) from exc
    try:
        if remote.captions_path is not None:
            segments = parse_subtitles(remote.captions_path.read_text(errors="replace"))
            require_content(segments)
            library.create(remote.source_id, remote.title, "url", url)
            library.save_transcript(remote.source_id, segments)
            library.update(
                remote.source_id,
                status="transcribed",
                duration=remote.duration or segments[-1].end,
                transcript_source="captions",
                media_mime="video/embed" if embeddable(url) else None,
                error=None,
            )
        else:
            assert remote.media_path is not None
            ingest_media_file(
                library,
                remote.media_path,
                remote.title,
                "url",
                url,
                max_bytes,
                move=True,
                video_id=remote.source_id,
                max_seconds=max_seconds,
            )
            library.update(remote.source_id, title=remote.title)
            library.save_source_context(remote.source_id, remote.description, remote.chapters)
    except TranscriptError as exc:
        raise InputError(str(exc)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stored = library.get(remote.source_id)
    assert stored is not None
    return stored
