"""User and model text is text: hostile Markdown in a video title, a transcript, an LLM's quiz, a catalog
file name and a track name is shown literally in Chromium. A beacon server on the loopback receives no
request (no image loaded), and the page has no link or image pointing at it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Browser, Locator, Page, expect

from tests.music.generate import csv_bytes, make_catalog
from tests.support.beacon import Beacon
from tests.support.browser import exception_blocks, wait_until_rendered

WORD_JOINER = "\u2060"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(WORD_JOINER, "")).strip()


def assert_inert(page: Page, beacon: Beacon) -> None:
    page.wait_for_timeout(1_000)  # give a rendered <img> time to load
    pointing = page.evaluate(
        """port => [...document.querySelectorAll('a[href], img[src]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src'))
            .filter(u => u.includes(':' + port) || u.includes('example.com'))""",
        beacon.port,
    )
    assert pointing == []
    assert beacon.hits == []
    assert exception_blocks(page) == []


def shows(locator: Locator, text: str, timeout_ms: float = 60_000) -> None:
    expect(locator.first).to_be_visible(timeout=timeout_ms)
    assert any(flat(text) in flat(element.inner_text()) for element in locator.all()), [
        flat(e.inner_text()) for e in locator.all()
    ]


def tooltip_of(page: Page, button: Locator) -> str:
    button.hover()
    tip = page.get_by_test_id("stTooltipContent")
    expect(tip.first).to_be_visible(timeout=10_000)
    return tip.first.inner_text()


def transcript(hostile: str) -> str:
    """Each line one sentence that carries the hostile text (a citation quotes its sentence)."""
    return (
        f"0:00 Mount Etna is the most active volcano in Europe, says {hostile} on the island of Sicily.\n"
        f"0:12 Its eruptions are frequent but gentle, says {hostile} about the upper slopes.\n"
        f"0:25 Vesuvius near Naples is quieter today, says {hostile} about the bay.\n"
    )


def video_in_library(data_dir: Path, title: str, text: str) -> str:
    """A pasted transcript processed into the app's library (the same pipeline the Process button runs)."""
    from core.ai.local import MiniLMEmbedder, WhisperTranscriber
    from core.videos import pipeline
    from core.videos.library import Library

    library = Library(data_dir / "videos")
    record = pipeline.ingest_transcript_text(library, text, title, "pasted")
    record = pipeline.process(library, record.id, WhisperTranscriber, MiniLMEmbedder)
    assert record.ready
    return record.id


def open_video(page: Page, app_url: str, video_id: str) -> Locator:
    page.goto(f"{app_url}/videos?video={video_id}")
    wait_until_rendered(page)
    return page.locator('[data-testid="stMain"]')


def test_video_title(app_url: str, app_data_dir: Path, browser: Browser, beacon: Beacon, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    title = beacon.hostile("Title")
    main = open_video(
        page, app_url, video_in_library(app_data_dir, title, transcript(beacon.hostile("Spoken", image=False)))
    )
    shows(main.locator("h2"), title)

    assert_inert(page, beacon)
    page.screenshot(path=str(screenshot_dir / "text-sinks-videos.png"), full_page=True)
    page.close()


def test_catalog_name_seed_button_and_why_caption(
    app_url: str, browser: Browser, beacon: Beacon, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    # A flash message quoting the link (the same show_message as "“<video title>” is ready").
    wanted = beacon.hostile("wanted")
    page.goto(f"{app_url}/music?catalog={quote(wanted)}")
    wait_until_rendered(page)
    main = page.locator('[data-testid="stMain"]')
    shows(main.get_by_test_id("stAlertContentWarning"), f"The link's catalog “{wanted}” is not on this machine")
    frame = make_catalog(600, seed=7)
    track = beacon.hostile("Zorblax")
    frame.loc[0, "track_name"] = track
    file_name = f"{beacon.hostile('catalog')}.csv"
    # With a catalog from an earlier test on this server the ways to get one sit in its collapsed expander.
    earlier_catalog = main.get_by_test_id("stExpander").filter(has_text="Catalog:")
    if earlier_catalog.count():
        earlier_catalog.locator("summary").click()
    main.get_by_role("tab", name="Upload CSV").click()
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": file_name, "mimeType": "text/csv", "buffer": csv_bytes(frame)}
    )
    main.get_by_role("button", name="Use this file").click()
    expect(main.get_by_text("Catalog ready: 600 tracks.")).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    label = main.get_by_test_id("stExpander").locator("summary")
    shown_name = flat(label.first.inner_text())
    assert "catalog ![x](" in shown_name and "[click](" in shown_name, shown_name

    query = main.get_by_label("Search the catalog: song title, artist or genre")
    query.fill("Zorblax")
    query.press("Enter")
    wait_until_rendered(page)
    main.get_by_role("button", name="Add").first.click()
    wait_until_rendered(page)
    chip = main.locator('[data-testid="stElementContainer"][class*="st-key-music-remove_seed-"] button')
    shows(chip, track)

    main.get_by_role("button", name="Recommend").click()
    expect(main.get_by_text("Candidates near the seeds")).to_be_visible(timeout=60_000)
    wait_until_rendered(page)
    shows(main.get_by_test_id("stCaptionContainer").filter(has_text="Why this track"), f"like {track}")
    assert_inert(page, beacon)
    page.screenshot(path=str(screenshot_dir / "text-sinks-music.png"), full_page=True)
    page.close()
