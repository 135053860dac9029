"""`make bench`: run every bench/bench_*.py in its own process and print their figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    scripts = sorted(BENCH.glob("bench_*.py"))
    if selected:
        scripts = [s for s in scripts if any(name in s.stem for name in selected)]
    failed = []
    for script in scripts:
        print(f"# {script.stem}", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{script.stem}"], cwd=BENCH.parent)
        if result.returncode != 0:
            failed.append(script.stem)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
