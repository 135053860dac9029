"""Exports: the summary as Markdown, flashcards as CSV and as an Anki package (.apkg).

Anki ids are stable: one note model for the app, one deck per video, one note guid per card, so
importing a re-export updates the notes instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

from core.spreadsheet import csv_text
from core.videos.study.model import Flashcard, QuizQuestion, Summary
from core.videos.transcript import format_timestamp

ANKI_MODEL_ID = 1_607_392_319  # fixed forever: changing it makes Anki treat every note as new
KIND_LABELS = {"term": "Term", "concept": "Concept", "cloze": "Cloze", "true_false": "True/false"}


def _link(url: str | None, seconds: float) -> str:
    label = format_timestamp(seconds)
    if url and url.startswith(("http://", "https://")):
        separator = "&" if "?" in url else "?"
        return f"[{label}]({url}{separator}t={int(seconds)})"
    return f"[{label}]"


def summary_markdown(summary: Summary, title: str, url: str | None = None) -> str:
    lines = [f"# {title}", "", "## Overview", ""]
    lines += [f"- {_link(url, p.start)} {p.text}" for p in summary.overview]
    for chapter_title, point in zip(summary.chapter_titles, summary.points, strict=True):
        lines += ["", f"## {chapter_title} {_link(url, point.start)}", "", f"**{point.text}**", ""]
        for sub in point.children:
            lines.append(f"- {_link(url, sub.start)} {sub.text}")
            lines += [f"  - {_link(url, d.start)} {d.text}" for d in sub.children]
    return "\n".join(lines) + "\n"


def quiz_markdown(questions: Sequence[QuizQuestion], title: str) -> str:
    lines = [f"# Quiz: {title}", ""]
    for number, q in enumerate(questions, 1):
        lines += [f"{number}. {q.question} ({format_timestamp(q.start)})", ""]
        lines += [f"   {letter}. {option}" for letter, option in zip("ABCD", q.options, strict=True)]
        lines += ["", f"   Answer: {q.answer_letter}. {q.explanation}", ""]
    return "\n".join(lines)


def flashcards_csv(cards: Sequence[Flashcard]) -> str:
    """The deck as CSV; a card text that starts like a formula (=, +, -, @) gets a leading apostrophe."""
    return csv_text(
        ["front", "back", "type", "timestamp", "seconds", "card_id"],
        (
            [card.front, card.back, KIND_LABELS[card.kind], format_timestamp(card.start), round(card.start, 1), card.id]
            for card in cards
        ),
    )


def deck_id(video_id: str) -> int:
    """A stable Anki deck id for a video (within Anki's 31-bit positive range, above the defaults)."""
    return (1 << 30) + int(hashlib.sha1(video_id.encode()).hexdigest(), 16) % (1 << 30)


def flashcards_apkg(cards: Sequence[Flashcard], video_id: str, deck_name: str) -> bytes:
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "ML Studio card",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Type"}, {"name": "Timestamp"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": '<div class="type">{{Type}}</div>{{Front}}',
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<div class="time">at {{Timestamp}}</div>',
            }
        ],
        css=".card{font-family:sans-serif;font-size:20px;text-align:left}.type,.time{color:#888;font-size:14px}",
    )
    deck = genanki.Deck(deck_id(video_id), deck_name)
    for card in cards:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[
                    _html(card.front),
                    _html(card.back),
                    KIND_LABELS[card.kind],
                    format_timestamp(card.start),
                ],
                guid=genanki.guid_for(video_id, card.id),
                tags=["ml-studio", card.kind],
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path))
        return path.read_bytes()


def _html(text: str) -> str:
    """Anki fields are HTML: escape the text and keep its line breaks."""
    import html

    return html.escape(text).replace("\n", "<br>")
