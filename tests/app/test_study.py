"""The study panel (summary, quiz, flashcards) driven through AppTest on a library video."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.videos import state as keys
from core.videos.library import Library
from tests.study.lecture import lecture_segments

VIDEO = "text-lecture"


def study_panel() -> None:
    import os
    from pathlib import Path

    import streamlit as st

    from components.shared import resources as shared_resources
    from components.videos.study import render_flashcards, render_quiz, render_summary, study_service
    from core.videos.library import Library

    library = Library(Path(os.environ["MLSTUDIO_DATA_DIR"]) / "videos")
    record = library.get("text-lecture")
    service = study_service(shared_resources.base_settings(), library)
    summary, quiz, cards = st.tabs(["Summary", "Quiz", "Flashcards"])
    with summary:
        render_summary(service, record)
    with quiz:
        render_quiz(service, record)
    with cards:
        render_flashcards(service, record)


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    library = Library(tmp_path / "videos")
    library.create(VIDEO, "Three topics", "pasted", "pasted text", status="ready")
    library.save_transcript(VIDEO, lecture_segments())
    app = AppTest.from_function(study_panel, default_timeout=180)
    app.run()
    assert not app.exception
    return app


def button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def test_summary_shows_chapters_with_timestamps_and_persists(app: AppTest, tmp_path: Path) -> None:
    button(app, keys.SUMMARY_BUILD).click().run()
    assert not app.exception
    texts = " ".join([*(t.value for t in app.text), *(m.value for m in app.markdown)]).lower()
    assert "volcano" in texts and "photosynthesis" in texts and "roman" in texts  # each chapter's topic
    chapter_heads = [m.value for m in app.markdown if m.value.startswith("**") and ". " in m.value]
    assert len(chapter_heads) == 3
    assert any(b.key.startswith(keys.keyed(keys.SUMMARY_POINT, "c", "")) for b in app.button)
    assert list((tmp_path / "videos").rglob("summary.*.json"))

    fresh = AppTest.from_function(study_panel, default_timeout=180)
    fresh.run()
    assert keys.SUMMARY_REBUILD in [b.key for b in fresh.button], "a stored summary shows without rebuilding"


def test_quiz_one_question_at_a_time_to_a_score(app: AppTest) -> None:
    app.number_input(key=keys.QUIZ_COUNT).set_value(3)
    button(app, keys.QUIZ_NEW).click().run()
    assert not app.exception
    for number in range(3):
        assert f"Question {number + 1} of 3" in app.get("progress")[0].proto.text
        radio = app.radio[0]
        radio.set_value(radio.options[0]).run()  # the first option, "A. ..."
        button(app, keys.QUIZ_CHECK).click().run()
        assert app.success or app.error
        button(app, keys.QUIZ_NEXT).click().run()
    assert app.metric[0].label == "Score"
    assert app.metric[0].value.endswith("%)") and not app.metric[0].proto.delta  # not drawn as a green "↑" change
    if not app.metric[0].value.startswith("3 / 3"):
        button(app, next(b.key for b in app.button if b.key.startswith(keys.keyed(keys.QUIZ_CARD, "")))).click().run()
        assert not app.exception


def test_flashcards_reveal_rate_and_schedule(app: AppTest) -> None:
    app.number_input(key=keys.CARDS_COUNT).set_value(8)
    button(app, keys.CARDS_BUILD).click().run()
    assert not app.exception
    assert any("8 cards · 8 due now" in c.value for c in app.caption)
    button(app, keys.CARDS_REVEAL).click().run()
    button(app, keys.keyed(keys.CARDS_RATE, "easy")).click().run()
    assert not app.exception
    assert any("8 cards · 7 due now" in c.value for c in app.caption)


def test_a_transcript_too_short_says_so_before_any_button(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.ai.base import Segment

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    library = Library(tmp_path / "videos")
    library.create(VIDEO, "Three lines", "pasted", "pasted text", status="ready")
    lines = [
        "Volcanoes are openings in the crust.",
        "Etna is the most active volcano in Europe.",
        "Lava is molten rock.",
    ]
    library.save_transcript(VIDEO, [Segment(5.0 * i, 5.0 * i + 5, text) for i, text in enumerate(lines)])
    app = AppTest.from_function(study_panel, default_timeout=180)
    app.run()
    assert not app.exception
    notes = [i.value for i in app.info if "needs at least" in i.value or "need at least 60" in i.value]
    assert len(notes) == 2 and "The transcript has 18 words" in notes[0]  # summary and quiz say it up front
    keys_shown = {b.key for b in app.button}
    assert keys.SUMMARY_BUILD not in keys_shown and keys.QUIZ_NEW not in keys_shown
    assert button(app, keys.CARDS_BUILD).disabled  # own cards can still be written
