"""UMAP's numba functions are kept in numba's disk cache: a second process loads what the first compiled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.workers import PROJECT_ROOT

# One process of the projection worker, shrunk: turn the cache on, run two of UMAP's compiled functions
# (`clip`, `rdist`: small ones, so the first process compiles in a moment), report numba's cache statistics.
PROCESS = """
import json
from core.embeddings.umap_cache import enable_umap_cache
enabled = enable_umap_cache()
import numpy as np
from umap import layouts
from pynndescent import pynndescent_
assert layouts.clip(7.5) == 4.0
assert layouts.rdist(np.ones(2, np.float32), np.zeros(2, np.float32)) == 2.0
stats = [f.stats for f in (layouts.clip, layouts.rdist)]
print(json.dumps({
    "enabled": enabled,
    "hits": sum(sum(s.cache_hits.values()) for s in stats),
    "misses": sum(sum(s.cache_misses.values()) for s in stats),
    "folder": stats[0].cache_path,
    "dist_argument_cached": pynndescent_.init_random._cache.__class__.__name__ != "NullCache",
}))
"""


def _run(cache_dir: Path) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    done = subprocess.run(
        [sys.executable, "-c", PROCESS], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_second_process_loads_umaps_functions_from_the_cache(tmp_path: Path) -> None:
    first = _run(tmp_path)
    assert first["enabled"] > 100  # umap-learn's and pynndescent's functions, not a handful
    assert first["misses"] == 2 and first["hits"] == 0  # compiled, then written
    assert Path(first["folder"]).is_relative_to(tmp_path)
    assert any(tmp_path.rglob("*.nbi")) and any(tmp_path.rglob("*.nbc"))
    second = _run(tmp_path)
    assert second["hits"] == 2 and second["misses"] == 0  # loaded, not compiled again
    # a function given the distance as an argument is left uncached (its argument type changes per process)
    assert not second["dist_argument_cached"]
