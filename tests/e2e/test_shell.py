"""The app in a real browser: every page opens, no exception block anywhere, a screenshot each."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from components.shared.navigation import HOME, TOOLS
from tests.support.browser import exception_blocks, wait_until_rendered


def test_home_shows_navigation_cards_and_backends(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    wait_until_rendered(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "ML Studio"
    nav_links = page.locator('[data-testid="stSidebarNav"] a')
    assert nav_links.count() == 1 + len(TOOLS)
    for tool in TOOLS:
        expect(page.get_by_role("heading", name=tool.title)).to_have_count(1)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Answers and study: built in, works offline" in sidebar
    assert "Spotify: not set up (optional)" in sidebar
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / f"{HOME.url_path}.png"), full_page=True)

    page.get_by_role("link", name=f"Open {TOOLS[0].title}").click()
    page.wait_for_url(f"**/{TOOLS[0].url_path}")
    wait_until_rendered(page)
    assert TOOLS[0].title in page.locator('[data-testid="stMain"] h1').first.inner_text()
    page.close()


def test_home_by_its_name_opens_home(app_url: str, browser: Browser) -> None:
    """/home (a link a user may type or keep) opens Home, not a "Page not found" dialog."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/{HOME.url_path}")
    wait_until_rendered(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "ML Studio"
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert page.locator('[data-testid="stSidebarNav"] a').count() == 1 + len(TOOLS)
    page.close()


@pytest.mark.parametrize("tool", TOOLS, ids=[tool.url_path for tool in TOOLS])
def test_every_tool_page_opens_by_url(tool, app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/{tool.url_path}")
    wait_until_rendered(page)
    assert tool.title in page.locator('[data-testid="stMain"] h1').first.inner_text()
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / f"opened-{tool.url_path}.png"), full_page=True)
    page.close()


def test_on_a_phone_the_sidebar_starts_closed_and_its_help_says_what_runs(
    app_url: str, browser: Browser, screenshot_dir: Path
) -> None:
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(app_url)
    wait_until_rendered(phone)
    expect(phone.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    assert phone.get_by_test_id("stMain").locator("h1").first.is_visible()
    phone.screenshot(path=str(screenshot_dir / "home-phone.png"))
    phone.close()

    laptop = browser.new_page(viewport={"width": 1440, "height": 900})
    laptop.goto(app_url)
    wait_until_rendered(laptop)
    sidebar = laptop.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    line = sidebar.get_by_test_id("stCaptionContainer").filter(has_text="Speech to text:")
    line.get_by_test_id("stTooltipIcon").hover()
    expect(laptop.get_by_test_id("stTooltipContent")).to_contain_text("tiny English model")
    laptop.close()
