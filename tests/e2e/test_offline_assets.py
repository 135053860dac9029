"""Nothing the pages need comes from outside the machine: every request stays on the loopback, and the
tab's icon is inline (a `:material/...:` page icon makes the browser fetch an SVG from fonts.gstatic.com)."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Browser, Route

from components.shared.navigation import HOME, TOOLS
from tests.support.browser import wait_until_rendered

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def test_pages_make_no_request_off_the_machine_and_the_icon_is_inline(app_url: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    for path in ["", *(tool.url_path for tool in TOOLS)]:
        page.goto(f"{app_url}/{path}")
        wait_until_rendered(page)
        page.wait_for_timeout(1_000)  # the favicon is set after the first render
        icons = page.eval_on_selector_all("link[rel~='icon']", "links => links.map(l => l.href)")
        assert icons and all(href.startswith("data:") or urlparse(href).hostname in LOOPBACK for href in icons), (
            path or HOME.url_path,
            icons,
        )
    assert outside == []
    context.close()
