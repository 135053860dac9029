"""One attractor, fully measured: spectrum, cross-check, period of the tail, class, Kaplan-Yorke.

`measure` is the one measurement behind every class the page shows: Explore's (through `analyze`),
the presets' labels and Search's matches, so a network gets the same words wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.dynamics import kernels
from core.dynamics.classify import DEFAULT_STEPS, DEFAULT_TRANSIENT, P_MAX, PERIOD_REL_TOL, Classification, classify
from core.dynamics.lyapunov import CrossCheck, Spectrum, cross_check, network_spectrum, twin_largest
from core.dynamics.network import NetworkParams
from core.dynamics.simulate import simulate


@dataclass(frozen=True)
class Measurement:
    """The spectrum (k largest exponents), the period of the settled output and the class from both."""

    params: NetworkParams
    spectrum: Spectrum
    period: int
    diverged: bool
    classification: Classification


@dataclass(frozen=True)
class Analysis:
    params: NetworkParams
    spectrum: Spectrum
    check: CrossCheck
    period: int
    classification: Classification

    @property
    def summary(self) -> str:
        lam = self.spectrum.exponents
        parts = [self.classification.label, f"λ1 = {lam[0]:+.4f}"]
        if lam.size > 1:
            parts.append(f"λ2 = {lam[1]:+.4f}")
        parts.append(f"D_KY = {self.spectrum.kaplan_yorke:.2f}")
        return ", ".join(parts)


def settled_period(params: NetworkParams, transient: int, p_max: int = P_MAX) -> tuple[int, bool]:
    """(period of y0 after `transient` steps, 0 if none <= p_max; whether the state diverged)."""
    tail = simulate(params, 2 * p_max + 2, transient, columns=("y0",))
    if tail.diverged:
        return 0, True
    return int(kernels.detect_period(np.ascontiguousarray(tail.data[:, 0]), p_max, PERIOD_REL_TOL)), False


def measure(
    params: NetworkParams,
    steps: int = DEFAULT_STEPS,
    transient: int = DEFAULT_TRANSIENT,
    n_exponents: int | None = None,
) -> Measurement:
    """The k largest exponents over `steps` after `transient`, the period after them, and the class.

    The two largest exponents (all the class needs) come out the same for any k >= 2: the QR keeps
    the leading tangent vectors independent of the others.
    """
    spectrum = network_spectrum(params, steps, transient, n_exponents)
    period, diverged = settled_period(params, transient + steps)
    diverged = diverged or spectrum.status == "diverged"
    if spectrum.status == "collapsed" and not diverged and period == 0:
        period = 1  # an exactly zero Jacobian row: the state has collapsed onto a point
    label = classify(spectrum.exponents, spectrum.stderr, period, diverged)
    return Measurement(params, spectrum, period, diverged, label)


def analyze(
    params: NetworkParams,
    steps: int = DEFAULT_STEPS,
    transient: int = DEFAULT_TRANSIENT,
    n_exponents: int | None = None,
) -> Analysis:
    measured = measure(params, steps, transient, n_exponents)
    spectrum = measured.spectrum
    twin = twin_largest(params, steps, spectrum.transient)
    return Analysis(params, spectrum, cross_check(spectrum, twin), measured.period, measured.classification)
