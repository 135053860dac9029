"""Long work in a background thread with progress and cancel, polled by the page."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from core.ai.base import AIError, Cancelled
from core.videos.pipeline import InputError, ProgressReporter

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
            self.error = "Cancelled. What was finished is kept; press Process to continue."
        except (InputError, AIError) as exc:
            self.error = str(exc)
        except Exception:
            log.exception("job %s failed", self.label)
            self.error = "Something went wrong while processing. What was finished is kept; try again."

    def cancel(self) -> None:
        self.reporter.cancel_event.set()

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
