"""The FiftyOne App starts on the configured port for a dataset and answers HTTP; users get the public URL."""

from __future__ import annotations

import time
import urllib.request
from typing import Any

from core.embeddings import fiftyone_app
from core.embeddings.datasets import samples_of
from core.embeddings.fiftyone_app import (
    answers,
    close,
    launch,
    probe_host,
    public_app_url,
    start_in_background,
    starting,
)
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
        # Same server, another view: behind a proxy the page gets the address users' browsers can open.
        public = "https://host.example/fiftyone/"
        assert launch(small_digits, port, samples_of(small_digits).ids[4:6], public_url=public) == public
    finally:
        close()
    deadline = time.monotonic() + 60
    while answers(port) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not answers(port)  # the App server stops with close()


def test_an_app_started_ahead_is_the_one_launch_uses(small_digits: Any) -> None:
    port = free_port()
    try:
        start_in_background(small_digits, port)
        start_in_background(small_digits, port)  # a rerun while it starts: still one server
        assert starting(port)
        deadline = time.monotonic() + 120
        while starting(port) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not starting(port) and answers(port)
        started = fiftyone_app._session["session"]
        assert launch(small_digits, port, samples_of(small_digits).ids[:3]) == f"http://localhost:{port}/"
        assert fiftyone_app._session["session"] is started  # pointed at the selection, not started again
        start_in_background(small_digits, port)
        assert not starting(port)  # already running: nothing to start
    finally:
        close()


def test_public_url_when_set_else_localhost() -> None:
    assert public_app_url(5151) == "http://localhost:5151/"
    assert public_app_url(5151, "") == "http://localhost:5151/"
    assert public_app_url(5151, "https://host.example/fiftyone/") == "https://host.example/fiftyone/"
    assert public_app_url(6000, " http://10.0.0.7:6000/ ") == "http://10.0.0.7:6000/"


def test_readiness_is_checked_on_loopback_unless_bound_elsewhere() -> None:
    assert probe_host("127.0.0.1") == "127.0.0.1"
    assert probe_host("0.0.0.0") == "127.0.0.1"  # all interfaces, loopback included
    assert probe_host("::") == "127.0.0.1"
    assert probe_host("localhost") == "127.0.0.1"
    assert probe_host("10.0.0.7") == "10.0.0.7"  # bound to that interface only
