"""Flashcard review state on both databases (SQLite by default, a real PostgreSQL on the loopback): decks,
ratings with FSRS, the user's own cards, regeneration, and one owner's cards invisible to another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from core.videos.library import Library
from core.videos.study.model import Flashcard
from core.videos.study.review import ReviewStore

CARDS = [
    Flashcard("term", "Lava", "Magma that reaches the surface.", 10.0, 0),
    Flashcard("cloze", "_____ is the process plants use.", "Photosynthesis", 45.0, 1),
    Flashcard("true_false", "True or false: Rome fell in 476.", "True.", 105.0, 2),
]
MINE = Flashcard("concept", "What is a volcano?", "An opening in the crust.", 5.0, 0)


def store_on(tmp_path: Path, database_url: str | None, owner: str = "shared") -> ReviewStore:
    library = Library(tmp_path / owner, database_url, owner=owner)
    return ReviewStore(library.db_path, fuzzing=False)  # as the player builds it: from the library's path


def test_a_deck_is_saved_rated_and_regenerated_the_same_on_both(tmp_path: Path, database_url: str | None) -> None:
    store = store_on(tmp_path, database_url)
    assert not store.has_generated("vid") and store.deck("vid") == []
    store.save_deck("vid", CARDS)
    assert store.has_generated("vid")
    assert [c.card for c in store.deck("vid")] == CARDS and {c.state for c in store.deck("vid")} == {"learning"}

    now = datetime.now(UTC)
    preview = store.preview("vid", CARDS[0].id, now)
    assert preview["again"] < preview["good"] < preview["easy"]
    assert store.deck("vid")[0].reviews == 0  # a preview saves nothing
    due = store.rate("vid", CARDS[2].id, "easy", now)
    assert due == preview["easy"] or due >= now + timedelta(days=1)
    assert [c.card.id for c in store.due("vid", now + timedelta(seconds=1))] == [CARDS[0].id, CARDS[1].id]

    assert store.add_cards("vid", [MINE, CARDS[0]]) == 1  # a card already in the deck is not added twice
    assert [c.origin for c in store.deck("vid")] == ["generated"] * 3 + ["user"]

    store.save_deck("vid", [CARDS[1]])  # regenerated: the reviewed card and the user's stay
    assert [c.card.id for c in store.deck("vid")] == [CARDS[1].id, CARDS[2].id, MINE.id]
    again = store_on(tmp_path, database_url)  # after a restart
    assert [c.reviews for c in again.deck("vid")] == [0, 1, 0]

    again.forget_generated("vid")
    assert not again.has_generated("vid")
    assert [c.card.id for c in again.deck("vid")] == [CARDS[2].id, MINE.id]
    again.delete_video("vid")
    assert again.deck("vid") == []


def test_cards_at_the_same_position_keep_the_order_they_were_added_in(tmp_path: Path, database_url: str | None) -> None:
    store = store_on(tmp_path, database_url)
    store.save_deck("vid", CARDS[:1])
    store.add_cards("vid", [MINE])  # position 1
    store.save_deck("vid", CARDS)  # CARDS[1] takes position 1 too, after the user's card
    assert [c.card.id for c in store.deck("vid")] == [CARDS[0].id, MINE.id, CARDS[1].id, CARDS[2].id]


def test_one_owners_cards_and_reviews_are_not_anothers(tmp_path: Path, database_url: str | None) -> None:
    if database_url is None:
        database_url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    alice, bob = store_on(tmp_path, database_url, "b" + "1" * 20), store_on(tmp_path, database_url, "b" + "2" * 20)
    alice.save_deck("vid", CARDS)
    alice.rate("vid", CARDS[0].id, "good")
    bob.save_deck("vid", [MINE])
    bob.forget_generated("vid")
    bob.delete_video("vid")
    assert [c.card for c in alice.deck("vid")] == CARDS and alice.has_generated("vid")
    assert bob.deck("vid") == []
    with alice.database.engine.connect() as db:
        owners = db.execute(sa.text("SELECT DISTINCT owner FROM flashcard_reviews")).scalars().all()
    assert owners == [alice.owner]
