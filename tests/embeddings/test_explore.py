"""The page's small decisions about the map: which selected ids still count, hover notes, event identity."""

from __future__ import annotations

from core.embeddings.explore import event_signature, known_selection, passage_notes
from core.embeddings.text_datasets import Passage


def test_a_selection_keeps_only_samples_still_in_the_dataset_in_its_order() -> None:
    assert known_selection(["c", "x", "a"], ["a", "b", "c"]) == ["c", "a"]
    assert known_selection([], ["a"]) == []


def test_passage_notes_carry_the_start_and_the_first_words() -> None:
    notes = passage_notes({"s1": Passage("word " * 40, 65.0, 80.0)})
    assert notes["s1"].startswith("1:05 word word") and notes["s1"].endswith("…")
    assert len(notes["s1"]) < 100


def test_the_same_selection_event_has_the_same_signature() -> None:
    lasso = {"lasso": [{"x": [0, 1, 1], "y": [0, 0, 1]}], "points": []}
    assert event_signature(lasso) == event_signature(dict(reversed(list(lasso.items()))))
    assert event_signature(lasso) != event_signature({"lasso": [{"x": [0, 2, 2], "y": [0, 0, 1]}]})
    assert event_signature(None) == event_signature({})
