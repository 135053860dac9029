"""The library: every processed video, in a database (core/db.py: SQLite at data_dir/videos/library.sqlite
by default, PostgreSQL by MLSTUDIO_DATABASE_URL) plus a folder of files. Rows are the owner's only.

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
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import BindParameter, bindparam, delete, func, select, update
from sqlalchemy.exc import OperationalError

from core.ai.base import Segment
from core.db import Database, chat_turns, normalized_url, quiz_progress, register_library, sqlite_url, videos
from core.files import copy_atomic, disk_full_as_user_error, write_text_atomic
from core.spaces import SHARED_OWNER
from core.videos.conversation import ChatTurn, QuizProgress

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


_RECORD_FIELDS = tuple(VideoRecord.__dataclass_fields__)
_RECORD_COLUMNS = [videos.c[name] for name in _RECORD_FIELDS]
_UPDATABLE = frozenset(_RECORD_FIELDS) - {"id", "created"}


# Built once: building a statement costs more than running it on SQLite (bench/bench_library.py).
_OWNER: BindParameter[str] = bindparam("b_owner")
_VIDEO: BindParameter[str] = bindparam("b_video")
_GET = select(*_RECORD_COLUMNS).where(videos.c.owner == _OWNER, videos.c.id == _VIDEO)
_LIST = select(*_RECORD_COLUMNS).where(videos.c.owner == _OWNER).order_by(videos.c.updated.desc())
_UPDATE = update(videos).where(videos.c.owner == _OWNER, videos.c.id == _VIDEO)  # SET: the columns passed
_CHAT = (
    select(chat_turns.c.turn_json)
    .where(chat_turns.c.owner == _OWNER, chat_turns.c.video_id == _VIDEO)
    .order_by(chat_turns.c.turn)
)
_QUIZ = select(quiz_progress.c.progress_json).where(quiz_progress.c.owner == _OWNER, quiz_progress.c.video_id == _VIDEO)


def _record(row: Any) -> VideoRecord:
    return VideoRecord(*row)


class Library:
    """One owner's videos: rows in the database at `database_url` (default: SQLite in `root`), files in `root`."""

    def __init__(self, root: Path, database_url: str | None = None, owner: str = SHARED_OWNER) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.db_path = root / "library.sqlite"
        self.owner = owner
        self.database = Database(normalized_url(database_url) if database_url else sqlite_url(self.db_path), owner)
        self._engine = self.database.engine  # opened (and migrated) now: a wrong URL fails here
        register_library(self.db_path, self.database)
        self._lock = threading.Lock()
        save = self.database.insert(quiz_progress)
        self._save_quiz = save.on_conflict_do_update(
            index_elements=["owner", "video_id"], set_={"progress_json": save.excluded.progress_json}
        )

    def _keys(self, video_id: str) -> dict[str, str]:
        return {"b_owner": self.owner, "b_video": video_id}

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> Library:
        return cls(data_dir / "videos")

    # -- records -------------------------------------------------------------------------------
    def folder(self, video_id: str) -> Path:
        folder = self.root / "items" / safe_id(video_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def get(self, video_id: str) -> VideoRecord | None:
        with self._engine.connect() as db:
            row = db.execute(_GET, self._keys(video_id)).first()
        return _record(row) if row else None

    def list(self) -> builtins.list[VideoRecord]:
        with self._engine.connect() as db:
            rows = db.execute(_LIST, {"b_owner": self.owner}).all()
        return [_record(row) for row in rows]

    def create(self, video_id: str, title: str, source_kind: str, source: str, **fields: Any) -> VideoRecord:
        """Insert a record, or return the existing one (its finished steps are kept)."""
        existing = self.get(video_id)
        if existing is not None:
            return existing
        now = time.time()
        row = {"owner": self.owner, "id": video_id, "title": title, "source_kind": source_kind, "source": source}
        with self._lock, self._engine.begin() as db:
            db.execute(
                self.database.insert(videos)
                .values(**row, created=now, updated=now, status="new")
                .on_conflict_do_nothing(index_elements=["owner", "id"])
            )
        if fields:
            self.update(video_id, **fields)
        record = self.get(video_id)
        assert record is not None
        return record

    def update(self, video_id: str, **fields: Any) -> None:
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise ValueError(f"unknown fields {unknown}")
        fields["updated"] = time.time()
        with self._lock, self._engine.begin() as db:
            db.execute(_UPDATE, {**self._keys(video_id), **fields})

    def record_error(self, video_id: str, message: str) -> None:
        """Set a video's error, also on a full disk (the journal in memory: an in-place update needs no space)."""
        try:
            self.update(video_id, error=message)
        except OperationalError as exc:
            if not self.database.is_sqlite or "full" not in str(exc):
                raise
            with self._lock, self.database.begin_memory_journal() as db:
                db.execute(_UPDATE, {**self._keys(video_id), "error": message, "updated": time.time()})

    def delete(self, video_id: str) -> None:
        """Remove a video and its files. Works on a full disk: the files go first (that frees space),
        and when SQLite still cannot write its rollback journal the journal is kept in memory."""
        shutil.rmtree(self.root / "items" / safe_id(video_id), ignore_errors=True)
        try:
            with self._lock, self._engine.begin() as db:
                self._delete_rows(db, video_id)
        except OperationalError as exc:
            if not self.database.is_sqlite or "full" not in str(exc):
                raise
            with disk_full_as_user_error("deleting"), self._lock, self.database.begin_memory_journal() as db:
                self._delete_rows(db, video_id)

    def _delete_rows(self, db: Any, video_id: str) -> None:
        db.execute(delete(videos).where(videos.c.owner == self.owner, videos.c.id == video_id))
        for table in (chat_turns, quiz_progress):
            db.execute(delete(table).where(table.c.owner == self.owner, table.c.video_id == video_id))

    # -- what a user did with a video: the chat, the quiz in progress ---------------------------
    def chat(self, video_id: str) -> builtins.list[ChatTurn]:
        """The chat with this video, oldest message first."""
        with self._engine.connect() as db:
            rows = db.execute(_CHAT, self._keys(video_id)).scalars().all()
        return [ChatTurn.from_dict(json.loads(text)) for text in rows]

    def add_chat_turns(self, video_id: str, turns: Iterable[ChatTurn]) -> None:
        """Append messages to the chat with this video (all or none)."""
        mine = (chat_turns.c.owner == self.owner, chat_turns.c.video_id == video_id)
        with self._lock, self._engine.begin() as db:
            count = db.execute(select(func.count()).select_from(chat_turns).where(*mine)).scalar_one()
            rows = [
                {"owner": self.owner, "video_id": video_id, "turn": count + n, "turn_json": _dumps(t.to_dict())}
                for n, t in enumerate(turns)
            ]
            if rows:
                db.execute(chat_turns.insert(), rows)

    def clear_chat(self, video_id: str) -> None:
        with self._lock, self._engine.begin() as db:
            db.execute(delete(chat_turns).where(chat_turns.c.owner == self.owner, chat_turns.c.video_id == video_id))

    def quiz_progress(self, video_id: str) -> QuizProgress | None:
        with self._engine.connect() as db:
            text = db.execute(_QUIZ, self._keys(video_id)).scalar()
        return QuizProgress.from_dict(json.loads(text)) if text is not None else None

    def save_quiz_progress(self, video_id: str, progress: QuizProgress) -> None:
        row = {"owner": self.owner, "video_id": video_id, "progress_json": json.dumps(progress.to_dict())}
        with self._lock, self._engine.begin() as db:
            db.execute(self._save_quiz, row)

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


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
