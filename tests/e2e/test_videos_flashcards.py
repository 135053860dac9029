"""Flashcards in a real browser: the deck is there on the tab's first open, and a card replays its moment."""

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from core.videos.library import Library, content_id
from core.videos.study.review import ReviewStore
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.videos.lecture import EXTRA, LECTURE, cached_lecture_video

# A longer lecture than the other browser tests use (a different video, so it is processed here, by the job).
PARAGRAPHS = [*LECTURE[:-1], *EXTRA, LECTURE[-1]]


def _processed_by_the_job(data_dir: Path) -> str:
    """The lecture added to the app's library and processed by the page's own background work
    (`components.videos.jobs.ProcessWork`: extract, transcribe, index, then the deck), run here."""
    from components.shared import resources as shared_resources
    from components.videos.jobs import PROCESS_STAGES, ProcessWork
    from core.videos.jobs import Job, JobStatus
    from core.videos.pipeline import ingest_media_file

    video = cached_lecture_video(PARAGRAPHS)
    library = Library(data_dir / "videos")
    record = library.get(content_id(video))
    if record is None or not record.ready:
        record = ingest_media_file(library, video, "Volcanoes.mp4", "upload", "Volcanoes.mp4", 2**30)
        job = Job("Processing", ProcessWork(shared_resources.base_settings(), library, record.id), PROCESS_STAGES)
        job.start().wait(600)
        assert job.status is JobStatus.FINISHED, job.error
    return record.id


def test_deck_is_ready_on_first_open_and_a_card_plays_its_moment(
    app_url: str, app_data_dir: Path, browser: Browser, screenshot_dir: Path
) -> None:
    video_id = _processed_by_the_job(app_data_dir)
    # The processing job made the deck after the index, before anyone opened the tab.
    library = Library(app_data_dir / "videos")
    assert ReviewStore(library.db_path).has_generated(video_id)
    made = ReviewStore(library.db_path).deck(video_id)
    cards = len(made)
    assert cards >= 5

    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/videos?video={video_id}")
    wait_until_rendered(page)
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=60_000)
    main = page.get_by_test_id("stMain")
    page.get_by_role("tab", name="Flashcards").click()
    expect(main.get_by_text(f"{cards} cards · {cards} due now")).to_be_visible(timeout=180_000)
    wait_until_rendered(page)
    first = made[0].card  # "Due now" shows the deck in order, the first card first
    card = (
        page.get_by_test_id("stVerticalBlock")
        .filter(has_text=first.front)
        .filter(has=page.get_by_role("button", name=re.compile("Play this moment")))
    )
    expect(card.last).to_be_visible(timeout=120_000)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-flashcards.png"), full_page=True)

    play = card.last.get_by_role("button", name=re.compile("Play this moment"))
    label = play.inner_text()
    play.click()
    wait_until_rendered(page)
    clip = card.last.locator("video")
    expect(clip).to_have_count(1, timeout=30_000)
    stamps = re.findall(r"(\d+):(\d\d)", label)
    assert len(stamps) == 2, label
    start, end = (int(m) * 60 + int(s) for m, s in stamps)
    handle = clip.element_handle()
    assert handle is not None
    # It plays from the card's start ...
    page.wait_for_function(
        "([v, start]) => !v.paused && v.currentTime >= start && v.currentTime < start + 1.5",
        arg=[handle, start],
        timeout=30_000,
    )
    assert start <= first.start + 0.01
    page.screenshot(path=str(screenshot_dir / "videos-flashcards-playing.png"), full_page=True)
    # ... and stops at its end, not at the end of the video.
    page.wait_for_function(
        "([v, end]) => v.paused && v.currentTime >= end - 0.3",
        arg=[handle, end],
        timeout=(end - start + 20) * 1000,
    )
    stopped = float(clip.evaluate("v => v.currentTime"))
    duration = float(clip.evaluate("v => v.duration"))
    assert end - 0.3 <= stopped <= end + 1.0 < duration, (stopped, end, duration)
    assert first.end is not None and first.end <= end

    # Reveal, then the ratings show the next interval of each choice (FSRS), as Anki does.
    page.get_by_role("button", name="Reveal").click()
    wait_until_rendered(page)
    for rating in ("Again", "Hard", "Good", "Easy"):
        expect(page.get_by_role("button", name=rating, exact=True)).to_be_visible()
    for interval in ("in 6m", "in 10m"):
        expect(main.get_by_text(interval, exact=True)).to_be_visible()
    expect(main.get_by_text(re.compile(r"^in (<1m|1m)$"))).to_be_visible()
    expect(main.get_by_text(re.compile(r"^in \d+d$"))).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "videos-flashcards-revealed.png"), full_page=True)
    page.get_by_role("button", name="Good", exact=True).click()
    expect(main.get_by_text(f"{cards} cards · {cards - 1} due now")).to_be_visible(timeout=30_000)
    assert exception_blocks(page) == []
    page.close()
