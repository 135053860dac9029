"""Compile (or load from numba's on-disk cache) every kernel with tiny inputs.

`python -m core.dynamics.warmup` fills the cache ahead of time (e.g. while building a container
image), so the first visitor of the page does not wait for compilation.
"""

from __future__ import annotations

import time

import numpy as np

from core.dynamics import kernels


def warm() -> float:
    """Seconds spent; every kernel is compiled for the argument types the app uses."""
    started = time.perf_counter()
    w = np.full((2, 3), 0.5)
    b = np.full(2, 0.5)
    out = np.empty((4, 2))
    kernels.run_trajectory(w, b, 1, 4, np.array([0, 2], dtype=np.int64), out)
    ckpt = np.array([2, 40], dtype=np.int64)
    kernels.net_spectrum(w, b, 1, 40, 3, ckpt, np.zeros((2, 3)), np.zeros((20, 3)))
    kernels.henon_spectrum(1.4, 0.3, 1, 40, ckpt, np.zeros((2, 2)), np.zeros((20, 2)))
    kernels.net_two_trajectory(w, b, 1, 4, 1e-8)
    kernels.detect_period(np.zeros(8), 3, 1e-7)
    kernels.map_at(w, b, np.zeros(3))
    kernels.jacobian_at(w, b, np.zeros(3))
    ws = np.stack([w, w])
    bs = np.stack([b, b])
    kernels.batch_scan(ws, bs, 1, 100, 5, 8, np.empty((2, kernels.SCAN_COLS)))
    kernels.batch_bifurcation(ws, bs, 1, 3, 0, np.empty((2, 3)))
    kernels.batch_trajectory_steps(ws, bs, 3, np.empty(2))
    return time.perf_counter() - started


if __name__ == "__main__":
    print(f"numba kernels ready in {warm():.1f} s")
