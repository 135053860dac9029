"""Music recommender in a real browser: no catalog -> upload one -> seeds -> recommendations."""

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.music.generate import csv_bytes, make_catalog
from tests.support.browser import exception_blocks, wait_until_rendered


def settle(page: Page) -> None:
    page.wait_for_timeout(300)
    wait_until_rendered(page)


def test_upload_catalog_pick_seeds_and_get_explained_list(
    app_url: str, browser: Browser, screenshot_dir: Path, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # Home first, then the page by its URL (tests/e2e/test_fresh_server.py covers a deep link first).
    page.goto(app_url)
    wait_until_rendered(page)
    page.goto(f"{app_url}/music")
    wait_until_rendered(page)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text() == "Music recommender"
    expect(main.get_by_text("No catalog yet")).to_be_visible()

    catalog = tmp_path / "my_catalog.csv"
    catalog.write_bytes(csv_bytes(make_catalog(2500, seed=4)))
    main.get_by_role("tab", name="Upload CSV").click()
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(catalog))
    main.get_by_role("button", name="Use this file").click()
    expect(main.get_by_text("Catalog ready: 2,500 tracks.")).to_be_visible(timeout=30_000)
    settle(page)

    query = main.get_by_label("Search the catalog: song title, artist or genre")
    # A seed added above the tabs moves them: until the rerun ends, the old copy is still on screen.
    expect(query).to_have_count(1)
    query.fill("rock")
    query.press("Enter")
    settle(page)
    main.get_by_role("button", name="Add").first.click()  # the first track hit
    settle(page)
    expect(query).to_have_count(1, timeout=30_000)
    query.fill("folk")
    query.press("Enter")
    settle(page)
    add_folk = main.locator(".st-key-music-add_genre-folk button")
    expect(add_folk).to_have_count(1, timeout=30_000)
    add_folk.click()
    settle(page)
    expect(main.get_by_role("button", name="Genre: folk")).to_be_visible()

    main.get_by_role("button", name="Recommend").click()
    expect(main.get_by_text("Candidates near the seeds")).to_be_visible(timeout=30_000)
    settle(page)
    grid = main.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    expect(main.locator('[data-testid="stPlotlyChart"]')).to_have_count(2)
    expect(main.locator("iframe[src*='open.spotify.com/embed/track/']")).to_have_count(1)
    expect(main.get_by_role("button", name="Export CSV")).to_be_visible()
    assert exception_blocks(page) == []
    # Streamlit scrolls inside its main container: make the window tall enough to show it all.
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 100, 6000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshot_dir / "music.png"), full_page=True)
    page.close()
