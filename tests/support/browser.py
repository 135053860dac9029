"""Debian's Chromium driven by Playwright (no browser download: the system binary is used)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until_rendered(page: Page, timeout_ms: float = 60_000) -> None:
    """Wait until Streamlit has drawn the page and finished running the script.

    The "running" indicator appears only after a short delay, so the page must stay idle for a
    moment (three checks 200 ms apart) before it counts as rendered. Elements of the previous run
    stay on screen, marked stale, until the new run replaces or drops them; idle means none is left.
    """
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const idle = !document.querySelector('[data-testid="stStatusWidget"]')
                && !document.querySelector('[data-testid="stMain"] [data-stale="true"]');
            window.__mlstudioIdle = idle ? (window.__mlstudioIdle || 0) + 1 : 0;
            return window.__mlstudioIdle >= 3;
        }""",
        timeout=timeout_ms,
        polling=200,
    )


def exception_blocks(page: Page) -> list[str]:
    return [block.inner_text() for block in page.query_selector_all('[data-testid="stException"]')]
