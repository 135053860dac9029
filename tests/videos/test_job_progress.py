"""The processing job's progress line (a figure that moves every second) and its one Cancel."""

import threading

import pytest

from core.ai.base import Cancelled
from core.videos.jobs import Job, JobStatus
from core.videos.pipeline import CANCELLED_MESSAGE, ProgressReporter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_time_left_follows_the_pace_so_far() -> None:
    clock = Clock()
    reporter = ProgressReporter(stages=("transcribe",), clock=clock)
    clock.now += 3.0
    reporter.report("transcribe", 0.5, "Transcribing piece 1 of 2")
    assert reporter.seconds_left() is None  # 3 s are too few to go on
    clock.now += 7.0
    assert reporter.elapsed() == 10.0
    assert reporter.seconds_left() == 10.0  # half done in 10 s: about 10 s to go
    reporter.report("transcribe", 0.8, "Transcribing piece 2 of 2")
    assert abs(reporter.seconds_left() - 2.5) < 1e-9


def test_progress_text_moves_while_the_fraction_stands_still() -> None:
    clock = Clock()
    release = threading.Event()

    def work(reporter: ProgressReporter) -> None:
        reporter.report("transcribe", 0.25, "Transcribing piece 1 of 4")
        release.wait(10)

    job = Job("Processing", work, ("transcribe",))
    job.reporter = ProgressReporter(stages=("transcribe",), clock=clock)
    job.start()
    try:
        for _ in range(100):
            if job.fraction:
                break
            release.wait(0.01)
        clock.now += 6.0
        first = job.progress_text()
        clock.now += 1.0
        second = job.progress_text()
        assert first == "Transcribing piece 1 of 4 · 25% · 0:06 so far, about 0:18 left"
        assert second == "Transcribing piece 1 of 4 · 25% · 0:07 so far, about 0:21 left"
    finally:
        release.set()
        job.wait(5)


def test_cancel_is_one_state_then_one_message() -> None:
    reached = threading.Event()

    def work(reporter: ProgressReporter) -> None:
        reached.set()
        while True:
            reporter.report("transcribe", 0.1, "Transcribing piece 1 of 4")  # raises Cancelled once asked
            threading.Event().wait(0.01)

    job = Job("Processing", work, ("transcribe",)).start()
    assert reached.wait(5)
    assert not job.cancelling
    job.cancel()
    job.wait(5)
    assert job.done and not job.cancelling
    assert job.status is JobStatus.CANCELLED
    assert job.error == CANCELLED_MESSAGE


def test_a_report_after_cancel_raises() -> None:
    reporter = ProgressReporter(stages=("index",))
    reporter.cancel_event.set()
    with pytest.raises(Cancelled):
        reporter.report("index", 0.5, "Building the search index")


def test_loading_the_search_model_is_a_step_the_page_names(tmp_path) -> None:
    """Pasted text goes straight to indexing; the model's first load took ~17 s under 'Starting · 0%'."""
    from core.videos.library import Library
    from core.videos.pipeline import ingest_transcript_text, process

    library = Library(tmp_path / "videos")
    record = ingest_transcript_text(
        library, "0:00 Glaciers are rivers of ice.\n0:05 They move downhill.", "x", "pasted"
    )
    heard: list[str] = []

    def embedder():
        heard.append("embedder made")
        from core.ai.local import MiniLMEmbedder

        return MiniLMEmbedder()

    reporter = ProgressReporter(callback=lambda _f, message: heard.append(message))
    process(library, record.id, lambda: None, embedder, reporter)  # type: ignore[arg-type,return-value]
    assert heard.index("Loading the search model") < heard.index("embedder made") < heard.index("Ready")
