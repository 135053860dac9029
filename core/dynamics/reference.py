"""A faithful transcription of the article's pure-NumPy loop: the baseline for tests and benchmarks.

Per step: y0 = sum(b * x); shift the register right (y[1:] = y[:-1]); y[0] = y0; then for each neuron
x[i] = tanh(sum(w[i] * y)). State starts at x = 0.001, y = 0; `discard` steps are dropped.
"""

from __future__ import annotations

import numpy as np


def article_trajectory(
    n: int, d: int, s: float, seed: int, tmax: int, discard: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """x1 and x2 (the first two neurons) for tmax steps after `discard` steps, as in the article."""
    rng = np.random.RandomState(seed)
    w = 2.0 * rng.random_sample((n, d)) - 1.0
    b = s * rng.random_sample(n)
    x = np.ones(n) * 0.001
    y = np.zeros(d)

    def iterate() -> np.ndarray:
        y0 = np.sum(b * x)
        y[1:] = y[:-1]
        y[0] = y0
        for i in range(n):
            u = np.sum(w[i] * y)
            x[i] = np.tanh(u)
        return x.copy()

    for _ in range(discard):
        iterate()
    x1 = np.zeros(tmax)
    x2 = np.zeros(tmax)
    for t in range(tmax):
        state = iterate()
        x1[t] = state[0]
        x2[t] = state[1] if n > 1 else state[0]
    return x1, x2
