"""The library: every processed video, in SQLite (data_dir/videos/library.sqlite) plus a folder of files.

Keyed by source id (a site's video id) or content hash (uploads, pasted text), so reopening a video
or re-running after a crash never repeats finished work: each step writes its files atomically and
records its status, and transcription pieces are kept one by one.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core.ai.base import Segment
from core.files import copy_atomic, disk_full_as_user_error, write_text_atomic
from core.videos.conversation import ChatTurn, QuizProgress

SCHEMA = """
CREATE TABLE IF NOT EXISTS videos (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    source TEXT NOT NULL,
    duration REAL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    warning TEXT,
    media_file TEXT,
    media_mime TEXT,
    transcript_source TEXT,
    language TEXT
);
CREATE TABLE IF NOT EXISTS chat_turns (
    video_id TEXT NOT NULL,
    turn INTEGER NOT NULL,
    turn_json TEXT NOT NULL,
    PRIMARY KEY (video_id, turn)
);
CREATE TABLE IF NOT EXISTS quiz_progress (
    video_id TEXT PRIMARY KEY,
    progress_json TEXT NOT NULL
);
"""

ORIGINAL_TRANSCRIPT = "transcript.original.json"
SOURCE_CONTEXT = "source.json"

VideoStatus = Literal["new", "media", "audio", "transcribed", "ready", "failed"]
STATUSES: tuple[VideoStatus, ...] = ("new", "media", "audio", "transcribed", "ready", "failed")


@dataclass(frozen=True)
class VideoRecord:
    id: str
    title: str
    source_kind: str  # SourceKind: url | upload | subtitles | pasted | local
    source: str
    duration: float | None
    created: float
    updated: float
    status: VideoStatus
    error: str | None = None
    warning: str | None = None
    media_file: str | None = None
    media_mime: str | None = None
    transcript_source: str | None = None
    language: str | None = None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def content_id(path: Path, prefix: str = "sha256") -> str:
    """Hash of a file's content, read in blocks (never whole)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"{prefix}-{digest.hexdigest()[:20]}"


def text_id(text: str, prefix: str = "text") -> str:
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:20]}"


