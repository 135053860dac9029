from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Error

from tests.support.beacon import Beacon
from tests.support.browser import chromium, exception_blocks
from tests.support.server import running_app

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
_server_logs: list[Path] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On a failure, keep what the browser showed: a screenshot per open page, its text and errors, and
    the end of the app's log, so a failure in CI can be understood without running it again."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and isinstance(browser, Browser):
        SCREENSHOTS.mkdir(exist_ok=True)
        pages = [page for context in browser.contexts for page in context.pages]
        for number, page in enumerate(pages):
            try:
                shot = SCREENSHOTS / f"FAILED-{item.name}-{number}.png"
                page.screenshot(path=str(shot), full_page=True)
                text = page.locator('[data-testid="stMain"]').inner_text(timeout=5_000)
                errors = exception_blocks(page)
            except Error as exc:
                report.sections.append((f"page {number}", f"could not be captured: {exc}"))
                continue
            report.sections.append((f"page {number} ({page.url}), screenshot {shot}", text[-4_000:]))
            if errors:
                report.sections.append((f"page {number}: exceptions on screen", "\n\n".join(errors)))
            page.close()
        if _server_logs and _server_logs[-1].exists():
            tail = _server_logs[-1].read_text(errors="replace").splitlines()[-60:]
            report.sections.append(("app log (last 60 lines)", "\n".join(tail)))
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data dir of the app under test (tests may put a library video there before opening a page)."""
    return tmp_path_factory.mktemp("mlstudio-data")


@pytest.fixture(scope="session")
def app_url(app_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("logs") / "streamlit.log"
    _server_logs.append(log)
    with running_app(env={"MLSTUDIO_DATA_DIR": str(app_data_dir)}, log_path=log) as (url, _process):
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture()
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def beacon() -> Iterator[Beacon]:
    server = Beacon()
    yield server
    server.server.shutdown()
    server.server.server_close()
