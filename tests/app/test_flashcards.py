"""The Flashcards tab through AppTest: a deck on first open, a card's clip, interval previews, your own cards."""

import re
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.videos import state as keys
from core.media.ffmpeg import ffmpeg_binary
from core.videos.library import Library
from core.videos.pipeline import ProgressReporter
from core.videos.study.review import ReviewStore
from tests.study.lecture import lecture_segments

VIDEO = "flashcards-lecture"


def flashcards_tab() -> None:
    import os
    from pathlib import Path

    from components.shared import resources as shared_resources
    from components.videos.study import render_flashcards, study_service
    from core.videos.library import Library

    library = Library(Path(os.environ["MLSTUDIO_DATA_DIR"]) / "videos")
    record = library.get("flashcards-lecture")
    service = study_service(shared_resources.base_settings(), library)
    render_flashcards(service, record)


@pytest.fixture()
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """The study lecture with an audio track of its length (a tone: the clip's times are what is checked)."""
    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    library = Library(tmp_path / "videos")
    segments = lecture_segments()
    library.create(VIDEO, "Three topics", "upload", "lecture.wav", status="ready")
    library.save_transcript(VIDEO, segments)
    media = library.folder(VIDEO) / "media.wav"
    seconds = f"{segments[-1].end + 1:.1f}"
    tone = ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    subprocess.run([ffmpeg_binary(), "-loglevel", "error", "-y", *tone, str(media)], check=True)
    library.update(VIDEO, media_file="media.wav", media_mime="audio/wav", duration=float(seconds))
    return library


def button(app: AppTest, key: str):
    return next(b for b in app.button if b.key == key)


def test_a_deck_on_first_open_with_clips_previews_and_own_cards(library: Library) -> None:
    app = AppTest.from_function(flashcards_tab, default_timeout=240)
    app.run()
    assert not app.exception
    assert any("20 cards · 20 due now" in c.value for c in app.caption), "no deck without pressing a button"
    deck = ReviewStore(library.db_path).deck(VIDEO)
    first = deck[0].card
    assert any(m.value.startswith("#### ") and first.front[:12] in m.value for m in app.markdown)

    play = button(app, keys.CARDS_PLAY)
    assert "Play this moment" in play.label
    play.click().run()
    assert not app.exception
    clip = app.get("audio")[0].proto
    assert clip.start_time == int(first.start) and first.end is not None
    assert first.end <= clip.end_time <= first.end + 1.5 and clip.autoplay

    button(app, keys.CARDS_REVEAL).click().run()
    labels = [b.label for b in app.button if b.key.startswith(keys.CARDS_RATE)]
    assert labels == ["Again", "Hard", "Good", "Easy"]
    intervals = [c.value for c in app.caption if c.value.startswith("in ")]
    assert intervals[0] in ("in <1m", "in 1m") and intervals[1:3] == ["in 6m", "in 10m"], intervals
    assert re.fullmatch(r"in \d+d", intervals[3]), intervals
    assert ReviewStore(library.db_path).deck(VIDEO) == deck  # showing the intervals saved nothing
    button(app, keys.keyed(keys.CARDS_RATE, "good")).click().run()
    assert any("20 cards · 19 due now" in c.value for c in app.caption)

    app.text_input(key=keys.CARDS_ADD_FRONT).input("Which volcano is the most active in Europe?")
    app.text_area(key=keys.CARDS_ADD_BACK).input("Mount Etna, in Sicily.")
    next(b for b in app.button if "Add the card" in b.label).click().run()
    assert not app.exception
    assert [c.origin for c in ReviewStore(library.db_path).deck(VIDEO)].count("user") == 1
    app.run()
    assert any("21 cards" in c.value for c in app.caption)

    app.number_input(key=keys.CARDS_COUNT).set_value(6)
    button(app, keys.CARDS_BUILD).click().run()
    assert not app.exception
    kept = ReviewStore(library.db_path).deck(VIDEO)
    assert any(c.origin == "user" and c.card.front.startswith("Which volcano") for c in kept)
    assert any(c.card.id == first.id and c.reviews == 1 for c in kept)
    assert len(kept) <= 8


def test_the_processing_job_makes_the_deck(library: Library) -> None:
    from components.shared import resources as shared_resources
    from components.videos.jobs import make_deck

    store = ReviewStore(library.db_path)
    assert not store.has_generated(VIDEO)
    reporter = ProgressReporter(stages=("extract", "transcribe", "index", "deck"))
    make_deck(shared_resources.base_settings(), library, VIDEO, reporter)
    assert store.has_generated(VIDEO) and len(store.deck(VIDEO)) == 20
    assert reporter.fraction == 1.0 and reporter.message == "Ready"


def test_a_transcript_too_short_for_cards_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.ai.base import Segment

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    library = Library(tmp_path / "videos")
    library.create(VIDEO, "Short", "pasted", "pasted text", status="ready")
    library.save_transcript(VIDEO, [Segment(0.0, 3.0, "Glaciers are rivers of ice.")])
    app = AppTest.from_function(flashcards_tab, default_timeout=120)
    app.run()
    assert not app.exception
    assert any("at least" in w.value for w in app.warning), [w.value for w in app.warning]
