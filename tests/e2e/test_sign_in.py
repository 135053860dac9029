"""Sign-in (st.login, OIDC) on a deployed server, against an OpenID Connect provider on the loopback: an
account's catalog follows the account into another browser, another account does not see it, and signing
out returns to the browser's own private space."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.music.generate import csv_bytes, make_catalog
from tests.support.browser import exception_blocks, wait_until_rendered
from tests.support.oidc import OidcProvider, oidc_provider
from tests.support.server import running_app

ALICE = {"sub": "alice-1", "email": "alice@example.test", "name": "Alice"}
BOB = {"sub": "bob-2", "email": "bob@example.test", "name": "Bob"}


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with oidc_provider() as running:
        yield running


@pytest.fixture(scope="module")
def app_with_sign_in(provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("sign-in")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
    )
    env = {"MLSTUDIO_DATA_DIR": str(folder / "data"), "MLSTUDIO_DEPLOYED": "true"}
    options = {"secrets.files": str(secrets_file)}
    with running_app(env=env, options=options, log_path=folder / "app.log") as (url, _process):
        yield url


def signed_in(browser: Browser, url: str, provider: OidcProvider, user: dict[str, str]) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/music")
    wait_until_rendered(page)
    provider.next_user = user
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Sign in").click()
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    shown = sidebar.get_by_text("Signed in as").inner_text().replace("\u2060", "")  # word joiners stop autolinks
    assert f"Signed in as {user['email']}" in shown
    return context, page


def open_music(page: Page, url: str) -> None:
    page.goto(f"{url}/music")
    wait_until_rendered(page)


def test_an_accounts_catalog_follows_it_and_stays_away_from_others(
    app_with_sign_in: str, provider: OidcProvider, browser: Browser, screenshot_dir: Path
) -> None:
    url = app_with_sign_in
    alice, page = signed_in(browser, url, provider, ALICE)
    open_music(page, url)
    main = page.get_by_test_id("stMain")
    main.get_by_role("tab", name="Upload CSV").click()
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": "alice-account.csv", "mimeType": "text/csv", "buffer": csv_bytes(make_catalog(300, seed=5))}
    )
    main.get_by_role("button", name="Use this file").click()
    expect(main.get_by_text("Catalog ready: 300 tracks.")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "signed-in-alice.png"), full_page=True)

    bob, other = signed_in(browser, url, provider, BOB)
    open_music(other, url)
    expect(other.get_by_text("No catalog yet")).to_be_visible()

    elsewhere, third = signed_in(browser, url, provider, ALICE)  # Alice on another browser
    open_music(third, url)
    expect(third.get_by_text("Catalog: alice-account.csv (300 tracks)")).to_be_visible()

    third.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    expect(third.get_by_test_id("stSidebar").get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
    open_music(third, url)
    expect(third.get_by_text("No catalog yet")).to_be_visible()  # this browser's own space, empty
    for page_shown in (page, other, third):
        assert exception_blocks(page_shown) == []
    assert provider.token_requests == 3
    for context in (alice, bob, elsewhere):
        context.close()
