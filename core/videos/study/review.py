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
from typing import Literal

from core.videos.study.model import Flashcard

RatingName = Literal["again", "hard", "good", "easy"]
RATINGS: tuple[RatingName, ...] = ("again", "hard", "good", "easy")

SCHEMA = """
CREATE TABLE IF NOT EXISTS flashcards (
    video_id TEXT NOT NULL,
    card_id TEXT NOT NULL,
    card_json TEXT NOT NULL,
    fsrs_json TEXT NOT NULL,
    due TEXT NOT NULL,
    reviews INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (video_id, card_id)
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


class ReviewStore:
    def __init__(self, database: Path, fuzzing: bool = True) -> None:
        import fsrs

        self.database = database
        self._scheduler = fsrs.Scheduler(enable_fuzzing=fuzzing)
        database.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

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
        """Make `cards` the deck of this video. Cards already reviewed keep their state and stay."""
        cards = list(cards)
        ids = [card.id for card in cards]
        with self._connect() as db:
            placeholders = ",".join("?" * len(ids)) or "''"
            db.execute(
                f"DELETE FROM flashcards WHERE video_id = ? AND reviews = 0 AND card_id NOT IN ({placeholders})",
                (video_id, *ids),
            )
            for position, card in enumerate(cards):
                _insert(
                    db,
                    video_id,
                    card,
                    position,
                    "ON CONFLICT(video_id, card_id) DO UPDATE SET position = excluded.position",
                )

    def add_cards(self, video_id: str, cards: Iterable[Flashcard]) -> int:
        """Append cards (e.g. from missed quiz questions); returns how many were new."""
        added = 0
        with self._connect() as db:
            last = db.execute("SELECT COALESCE(MAX(position), -1) FROM flashcards WHERE video_id = ?", (video_id,))
            position = int(last.fetchone()[0]) + 1
            for card in cards:
                cursor = _insert(db, video_id, card, position, "ON CONFLICT(video_id, card_id) DO NOTHING")
                added += cursor.rowcount
                position += cursor.rowcount
        return added

    def deck(self, video_id: str) -> list[ScheduledCard]:
        import fsrs

        with self._connect() as db:
            rows = db.execute(
                "SELECT card_json, fsrs_json, reviews FROM flashcards WHERE video_id = ? ORDER BY position",
                (video_id,),
            ).fetchall()
        result = []
        for card_json, fsrs_json, reviews in rows:
            state = fsrs.Card.from_json(fsrs_json)
            result.append(
                ScheduledCard(
                    Flashcard.from_dict(json.loads(card_json)),
                    state.due,
                    int(reviews),
                    state.state.name.lower(),
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
            row = db.execute(
                "SELECT fsrs_json FROM flashcards WHERE video_id = ? AND card_id = ?", (video_id, card_id)
            ).fetchone()
            if row is None:
                raise KeyError(f"no card {card_id} in this video's deck")
            state = fsrs.Card.from_json(row[0])
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


def _insert(db: sqlite3.Connection, video_id: str, card: Flashcard, position: int, conflict: str) -> sqlite3.Cursor:
    """Insert a new, never-reviewed card; `conflict` says what to do when it is already in the deck."""
    import fsrs

    state = fsrs.Card()
    return db.execute(
        "INSERT INTO flashcards (video_id, card_id, card_json, fsrs_json, due, position) "
        f"VALUES (?, ?, ?, ?, ?, ?) {conflict}",
        (video_id, card.id, json.dumps(card.to_dict()), state.to_json(), state.due.isoformat(), position),
    )
