"""Lyapunov spectrum: Benettin/QR on the exact Jacobian, convergence trace, error bars, cross-checks.

Error estimate: the measured steps are split into equal blocks; the standard error of an exponent is
the standard deviation of its block means divided by sqrt(number of blocks) (batch means).
Cross-check: the largest exponent again by Benettin's original two-trajectory method (a twin started
1e-8 away and renormalized every step), which uses the map only, not the Jacobian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.dynamics import kernels
from core.dynamics.classify import zero_tolerance
from core.dynamics.network import NetworkParams, ParameterError, check_count, params_weights

LN2 = math.log(2.0)
N_BLOCKS = 20
N_CHECKPOINTS = 120
TWIN_SEPARATION = 1e-8
AGREE_ABS = 2e-3  # nats/step: QR and twin estimates of lambda1 agree within max(this, 4 standard errors)


@dataclass(frozen=True)
class Spectrum:
    """Exponents in nats per step, largest first, with their standard errors and convergence trace."""

    exponents: np.ndarray  # (k,)
    stderr: np.ndarray  # (k,)
    trace_steps: np.ndarray  # (m,) steps at which the running estimate was recorded
    trace: np.ndarray  # (m, k) running estimates
    steps: int
    transient: int
    status: str  # "ok", "diverged" or "collapsed"

    @property
    def bits(self) -> np.ndarray:
        return self.exponents / LN2

    @property
    def largest(self) -> float:
        return float(self.exponents[0])

    @property
    def kaplan_yorke(self) -> float:
        return kaplan_yorke(self.exponents, self.stderr)


@dataclass(frozen=True)
class CrossCheck:
    qr: float
    twin: float
    tolerance: float

    @property
    def agrees(self) -> bool:
        if not (math.isfinite(self.qr) and math.isfinite(self.twin)):
            return self.qr == self.twin
        return abs(self.qr - self.twin) <= self.tolerance


def kaplan_yorke(exponents: np.ndarray, stderr: np.ndarray | None = None) -> float:
    """D_KY = j + (l1 + ... + lj) / |l_{j+1}|, j the largest index whose partial sum is >= 0.

    With standard errors, an exponent within the classifier's zero tolerance (max(0.001, 4 standard
    errors), `classify.zero_tolerance`) counts as exactly zero, as the class does: an invariant circle
    (λ1 ≈ 0, the rest negative) gives 1 and a 2-torus 2, not 0 because λ1 came out at -0.0001.
    """
    lam = np.asarray(exponents, dtype=float).copy()
    if stderr is not None:
        se = np.asarray(stderr, dtype=float)
        for i in range(min(lam.size, se.size)):
            if np.isfinite(lam[i]) and abs(lam[i]) <= zero_tolerance(float(se[i])):
                lam[i] = 0.0
    lam = np.sort(lam)[::-1]
    if lam.size == 0 or not np.all(np.isfinite(lam[:1])) or lam[0] < 0:
        return 0.0
    sums = np.cumsum(lam)
    j = int(np.nonzero(sums >= 0)[0][-1]) + 1  # number of exponents with non-negative partial sum
    if j >= lam.size:
        return float(lam.size)
    if not np.isfinite(lam[j]) or lam[j] == 0:
        return float(j)
    return float(j + sums[j - 1] / abs(lam[j]))


def _checkpoints(steps: int) -> np.ndarray:
    pts = np.unique(np.geomspace(min(10, steps), steps, N_CHECKPOINTS).astype(np.int64))
    return pts[(pts >= 1) & (pts <= steps)]


def _summarize(
    status: int, trace: np.ndarray, blocks: np.ndarray, ckpt: np.ndarray, steps: int, transient: int
) -> Spectrum:
    names = {0: "ok", 1: "diverged", 2: "collapsed"}
    means = blocks.mean(axis=0)
    stderr = blocks.std(axis=0, ddof=1) / math.sqrt(blocks.shape[0])
    order = np.argsort(-means, kind="stable")
    return Spectrum(
        exponents=means[order],
        stderr=stderr[order],
        trace_steps=ckpt,
        trace=trace[:, order],
        steps=steps,
        transient=transient,
        status=names.get(status, "diverged"),
    )


def _check_counts(steps: int, transient: int) -> None:
    check_count("spectrum steps", steps, N_BLOCKS * 10, 10**8)
    check_count("transient", transient, 0, 10**7)


def network_spectrum(
    params: NetworkParams, steps: int = 20_000, transient: int = 2_000, n_exponents: int | None = None
) -> Spectrum:
    """The k largest exponents (k = D by default) of the network map on its full state (the register)."""
    _check_counts(steps, transient)
    k = params.d if n_exponents is None else n_exponents
    if not 1 <= k <= params.d:
        raise ParameterError(f"The number of exponents must be between 1 and D = {params.d} (got {k}).")
    w, b = params_weights(params)
    steps = steps - steps % N_BLOCKS
    ckpt = _checkpoints(steps)
    trace = np.full((ckpt.size, k), np.nan)
    blocks = np.zeros((N_BLOCKS, k))
    status = int(kernels.net_spectrum(w, b, transient, steps, k, ckpt, trace, blocks))
    return _summarize(status, trace, blocks, ckpt, steps, transient)


def henon_spectrum(a: float = 1.4, b: float = 0.3, steps: int = 200_000, transient: int = 1_000) -> Spectrum:
    """The same QR procedure on the Henon map (a known reference: 0.419, -1.624 nats/step)."""
    _check_counts(steps, transient)
    steps = steps - steps % N_BLOCKS
    ckpt = _checkpoints(steps)
    trace = np.full((ckpt.size, 2), np.nan)
    blocks = np.zeros((N_BLOCKS, 2))
    status = int(kernels.henon_spectrum(float(a), float(b), transient, steps, ckpt, trace, blocks))
    return _summarize(status, trace, blocks, ckpt, steps, transient)


def twin_largest(params: NetworkParams, steps: int = 20_000, transient: int = 2_000) -> float:
    """Largest exponent by two nearby trajectories with renormalization (nats/step)."""
    _check_counts(steps, transient)
    w, b = params_weights(params)
    return float(kernels.net_two_trajectory(w, b, transient, steps, TWIN_SEPARATION))


def cross_check(spectrum: Spectrum, twin: float) -> CrossCheck:
    tol = max(AGREE_ABS, 4.0 * float(spectrum.stderr[0]))
    return CrossCheck(qr=spectrum.largest, twin=twin, tolerance=tol)
