"""Long work in a background thread with progress and cancel, polled by the page."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.ai.base import AIError, Cancelled
from core.videos.pipeline import CANCELLED_MESSAGE, InputError, ProgressReporter
from core.videos.transcript import format_timestamp

log = logging.getLogger(__name__)


class JobStatus(Enum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class Job:
    """`work(reporter)` runs in a thread; the page reads `fraction`, `message`, `done`, `error`, `result`."""

    label: str
    work: Callable[[ProgressReporter], Any]
    stages: tuple[str, ...] = ("extract", "transcribe", "index")
    alive: Callable[[], bool] = lambda: True  # the job stops (as if cancelled) once this says False
    reporter: ProgressReporter = field(init=False)
    result: Any = None
    error: str | None = None
    cancelled: bool = False
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.reporter = ProgressReporter(stages=self.stages, alive=self.alive)

    def start(self) -> Job:
        self._thread = threading.Thread(target=self._run, name=f"ttv-job-{self.label}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self.work(self.reporter)
        except Cancelled:
            self.cancelled = True
            self.error = CANCELLED_MESSAGE
        except (InputError, AIError) as exc:
            self.error = str(exc)
        except Exception:
            log.exception("job %s failed", self.label)
            self.error = "Something went wrong while processing. What was finished is kept; try again."

    def cancel(self) -> None:
        self.reporter.cancel_event.set()

    @property
    def cancelling(self) -> bool:
        """Cancel was pressed and the work has not stopped yet (it stops at its next progress report)."""
        return self.reporter.cancel_event.is_set() and not self.done

    def progress_text(self) -> str:
        """ "Transcribing piece 2 of 5 · 40% · 0:48 so far, about 1:12 left": a figure that moves every second."""
        parts = [self.message, f"{self.fraction:.0%}", f"{format_timestamp(self.reporter.elapsed())} so far"]
        left = self.reporter.seconds_left()
        if left is not None:
            parts[-1] += f", about {format_timestamp(left)} left"
        return " · ".join(parts)

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.done

    @property
    def done(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    @property
    def status(self) -> JobStatus:
        if not self.done:
            return JobStatus.RUNNING
        if self.cancelled:
            return JobStatus.CANCELLED
        return JobStatus.FAILED if self.error else JobStatus.FINISHED

    @property
    def fraction(self) -> float:
        return self.reporter.fraction

    @property
    def message(self) -> str:
        return self.reporter.message
