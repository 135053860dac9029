"""One temporary data dir (and so one FiftyOne database) per test process, shared by the embeddings
unit tests and the page's AppTests, removed when the process ends."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

_dir: list[Path] = []


def session_data_dir() -> Path:
    if not _dir:
        path = Path(tempfile.mkdtemp(prefix="mlstudio-emb-"))
        _dir.append(path)
        atexit.register(_cleanup, path)
    return _dir[0]


def _cleanup(path: Path) -> None:
    from core.embeddings.store import close_store

    close_store()
    shutil.rmtree(path, ignore_errors=True)
