"""Talk to Videos in a real browser: unsure words are shown lighter, and correcting a misheard name
changes the answer to a question about it."""

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from core.videos.library import Library, VideoRecord
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.videos.lecture import cached_lecture_video

# tiny.en hears "Cordouan" as "cord one" (and the Gironde as "giant") in this synthesized lecture.
LIGHTHOUSE = [
    "Welcome to this short talk about a famous French lighthouse.",
    "The Cordouan lighthouse stands on a rock at the mouth of the Gironde estuary.",
    "It was finished in 1611, and it is the oldest lighthouse in France still in use.",
    "Its lens was designed by the physicist Augustin Fresnel in 1823.",
    "Thank you for listening.",
]
CORRECT = LIGHTHOUSE[1]
QUESTION = "Which lighthouse stands on a rock at the mouth of the estuary?"


def _processed_lighthouse(data_dir: Path) -> VideoRecord:
    from core.ai.local import MiniLMEmbedder, WhisperTranscriber
    from core.videos.pipeline import ingest_media_file, process

    video = cached_lecture_video(LIGHTHOUSE)
    library = Library(data_dir / "videos")
    record = ingest_media_file(library, video, "talk.mp4", "upload", "talk.mp4", 2**30)
    library.revert_transcript(record.id)  # a rerun starts from the recognizer's text
    return process(library, record.id, WhisperTranscriber, MiniLMEmbedder)


def _ask(page: Page, question: str, count: int) -> str:
    wait_until_rendered(page)
    box = page.get_by_test_id("stChatInputTextArea").last
    expect(box).to_be_visible(timeout=180_000)  # the answer engine is built (or rebuilt) first
    box.fill(question)
    box.press("Enter")
    replies = page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stChatMessageAvatarAssistant"))
    expect(replies).to_have_count(count, timeout=120_000)
    wait_until_rendered(page)
    return replies.nth(count - 1).inner_text()


def test_correcting_a_misheard_name_changes_the_answer(
    app_url: str, app_data_dir: Path, browser: Browser, screenshot_dir: Path
) -> None:
    record = _processed_lighthouse(app_data_dir)
    library = Library(app_data_dir / "videos")
    library.clear_chat(record.id)
    segments = library.transcript(record.id) or []
    assert "cordouan" not in " ".join(s.text for s in segments).lower(), "the recognizer should mishear the name"
    line = next(i for i, s in enumerate(segments) if "mouth of the" in s.text)
    assert any(w.probability < 0.5 for w in segments[line].words)  # the misheard name is an unsure word

    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/videos?video={record.id}")
    wait_until_rendered(page)
    main = page.get_by_test_id("stMain")
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=60_000)
    transcript = page.locator(".st-key-ttv_transcript")
    expect(transcript).to_contain_text("mouth of the", timeout=30_000)

    before = _ask(page, QUESTION, 1)
    assert "Cordouan" not in before

    page.locator(f".st-key-ttv-edit-{line}").get_by_role("button").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Correct a transcript line", timeout=30_000)
    area = dialog.get_by_label("Corrected text")
    expect(area).to_have_value(segments[line].text)
    area.fill(CORRECT)
    area.press("Control+Enter")  # commit the text area's value before pressing Save
    wait_until_rendered(page)
    dialog.get_by_role("button", name="Save correction").click()
    expect(main.get_by_text("Line corrected")).to_be_visible(timeout=120_000)
    expect(transcript).to_contain_text("Cordouan lighthouse stands", timeout=30_000)
    expect(main.get_by_role("button", name="Undo my corrections")).to_be_visible()

    after = _ask(page, QUESTION, 2)
    assert "Cordouan" in after, after
    assert (library.original_transcript(record.id) or [])[line].text == segments[line].text
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-correction.png"), full_page=True)
    page.close()
