"""The library's rows in a database chosen by URL: the same behaviour on the default SQLite file and on a real
PostgreSQL (started on a loopback port by the `postgres` fixture); owners never see each other's rows; a
library file made by the code before migrations opens with everything in it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.config import load_settings
from core.db import DatabaseError, engine_for, normalized_url
from core.videos.conversation import ChatTurn, QuizProgress
from core.videos.library import Library
from core.videos.study.model import Flashcard
from core.videos.study.review import ReviewStore
from tests.support.legacy_schema import LEGACY_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
CARD = Flashcard("term", "Lava", "Magma that reaches the surface.", 10.0, 0)


def test_records_chat_and_quiz_behave_the_same(tmp_path: Path, database_url: str | None) -> None:
    library = Library(tmp_path / "videos", database_url)
    first = library.create("a", "Volcanoes", "pasted", "text", duration=61.5, language="en")
    assert (first.title, first.status, first.duration, first.language) == ("Volcanoes", "new", 61.5, "en")
    assert library.create("a", "Renamed", "pasted", "other") == first  # an existing record is kept
    library.create("b", "Rivers", "upload", "rivers.mp4")
    library.update("a", status="ready", media_file="a.mp4")
    assert [r.id for r in library.list()] == ["a", "b"]  # newest update first
    assert library.get("a") is not None and library.get("a").ready  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="unknown fields"):
        library.update("a", owner="someone else")

    library.add_chat_turns("a", [ChatTurn("user", "Which volcano?"), ChatTurn("assistant", "Etna.")])
    library.add_chat_turns("a", [ChatTurn("user", "And then? — lava ü")])
    progress = QuizProgress("quiz-1").with_answer(0, 2).next()
    library.save_quiz_progress("a", progress)
    library.save_quiz_progress("a", progress.next())

    again = Library(tmp_path / "videos", database_url)  # the app after a restart
    assert [t.content for t in again.chat("a")] == ["Which volcano?", "Etna.", "And then? — lava ü"]
    assert again.quiz_progress("a") == progress.next()
    again.clear_chat("a")
    assert again.chat("a") == []
    again.record_error("b", "The file has no audio track.")
    assert again.get("b").error == "The file has no audio track."  # type: ignore[union-attr]
    again.delete("a")
    assert again.get("a") is None and again.quiz_progress("a") is None and [r.id for r in again.list()] == ["b"]


def test_two_owners_on_one_database_see_only_their_own_rows(tmp_path: Path, database_url: str | None) -> None:
    if database_url is None:  # one shared SQLite file, as one shared server would be
        database_url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    alice = Library(tmp_path / "alice", database_url, owner="b" + "1" * 20)
    bob = Library(tmp_path / "bob", database_url, owner="b" + "2" * 20)
    for library, title in ((alice, "Alice's talk"), (bob, "Bob's talk")):
        library.create("same-id", title, "pasted", "text")  # the same video id in both spaces
        library.add_chat_turns("same-id", [ChatTurn("user", f"{title}?")])
        library.save_quiz_progress("same-id", QuizProgress(f"quiz of {title}"))
    alice.create("alice-only", "Private", "pasted", "text")

    assert [r.title for r in bob.list()] == ["Bob's talk"]
    assert bob.get("alice-only") is None
    assert [t.content for t in bob.chat("same-id")] == ["Bob's talk?"]
    assert bob.quiz_progress("same-id") == QuizProgress("quiz of Bob's talk")

    alice_cards, bob_cards = ReviewStore(alice.database, fuzzing=False), ReviewStore(bob.db_path, fuzzing=False)
    alice_cards.save_deck("same-id", [CARD])
    assert bob_cards.deck("same-id") == [] and not bob_cards.has_generated("same-id")
    with pytest.raises(KeyError):
        bob_cards.rate("same-id", CARD.id, "good")
    bob_cards.delete_video("same-id")
    bob.delete("same-id")
    bob.update("alice-only", title="taken")  # touches no row of Alice's
    bob.record_error("alice-only", "taken")

    assert [c.card for c in alice_cards.deck("same-id")] == [CARD]
    assert {r.id: r.title for r in alice.list()} == {"same-id": "Alice's talk", "alice-only": "Private"}
    assert alice.get("alice-only").error is None  # type: ignore[union-attr]
    assert [t.content for t in alice.chat("same-id")] == ["Alice's talk?"]
    assert alice.quiz_progress("same-id") == QuizProgress("quiz of Alice's talk")


def test_a_library_file_from_before_migrations_opens_with_everything_in_it(tmp_path: Path) -> None:
    import fsrs

    root = tmp_path / "videos"
    root.mkdir()
    with sqlite3.connect(root / "library.sqlite") as db:
        db.executescript(LEGACY_SCHEMA)
        db.execute(
            "INSERT INTO videos VALUES ('v1', 'Old talk', 'pasted', 'text', 12.5, 1.0, 2.0, 'ready', NULL,"
            " 'short', NULL, NULL, 'recognized', 'en')"
        )
        db.execute("""INSERT INTO chat_turns VALUES ('v1', 0, '{"role": "user", "content": "Old question"}')""")
        db.execute("""INSERT INTO quiz_progress VALUES ('v1', '{"quiz": "q", "position": 1, "answers": {}}')""")
        state = fsrs.Card()
        # Two cards at the same position: the one inserted first stays first (SQLite's rowid order).
        for card in (CARD, Flashcard("cloze", "_____ is the process plants use.", "Photosynthesis", 45.0, 1)):
            db.execute(
                "INSERT INTO flashcards VALUES ('v1', ?, ?, ?, ?, 0, 0)",
                (card.id, json.dumps(card.to_dict()), state.to_json(), state.due.isoformat()),
            )
        db.execute("INSERT INTO flashcard_decks VALUES ('v1', '2026-01-01T00:00:00+00:00')")
    db.close()

    owner = "a" + "3" * 20  # the file sits in this owner's space: its rows become the owner's
    library = Library(root, owner=owner)
    record = library.get("v1")
    assert record is not None and (record.title, record.duration, record.warning) == ("Old talk", 12.5, "short")
    assert [t.content for t in library.chat("v1")] == ["Old question"]
    assert library.quiz_progress("v1") == QuizProgress("q", 1)
    store = ReviewStore(library.db_path, fuzzing=False)
    deck = store.deck("v1")
    assert [c.card.id for c in deck] == [CARD.id, deck[1].card.id] and {c.origin for c in deck} == {"generated"}
    assert store.has_generated("v1")
    store.rate("v1", CARD.id, "good")
    assert Library(root, owner="a" + "4" * 20).get("v1") is None  # nobody else's
    with sqlite3.connect(root / "library.sqlite") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]


def test_two_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path, database_url: str | None) -> None:
    root = tmp_path / "videos"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; from core.videos.library import "
        "Library; lib = Library(Path(sys.argv[2]), sys.argv[3] or None); lib.create(sys.argv[4], 't', 'pasted', 's')"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(ROOT), str(root), database_url or "", f"v{n}"])
        for n in range(3)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0]
    library = Library(root, database_url)
    assert sorted(r.id for r in library.list()) == ["v0", "v1", "v2"]
    with library.database.engine.connect() as db:
        assert db.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == ["0002"]


def test_a_wrong_database_url_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="only postgresql:// and sqlite://"):
        Library(tmp_path, "mysql://user@127.0.0.1/db")
    with pytest.raises(DatabaseError, match="not a database URL"):
        Library(tmp_path, "not a url")
    wrong = "postgresql://nobody:s3cret@127.0.0.1:1/none"  # nothing listens on port 1
    with pytest.raises(DatabaseError, match="could not be opened") as caught:
        engine_for(wrong)
    assert "s3cret" not in str(caught.value) and "MLSTUDIO_DATABASE_URL" in str(caught.value)
    assert normalized_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"


def test_the_setting_keeps_the_password_out_of_its_repr() -> None:
    settings = load_settings(
        environ={"MLSTUDIO_DATABASE_URL": "postgresql://app:s3cret@db.internal:5432/mlstudio"}, secrets={}
    )
    assert settings.database_url == "postgresql://app:s3cret@db.internal:5432/mlstudio"
    assert "s3cret" not in repr(settings)
    assert load_settings(environ={}, secrets={}).database_url is None
