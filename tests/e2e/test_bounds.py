"""Bombs through the real pages: each is a short message on screen, and the page keeps working."""

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.media.bombs import lying_media
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.vision.test_bounds import thin_png

TIMEOUT_MS = 300_000


def test_media_claiming_115_days_is_refused_on_the_page(
    app_url: str, browser: Browser, screenshot_dir: Path, tmp_path: Path
) -> None:
    bomb = lying_media(tmp_path / "lecture.mkv", 1e7)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/videos")
    wait_until_rendered(page, TIMEOUT_MS)
    page.get_by_role("tab", name="Upload").click()
    uploader = page.locator(".st-key-ttv-upload")
    expect(uploader).to_contain_text("and 3 hours")
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bomb))
    process = page.get_by_role("button", name="Process").locator("visible=true").first
    expect(process).to_be_enabled(timeout=30_000)
    process.click()
    message = "This file says it lasts 115 days; the limit is 3 hours. Trim it or upload a shorter file."
    expect(page.get_by_text(message)).to_be_visible(timeout=TIMEOUT_MS)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "bounds-videos.png"), full_page=True)
    page.close()


def test_a_40_million_by_1_png_is_refused_on_the_gradcam_page(
    app_url: str, browser: Browser, screenshot_dir: Path, tmp_path: Path
) -> None:
    thin = tmp_path / "thin.png"
    thin.write_bytes(thin_png(40_000_000, 1))
    page = browser.new_page(viewport={"width": 1500, "height": 1400})
    page.goto(f"{app_url}/gradcam")
    wait_until_rendered(page, TIMEOUT_MS)
    main = page.locator('[data-testid="stMain"]')
    page.get_by_text("Where the model looks for").first.wait_for(timeout=TIMEOUT_MS)
    wait_until_rendered(page, TIMEOUT_MS)
    main.get_by_text("Upload", exact=True).first.click()
    main.locator('input[type="file"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    main.locator('input[type="file"]').first.set_input_files(str(thin))
    page.get_by_text("each side can be at most 10,000 pixels. Downscale or crop it and try again.").wait_for(
        timeout=TIMEOUT_MS
    )
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "bounds-gradcam.png"), full_page=True)
    page.close()
