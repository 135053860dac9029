"""UMAP's numba functions compiled once per install instead of once per process.

umap-learn compiles a few hundred numba functions at first use and marks almost none `cache=True`
(pynndescent marks some): 30-40 s on a busy 2-core box, paid by every new projection worker.
`enable_umap_cache()` turns numba's on-disk cache on for every compiled function of umap and
pynndescent before first use, in NUMBA_CACHE_DIR (default: `.data/cache/numba` in the project, so the
container image carries it and an app restart finds it); `python -m core.embeddings.umap_cache`
(run by `make run`'s install step and the Dockerfile) fills it.

What stays compiled per process: pynndescent's NN-descent, which UMAP runs above 4,096 points (below,
it computes exact neighbours, as for digits). It takes the distance as an argument (a function type that
differs between processes), and a wrapper with the distance fixed, as pynndescent does for `diversify`,
cannot be cached either: numba reports that its callees use dynamic globals. That costs the first UMAP
above 4,096 points in a worker 20-40 s on a busy 2-core box, so the page asks the spare worker to compile it
when a dataset that large is on screen (projection_jobs.warm_worker), before the user presses Compute.

Numba keys each entry by source file, signature and CPU; the cache folder is also named after the numba,
umap-learn and pynndescent versions, so an upgrade starts from an empty folder.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import time
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = PROJECT_ROOT / ".data" / "cache" / "numba"
# a function given the distance as an argument gets a new argument type in every process: caching it would
# only add an entry to the folder per process (pynndescent marks these cache=False on purpose)
FUNCTION_ARGUMENTS = {"dist", "distance_func", "output_metric"}
# plotting and the TensorFlow/multi-dataset variants import optional packages and are never used here
SKIPPED_MODULES = ("umap.plot", "umap.parametric_umap", "umap.aligned_umap")
_enabled: list[int] = []


def enable_umap_cache() -> int:
    """Turn on numba's disk cache for umap's and pynndescent's functions (once); how many were turned on."""
    if _enabled:
        return _enabled[0]
    versions = "-".join(f"{name}{version(name)}" for name in ("numba", "umap-learn", "pynndescent"))
    os.environ.setdefault("NUMBA_CACHE_DIR", str(CACHE_DIR / versions))
    from numba.core import config

    config.reload_config()  # in case numba was imported before the variable was set
    import pynndescent
    import umap
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for package in (umap, pynndescent):
            for module_info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
                if module_info.name in SKIPPED_MODULES:
                    continue
                try:
                    module = importlib.import_module(module_info.name)
                except ImportError:
                    continue
                for value in list(vars(module).values()):
                    if (
                        isinstance(value, CPUDispatcher)
                        and isinstance(getattr(value, "_cache", None), NullCache)
                        and not FUNCTION_ARGUMENTS & set(inspect.signature(value.py_func).parameters)
                    ):
                        value.enable_caching()
                        count += 1
    _enabled.append(count)
    return count


def warm() -> float:
    """Seconds to compile (or load) what the projection worker runs: UMAP below and above 4,096 points
    (umap-learn computes exact neighbours for small data and runs NN-descent for large)."""
    started = time.perf_counter()
    enable_umap_cache()
    from core.embeddings.projection_jobs import compute_points

    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for size in (200, 4_200):
            compute_points(rng.normal(size=(size, 8)).astype(np.float32), "umap", {"num_neighbors": 5})
    return time.perf_counter() - started


if __name__ == "__main__":
    print(f"UMAP's numba functions ready in {warm():.1f} s (cache: {os.environ['NUMBA_CACHE_DIR']})")
