"""The library's database, chosen by URL: SQLite in the library folder by default, PostgreSQL by
`MLSTUDIO_DATABASE_URL`. SQLAlchemy Core tables and portable statements; the schema is kept by the
Alembic migrations in `core/migrations`, applied the first time a process opens a URL.

Every row carries its owner (`core.spaces`): with one shared PostgreSQL the owner is part of every
key, so one owner's queries never reach another's rows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from core.errors import UserError
from core.spaces import SHARED_OWNER

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_TIMEOUT_SECONDS = 30

metadata = MetaData()

videos = Table(
    "videos",
    metadata,
    Column("owner", Text, nullable=False),
    Column("id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("source_kind", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("duration", Float),
    Column("created", Float, nullable=False),
    Column("updated", Float, nullable=False),
    Column("status", Text, nullable=False),
    Column("error", Text),
    Column("warning", Text),
    Column("media_file", Text),
    Column("media_mime", Text),
    Column("transcript_source", Text),
    Column("language", Text),
    PrimaryKeyConstraint("owner", "id", name="pk_videos"),
)
chat_turns = Table(
    "chat_turns",
    metadata,
    Column("owner", Text, nullable=False),
    Column("video_id", Text, nullable=False),
    Column("turn", Integer, nullable=False),
    Column("turn_json", Text, nullable=False),
    PrimaryKeyConstraint("owner", "video_id", "turn", name="pk_chat_turns"),
)
quiz_progress = Table(
    "quiz_progress",
    metadata,
    Column("owner", Text, nullable=False),
    Column("video_id", Text, nullable=False),
    Column("progress_json", Text, nullable=False),
    PrimaryKeyConstraint("owner", "video_id", name="pk_quiz_progress"),
)
flashcards = Table(
    "flashcards",
    metadata,
    Column("owner", Text, nullable=False),
    Column("video_id", Text, nullable=False),
    Column("card_id", Text, nullable=False),
    Column("card_json", Text, nullable=False),
    Column("fsrs_json", Text, nullable=False),
    Column("due", Text, nullable=False),
    Column("reviews", Integer, nullable=False, server_default="0"),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("origin", Text, nullable=False, server_default="generated"),
    Column("added", Integer, nullable=False, server_default="0"),  # insertion order: ties of position
    PrimaryKeyConstraint("owner", "video_id", "card_id", name="pk_flashcards"),
)
flashcard_decks = Table(
    "flashcard_decks",
    metadata,
    Column("owner", Text, nullable=False),
    Column("video_id", Text, nullable=False),
    Column("built_at", Text, nullable=False),
    PrimaryKeyConstraint("owner", "video_id", name="pk_flashcard_decks"),
)
flashcard_reviews = Table(
    "flashcard_reviews",
    metadata,
    Column("owner", Text, nullable=False),
    Column("video_id", Text, nullable=False),
    Column("card_id", Text, nullable=False),
    Column("rating", Text, nullable=False),
    Column("reviewed_at", Text, nullable=False),
    Column("due_after", Text, nullable=False),
    Index("ix_flashcard_reviews_owner_video", "owner", "video_id"),
)


class DatabaseError(UserError):
    """The configured database cannot be opened (wrong URL, server down, wrong password)."""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def normalized_url(url: str) -> str:
    """The URL with its driver named: a bare postgresql:// (or postgres://) means psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            "MLSTUDIO_DATABASE_URL is not a database URL: use postgresql://user:password@host:5432/name "
            "or sqlite:////path/library.sqlite."
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"MLSTUDIO_DATABASE_URL names {parsed.get_backend_name()!r}: only postgresql:// and sqlite:// work."
        )
    return parsed.render_as_string(hide_password=False)


def shown_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class Database:
    """Where one owner's library rows live: a database URL and the owner the rows are scoped to."""

    url: str
    owner: str = SHARED_OWNER

    @cached_property
    def engine(self) -> Engine:
        return engine_for(self.url, self.owner)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def insert(self, table: Table) -> Any:
        """An INSERT of this dialect, with its ON CONFLICT clauses (`on_conflict_do_nothing/update`)."""
        return (sqlite.insert if self.is_sqlite else postgresql.insert)(table)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def begin_memory_journal(self) -> Iterator[Connection]:
        """A SQLite transaction whose rollback journal is kept in memory: an in-place update or a delete
        then works on a full disk. Its own connection, so the pooled ones keep their journal."""
        engine = create_engine(self.url, poolclass=NullPool, connect_args={"timeout": SQLITE_TIMEOUT_SECONDS})
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=MEMORY")
                connection.commit()
                with connection.begin():
                    yield connection
        finally:
            engine.dispose()


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_libraries: dict[Path, Database] = {}


def engine_for(url: str, owner: str = SHARED_OWNER) -> Engine:
    """The process's one pooled engine for `url`, its schema brought to the newest revision on first use.
    `owner` is who gets the rows of a library file made before rows had owners (a file is one space's)."""
    url = normalized_url(url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is not None and _sqlite_file_gone(engine):
            engine.dispose()  # its pooled connections would write to the deleted file
            engine = None
        if engine is None:
            engine = _new_engine(url)
            try:
                migrate(engine, owner)
            except SQLAlchemyError as exc:
                engine.dispose()
                reason = type(getattr(exc, "orig", None) or exc).__name__
                raise DatabaseError(
                    f"The library database {shown_url(url)} could not be opened ({reason}). "
                    "Check MLSTUDIO_DATABASE_URL, that the server runs, and the user's password."
                ) from exc
            _engines[url] = engine
        return engine


def _sqlite_file_gone(engine: Engine) -> bool:
    database = engine.url.database
    return engine.dialect.name == "sqlite" and bool(database) and not Path(str(database)).exists()


def _new_engine(url: str) -> Engine:
    if url.startswith("sqlite"):  # a file: no server to lose, so no ping before each use (it doubled a read)
        return create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT_SECONDS})
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def migrate(engine: Engine, owner: str = SHARED_OWNER) -> None:
    """Apply the Alembic migrations up to head, in one transaction that holds the database's write lock
    (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so two processes opening at once migrate once."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["legacy_owner"] = owner
    if engine.dialect.name == "sqlite":
        # pysqlite begins transactions lazily and never before DDL: take the lock ourselves.
        migrator = create_engine(
            engine.url, poolclass=NullPool, connect_args={"timeout": SQLITE_TIMEOUT_SECONDS, "isolation_level": None}
        )
        event.listen(migrator, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        migrator = engine
    try:
        with migrator.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")  # this app's migration lock
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if migrator is not engine:
            migrator.dispose()


def register_library(db_path: Path, database: Database) -> None:
    """Remember which database the library whose SQLite file would be `db_path` uses (see `database_at`)."""
    with _engines_lock:
        _libraries[db_path.resolve()] = database


def database_at(db_path: Path) -> Database:
    """The database of the library opened at `db_path` in this process (its URL and owner), else the
    SQLite file itself: callers that name a library by its `db_path` reach the same rows."""
    with _engines_lock:
        known = _libraries.get(db_path.resolve())
    return known if known is not None else Database(sqlite_url(db_path))
