import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.videos.library import Library
from core.videos.study.export import deck_id, flashcards_apkg, flashcards_csv, quiz_markdown, summary_markdown
from core.videos.study.model import Flashcard
from core.videos.study.offline import StudyMaterial, make_flashcards, make_quiz, summarize
from core.videos.study.review import ReviewStore

CARDS = [
    Flashcard("term", "Lava", "Magma that reaches the surface.", 10.0, 0),
    Flashcard("cloze", "_____ is the process plants use.", "Photosynthesis", 45.0, 1),
    Flashcard("true_false", "True or false: Rome fell in 476.", "True.", 105.0, 2),
]


def review_store(tmp_path: Path, database_url: str | None) -> ReviewStore:
    """A store on the default SQLite file, or on the test PostgreSQL (the `database_url` fixture)."""
    return ReviewStore(Library(tmp_path / "videos", database_url).database, fuzzing=False)


def test_ratings_move_the_due_date_as_fsrs_dictates(tmp_path: Path, database_url: str | None) -> None:
    store = review_store(tmp_path, database_url)
    store.save_deck("vid", CARDS)
    now = datetime.now(UTC)
    assert [c.card for c in store.due("vid", now + timedelta(seconds=1))] == CARDS

    again = store.rate("vid", CARDS[0].id, "again", now)
    good = store.rate("vid", CARDS[1].id, "good", now)
    easy = store.rate("vid", CARDS[2].id, "easy", now)
    assert now < again <= now + timedelta(minutes=10)
    assert again < good < easy
    assert easy >= now + timedelta(days=1)

    # Good again after the learning step graduates the card: the next interval is at least a day.
    later = store.rate("vid", CARDS[1].id, "good", good)
    assert later - good >= timedelta(days=1)

    due_now = store.due("vid", now + timedelta(minutes=11))
    assert [c.card.id for c in due_now] == [CARDS[0].id, CARDS[1].id][: len(due_now)]
    assert CARDS[2].id not in {c.card.id for c in due_now}
    with pytest.raises(ValueError):
        store.rate("vid", CARDS[0].id, "perfect", now)  # type: ignore[arg-type]


def test_review_state_survives_a_restart(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite"
    store = ReviewStore(database, fuzzing=False)
    store.save_deck("vid", CARDS)
    due = store.rate("vid", CARDS[2].id, "easy", datetime.now(UTC))
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]);"
        "from pathlib import Path; from core.videos.study.review import ReviewStore;"
        "deck = ReviewStore(Path(sys.argv[1])).deck('vid');"
        "print(next(c.due.isoformat() for c in deck if c.reviews == 1))"
    )
    root = str(Path(__file__).resolve().parents[2])
    out = subprocess.run(
        [sys.executable, "-c", script, str(database), root], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == due.isoformat()


def test_regenerating_a_deck_keeps_reviewed_cards(tmp_path: Path, database_url: str | None) -> None:
    store = review_store(tmp_path, database_url)
    store.save_deck("vid", CARDS)
    store.rate("vid", CARDS[0].id, "good", datetime.now(UTC))
    new = Flashcard("concept", "What is a volcano?", "An opening in the crust.", 5.0, 0)
    store.save_deck("vid", [new])
    ids = {c.card.id for c in store.deck("vid")}
    assert ids == {new.id, CARDS[0].id}
    assert store.add_cards("vid", [new, CARDS[1]]) == 1


def test_apkg_round_trip_with_stable_ids(tmp_path: Path, material: StudyMaterial) -> None:
    cards = make_flashcards(material, count=12).items
    first = flashcards_apkg(cards, "video-1", "Lecture")
    second = flashcards_apkg(cards, "video-1", "Lecture")
    notes = []
    for number, package in enumerate((first, second)):
        path = tmp_path / f"deck{number}.apkg"
        path.write_bytes(package)
        with zipfile.ZipFile(path) as archive:
            archive.extract("collection.anki2", tmp_path / str(number))
        db = sqlite3.connect(tmp_path / str(number) / "collection.anki2")
        notes.append(sorted(db.execute("SELECT guid, mid, flds FROM notes").fetchall()))
        decks = db.execute("SELECT decks FROM col").fetchone()[0]
        assert str(deck_id("video-1")) in decks
        db.close()
    assert notes[0] == notes[1], "re-exporting must give the same guids, so Anki updates instead of duplicating"
    assert len(notes[0]) == len(cards)
    fronts = {fields.split("\x1f")[0] for _guid, _mid, fields in notes[0]}
    assert {c.front for c in cards if not set(c.front) & set("&<>'\"")} <= fronts
    assert len({guid for guid, _mid, _f in notes[0]}) == len(cards)
    assert deck_id("video-1") != deck_id("video-2")


def test_text_exports(material: StudyMaterial) -> None:
    markdown = summary_markdown(summarize(material), "Lecture", "https://example.org/watch?v=1")
    assert markdown.count("\n## ") == len(material.chapters) + 1
    assert "&t=" in markdown
    csv_text = flashcards_csv(make_flashcards(material, 5).items)
    assert csv_text.splitlines()[0] == "front,back,type,timestamp,seconds,card_id"
    assert len(csv_text.strip().splitlines()) >= 6
    quiz = quiz_markdown(make_quiz(material, 3).items, "Lecture")
    assert quiz.count("Answer:") == 3
