"""Classes of attractors from the Lyapunov spectrum and the period of the settled output.

The rule (shown in the UI as RULE_TEXT):
1. the state stopped being finite -> diverged;
2. the output y0 repeats with period p <= p_max (|y0[t] - y0[t-p]| <= 1e-7 x scale over the tail)
   -> fixed point (p = 1) or periodic cycle of period p;
3. otherwise, with tol_i = max(1e-3 nats/step, 4 standard errors of lambda_i):
   lambda1 > tol1 and lambda2 > tol2 -> hyperchaotic; lambda1 > tol1 -> chaotic;
   |lambda1| <= tol1 and |lambda2| <= tol2 -> quasi-periodic torus (T2);
   |lambda1| <= tol1 -> quasi-periodic invariant circle;
   lambda1 < -tol1 -> periodic with a period above p_max (or not settled yet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

ZERO_ABS = 1e-3
ZERO_SIGMAS = 4.0
PERIOD_REL_TOL = 1e-7
P_MAX = 1000
# Explore's default spectrum run (steps after a transient); the presets are named by what it measures
DEFAULT_STEPS = 20_000
DEFAULT_TRANSIENT = 1_000

RULE_TEXT = (
    "**How the class is decided.** (1) If the state stops being finite: *diverged*. "
    f"(2) If the output y0 repeats exactly (to 1e-7 of its scale) with a period p ≤ {P_MAX} over the "
    "settled tail: *fixed point* (p = 1) or *periodic cycle* (period p). If it started repeating only "
    "inside the measured window (transient chaos, or a slow approach), the spectrum is measured again "
    "from that step, and the page says how the transient behaved. "
    "(3) Otherwise from the spectrum, calling an exponent zero when |λᵢ| ≤ tolᵢ = max(0.001 nats/step, "
    "4 standard errors): λ1 > 0 and λ2 > 0 → *hyperchaotic*; λ1 > 0 → *chaotic*; λ1 = 0 and λ2 = 0 → "
    "*quasi-periodic torus*; λ1 = 0 → *quasi-periodic (invariant circle)*; λ1 < 0 with no period found → "
    f"*periodic, period > {P_MAX} (or not settled)*."
)


class AttractorClass(StrEnum):
    FIXED_POINT = "fixed point"
    PERIODIC = "periodic cycle"
    QUASI_CIRCLE = "quasi-periodic (invariant circle)"
    QUASI_TORUS = "quasi-periodic (torus)"
    CHAOTIC = "chaotic"
    HYPERCHAOTIC = "hyperchaotic"
    LONG_PERIODIC = "periodic (long period or not settled)"
    DIVERGED = "diverged"


@dataclass(frozen=True)
class Classification:
    kind: AttractorClass
    period: int  # 0 when no period was found
    reason: str

    @property
    def label(self) -> str:
        if self.kind is AttractorClass.PERIODIC:
            return f"periodic cycle, period {self.period}"
        return str(self.kind)


def zero_tolerance(stderr: float) -> float:
    se = stderr if math.isfinite(stderr) else 0.0
    return max(ZERO_ABS, ZERO_SIGMAS * se)


def classify(
    exponents: np.ndarray | list[float],
    stderr: np.ndarray | list[float],
    period: int,
    diverged: bool = False,
) -> Classification:
    """Apply the rule in the module docstring."""
    if diverged:
        return Classification(AttractorClass.DIVERGED, 0, "the state stopped being finite")
    if period == 1:
        return Classification(AttractorClass.FIXED_POINT, 1, "the output is constant on the settled tail")
    if period > 1:
        return Classification(AttractorClass.PERIODIC, period, f"the output repeats every {period} steps")
    lam = [float(v) for v in exponents]
    se = [float(v) for v in stderr]
    l1 = lam[0]
    t1 = zero_tolerance(se[0])
    l2 = lam[1] if len(lam) > 1 else -math.inf
    t2 = zero_tolerance(se[1]) if len(se) > 1 else ZERO_ABS
    if math.isnan(l1):
        return Classification(AttractorClass.DIVERGED, 0, "the exponents are not finite")
    kind = AttractorClass
    if l1 > t1:
        if l2 > t2:
            why = f"λ1 = {l1:.4f} > {t1:.4f} and λ2 = {l2:.4f} > {t2:.4f}"
            return Classification(kind.HYPERCHAOTIC, 0, why)
        return Classification(kind.CHAOTIC, 0, f"λ1 = {l1:.4f} > {t1:.4f}, λ2 = {l2:.4f} ≤ {t2:.4f}")
    if abs(l1) <= t1:
        if abs(l2) <= t2:
            return Classification(kind.QUASI_TORUS, 0, f"|λ1|, |λ2| within tolerance ({t1:.4f}, {t2:.4f})")
        return Classification(kind.QUASI_CIRCLE, 0, f"|λ1| = {abs(l1):.4f} ≤ {t1:.4f}, λ2 = {l2:.4f} < 0")
    return Classification(
        AttractorClass.LONG_PERIODIC, 0, f"λ1 = {l1:.4f} < 0 but no period ≤ {P_MAX} was found in the tail"
    )
