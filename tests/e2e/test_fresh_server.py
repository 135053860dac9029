"""A fresh server's very first request may be a deep link to a tool page.

Streamlit runs a `pages/` folder beside the main script as a legacy multipage app until the router
has run once; the pages live in `app_pages/` so a deep link gets the real router, sidebar and layout.
"""

from pathlib import Path

from playwright.sync_api import Browser

from components.shared.navigation import TOOLS
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.support.server import ROOT, running_app


def test_no_legacy_pages_folder() -> None:
    assert not (ROOT / "pages").exists()


def test_deep_link_as_first_request_gets_the_router(browser: Browser, tmp_path: Path) -> None:
    tool = next(t for t in TOOLS if t.url_path == "music")
    with running_app(env={"MLSTUDIO_DATA_DIR": str(tmp_path)}) as (url, _process):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/{tool.url_path}")
        wait_until_rendered(page)
        nav = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert [t.strip().split("\n")[-1] for t in nav] == ["Home", *(t.title for t in TOOLS)]
        assert "What runs the tools" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert exception_blocks(page) == []
        page.close()
