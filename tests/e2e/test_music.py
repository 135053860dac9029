"""Music recommender in a real browser: no catalog -> upload one -> seeds -> recommendations."""

import csv
import io
import re
from pathlib import Path

import pandas as pd
from playwright.sync_api import Browser, Page, expect

from components.music.results import REASON_WIDTH, WHY_WIDTH, WRAPPED, row_height
from tests.music.generate import csv_bytes, make_catalog
from tests.support.browser import exception_blocks, open_expander, wait_until_rendered

# The grid draws on a canvas: measure each text as its 14 px font lays it out, word by word.
LINES_NEEDED = """({texts, width}) => {
    const grid = document.querySelector('[data-testid=stDataFrame]');
    const context = document.createElement('canvas').getContext('2d');
    context.font = `14px ${getComputedStyle(grid).fontFamily}`;
    return texts.map(text => {
        let lines = 1, line = '';
        for (const word of text.split(' ')) {
            const longer = line ? `${line} ${word}` : word;
            if (context.measureText(longer).width > width && line) { lines += 1; line = word; } else { line = longer; }
        }
        return lines;
    });
}"""


def cut_texts(page: Page, texts: list[str], column_px: int, row_px: int) -> list[str]:
    """Texts that would not fit their wrapped cell (8 px padding each side, 3 px top and bottom, 1.4 lines)."""
    lines = page.evaluate(LINES_NEEDED, {"texts": texts, "width": column_px - 16})
    return [text for text, count in zip(texts, lines, strict=True) if count * 14 * 1.4 > row_px - 6]


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
    # The genre box shows the genre seed however it was added; picking there adds a seed at once.
    genres = main.locator(".st-key-music-genres")
    expect(genres.get_by_text("folk (", exact=False)).to_be_visible()
    genres.locator("input").click()
    page.get_by_role("option", name=re.compile(r"^jazz \(")).click()
    page.keyboard.press("Escape")
    settle(page)
    expect(main.get_by_role("button", name="Genre: jazz")).to_be_visible(timeout=30_000)
    main.get_by_role("button", name="Genre: jazz").click()  # and a chip removed leaves the box
    settle(page)
    expect(genres.get_by_text("jazz (", exact=False)).to_have_count(0, timeout=30_000)
    open_expander(page, "List size and variety")
    versions = main.locator(".st-key-music-one_version")
    expect(versions).to_be_visible()
    label = versions.locator("label p").first  # the whole label shown, not cut off
    assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1")
    assert "“feat.” variants" in label.inner_text()
    expect(main.locator(".st-key-music-album_cap").get_by_text("no limit").first).to_be_visible()

    main.get_by_role("button", name="Recommend").click()
    expect(main.get_by_text("Candidates near the seeds")).to_be_visible(timeout=30_000)
    settle(page)
    grid = main.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    rows = list(csv.DictReader(io.StringIO(exported_csv(page))))
    row_px = row_height(pd.DataFrame(rows))  # the height the page gave the grid's rows, checked here
    assert rows and all(" of 100 (sound " in row["why"] for row in rows)
    for column, width in (("why", WHY_WIDTH), ("rank_reason", REASON_WIDTH), *WRAPPED.items()):
        assert cut_texts(page, [row[column] for row in rows], width, row_px) == [], column
    # Every column is on screen beside the sidebar: the grid does not scroll sideways.
    scroller = grid.locator(".dvn-scroller").first
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    expect(main.locator('[data-testid="stPlotlyChart"]')).to_have_count(2)
    spotify_player = main.locator("iframe[src*='open.spotify.com/embed/track/']")
    expect(spotify_player).to_have_count(0)  # loads from the internet only when asked
    main.get_by_text("Spotify's player (needs the internet)").click()
    expect(spotify_player).to_have_count(1, timeout=30_000)
    expect(main.get_by_role("button", name="Export CSV")).to_be_visible()
    assert exception_blocks(page) == []
    # Streamlit scrolls inside its main container: make the window tall enough to show it all.
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 100, 6000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshot_dir / "music.png"), full_page=True)
    page.close()


def chips(page: Page) -> list[str]:
    main = page.locator('[data-testid="stMain"]')
    containers = main.locator('[data-testid="stElementContainer"][class*="st-key-music-remove_seed-"]').all()
    return [c.locator("button p").first.inner_text() for c in containers]


def exported_csv(page: Page) -> str:
    """The shown list as its CSV export (the table itself is drawn on a canvas)."""
    with page.expect_download() as download:
        page.locator('[data-testid="stMain"]').get_by_role("button", name="Export CSV").click()
    return Path(download.value.path()).read_text()


