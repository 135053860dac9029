"""Exported CSV cells a spreadsheet would run as formulas get a leading apostrophe (OWASP CSV injection)."""

import csv
import io

import pandas as pd
import pytest

from core.embeddings.actions import Change, log_csv
from core.spreadsheet import csv_text, frame_csv, spreadsheet_cell
from core.videos.study.export import flashcards_csv
from core.videos.study.model import Flashcard

HOSTILE = ['=HYPERLINK("http://127.0.0.1:9/x","go")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_text_gets_an_apostrophe(value: str) -> None:
    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", " =not first", "a=b", "'quoted", "1-2", -0.5, 3, None])
def test_other_cells_are_untouched(value: object) -> None:
    assert spreadsheet_cell(value) == value


def test_csv_text_neutralises_header_and_cells_and_round_trips() -> None:
    text = csv_text(["=h", "n"], [[value, -1.5] for value in HOSTILE])
    parsed = rows(text)
    assert parsed[0] == ["'=h", "n"]
    assert [row[0] for row in parsed[1:]] == ["'" + value for value in HOSTILE]
    assert {row[1] for row in parsed[1:]} == {"-1.5"}


def test_frame_csv_keeps_numbers_and_neutralises_text() -> None:
    frame = pd.DataFrame({"name": ["=1+1", "Song"], "score": [-0.25, 0.5], "why": ["@x", "close to seeds"]})
    parsed = rows(frame_csv(frame))
    assert parsed[1:] == [["'=1+1", "-0.25", "'@x"], ["Song", "0.5", "close to seeds"]]
    assert frame["name"].iat[0] == "=1+1"  # the caller's frame is not changed


def test_flashcards_csv_neutralises_front_and_back() -> None:
    card = Flashcard(front="=1+2", back="-IMPORTXML(x)", kind="term", start=12.0, chapter=0)
    parsed = rows(flashcards_csv([card]))
    assert parsed[1][:2] == ["'=1+2", "'-IMPORTXML(x)"]
    assert parsed[1][4] == "12.0"


def test_embeddings_change_log_neutralises_labels() -> None:
    change = Change(
        number=1,
        time="2026-01-01T00:00:00",
        action="relabel",
        detail="",
        samples=[{"id": "a", "filepath": "+x.png", "old": "cat", "new": "@dog"}],
    )
    parsed = rows(log_csv([change]))
    assert parsed[1][3:6] == ["'+x.png", "cat", "'@dog"]