def safe_id(raw: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", raw).strip("._")[:80]
    return cleaned or hashlib.sha256(raw.encode()).hexdigest()[:20]


class Library:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.db_path = root / "library.sqlite"
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Library:
        return cls(data_dir / "videos")

    @contextmanager
    def _connect(self, journal: str = "DELETE") -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        if journal != "DELETE":
            db.execute(f"PRAGMA journal_mode={journal}")
        try:
            with db:
                yield db
        finally:
            db.close()

    # -- records -------------------------------------------------------------------------------
    def folder(self, video_id: str) -> Path:
        folder = self.root / "items" / safe_id(video_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def get(self, video_id: str) -> VideoRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM videos WHERE id = ?", (video_id,)).fetchone()
        return VideoRecord(**dict(row)) if row else None

    def list(self) -> builtins.list[VideoRecord]:
        with self._connect() as db:
            rows = db.execute("SELECT * FROM videos ORDER BY updated DESC").fetchall()
        return [VideoRecord(**dict(row)) for row in rows]

    def create(self, video_id: str, title: str, source_kind: str, source: str, **fields: Any) -> VideoRecord:
        """Insert a record, or return the existing one (its finished steps are kept)."""
        existing = self.get(video_id)
        if existing is not None:
            return existing
        now = time.time()
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO videos (id, title, source_kind, source, created, updated, status) "
                "VALUES (?, ?, ?, ?, ?, ?, 'new')",
                (video_id, title, source_kind, source, now, now),
            )
        if fields:
            self.update(video_id, **fields)
        record = self.get(video_id)
        assert record is not None
        return record

    def update(self, video_id: str, **fields: Any) -> None:
        allowed = set(VideoRecord.__dataclass_fields__) - {"id", "created"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown fields {unknown}")
        fields["updated"] = time.time()
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self._lock, self._connect() as db:
            db.execute(f"UPDATE videos SET {columns} WHERE id = ?", (*fields.values(), video_id))

    def record_error(self, video_id: str, message: str) -> None:
        """Set a video's error, also on a full disk (the journal in memory: an in-place update needs no space)."""
        try:
            self.update(video_id, error=message)
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            with self._lock, self._connect("MEMORY") as db:
                db.execute("UPDATE videos SET error = ?, updated = ? WHERE id = ?", (message, time.time(), video_id))

    def delete(self, video_id: str) -> None:
        """Remove a video and its files. Works on a full disk: the files go first (that frees space),
        and when SQLite still cannot write its rollback journal the journal is kept in memory."""
        shutil.rmtree(self.root / "items" / safe_id(video_id), ignore_errors=True)
        try:
            self._delete_rows(video_id, journal="DELETE")
        except sqlite3.OperationalError as exc:
            if "full" not in str(exc):
                raise
            with disk_full_as_user_error("deleting"):
                self._delete_rows(video_id, journal="MEMORY")

    def _delete_rows(self, video_id: str, journal: str) -> None:
        with self._lock, self._connect(journal) as db:
            db.execute("DELETE FROM videos WHERE id = ?", (video_id,))
            db.execute("DELETE FROM chat_turns WHERE video_id = ?", (video_id,))
            db.execute("DELETE FROM quiz_progress WHERE video_id = ?", (video_id,))

    # -- what a user did with a video: the chat, the quiz in progress ---------------------------
    def chat(self, video_id: str) -> builtins.list[ChatTurn]:
        """The chat with this video, oldest message first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT turn_json FROM chat_turns WHERE video_id = ? ORDER BY turn", (video_id,)
            ).fetchall()
        return [ChatTurn.from_dict(json.loads(row["turn_json"])) for row in rows]

    def add_chat_turns(self, video_id: str, turns: Iterable[ChatTurn]) -> None:
        """Append messages to the chat with this video (all or none)."""
        with self._lock, self._connect() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM chat_turns WHERE video_id = ?", (video_id,)).fetchone()
            db.executemany(
                "INSERT INTO chat_turns (video_id, turn, turn_json) VALUES (?, ?, ?)",
                [(video_id, count + n, json.dumps(t.to_dict(), ensure_ascii=False)) for n, t in enumerate(turns)],
            )

    def clear_chat(self, video_id: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM chat_turns WHERE video_id = ?", (video_id,))

    def quiz_progress(self, video_id: str) -> QuizProgress | None:
        with self._connect() as db:
            row = db.execute("SELECT progress_json FROM quiz_progress WHERE video_id = ?", (video_id,)).fetchone()
        return QuizProgress.from_dict(json.loads(row["progress_json"])) if row else None

    def save_quiz_progress(self, video_id: str, progress: QuizProgress) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO quiz_progress (video_id, progress_json) VALUES (?, ?)",
                (video_id, json.dumps(progress.to_dict())),
            )

    # -- files ---------------------------------------------------------------------------------
    def write_json(self, video_id: str, name: str, data: Any) -> Path:
        path = self.folder(video_id) / name
        return write_text_atomic(path, json.dumps(data, ensure_ascii=False), f"saving {name}")

    def read_json(self, video_id: str, name: str) -> Any | None:
        path = self.folder(video_id) / name
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError:
            return None

    def save_transcript(self, video_id: str, segments: builtins.list[Segment]) -> None:
        self.write_json(video_id, "transcript.json", {"segments": [s.to_dict() for s in segments]})

    def transcript(self, video_id: str) -> builtins.list[Segment] | None:
        data = self.read_json(video_id, "transcript.json")
        return [Segment.from_dict(s) for s in data["segments"]] if data else None

    # -- corrections: the user's edits replace transcript.json; the recognizer's text is kept ----------
    def save_corrected_transcript(self, video_id: str, segments: builtins.list[Segment]) -> None:
        """Store the user's corrected transcript, keeping the first (machine) transcript to revert to."""
        original = self.folder(video_id) / ORIGINAL_TRANSCRIPT
        current = self.folder(video_id) / "transcript.json"
        if not original.is_file() and current.is_file():
            copy_atomic(current, original, "keeping the original transcript")
        self.save_transcript(video_id, segments)

    def original_transcript(self, video_id: str) -> builtins.list[Segment] | None:
        """The transcript before any correction (None when it was never corrected)."""
        data = self.read_json(video_id, ORIGINAL_TRANSCRIPT)
        return [Segment.from_dict(s) for s in data["segments"]] if data else None

    def revert_transcript(self, video_id: str) -> bool:
        """Put the machine transcript back (False when there was no correction)."""
        original = self.folder(video_id) / ORIGINAL_TRANSCRIPT
        if not original.is_file():
            return False
        os.replace(original, self.folder(video_id) / "transcript.json")
        return True

    # -- what the source says about itself (title aside): the transcriber's prompt ------------------
    def save_source_context(self, video_id: str, description: str, chapters: Iterable[str]) -> None:
        self.write_json(video_id, SOURCE_CONTEXT, {"description": description, "chapters": list(chapters)})

    def source_context(self, video_id: str) -> tuple[str, builtins.list[str]]:
        """(description, chapter titles) the site gave for this video; empty for uploads."""
        data = self.read_json(video_id, SOURCE_CONTEXT) or {}
        return str(data.get("description") or ""), [str(c) for c in data.get("chapters") or []]

    def media_path(self, record: VideoRecord) -> Path | None:
        if not record.media_file:
            return None
        path = self.folder(record.id) / record.media_file
        return path if path.is_file() else None

    def index_folder(self, video_id: str, embedder_name: str) -> Path:
        return self.folder(video_id) / "index" / safe_id(embedder_name)
