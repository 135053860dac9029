"""Cancel and resume of the processing job (issue 16), on a 6-minute synthesized lecture, embedded backends.

1. Cancel latency: Cancel pressed halfway through transcription until the job has stopped, against the
   time one audio piece takes to transcribe (what a cancel checked only between pieces would cost).
2. Process after Cancel: the time to finish from where it stopped (finished pieces are kept on disk),
   against processing the same video from scratch in this run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.common import note, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_videos import WORK, lecture_audio, looped  # noqa: E402
from tests.videos.lecture import mux_video  # noqa: E402

MINUTES = 6


def main() -> None:
    from core.ai.local import MiniLMEmbedder, WhisperTranscriber
    from core.videos.jobs import Job, JobStatus
    from core.videos.library import Library
    from core.videos.pipeline import PIECE_SECONDS, ingest_media_file, process

    audio = looped(lecture_audio(), MINUTES * 60, WORK / f"lecture-{MINUTES}min.wav", [])
    video = WORK / f"lecture-{MINUTES}min.mp4"
    if not video.exists():
        mux_video(audio, video)
    transcriber, embedder = WhisperTranscriber(), MiniLMEmbedder()
    embedder.embed_query("warm up")
    transcriber.transcribe(looped(lecture_audio(), 5, WORK / "warm-5s.wav", []))

    with tempfile.TemporaryDirectory(prefix="mlstudio-bench-cancel-") as tmp:
        scratch = Library(Path(tmp) / "scratch")
        record = ingest_media_file(scratch, video, "lecture.mp4", "upload", "bench", 2**31)
        started = time.perf_counter()
        process(scratch, record.id, lambda: transcriber, lambda: embedder)
        from_scratch = time.perf_counter() - started
        pieces = max(1, round(MINUTES * 60 / PIECE_SECONDS))
        one_piece = from_scratch / pieces  # an upper bound: indexing is in it too

        cancelled = Library(Path(tmp) / "cancelled")
        record = ingest_media_file(cancelled, video, "lecture.mp4", "upload", "bench", 2**31)
        job = Job(
            "bench", lambda reporter: process(cancelled, record.id, lambda: transcriber, lambda: embedder, reporter)
        )
        job.start()
        halfway = f"Transcribing piece {pieces // 2 + 1} of"
        while not job.done and not job.message.startswith(halfway):
            time.sleep(0.05)
        time.sleep(3.0)  # well inside that piece
        pressed = time.perf_counter()
        job.cancel()
        job.wait(120)
        latency = time.perf_counter() - pressed
        assert job.status is JobStatus.CANCELLED, (job.status, job.error)
        kept = len(list((cancelled.folder(record.id) / "pieces").glob("[0-9]*.json")))

        started = time.perf_counter()
        process(cancelled, record.id, lambda: transcriber, lambda: embedder)
        resumed = time.perf_counter() - started

    report("videos: Cancel -> job stopped vs one piece's transcription", latency, one_piece, "s")
    note(f"videos: pieces kept at Cancel (of {pieces})", kept, "pieces")
    report(f"videos: Process after Cancel vs from scratch ({MINUTES}-min video)", resumed, from_scratch, "s")


if __name__ == "__main__":
    main()
