"""Spaced repetition of flashcards with FSRS (`fsrs` package); review state lives in SQLite.

The store uses tables of its own in the library's database file, so a deck and its review history
survive sessions and restarts and go away with the video.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from core.videos.study.model import Flashcard

RatingName = Literal["again", "hard", "good", "easy"]
RATINGS: tuple[RatingName, ...] = ("again", "hard", "good", "easy")
Origin = Literal["generated", "user"]  # made by the study engine, or added by the user (e.g. from a missed question)

SCHEMA = """
CREATE TABLE IF NOT EXISTS flashcards (
    video_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    card_json TEXT NOT NULL,
    fsrs_json TEXT NOT NULL,
    due TEXT NOT NULL,
    reviews INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT 'generated',
    PRIMARY KEY (video_id, card_id)
);
CREATE TABLE IF NOT EXISTS flashcard_decks (
    video_id TEXT PRIMARY KEY,
    built_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS flashcard_reviews (
    video_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    rating TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    due_after TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class ScheduledCard:
    card: Flashcard
    due: datetime
    reviews: int
    state: str  # "learning", "review" or "relearning"
    origin: Origin = "generated"


class ReviewStore:
    def __init__(self, database: Path, fuzzing: bool = True) -> None:
        import fsrs

        self.database = database
        self._scheduler = fsrs.Scheduler(enable_fuzzing=fuzzing)
        self._previewer = fsrs.Scheduler(enable_fuzzing=False)  # the intervals shown on the rating buttons
        database.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(flashcards)")}
            if "origin" not in columns:  # a library made before cards knew where they came from
                db.execute("ALTER TABLE flashcards ADD COLUMN origin TEXT NOT NULL DEFAULT 'generated'")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.database, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        finally:
            db.close()

    def save_deck(self, video_id: str, cards: Iterable[Flashcard]) -> None:
        """Make `cards` the generated part of this video's deck. The cards the user added and the cards
        already reviewed keep their state and stay; the other generated cards are replaced."""
        cards = list(cards)
        ids = [card.id for card in cards]
        with self._connect() as db:
            placeholders = ",".join("?" * len(ids)) or "''"
            db.execute(
                "DELETE FROM flashcards WHERE video_id = ? AND origin = 'generated' AND reviews = 0 "
                f"AND card_id NOT IN ({placeholders})",
                (video_id, *ids),
            )
            db.execute(
                "INSERT INTO flashcard_decks VALUES (?, ?) "
                "ON CONFLICT(video_id) DO UPDATE SET built_at = excluded.built_at",
                (video_id, datetime.now(UTC).isoformat()),
            )
            for position, card in enumerate(cards):
                _insert(
                    db,
                    video_id,
                    card,
                    position,
                    "generated",
                    "ON CONFLICT(video_id, card_id) DO UPDATE SET position = excluded.position, "
                    "card_json = excluded.card_json",
                )

    def add_cards(self, video_id: str, cards: Iterable[Flashcard], origin: Origin = "user") -> int:
        """Append cards (the user's own, or from missed quiz questions); returns how many were new."""
        added = 0
        with self._connect() as db:
            last = db.execute("SELECT COALESCE(MAX(position), -1) FROM flashcards WHERE video_id = ?", (video_id,))
            position = int(last.fetchone()[0]) + 1
            for card in cards:
                cursor = _insert(db, video_id, card, position, origin, "ON CONFLICT(video_id, card_id) DO NOTHING")
                added += cursor.rowcount
                position += cursor.rowcount
        return added

    def has_generated(self, video_id: str) -> bool:
        """Whether the study engine has made this video's deck from its current transcript (the user's own
        cards do not count)."""
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM flashcard_decks WHERE video_id = ?", (video_id,)).fetchone()
        return row is not None

    def forget_generated(self, video_id: str) -> None:
        """Drop the generated cards never reviewed (the transcript changed); the rest stays."""
        with self._connect() as db:
            db.execute(
                "DELETE FROM flashcards WHERE video_id = ? AND origin = 'generated' AND reviews = 0", (video_id,)
            )
            db.execute("DELETE FROM flashcard_decks WHERE video_id = ?", (video_id,))

    def preview(self, video_id: str, card_id: str, now: datetime | None = None) -> dict[RatingName, datetime]:
        """When the card would be due after each rating, computed with FSRS and not saved (no fuzz: the
        interval a rating button shows)."""
        import fsrs

        now = now or datetime.now(UTC)
        with self._connect() as db:
            state = _card_state(db, video_id, card_id)
        return {
            rating: self._previewer.review_card(state, fsrs.Rating[rating.capitalize()], now)[0].due
            for rating in RATINGS
        }

    def deck(self, video_id: str) -> list[ScheduledCard]:
        import fsrs

        with self._connect() as db:
            rows = db.execute(
                "SELECT card_json, fsrs_json, reviews, origin FROM flashcards WHERE video_id = ? "
                "ORDER BY position, rowid",
                (video_id,),
            ).fetchall()
        result = []
        for card_json, fsrs_json, reviews, origin in rows:
            state = fsrs.Card.from_json(fsrs_json)
            result.append(
                ScheduledCard(
                    Flashcard.from_dict(json.loads(card_json)),
                    state.due,
                    int(reviews),
                    state.state.name.lower(),
                    "user" if origin == "user" else "generated",
                )
            )
        return result

    def due(self, video_id: str, now: datetime | None = None) -> list[ScheduledCard]:
        now = now or datetime.now(UTC)
        return sorted((c for c in self.deck(video_id) if c.due <= now), key=lambda c: c.due)

    def rate(self, video_id: str, card_id: str, rating: RatingName, now: datetime | None = None) -> datetime:
        """Record a review; returns when the card is due next."""
        import fsrs

        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
        now = now or datetime.now(UTC)
        with self._connect() as db:
            state = _card_state(db, video_id, card_id)
            state, _log = self._scheduler.review_card(state, fsrs.Rating[rating.capitalize()], now)
            db.execute(
                "UPDATE flashcards SET fsrs_json = ?, due = ?, reviews = reviews + 1 "
                "WHERE video_id = ? AND card_id = ?",
                (state.to_json(), state.due.isoformat(), video_id, card_id),
            )
            db.execute(
                "INSERT INTO flashcard_reviews VALUES (?, ?, ?, ?, ?)",
                (video_id, card_id, rating, now.isoformat(), state.due.isoformat()),
            )
        return state.due

    def delete_video(self, video_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM flashcards WHERE video_id = ?", (video_id,))
            db.execute("DELETE FROM flashcard_reviews WHERE video_id = ?", (video_id,))
            db.execute("DELETE FROM flashcard_decks WHERE video_id = ?", (video_id,))


def _insert(
    db: sqlite3.Connection, video_id: str, card: Flashcard, position: int, origin: Origin, conflict: str
) -> sqlite3.Cursor:
    """Insert a new, never-reviewed card; `conflict` says what to do when it is already in the deck."""
    import fsrs

    state = fsrs.Card()
    return db.execute(
        "INSERT INTO flashcards (video_id, card_id, card_json, fsrs_json, due, position, origin) "
        f"VALUES (?, ?, ?, ?, ?, ?, ?) {conflict}",
        (video_id, card.id, json.dumps(card.to_dict()), state.to_json(), state.due.isoformat(), position, origin),
    )


def interval_label(due: datetime, now: datetime) -> str:
    """How long until `due`, as a rating button says it (Anki's style): "<1m", "6m", "3h", "4d", "2mo", "1.5y"."""
    seconds = (due - now).total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{round(days / 30)}mo"
    return f"{days / 365:.1f}y"


def _card_state(db: sqlite3.Connection, video_id: str, card_id: str) -> Any:
    """A card's FSRS state (an `fsrs.Card`), read inside the caller's transaction."""
    import fsrs

    row = db.execute(
        "SELECT fsrs_json FROM flashcards WHERE video_id = ? AND card_id = ?", (video_id, card_id)
    ).fetchone()
    if row is None:
        raise KeyError(f"no card {card_id} in this video's deck")
    return fsrs.Card.from_json(row[0])
