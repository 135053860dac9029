"""The bundled mongod killed under the app: noticed with a short ping, started again, the data kept."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import ModuleType
from typing import Any

import psutil
import pytest

from core.embeddings.store import RESTARTED_MESSAGE, restart_if_stopped, store_info


def kill_mongod() -> None:
    """SIGKILL the mongod that listens on the store's port (the real one started by open_store)."""
    info = store_info()
    assert info is not None and info.port is not None
    victims = [
        p
        for p in psutil.process_iter(["name"])
        if (p.info["name"] or "").startswith("mongod")
        and any(c.laddr.port == info.port for c in _connections(p) if c.status == psutil.CONN_LISTEN)
    ]
    assert len(victims) == 1, victims
    os.kill(victims[0].pid, signal.SIGKILL)
    victims[0].wait(timeout=10)


def _connections(process: psutil.Process) -> list[Any]:
    try:
        return process.net_connections(kind="tcp")
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return []


def test_a_running_database_is_left_alone(fo: ModuleType, data_dir: Path) -> None:
    port = store_info().port  # type: ignore[union-attr]
    assert restart_if_stopped(data_dir) is False
    assert store_info().port == port  # type: ignore[union-attr]


def test_killed_mongod_is_restarted_on_the_same_data(fo: ModuleType, digits: Any, data_dir: Path) -> None:
    count = len(digits)
    fo.delete_dataset(fo.Dataset("scratch-before-kill").name)  # FiftyOne caches repositories on first use
    kill_mongod()

    assert restart_if_stopped(data_dir) is True
    info = store_info()
    assert info is not None and info.database_dir == data_dir / "fiftyone" / "db"
    assert "digits" in fo.list_datasets()
    assert len(fo.load_dataset("digits")) == count
    fo.delete_dataset(fo.Dataset("scratch-after-restart").name)  # no cached collection of the closed client
    assert restart_if_stopped(data_dir) is False


@pytest.mark.parametrize("where", ["between runs", "during an action"])
def test_page_says_the_database_restarted_and_try_again_works(
    fo: ModuleType, digits: Any, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from components.shared import resources as shared_resources
    from tests.app.test_embeddings import PAGE, texts
    from tests.embeddings.support import session_data_dir

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(session_data_dir()))
    shared_resources.base_settings.clear()
    page = AppTest.from_file(str(PAGE), default_timeout=240)
    page.run()
    assert not page.exception and "Samples on the map" in {m.label for m in page.metric}

    if where == "during an action":
        # The ping before the run finds it alive; mongod dies right after, under the page's queries.
        import core.embeddings.store as store

        real = store.restart_if_stopped
        calls: list[int] = []

        def dies_after_first_ping(data_dir: Path, timeout: float = 60.0) -> bool:
            calls.append(1)
            alive = real(data_dir, timeout)
            if len(calls) == 1:
                kill_mongod()
            return alive

        store_patch = pytest.MonkeyPatch()
        import components.embeddings.datasets as datasets_ui

        store_patch.setattr(datasets_ui, "restart_if_stopped", dies_after_first_ping)
    else:
        kill_mongod()
        store_patch = None
    try:
        page.run()  # what any click does: the page runs again
    finally:
        if store_patch is not None:
            store_patch.undo()
    shown = texts(page)
    assert RESTARTED_MESSAGE in shown, shown
    assert "Something went wrong" not in shown
    assert [b.label for b in page.button if b.key == "emb.retry_store"] == ["Try again"]

    page.button(key="emb.retry_store").click()
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert RESTARTED_MESSAGE not in texts(page)
    assert {m.label: m.value for m in page.metric}["Samples on the map"] == "1,797"
