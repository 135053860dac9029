"""Debian's Chromium driven by Playwright (no browser download: the system binary is used)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Locator, Page, sync_playwright

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


def open_expander(page: Page, label: str) -> Locator:
    """Open the expander with this exact label and wait until its opening animation is over.

    While it animates, the expander is a clipped box of growing height; a click on a button inside it
    then can get lost (seen in local runs: "Compute UMAP" pressed, no rerun). At the end the inline height and
    overflow styles are removed, so that is the moment the content is really there.
    """
    details = page.locator('[data-testid="stExpander"] details').filter(
        has=page.locator("summary").get_by_text(label, exact=True)
    )
    details.locator("summary").click()
    page.wait_for_function(
        "el => el.open && el.style.height === '' && el.style.overflow === ''",
        arg=details.element_handle(),
        timeout=10_000,
    )
    return details


CLIPPED_LABELS_JS = """
() => {
  const cut = el => !el.closest('[data-testid="stIconMaterial"]') && el.clientWidth > 1  // icons, screen-reader text
    && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
  const main = document.querySelector('[data-testid="stMain"]');
  // a button pushed out of a box that hides or scrolls what overflows (a row of options too wide for its column)
  const outside = button => {
    const box = button.getBoundingClientRect();
    for (let el = button.parentElement; el && el !== main; el = el.parentElement) {
      if (getComputedStyle(el).overflowX === 'visible') continue;
      const frame = el.getBoundingClientRect();
      if (box.left < frame.left - 1 || box.right > frame.right + 1) return true;
    }
    return false;
  };
  return [...main.querySelectorAll('button')]
    .filter(button => button.offsetParent !== null && button.innerText.trim())
    .map(button => [button.innerText.trim(), [button, ...button.querySelectorAll('*')].filter(cut), outside(button)])
    .filter(([, clipped, out]) => clipped.length || out)
    .map(([label, clipped, out]) => out ? `${label} (outside its box)`
      : `${label} (${clipped.map(el => `${el.scrollWidth}px in ${el.clientWidth}px`)})`);
}
"""


def clipped_buttons(page: Page) -> list[str]:
    """The labels of the visible buttons in the page's main area whose text is cut (ellipsis or hidden), or
    that stick out of a box that hides or scrolls its overflow."""
    return page.evaluate(CLIPPED_LABELS_JS)
