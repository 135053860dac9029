"""A deployment keeps visitors apart: two browsers on the real server (MLSTUDIO_DEPLOYED=true) never see
each other's videos or catalogs; a reload keeps one's own; the private link opens the same space in a third
browser and leaves the address bar at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from core.spaces import browser_space
from core.videos.library import Library, content_id
from tests.music.generate import csv_bytes, make_catalog
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.support.server import running_app
from tests.videos.lecture import cached_lecture_video

SPACE_COOKIE = "mlstudio_space"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("deployed-data")
    log = tmp_path_factory.mktemp("logs") / "deployed.log"
    env = {"MLSTUDIO_DATA_DIR": str(data_dir), "MLSTUDIO_DEPLOYED": "true"}
    with running_app(env=env, log_path=log) as (url, _process):
        yield url, data_dir


def opened(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    wait_until_rendered(page)
    return page


def space_key(context: BrowserContext) -> str:
    keys = [c["value"] for c in context.cookies() if c["name"] == SPACE_COOKIE]
    assert len(keys) == 1, context.cookies()
    return keys[0]


def private_link(page: Page) -> str:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stExpander").filter(has_text="Private space").locator("summary").click()
    code = sidebar.get_by_test_id("stCode")
    expect(code).to_be_visible()
    return code.inner_text().strip()


def processed_video(library: Library) -> str:
    """A lecture processed into this library by the page's own background work, run here."""
    from components.shared import resources as shared_resources
    from components.videos.jobs import PROCESS_STAGES, ProcessWork
    from core.videos.jobs import Job, JobStatus
    from core.videos.pipeline import ingest_media_file

    video = cached_lecture_video()
    record = ingest_media_file(library, video, "Volcanoes.mp4", "upload", "Volcanoes.mp4", 2**30)
    job = Job("Processing", ProcessWork(shared_resources.base_settings(), library, record.id), PROCESS_STAGES)
    job.start().wait(600)
    assert job.status is JobStatus.FINISHED, job.error
    assert library.get(content_id(video)) is not None
    return record.id


def test_two_browsers_see_only_their_own_videos_and_catalogs(
    deployed: tuple[str, Path], browser: Browser, screenshot_dir: Path
) -> None:
    url, data_dir = deployed
    alice, bob, alice_elsewhere = browser.new_context(), browser.new_context(), browser.new_context()

    # Alice: a catalog through the page, a video through the processing job, both in her space.
    page = opened(alice, f"{url}/music")
    key = space_key(alice)
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="Upload CSV").click()
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": "alices-tracks.csv", "mimeType": "text/csv", "buffer": csv_bytes(make_catalog(400, seed=3))}
    )
    main.get_by_role("button", name="Use this file").click()
    expect(main.get_by_text("Catalog ready: 400 tracks.")).to_be_visible(timeout=30_000)
    link = private_link(page)
    page.screenshot(path=str(screenshot_dir / "private-space-link.png"))
    assert link == f"{url}/music?space={key}"
    space = browser_space(data_dir, key)
    assert key not in str(space.root)  # the disk holds a hash of the key, not the key
    video_id = processed_video(Library(space.root / "videos"))
    assert not (data_dir / "videos" / "library.sqlite").exists()  # nothing in the shared library

    page = opened(alice, f"{url}/videos")  # a new tab of the same browser: the cookie brings her space back
    expect(page.get_by_text("Library (1)")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "private-space-alice.png"), full_page=True)

    # Bob: a different browser sees an empty library and no catalog, and Alice's video link is not his.
    other = opened(bob, f"{url}/videos")
    assert space_key(bob) != key
    expect(other.get_by_text("Library (0)")).to_be_visible()
    other = opened(bob, f"{url}/videos?video={video_id}")
    expect(other.get_by_test_id("stMain")).to_contain_text("not in your library")
    other = opened(bob, f"{url}/music?catalog=alices-tracks")
    expect(other.get_by_text("No catalog yet")).to_be_visible()
    assert exception_blocks(other) == []
    other.screenshot(path=str(screenshot_dir / "private-space-bob.png"), full_page=True)

    # Alice's private link in a third browser: her space, and the key leaves the address bar.
    third = opened(alice_elsewhere, link)
    expect(third).to_have_url(re.compile(r"/music(\?(?!.*space=).*)?$"))
    expect(third.get_by_test_id("stMain").get_by_text("Catalog: alices-tracks.csv (400 tracks)")).to_be_visible()
    third = opened(alice_elsewhere, f"{url}/videos")
    expect(third.get_by_text("Library (1)")).to_be_visible()
    assert space_key(alice_elsewhere) == key
    for context in (alice, bob, alice_elsewhere):
        context.close()


def test_a_broken_private_link_says_so_and_keeps_ones_space(deployed: tuple[str, Path], browser: Browser) -> None:
    url, _data_dir = deployed
    context = browser.new_context()
    page = opened(context, url)
    key = space_key(context)
    page = opened(context, f"{url}/music?space={key[:-3]}")
    expect(page.get_by_text("That private link is not complete")).to_be_visible()
    assert space_key(context) == key
    assert exception_blocks(page) == []
    context.close()
