"""Run the container's exact entry command (scripts/entrypoint.sh) outside Docker and check health.

Used by `make container-smoke`: there is no Docker engine on the build machines, so this is how the
image's start-up is exercised. PATH puts the project's venv first, as the image's PATH does.
"""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server import running_app  # noqa: E402


def main() -> int:
    venv_bin = str(Path(sys.executable).parent)
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "MLSTUDIO_DATA_DIR": data_dir,
            "MLSTUDIO_DEPLOYED": "true",
        }
        with running_app(command=["sh", str(ROOT / "scripts" / "entrypoint.sh")], env=env) as (url, _):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
                health = response.read().decode().strip()
            with urllib.request.urlopen(url, timeout=10) as response:
                index_ok = response.status == 200 and b'<div id="root">' in response.read()
    print(f"container entry command: /_stcore/health -> {health!r}; index page served: {index_ok}")
    return 0 if health == "ok" and index_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
