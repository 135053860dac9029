"""Cancel and resume in a real browser: one message and one Process button, then the work goes on from the
finished pieces; the progress line's time moves while a piece is being transcribed."""

import re
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, expect

from core.media.ffmpeg import ffmpeg_binary
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.videos.lecture import cached_lecture_video

SECONDS = 170  # two pieces: about two minutes, then the rest


def long_recording(folder: Path) -> Path:
    """The test lecture's sound looped to SECONDS, as an audio-only .mp3 upload."""
    target = folder / "long-lecture.mp3"
    subprocess.run(
        [ffmpeg_binary(), "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", str(cached_lecture_video()),
         "-t", str(SECONDS), "-vn", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k", str(target)],
        check=True,
    )  # fmt: skip
    return target


def test_cancel_says_so_once_and_process_resumes(
    app_url: str, browser: Browser, screenshot_dir: Path, tmp_path: Path
) -> None:
    recording = long_recording(tmp_path)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/videos")
    wait_until_rendered(page)
    main = page.get_by_test_id("stMain")
    page.get_by_role("tab", name="Upload").click()
    page.locator(".st-key-ttv-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(recording))
    process = page.get_by_role("button", name="Process").locator("visible=true").first
    expect(process).to_be_enabled(timeout=30_000)
    process.click()

    progress = main.get_by_test_id("stProgress")
    expect(progress).to_contain_text("piece 2 of 2", timeout=240_000)  # the first piece is finished
    before = progress.inner_text()
    page.wait_for_timeout(2_500)
    after = progress.inner_text()
    assert re.search(r"\d+:\d\d so far", after) and after != before, (before, after)  # the time moves

    page.get_by_role("button", name="Cancel").click()
    message = main.get_by_text("Cancelled. What was finished is kept; press Process to continue.")
    expect(message).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    expect(message).to_have_count(1)
    expect(progress).to_have_count(0)
    # the upload went into the library: its tab is empty again, so the video's own Process is the one to press
    enabled = page.get_by_role("button", name="Process").locator("visible=true").and_(page.locator(":enabled"))
    expect(enabled).to_have_count(1)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-cancelled.png"), full_page=True)

    enabled.click()
    expect(progress).to_contain_text("piece 2 of 2", timeout=30_000)  # piece 1 is not transcribed again
    assert "piece 1 of 2" not in progress.inner_text()
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=300_000)
    expect(message).to_have_count(0)
    assert exception_blocks(page) == []
    page.close()
