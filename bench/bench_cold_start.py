"""Cold start and memory of the whole app against the smallest Streamlit app, in the same run.

Figures: seconds from `streamlit run` to /_stcore/health; seconds from the first browser request to
the Home page drawn; resident memory (MiB) of the server after a browser has visited every page.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from pathlib import Path

import psutil

from bench.common import report
from components.shared.navigation import TOOLS
from tests.support.browser import chromium, wait_until_rendered
from tests.support.server import ROOT, running_app

BASELINE_APP = Path(__file__).resolve().parent / "baseline_hello_app.py"


def rss_mib(pid: int) -> float:
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total / 2**20


def measure(script: Path, paths: list[str]) -> tuple[float, float, float]:
    # A first start warms the OS file cache, so both apps are measured warm.
    with tempfile.TemporaryDirectory() as data_dir, running_app(script, env={"MLSTUDIO_DATA_DIR": data_dir}):
        pass
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as data_dir,
        running_app(script, env={"MLSTUDIO_DATA_DIR": data_dir}) as (url, process),
    ):
        to_healthy = time.perf_counter() - started  # running_app returns once /_stcore/health is ok
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            first = time.perf_counter()
            page.goto(url)
            wait_until_rendered(page)
            to_home = time.perf_counter() - first
            for path in paths:
                page.goto(f"{url}/{path}")
                wait_until_rendered(page, timeout_ms=180_000)
            memory = rss_mib(process.pid)
    return to_healthy, to_home, memory


def main() -> None:
    paths = [tool.url_path for tool in TOOLS]
    project = measure(ROOT / "app.py", paths)
    baseline = measure(BASELINE_APP, [])
    report("cold start: streamlit run -> healthy", project[0], baseline[0], "s")
    report("first request -> Home drawn in Chromium", project[1], baseline[1], "s")
    report("server RSS after visiting every page (vs hello app)", project[2], baseline[2], "MiB")


if __name__ == "__main__":
    main()
