"""The network: parameters, their limits, and the weights drawn exactly as in the article.

D inputs form a shift register y1..yD; N hidden neurons compute x_i = tanh(sum_j w[i, j] y_j);
the output y0 = sum_i b_i x_i is shifted back into the register. Weights come from
``np.random.RandomState(seed)`` in the article's order, so they equal
``np.random.seed(seed); w = 2*np.random.random((N, D)) - 1; b = s*np.random.random(N)``
without touching NumPy's global random state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import UserError

N_RANGE = (1, 64)
D_RANGE = (1, 128)
S_RANGE = (0.01, 10.0)
SEED_RANGE = (0, 2**32 - 1)
INITIAL_X = 0.001


class ParameterError(UserError, ValueError):
    """A parameter is outside what the engine accepts; the message says the allowed range."""


@dataclass(frozen=True)
class NetworkParams:
    n: int
    d: int
    s: float
    seed: int

    def __post_init__(self) -> None:
        validate(self.n, self.d, self.s, self.seed)


def _check_int(name: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterError(f"{name} must be a whole number between {lo} and {hi} (got {value!r}).")
    if not lo <= int(value) <= hi:
        raise ParameterError(f"{name} must be between {lo} and {hi} (got {value}).")


def validate(n: int, d: int, s: float, seed: int) -> None:
    """Raise ParameterError with a clear message if any parameter is out of range."""
    _check_int("N (neurons)", n, *N_RANGE)
    _check_int("D (inputs)", d, *D_RANGE)
    _check_int("seed", seed, *SEED_RANGE)
    try:
        s_value = float(s)
    except (TypeError, ValueError):
        raise ParameterError(f"s (output scale) must be a number (got {s!r}).") from None
    if not np.isfinite(s_value) or not S_RANGE[0] <= s_value <= S_RANGE[1]:
        raise ParameterError(f"s (output scale) must be between {S_RANGE[0]} and {S_RANGE[1]} (got {s}).")


def check_count(name: str, value: int, lo: int, hi: int) -> None:
    """Iteration counts and similar: whole numbers within [lo, hi]."""
    _check_int(name, value, lo, hi)


def weights(n: int, d: int, s: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(w, b): w has shape (N, D) uniform in [-1, 1), b has shape (N,) uniform in [0, s)."""
    validate(n, d, s, seed)
    rng = np.random.RandomState(int(seed))
    w = 2 * rng.random_sample((n, d)) - 1
    b = float(s) * rng.random_sample(n)
    return np.ascontiguousarray(w, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64)


def params_weights(params: NetworkParams) -> tuple[np.ndarray, np.ndarray]:
    return weights(params.n, params.d, params.s, params.seed)
