"""What every benchmark prints: one line per figure, project value beside a baseline from the same run."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

SHARED_DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "data"


def report(name: str, project: float, baseline: float, unit: str, higher_is_better: bool = False) -> None:
    """Print `name | project | baseline | ratio`; the ratio says how many times better the project is."""
    if higher_is_better:
        ratio = project / baseline if baseline else float("inf")
    else:
        ratio = baseline / project if project else float("inf")
    print(
        f"{name:<58} project {project:>12.4g} {unit:<6} baseline {baseline:>12.4g} {unit:<6} ratio {ratio:>8.2f}x",
        flush=True,
    )


def note(name: str, value: float, unit: str) -> None:
    """A figure with no meaningful baseline (printed for the record, same format, ratio '-')."""
    line = f"{name:<58} project {value:>12.4g} {unit:<6} baseline {'-':>12} {'':<6} ratio {'-':>8}"
    print(line, flush=True)


def best_of(function: Callable[[], Any], repeat: int = 3) -> float:
    """Fastest wall time of `repeat` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best
