"""The Grad-CAM viewer in a real browser: the default grid renders, a bad upload is a message.

Scoring, contrast targets and user models are driven in tests/app/test_gradcam.py (same page, faster)."""

from pathlib import Path

from playwright.sync_api import Browser

from tests.support.browser import exception_blocks, wait_until_rendered

TIMEOUT_MS = 300_000


def test_gradcam_grid_and_bad_upload(app_url: str, browser: Browser, screenshot_dir: Path, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 2600})
    page.goto(f"{app_url}/gradcam")
    wait_until_rendered(page, TIMEOUT_MS)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text() == "Grad-CAM viewer"
    page.get_by_text("Where the model looks for “Egyptian cat”").wait_for(timeout=TIMEOUT_MS)
    main.get_by_role("button", name="Overlay PNG").wait_for(timeout=TIMEOUT_MS)
    wait_until_rendered(page, TIMEOUT_MS)
    # The grid's images arrive one by one: wait until the whole grid is there.
    page.wait_for_function(
        '() => document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stImage"]\').length >= 14',
        timeout=TIMEOUT_MS,
    )
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "gradcam.png"), full_page=True)

    fake = tmp_path / "holiday.png"
    fake.write_bytes(b"this is a text file with a .png name")
    main.get_by_text("Upload", exact=True).first.click()
    main.locator('input[type="file"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    main.locator('input[type="file"]').first.set_input_files(str(fake))
    page.get_by_text("not an image the viewer can read").wait_for(timeout=TIMEOUT_MS)
    assert exception_blocks(page) == []
    page.close()
