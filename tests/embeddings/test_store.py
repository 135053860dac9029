"""The FiftyOne store: bundled mongod found, one database per data dir, clear failures, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

from core.embeddings.store import check_mongod, mongod_path, store_info

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FIFTYONE_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout
    )


def test_bundled_mongod_runs() -> None:
    assert mongod_path() is not None and mongod_path().is_file()
    assert check_mongod() is None


def test_database_lives_in_the_data_dir(fo: ModuleType, data_dir: Path) -> None:
    info = store_info()
    assert info is not None and info.database_dir == data_dir / "fiftyone" / "db"
    assert (data_dir / "fiftyone" / "db" / "log" / "mongo.log").is_file()
    assert os.environ["FIFTYONE_DATABASE_VALIDATION"] == "false"
    assert "mlstudio-probe" not in fo.list_datasets()


def test_other_data_dir_gets_its_own_database_and_a_timeout_is_a_message(fo: ModuleType, tmp_path: Path) -> None:
    fo.Dataset("mlstudio-probe-here", persistent=True)
    try:
        code = (
            "import json\n"
            "from core.embeddings.store import open_store, store_info, reset_failure, StoreError\n"
            "try:\n"
            f"    open_store({str(tmp_path / 'slow')!r}, timeout=0.0)\n"
            "except StoreError as exc:\n"
            "    message = str(exc)\n"
            "reset_failure()\n"
            f"fo = open_store({str(tmp_path / 'other')!r})\n"
            "print(json.dumps([message, store_info().port, fo.list_datasets()]))\n"
        )
        result = run_python(code)
        assert result.returncode == 0, result.stderr
        message, port, names = json.loads(result.stdout.strip().splitlines()[-1])
        assert "did not answer within 0 s" in message and "FIFTYONE_DATABASE_URI" in message
        assert port != store_info().port
        assert "mlstudio-probe-here" not in names
    finally:
        fo.delete_dataset("mlstudio-probe-here")


def test_same_data_dir_shares_the_running_database(fo: ModuleType, data_dir: Path) -> None:
    fo.Dataset("mlstudio-probe-shared", persistent=True)
    try:
        code = (
            "from core.embeddings.store import open_store;"
            f"print('mlstudio-probe-shared' in open_store({str(data_dir)!r}).list_datasets())"
        )
        result = run_python(code)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "True"
    finally:
        fo.delete_dataset("mlstudio-probe-shared")


def test_unreachable_database_uri_fails_fast_with_a_message(tmp_path: Path) -> None:
    code = (
        "from core.embeddings.store import open_store, StoreError\n"
        "try:\n"
        f"    open_store({str(tmp_path)!r}, timeout=1.5)\n"
        "except StoreError as exc:\n"
        "    print('ERR', exc)\n"
    )
    started = time.perf_counter()
    result = run_python(code, env={"FIFTYONE_DATABASE_URI": "mongodb://127.0.0.1:9/"})
    assert result.returncode == 0, result.stderr
    assert "FIFTYONE_DATABASE_URI does not answer" in result.stdout
    assert time.perf_counter() - started < 60  # a bound against hanging, not a speed goal


def test_missing_mongod_is_reported(monkeypatch, tmp_path: Path) -> None:
    import core.embeddings.store as store

    monkeypatch.setattr(store, "mongod_path", lambda: tmp_path / "nope" / "mongod")
    problem = store.check_mongod()
    assert problem is not None and "missing" in problem


def test_switching_data_dirs_in_one_process_switches_databases(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from core.embeddings.store import open_store, close_store\n"
        f"a, b = {str(tmp_path / 'a')!r}, {str(tmp_path / 'b')!r}\n"
        "fo = open_store(a); fo.Dataset('only-in-a', persistent=True)\n"
        "in_b = open_store(b).list_datasets()\n"
        "back_in_a = open_store(a).list_datasets()\n"
        "loaded = open_store(a).load_dataset('only-in-a').name\n"
        "close_store()\n"
        "print(json.dumps([in_b, back_in_a, loaded]))\n"
    )
    result = run_python(code, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    in_b, back_in_a, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert in_b == [] and back_in_a == ["only-in-a"] and loaded == "only-in-a"
