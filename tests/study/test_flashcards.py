"""The offline flashcards on the synthesised lecture: proportional chapters, well-formed fronts, moments,
regeneration that keeps the user's and the reviewed cards, and FSRS previews that are not saved."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.ai.base import Segment
from core.ai.local import MiniLMEmbedder
from core.videos.library import Library
from core.videos.study.cards import make_flashcards, spread
from core.videos.study.model import Flashcard
from core.videos.study.offline import StudyMaterial, prepare
from core.videos.study.review import RATINGS, ReviewStore, interval_label
from core.videos.study.service import StudyService
from tests.study.lecture import CHAPTERS, lecture_segments

QUESTION = re.compile(r"^(What|Who|When|Where|Why|How|Which|Is|Are|Was|Were|Do|Does|Did|Can)\b.*\?$")


def well_formed(front: str) -> bool:
    """A question, a true/false statement, a term, or a sentence with one blank — not a template."""
    if "what does the video" in front.lower():
        return False
    if front.startswith("True or false: "):
        return len(front.split()) >= 6 and front.endswith(".")
    if "_____" in front:
        return front.count("_____") == 1 and len(front.split()) >= 5
    if front.endswith("?"):
        return bool(QUESTION.match(front))
    return 1 <= len(front.split()) <= 4 and not re.search(r"[.!?;:]", front)


@pytest.fixture(scope="module")
def uneven(embedder: MiniLMEmbedder) -> StudyMaterial:
    """The lecture with a short middle chapter (3 sentences) between two long ones (8 and 8)."""
    sentences = [*CHAPTERS["volcano"], *CHAPTERS["photosynthesis"][1:4], *CHAPTERS["empire"]]
    segments = [Segment(i * 5.0, i * 5.0 + 4.8, text) for i, text in enumerate(sentences)]
    return prepare(segments, embedder)


def test_spread_is_proportional_with_one_card_per_chapter_first() -> None:
    assert spread(20, [100, 100, 100, 100]) == [5, 5, 5, 5]
    assert spread(20, [300, 100]) == [15, 5]
    assert sum(spread(7, [5, 1, 1])) == 7 and min(spread(7, [5, 1, 1])) == 1
    assert spread(2, [1, 5, 3]) == [0, 1, 1]
    assert spread(0, [1, 2]) == [0, 0]


@pytest.mark.parametrize("count", [10, 20])
def test_chapters_get_cards_in_proportion_to_their_length(material: StudyMaterial, uneven, count: int) -> None:
    for prepared in (material, uneven):
        cards = make_flashcards(prepared, count).items
        assert len(cards) == count
        per_chapter = Counter(c.chapter for c in cards)
        words = [sum(len(s.text.split()) for s in c.sentences) for c in prepared.chapters]
        for chapter, weight in zip(prepared.chapters, words, strict=True):
            share = count * weight / sum(words)
            assert abs(per_chapter[chapter.index] - share) <= 1.5, (per_chapter, words)
    # the short chapter of the uneven lecture gets fewer cards than either long one
    counts = Counter(c.chapter for c in make_flashcards(uneven, 20).items)
    if len(uneven.chapters) == 3:
        assert counts[1] < counts[0] and counts[1] < counts[2]


def test_fronts_are_questions_terms_or_clozes_and_do_not_give_the_answer(material: StudyMaterial) -> None:
    cards = make_flashcards(material, 20).items
    bad = [c.front for c in cards if not well_formed(c.front)]
    assert not bad
    for card in cards:
        answer = card.back.split("\n")[0].strip(" .").lower()
        if card.kind == "concept" and len(answer) > 3:
            assert answer not in card.front.lower(), card
    fronts = {c.front: c.back for c in cards}
    assert fronts.get("Volcano", "").startswith("An opening in the crust")
    assert fronts.get("Lava", "").startswith("Magma that reaches the surface")
    assert fronts.get("When did the western empire fall?", "").startswith("476")
    assert fronts.get("Where was Hadrian's Wall built?", "").startswith("Northern Britain")
    kinds = Counter(c.kind for c in cards)
    assert kinds["term"] >= 3 and kinds["concept"] >= 5  # not only fill-in-the-blank


def test_every_card_keeps_its_moment_and_chapter(material: StudyMaterial) -> None:
    cards = make_flashcards(material, 20).items
    starts = {s.start: s for s in material.sentences}
    for card in cards:
        sentence = starts[card.start]
        assert card.end == sentence.end and card.end > card.start
        chapter = material.chapters[card.chapter]
        assert chapter.start <= card.start <= chapter.end
        said = sentence.text.lower()
        assert any(word.lower() in said for word in re.findall(r"\w{4,}", card.front)), card
    assert cards == sorted(cards, key=lambda c: c.start)
    assert make_flashcards(material, 20).items == cards  # the same transcript gives the same deck


@pytest.fixture()
def service(tmp_path: Path, embedder: MiniLMEmbedder) -> StudyService:
    library = Library(tmp_path / "videos")
    library.create("lecture", "Three topics", "pasted", "pasted text", status="ready")
    library.save_transcript("lecture", lecture_segments())
    return StudyService(library, embedder, chat=None)


def test_regenerating_keeps_the_cards_the_user_added_and_reviewed(service: StudyService) -> None:
    assert service.ensure_deck("lecture") is not None
    assert service.ensure_deck("lecture") is None  # made once
    first = service.deck("lecture")
    assert len(first) == 20 and all(c.origin == "generated" for c in first)
    reviewed = first[-1].card
    service.reviews.rate("lecture", reviewed.id, "good")
    mine = Flashcard("concept", "Which sea did the lecture not mention?", "None of them.", 12.0, 0)
    assert service.reviews.add_cards("lecture", [mine]) == 1

    smaller = service.build_deck("lecture", 6).items
    ids = {c.card.id for c in smaller}
    assert reviewed.id in ids and mine.id in ids
    regenerated = {c.id for c in make_flashcards(service.material("lecture"), 6).items}
    assert ids == regenerated | {reviewed.id, mine.id}  # the other generated cards are gone
    kept = {c.card.id: c for c in smaller}
    assert kept[mine.id].origin == "user" and kept[reviewed.id].reviews == 1

    service.forget_generated("lecture")  # a corrected transcript: unreviewed generated cards go, the rest stays
    left = {c.card.id for c in service.deck("lecture")}
    assert left == {reviewed.id, mine.id}
    assert service.ensure_deck("lecture") is not None and len(service.deck("lecture")) >= 20


def test_cards_without_an_end_get_their_sentence_as_moment(service: StudyService) -> None:
    sentence = service.material("lecture").sentences[3]
    start, end = service.moment("lecture", Flashcard("concept", "Which volcano?", "Etna", sentence.start))
    assert (start, end) == (sentence.start, sentence.end)
    assert service.moment("lecture", Flashcard("term", "X", "Y", 1.0, 0, 4.0)) == (1.0, 4.0)


def test_preview_orders_the_intervals_and_saves_nothing(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "library.sqlite")
    cards = [Flashcard("term", "Lava", "Magma at the surface.", 10.0, 0, 14.0), Flashcard("term", "Ash", "Dust.", 20.0)]
    store.save_deck("vid", cards)
    now = datetime.now(UTC)
    for step in ("new", "learning", "review"):
        before = store.deck("vid")
        preview = store.preview("vid", cards[0].id, now)
        due = [preview[r] for r in RATINGS]
        assert due == sorted(due) and due[0] < due[-1], step
        assert all(d > now for d in due)
        assert store.deck("vid") == before  # not saved
        with sqlite3.connect(tmp_path / "library.sqlite") as db:
            logged = db.execute("SELECT COUNT(*) FROM flashcard_reviews").fetchone()[0]
        now = store.rate("vid", cards[0].id, "good", now) + timedelta(seconds=1)
        assert logged == {"new": 0, "learning": 1, "review": 2}[step]
    labels = [
        interval_label(store.preview("vid", cards[1].id, datetime.now(UTC))[r], datetime.now(UTC)) for r in RATINGS
    ]
    assert labels[0] in ("<1m", "1m") and labels[2] == "10m" and labels[3].endswith("d")
    with pytest.raises(KeyError):
        store.preview("vid", "no-such-card")


def test_interval_labels_read_like_anki() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert interval_label(now + timedelta(seconds=30), now) == "<1m"
    assert interval_label(now + timedelta(minutes=6), now) == "6m"
    assert interval_label(now + timedelta(hours=3), now) == "3h"
    assert interval_label(now + timedelta(days=4), now) == "4d"
    assert interval_label(now + timedelta(days=90), now) == "3mo"
    assert interval_label(now + timedelta(days=547), now) == "1.5y"


def test_an_old_store_gains_the_origin_column(tmp_path: Path) -> None:
    database = tmp_path / "library.sqlite"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE flashcards (video_id TEXT NOT NULL, card_id TEXT NOT NULL, card_json TEXT NOT NULL, "
            "fsrs_json TEXT NOT NULL, due TEXT NOT NULL, reviews INTEGER NOT NULL DEFAULT 0, "
            "position INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (video_id, card_id))"
        )
    store = ReviewStore(database)
    store.add_cards("vid", [Flashcard("term", "Lava", "Magma.", 1.0)])
    assert [c.origin for c in store.deck("vid")] == ["user"]
    assert not store.has_generated("vid")


def test_making_the_deck_reports_each_step(service: StudyService) -> None:
    steps: list[tuple[float, str]] = []
    service.ensure_deck("lecture", progress=lambda fraction, step: steps.append((fraction, step)))
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] < 1.0
    assert [s for _, s in steps] == [
        "reading the sentences",
        "comparing them",
        "finding the chapters",
        "picking the key terms",
        "writing the cards",
    ]
