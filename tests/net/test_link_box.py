"""The Talk to Videos link box of a deployed app: links into the server's network and malformed links are
short messages on the page (no error box, no job), and the internal service receives nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.videos import state as keys

from .conftest import Site

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "talk_to_videos.py")


@pytest.fixture()
def deployed_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    from components.shared import resources as shared_resources

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MLSTUDIO_DEPLOYED", "true")
    shared_resources.base_settings.clear()
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.run()
    yield at
    shared_resources.base_settings.clear()


def test_links_into_the_network_and_bad_links_are_messages(deployed_app: AppTest, internal: Site) -> None:
    port = internal.port
    links = {
        f"http://127.0.0.2:{port}/secret.wav": "public web addresses",
        f"http://localhost:{port}/secret.wav": "public web addresses",
        f"http://[::ffff:127.0.0.2]:{port}/secret.wav": "public web addresses",
        "http://169.254.169.254/latest/meta-data/": "public web addresses",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/": "public web addresses",
        "http://[2002:a9fe:a9fe::1]/": "public web addresses",
        "http://[fec0::1]/": "public web addresses",
        "http://0x7f000001:8501/": "public web addresses",
        "http://example.com:99999/video": "port",
        "http://example.com:abc/video": "port",
        f"http://{'a' * 300}.com/video": "63 characters",
        "http://[zz]/video": "not valid",
        "http:///video": "no host name",
    }
    assert [t.label for t in deployed_app.tabs][:3] == ["Link", "Upload", "Subtitles or text"]
    for link, message in links.items():
        deployed_app.text_input(key=keys.URL).input(link)
        deployed_app.button(key=keys.PROCESS_LINK).click().run()
        errors = [e.value for e in deployed_app.error]
        assert any(message in e for e in errors), (link, errors)
        assert not deployed_app.exception, (link, [e.value for e in deployed_app.exception])
    assert internal.connections == [] and internal.requests == []
