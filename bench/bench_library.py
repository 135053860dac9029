"""The library's rows through SQLAlchemy (core/db.py, issue 18) against the raw sqlite3 code it replaced.

The single-process default must not get slower: 1,000 calls each of get, chat read, update and quiz progress save (and
100 lists of 20 videos) on the default SQLite file, the project's Library beside a copy of the old raw sqlite3
Library (a connection per call, as before) in the same run. With a PostgreSQL server on this machine
(Debian's `postgresql`), the same calls on a local server are printed for the record.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import best_of, note, report  # noqa: E402
from tests.support.legacy_schema import LEGACY_SCHEMA  # noqa: E402

CALLS = 1000
VIDEOS = 20


class OldLibrary:
    """The calls of the pre-SQLAlchemy core/videos/library.py, copied: a sqlite3 connection per call."""

    def __init__(self, root: Path) -> None:
        self.db_path = root / "library.sqlite"
        root.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(LEGACY_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        try:
            with db:
                yield db
        finally:
            db.close()

    def get(self, video_id: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM videos WHERE id = ?", (video_id,)).fetchone()
        return dict(row) if row else None

    def list(self) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM videos ORDER BY updated DESC").fetchall()
        return [dict(row) for row in rows]

    def create(self, video_id: str) -> None:
        now = time.time()
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO videos (id, title, source_kind, source, created, updated, status) "
                "VALUES (?, ?, 'pasted', 'text', ?, ?, 'new')",
                (video_id, f"Talk {video_id}", now, now),
            )

    def update(self, video_id: str, **fields: Any) -> None:
        fields["updated"] = time.time()
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self._connect() as db:
            db.execute(f"UPDATE videos SET {columns} WHERE id = ?", (*fields.values(), video_id))

    def chat(self, video_id: str) -> list[Any]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT turn_json FROM chat_turns WHERE video_id = ? ORDER BY turn", (video_id,)
            ).fetchall()
        return [json.loads(row["turn_json"]) for row in rows]

    def save_quiz_progress(self, video_id: str, progress: dict[str, Any]) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO quiz_progress (video_id, progress_json) VALUES (?, ?)",
                (video_id, json.dumps(progress)),
            )


def reads(library: Any) -> Callable[[], None]:
    def run() -> None:
        for n in range(CALLS):
            video_id = f"v{n % VIDEOS}"
            library.get(video_id)
            library.chat(video_id)
            if n % 10 == 0:
                library.list()

    return run


def writes(library: Any, save_progress: Callable[[str], None]) -> Callable[[], None]:
    def run() -> None:
        for n in range(CALLS):
            video_id = f"v{n % VIDEOS}"
            library.update(video_id, status="ready")
            save_progress(video_id)

    return run


def interleaved_best(baseline: Callable[[], None], project: Callable[[], None], rounds: int = 5) -> tuple[float, float]:
    """Fastest time of each, run in turns so a busy machine slows both alike."""
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for side, run in enumerate((baseline, project)):
            started = time.perf_counter()
            run()
            best[side] = min(best[side], time.perf_counter() - started)
    return best[0], best[1]


def main() -> None:
    from core.videos.conversation import QuizProgress
    from core.videos.library import Library

    work = Path(tempfile.mkdtemp(prefix="mlstudio-bench-library-"))
    old = OldLibrary(work / "old")
    new = Library(work / "new")
    for n in range(VIDEOS):
        old.create(f"v{n}")
        new.create(f"v{n}", f"Talk v{n}", "pasted", "text")
    progress = QuizProgress("quiz-1").with_answer(0, 1)
    workloads = {
        f"reads: {CALLS} get + {CALLS} chat + {CALLS // 10} list": (reads(old), reads(new), CALLS * 2 + CALLS // 10),
        f"writes: {CALLS} update + {CALLS} quiz save (a commit each)": (
            writes(old, lambda v: old.save_quiz_progress(v, progress.to_dict())),
            writes(new, lambda v: new.save_quiz_progress(v, progress)),
            CALLS * 2,
        ),
    }
    for name, (old_run, new_run, calls) in workloads.items():
        old_run(), new_run()  # warm up: page cache, first connections
        baseline, project = interleaved_best(old_run, new_run)
        report(f"library on SQLite, {name}, per call", project / calls * 1e6, baseline / calls * 1e6, "µs")
    started = time.perf_counter()
    Library(work / "fresh")
    note("library, SQLite default: open + migrate a new library", time.perf_counter() - started, "s")

    from tests.support.postgres import postgres_bin, running_postgres

    if postgres_bin() is None:
        print("(no PostgreSQL server installed: the PostgreSQL figure is skipped)")
        return
    with running_postgres() as server:
        remote = Library(work / "pg", server.new_database(), owner="b" + "0" * 20)
        for n in range(VIDEOS):
            remote.create(f"v{n}", f"Talk v{n}", "pasted", "text")
        for name, run, calls in (
            ("reads", reads(remote), CALLS * 2 + CALLS // 10),
            ("writes", writes(remote, lambda v: remote.save_quiz_progress(v, progress)), CALLS * 2),
        ):
            run()
            note(f"library on PostgreSQL (loopback), {name}, per call", best_of(run, 3) / calls * 1e6, "µs")


if __name__ == "__main__":
    main()
