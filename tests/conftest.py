from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Tests never touch the user's library, caches or FiftyOne database in ~/.cache/ml-studio.
if "MLSTUDIO_DATA_DIR" not in os.environ:
    os.environ["MLSTUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="mlstudio-tests-")

if TYPE_CHECKING:
    from tests.support.postgres import PostgresServer


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on a loopback port for this test run (tests/support/postgres.py)."""
    from tests.support.postgres import postgres_bin, running_postgres

    if postgres_bin() is None:
        pytest.skip("no PostgreSQL server installed (Debian: apt-get install postgresql; `make test` installs it)")
    with running_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The library database a test runs on: None (the default SQLite file in the library folder), or a new
    empty database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return None
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()
