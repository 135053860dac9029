"""Spaced repetition of flashcards with FSRS (`fsrs` package); review state lives in the library's database.

The store uses tables of its own in the library's database (core/db.py), scoped by the library's owner,
so a deck and its review history survive sessions and restarts and go away with the video.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, delete, func, select, update

from core.db import Database, database_at, flashcard_decks, flashcard_reviews, flashcards
from core.videos.study.model import Flashcard

RatingName = Literal["again", "hard", "good", "easy"]
RATINGS: tuple[RatingName, ...] = ("again", "hard", "good", "easy")
Origin = Literal["generated", "user"]  # made by the study engine, or added by the user (e.g. from a missed question)


@dataclass(frozen=True)
class ScheduledCard:
    card: Flashcard
    due: datetime
    reviews: int
    state: str  # "learning", "review" or "relearning"
    origin: Origin = "generated"


class ReviewStore:
    """One owner's decks. `database` is the library's `database` (URL and owner) or its `db_path`: a path
    reaches the database the library opened there in this process, else that SQLite file."""

    def __init__(self, database: Path | Database, fuzzing: bool = True) -> None:
        import fsrs

        if isinstance(database, Path):
            database.parent.mkdir(parents=True, exist_ok=True)
            database = database_at(database)
        self.database = database
        self.owner = database.owner
        self._engine = database.engine
        self._scheduler = fsrs.Scheduler(enable_fuzzing=fuzzing)
        self._previewer = fsrs.Scheduler(enable_fuzzing=False)  # the intervals shown on the rating buttons

    def _cards(self, video_id: str) -> tuple[Any, Any]:
        return flashcards.c.owner == self.owner, flashcards.c.video_id == video_id

    def save_deck(self, video_id: str, cards: Iterable[Flashcard]) -> None:
        """Make `cards` the generated part of this video's deck. The cards the user added and the cards
        already reviewed keep their state and stay; the other generated cards are replaced."""
        cards = list(cards)
        ids = [card.id for card in cards]
        deck = self.database.insert(flashcard_decks).values(
            owner=self.owner, video_id=video_id, built_at=datetime.now(UTC).isoformat()
        )
        with self._engine.begin() as db:
            db.execute(
                delete(flashcards).where(
                    *self._cards(video_id),
                    flashcards.c.origin == "generated",
                    flashcards.c.reviews == 0,
                    flashcards.c.card_id.not_in(ids),
                )
            )
            db.execute(
                deck.on_conflict_do_update(
                    index_elements=["owner", "video_id"], set_={"built_at": deck.excluded.built_at}
                )
            )
            added = self._last_added(db, video_id)
            for position, card in enumerate(cards, start=0):
                statement = self._insert(video_id, card, position, "generated", added + 1 + position)
                db.execute(
                    statement.on_conflict_do_update(
                        index_elements=["owner", "video_id", "card_id"],
                        set_={"position": statement.excluded.position, "card_json": statement.excluded.card_json},
                    )
                )

    def add_cards(self, video_id: str, cards: Iterable[Flashcard], origin: Origin = "user") -> int:
        """Append cards (the user's own, or from missed quiz questions); returns how many were new."""
        added = 0
        with self._engine.begin() as db:
            last = db.execute(
                select(func.coalesce(func.max(flashcards.c.position), -1)).where(*self._cards(video_id))
            ).scalar_one()
            position = int(last) + 1
            order = self._last_added(db, video_id) + 1
            for card in cards:
                statement = self._insert(video_id, card, position, origin, order)
                statement = statement.on_conflict_do_nothing(index_elements=["owner", "video_id", "card_id"])
                new = len(db.execute(statement.returning(flashcards.c.card_id)).all())  # rowcount: -1 on psycopg
                added += new
                position += new
                order += 1
        return added

    def _last_added(self, db: Connection, video_id: str) -> int:
        query = select(func.coalesce(func.max(flashcards.c.added), 0)).where(*self._cards(video_id))
        return int(db.execute(query).scalar_one())

    def _insert(self, video_id: str, card: Flashcard, position: int, origin: Origin, added: int) -> Any:
        """An INSERT of a new, never-reviewed card; the caller says what to do when it is already in the deck."""
        import fsrs

        state = fsrs.Card()
        return self.database.insert(flashcards).values(
            owner=self.owner,
            video_id=video_id,
            card_id=card.id,
            card_json=json.dumps(card.to_dict()),
            fsrs_json=state.to_json(),
            due=state.due.isoformat(),
            position=position,
            origin=origin,
            added=added,
        )

    def has_generated(self, video_id: str) -> bool:
        """Whether the study engine has made this video's deck from its current transcript (the user's own
        cards do not count)."""
        query = select(flashcard_decks.c.video_id).where(
            flashcard_decks.c.owner == self.owner, flashcard_decks.c.video_id == video_id
        )
        with self._engine.connect() as db:
            return db.execute(query).first() is not None

    def forget_generated(self, video_id: str) -> None:
        """Drop the generated cards never reviewed (the transcript changed); the rest stays."""
        with self._engine.begin() as db:
            db.execute(
                delete(flashcards).where(
                    *self._cards(video_id), flashcards.c.origin == "generated", flashcards.c.reviews == 0
                )
            )
            db.execute(
                delete(flashcard_decks).where(
                    flashcard_decks.c.owner == self.owner, flashcard_decks.c.video_id == video_id
                )
            )

    def preview(self, video_id: str, card_id: str, now: datetime | None = None) -> dict[RatingName, datetime]:
        """When the card would be due after each rating, computed with FSRS and not saved (no fuzz: the
        interval a rating button shows)."""
        import fsrs

        now = now or datetime.now(UTC)
        with self._engine.connect() as db:
            state = self._card_state(db, video_id, card_id)
        return {
            rating: self._previewer.review_card(state, fsrs.Rating[rating.capitalize()], now)[0].due
            for rating in RATINGS
        }

    def deck(self, video_id: str) -> list[ScheduledCard]:
        import fsrs

        query = (
            select(flashcards.c.card_json, flashcards.c.fsrs_json, flashcards.c.reviews, flashcards.c.origin)
            .where(*self._cards(video_id))
            .order_by(flashcards.c.position, flashcards.c.added)
        )
        with self._engine.connect() as db:
            rows = db.execute(query).all()
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
        with self._engine.begin() as db:
            state = self._card_state(db, video_id, card_id, for_update=True)
            state, _log = self._scheduler.review_card(state, fsrs.Rating[rating.capitalize()], now)
            db.execute(
                update(flashcards)
                .where(*self._cards(video_id), flashcards.c.card_id == card_id)
                .values(fsrs_json=state.to_json(), due=state.due.isoformat(), reviews=flashcards.c.reviews + 1)
            )
            db.execute(
                flashcard_reviews.insert().values(
                    owner=self.owner,
                    video_id=video_id,
                    card_id=card_id,
                    rating=rating,
                    reviewed_at=now.isoformat(),
                    due_after=state.due.isoformat(),
                )
            )
        return state.due

    def delete_video(self, video_id: str) -> None:
        with self._engine.begin() as db:
            for table in (flashcards, flashcard_reviews, flashcard_decks):
                db.execute(delete(table).where(table.c.owner == self.owner, table.c.video_id == video_id))

    def _card_state(self, db: Connection, video_id: str, card_id: str, for_update: bool = False) -> Any:
        """A card's FSRS state (an `fsrs.Card`), read inside the caller's transaction (locked on a server
        when it is about to be rated, so two ratings at once both count)."""
        import fsrs

        query = select(flashcards.c.fsrs_json).where(*self._cards(video_id), flashcards.c.card_id == card_id)
        row = db.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise KeyError(f"no card {card_id} in this video's deck")
        return fsrs.Card.from_json(row[0])


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