def add_genre(page: Page, genre: str) -> None:
    main = page.locator('[data-testid="stMain"]')
    query = main.get_by_label("Search the catalog: song title, artist or genre")
    expect(query).to_have_count(1, timeout=30_000)
    query.fill(genre)
    query.press("Enter")
    settle(page)
    button = main.locator(f".st-key-music-add_genre-{genre} button")
    expect(button).to_have_count(1, timeout=30_000)
    button.click()
    settle(page)
    expect(main.get_by_role("button", name=f"Genre: {genre}")).to_be_visible()


def test_seeds_target_and_list_survive_reload_a_copied_link_and_back(
    app_url: str, app_data_dir: Path, browser: Browser, screenshot_dir: Path
) -> None:
    from core.music.catalog import CatalogStore, load_catalog_upload

    # A catalog of its own (the newest, so a fresh session picks it too; the link names it anyway).
    catalog_id, _ = load_catalog_upload(
        csv_bytes(make_catalog(1800, seed=11)), "link_catalog.csv", CatalogStore(app_data_dir / "music")
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/music")
    wait_until_rendered(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Catalog: link_catalog.csv")).to_be_visible()
    add_genre(page, "rock")
    open_expander(page, "Filters and targets")
    main.locator(".st-key-music-use_target-energy label").click()
    settle(page)
    thumb = main.locator('.st-key-music-target-energy input[type="range"]')
    expect(thumb).to_be_visible()
    start = float(thumb.input_value())
    for step in range(1, 4):  # one step of 0.01 at a time: each one is a rerun and a new URL
        thumb.focus()
        thumb.press("ArrowLeft")
        expect(page).to_have_url(re.compile(rf"target=energy%3A{round(start - step / 100, 2):g}(&|$)"))
        settle(page)
    target = float(thumb.input_value())
    assert target == round(start - 0.03, 2)
    expect(page).to_have_url(re.compile(rf"target=energy%3A{target:g}(&|$)"))
    add_genre(page, "folk")
    main.get_by_role("button", name="Recommend").click()
    expect(main.get_by_text("Candidates near the seeds")).to_be_visible(timeout=30_000)
    settle(page)
    shown = exported_csv(page)
    assert len(shown.splitlines()) == 21 and "rank,track_name" in shown
    link = page.url
    assert f"catalog={catalog_id}" in link and "list=1" in link

    page.reload()
    wait_until_rendered(page)
    expect(main.get_by_text("Candidates near the seeds")).to_be_visible(timeout=30_000)
    assert chips(page) == ["Genre: rock", "Genre: folk"]
    open_expander(page, "Filters and targets")
    assert float(main.locator('.st-key-music-target-energy input[type="range"]').input_value()) == target
    assert exported_csv(page) == shown
    assert page.url == link and exception_blocks(page) == []

    other = browser.new_context(viewport={"width": 1400, "height": 1000})  # another browser: no session, no cookies
    fresh = other.new_page()
    fresh.goto(link)
    wait_until_rendered(fresh)
    expect(fresh.get_by_text("Candidates near the seeds")).to_be_visible(timeout=30_000)
    assert chips(fresh) == ["Genre: rock", "Genre: folk"]
    assert exported_csv(fresh) == shown
    height = fresh.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    fresh.set_viewport_size({"width": 1400, "height": min(int(height) + 100, 6000)})
    fresh.wait_for_timeout(1500)
    fresh.screenshot(path=str(screenshot_dir / "music_copied_link.png"), full_page=True)
    other.close()

    page.go_back()  # before Recommend: the same seeds, no list yet
    wait_until_rendered(page)
    expect(main.get_by_role("button", name="Genre: folk")).to_be_visible()
    expect(main.get_by_text("Candidates near the seeds")).to_have_count(0)
    page.go_back()  # before folk was added: the previous seed set, with its target
    wait_until_rendered(page)
    expect(main.get_by_role("button", name="Genre: folk")).to_have_count(0, timeout=30_000)
    assert chips(page) == ["Genre: rock"]
    assert "seeds=genre%3Arock&" in page.url or page.url.endswith("seeds=genre%3Arock")
    # The expander opened after the reload is still open: Back reran the same page.
    expect(main.locator(".st-key-music-target-energy input[type='range']")).to_be_visible()
    assert float(main.locator('.st-key-music-target-energy input[type="range"]').input_value()) == target
    assert exception_blocks(page) == []

    # To another page and back through the menu (which drops the query string): the view stays.
    sidebar = page.locator('[data-testid="stSidebarNav"]')
    sidebar.get_by_role("link", name="Home").click()
    wait_until_rendered(page)
    sidebar.get_by_role("link", name="Music recommender").click()
    wait_until_rendered(page)
    expect(main.get_by_role("button", name="Genre: rock")).to_be_visible(timeout=30_000)
    assert chips(page) == ["Genre: rock"]
    expect(page).to_have_url(re.compile(rf"seeds=genre%3Arock&target=energy%3A{target:g}"))
    page.close()
