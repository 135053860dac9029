"""Talk to Videos benchmarks (embedded backends, synthesized speech; about 3 minutes on 2 cores).

1. Transcription real-time factor of faster-whisper tiny.en on a 10-minute lecture, inside the real
   pipeline (ffmpeg extraction, pieces cut at pauses), and the time from "Process" to the first answer.
   Baseline: the same 1-minute excerpt transcribed with the app's earlier decoding (greedy, no voice
   activity filter, no word timestamps) against the settings it uses now (beam 5, Silero VAD, word
   timestamps and probabilities, a prompt from the title).
2. Peak memory for a 60-minute audio file: the seed's approach (pydub loads the whole file, then
   fixed 10-minute cuts exported as 16 kHz mono WAV) against ours (ffmpeg streams: extract, find
   pauses, cut pieces at pauses).
   Each runs in its own process; peak RSS = the summed RSS of that process and its ffmpeg children.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import note, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.media.ffmpeg import ffmpeg_binary  # noqa: E402
from tests.videos.lecture import EXTRA, LECTURE, mux_video, synthesize_lecture  # noqa: E402

WORK = Path(tempfile.gettempdir()) / "mlstudio-bench-videos"


def lecture_audio() -> Path:
    """About a minute of distinct synthesized speech (cached between runs)."""
    WORK.mkdir(exist_ok=True)
    path = WORK / "lecture-base.wav"
    if not path.exists():
        synthesize_lecture(WORK / "lecture-base.part.wav", LECTURE + EXTRA).replace(path)
    return path


def looped(source: Path, seconds: int, target: Path, args: list[str]) -> Path:
    if not target.exists():
        partial = target.with_name("part-" + target.name)
        subprocess.run(
            [
                ffmpeg_binary(),
                "-loglevel",
                "error",
                "-y",
                "-stream_loop",
                "-1",
                "-i",
                str(source),
                "-t",
                str(seconds),
                *args,
                str(partial),
            ],
            check=True,
        )
        partial.replace(target)
    return target


SEED_SCRIPT = """
import sys
from pydub import AudioSegment
audio = AudioSegment.from_file(sys.argv[1])
step = 10 * 60 * 1000
for i, start in enumerate(range(0, len(audio), step)):
    audio[start:start + step].set_channels(1).set_frame_rate(16000).export(f"{sys.argv[2]}/seed{i}.wav", format="wav")
"""

OURS_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from core.media.ffmpeg import cut_piece, detect_silences, extract_audio, plan_cuts, probe
source, out = Path(sys.argv[1]), Path(sys.argv[2])
info = probe(source)
wav = extract_audio(source, out / "audio.wav", info.duration)
cuts = plan_cuts(info.duration, detect_silences(wav), 600.0)
for i, (start, end) in enumerate(cuts):
    cut_piece(wav, out / f"ours{i}.wav", start, end)
"""


def peak_rss_mb(script: str, *args: str) -> float:
    """Peak of the summed RSS of a fresh Python process and all its children, sampled every 20 ms."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="mlstudio-bench-") as out:
        process = subprocess.Popen([sys.executable, "-c", script, *args[:1], out, *args[1:]])
        root = psutil.Process(process.pid)
        peak = 0
        while process.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)
        if process.returncode != 0:
            raise RuntimeError("memory benchmark script failed")
        return peak / 2**20


def transcription_and_first_answer() -> None:
    from core.ai.local import MiniLMEmbedder, WhisperTranscriber
    from core.videos.chat import OfflineAnswerEngine
    from core.videos.library import Library
    from core.videos.pipeline import ProgressReporter, ingest_media_file, load_index, process

    audio10 = looped(lecture_audio(), 600, WORK / "lecture-10min.wav", [])
    video = WORK / "lecture-10min.mp4"
    if not video.exists():
        mux_video(audio10, video)
    transcriber = WhisperTranscriber()
    embedder = MiniLMEmbedder()
    embedder.embed_query("warm up")
    stages: dict[str, float] = {}
    marks: dict[str, float] = {}

    def track(fraction: float, message: str) -> None:
        marks.setdefault(message.split()[0], time.perf_counter())

    with tempfile.TemporaryDirectory(prefix="mlstudio-bench-lib-") as tmp:
        library = Library(Path(tmp))
        started = time.perf_counter()
        record = ingest_media_file(library, video, "lecture.mp4", "upload", "bench", 2**31)
        reporter = ProgressReporter(callback=track)
        process(library, record.id, lambda: transcriber, lambda: embedder, reporter)
        engine = OfflineAnswerEngine(
            load_index(library, record.id, embedder), library.transcript(record.id) or [], embedder
        )
        answer = engine.ask("Which is the most active volcano in Europe?").answer
        first_answer = time.perf_counter() - started
        stages["transcribe"] = marks.get("Building", time.perf_counter()) - marks.get("Finding", started)
    duration = record.duration or 600.0
    note("videos: transcription real-time factor (tiny.en, 10-min lecture)", stages["transcribe"] / duration, "xRT")
    note("videos: Process -> first answer (10-min video, offline)", first_answer, "s")
    assert answer.grounded, "the bench lecture should answer its own question"

    excerpt = looped(lecture_audio(), 60, WORK / "lecture-1min.wav", [])
    from faster_whisper import WhisperModel

    from core.ai.local import whisper_tiny_en_path

    model = WhisperModel(str(whisper_tiny_en_path()), device="cpu", compute_type="int8")
    started = time.perf_counter()
    segments, _ = model.transcribe(
        str(excerpt), language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False, temperature=0.0
    )
    list(segments)
    greedy_time = time.perf_counter() - started
    started = time.perf_counter()
    transcriber.transcribe(excerpt, prompt="Volcanoes: a short lecture.")
    ours_time = time.perf_counter() - started
    report("videos: tiny.en on a 1-min excerpt: app decoding vs greedy", ours_time, greedy_time, "s")
    note("videos: transcription real-time factor (tiny.en, 1-min excerpt, app decoding)", ours_time / 60, "xRT")


def memory_60_minutes() -> None:
    audio60 = looped(
        lecture_audio(),
        3600,
        WORK / "lecture-60min.mp3",
        ["-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "64k"],
    )
    seed = peak_rss_mb(SEED_SCRIPT, str(audio60))
    ours = peak_rss_mb(OURS_SCRIPT, str(audio60), str(ROOT))
    report("videos: peak RSS, 60-min audio, split for transcription", ours, seed, "MB")


def main() -> None:
    memory_60_minutes()
    transcription_and_first_answer()


if __name__ == "__main__":
    main()
