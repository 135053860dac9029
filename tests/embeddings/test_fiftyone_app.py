"""The FiftyOne App starts on the configured port for a dataset and answers HTTP."""

from __future__ import annotations

import time
import urllib.request
from typing import Any

from core.embeddings.datasets import samples_of
from core.embeddings.fiftyone_app import answers, close, launch
from tests.support.server import free_port


def test_app_starts_and_serves_its_page(small_digits: Any) -> None:
    port = free_port()
    try:
        url = launch(small_digits, port, samples_of(small_digits).ids[:4])
        assert url == f"http://localhost:{port}/"
        assert answers(port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            page = response.read().decode(errors="replace")
        assert response.status == 200 and "<html" in page.lower()
    finally:
        close()
    deadline = time.monotonic() + 60
    while answers(port) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not answers(port)  # the App server stops with close()
