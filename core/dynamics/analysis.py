"""One attractor, fully measured: spectrum, cross-check, period of the tail, class, Kaplan-Yorke.

`measure` is the one measurement behind every class the page shows: Explore's (through `analyze`),
the presets' labels and Search's matches, so a network gets the same words wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.dynamics import kernels
from core.dynamics.classify import (
    DEFAULT_STEPS,
    DEFAULT_TRANSIENT,
    P_MAX,
    PERIOD_REL_TOL,
    AttractorClass,
    Classification,
    classify,
)
from core.dynamics.lyapunov import N_BLOCKS, CrossCheck, Spectrum, cross_check, network_spectrum, twin_largest
from core.dynamics.network import NetworkParams
from core.dynamics.simulate import simulate


@dataclass(frozen=True)
class Settling:
    """The output became periodic inside the measured window: a transient, then the cycle."""

    step: int  # about when y0 started repeating (steps from the start)
    period: int
    before: Classification | None  # the class of the spectrum over the transient part (None: too short)
    before_lambda1: float

    @property
    def chaotic_before(self) -> bool:
        return self.before is not None and self.before.kind in (AttractorClass.CHAOTIC, AttractorClass.HYPERCHAOTIC)

    @property
    def text(self) -> str:
        """E.g. 'Chaotic for about 14,600 steps, then settles on a period-43 cycle.'"""
        when = f"{_about(self.step)} steps"
        target = "a fixed point" if self.period == 1 else f"a period-{self.period} cycle"
        if self.chaotic_before:
            return f"Chaotic for about {when} (λ1 = {self.before_lambda1:+.4f} meanwhile), then settles on {target}."
        return f"Settles on {target} after about {when}."


def _about(steps: int) -> str:
    if steps < 1_000:
        return f"{steps:,}"
    return f"{round(steps, -2):,}"


@dataclass(frozen=True)
class Measurement:
    """The spectrum (k largest exponents), the period of the settled output and the class from both."""

    params: NetworkParams
    spectrum: Spectrum
    period: int
    diverged: bool
    classification: Classification
    settling: Settling | None = None  # set when the window held the approach: spectrum is the settled part


@dataclass(frozen=True)
class Analysis:
    params: NetworkParams
    spectrum: Spectrum
    check: CrossCheck
    period: int
    classification: Classification
    settling: Settling | None = None

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
    settling = None
    if period > 0 and not diverged:
        start = settle_step(params, period, transient + steps)
        if start > transient:  # transient chaos (or a slow approach) inside the window: measure after it
            settling = _settling(params, start, period, transient, n_exponents)
            spectrum = network_spectrum(params, steps, start, n_exponents)
    if spectrum.status == "collapsed" and not diverged and period == 0:
        period = 1  # an exactly zero Jacobian row: the state has collapsed onto a point
    label = classify(spectrum.exponents, spectrum.stderr, period, diverged)
    return Measurement(params, spectrum, period, diverged, label, settling)


def settle_step(params: NetworkParams, period: int, until: int, p_max: int = P_MAX) -> int:
    """About when y0 started repeating with `period` (to detect_period's tolerance) for good: the step
    after the last one, up to `until` + the tail, that differs from the value `period` steps before."""
    total = until + 2 * p_max + 2
    series = simulate(params, total, 0, columns=("y0",)).data[:, 0]
    scale = max(1.0, float(np.max(np.abs(series[-(2 * p_max + 2) :]))))
    differs = np.nonzero(np.abs(series[period:] - series[:-period]) > PERIOD_REL_TOL * scale)[0]
    return 0 if differs.size == 0 else int(differs[-1]) + period + 1


def _settling(params: NetworkParams, start: int, period: int, transient: int, k: int | None) -> Settling:
    span = start - transient
    span -= span % N_BLOCKS
    if span < 10 * N_BLOCKS:
        return Settling(start, period, None, float("nan"))
    before = network_spectrum(params, span, transient, k)
    kind = classify(before.exponents, before.stderr, 0)
    return Settling(start, period, kind, before.largest)


def analyze(
    params: NetworkParams,
    steps: int = DEFAULT_STEPS,
    transient: int = DEFAULT_TRANSIENT,
    n_exponents: int | None = None,
) -> Analysis:
    measured = measure(params, steps, transient, n_exponents)
    spectrum = measured.spectrum
    twin = twin_largest(params, steps, spectrum.transient)
    check = cross_check(spectrum, twin)
    return Analysis(params, spectrum, check, measured.period, measured.classification, measured.settling)
