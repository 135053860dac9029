"""A real PostgreSQL server for tests: Debian's `postgresql` binaries, a fresh cluster in a temporary folder,
listening on a free loopback port only (as the embeddings tests run a real mongod). PostgreSQL refuses to
run as root, so under root the cluster belongs to `nobody`."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.server import free_port

USER = "mlstudio"


def postgres_bin() -> Path | None:
    """The newest installed server's bin folder (/usr/lib/postgresql/<major>/bin), or None."""
    found = [
        folder / "bin"
        for folder in Path("/usr/lib/postgresql").glob("*")
        if all((folder / "bin" / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres"))
    ]
    return max(found, key=lambda b: int(b.parent.name) if b.parent.name.isdigit() else 0) if found else None


class PostgresServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self._names = itertools.count()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new empty database on this server; returns its URL."""
        import psycopg

        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway cluster (trust auth, loopback TCP, fsync off) and stop it after."""
    binaries = postgres_bin()
    if binaries is None:
        raise FileNotFoundError("no PostgreSQL server in /usr/lib/postgresql (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="mlstudio-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    data, log, port = base / "data", base / "server.log", free_port()
    run = [*as_user, str(binaries / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8"]
    subprocess.run([*run, "--no-locale", "--no-sync"], check=True, capture_output=True, timeout=120)
    options = f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off -c full_page_writes=off"
    pg_ctl = [*as_user, str(binaries / "pg_ctl"), "-D", str(data)]
    started = subprocess.run(
        [*pg_ctl, "-o", options, "-l", str(log), "-w", "-t", "60", "start"], capture_output=True, timeout=90
    )
    if started.returncode != 0:
        text = log.read_text() if log.is_file() else started.stderr.decode()
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start:\n{text}")
    try:
        yield PostgresServer(port)
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
