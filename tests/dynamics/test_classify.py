"""Classes from constructed cases: real dynamics with known behaviour, and the rule on given spectra."""

import numpy as np
import pytest

from core.dynamics.analysis import analyze
from core.dynamics.classify import AttractorClass, classify
from core.dynamics.network import NetworkParams, weights


def one_neuron_seed(condition) -> int:
    """First seed whose N = D = 1 network y' = b tanh(w y) (s = 3) satisfies condition(w * b)."""
    for seed in range(1000):
        w, b = weights(1, 1, 3.0, seed)
        if condition(w[0, 0] * b[0]):
            return seed
    raise AssertionError("no seed found")


def test_contracting_map_is_a_fixed_point() -> None:
    # |w b| < 1: y' = b tanh(w y) contracts to y = 0
    seed = one_neuron_seed(lambda wb: abs(wb) < 0.8)
    result = analyze(NetworkParams(1, 1, 3.0, seed), steps=2_000, transient=500)
    assert result.classification.kind is AttractorClass.FIXED_POINT
    assert result.spectrum.exponents[0] < -0.1


def test_flip_map_is_a_period_two_cycle() -> None:
    # w b < -1: odd, decreasing map -> a stable 2-cycle (+y*, -y*)
    seed = one_neuron_seed(lambda wb: wb < -1.5)
    result = analyze(NetworkParams(1, 1, 3.0, seed), steps=2_000, transient=500)
    assert result.classification.kind is AttractorClass.PERIODIC
    assert result.classification.period == 2
    assert result.spectrum.exponents[0] < 0


def test_small_network_with_small_output_is_a_fixed_point() -> None:
    result = analyze(NetworkParams(4, 8, 0.05, 1), steps=2_000, transient=500)
    assert result.classification.label == "fixed point"


def test_found_chaotic_network_is_chaotic_by_both_methods() -> None:
    result = analyze(NetworkParams(4, 8, 1.4164, 2989986414), steps=20_000, transient=2_000)
    assert result.classification.kind is AttractorClass.CHAOTIC
    assert result.check.agrees
    assert 2.0 < result.spectrum.kaplan_yorke < 3.0


@pytest.mark.parametrize(
    ("lams", "period", "kind"),
    [
        ([0.3, -1.6], 0, AttractorClass.CHAOTIC),
        ([0.3, 0.1, -2], 0, AttractorClass.HYPERCHAOTIC),
        ([0.0002, -0.3], 0, AttractorClass.QUASI_CIRCLE),
        ([0.0001, -0.0003, -1], 0, AttractorClass.QUASI_TORUS),
        ([-0.2, -0.5], 0, AttractorClass.LONG_PERIODIC),
        ([-0.2, -0.5], 1, AttractorClass.FIXED_POINT),
        ([-0.2, -0.5], 7, AttractorClass.PERIODIC),
    ],
)
def test_rule_on_given_spectra(lams, period, kind) -> None:
    assert classify(np.array(lams), np.zeros(len(lams)), period).kind is kind


def test_tolerance_grows_with_the_error_bar() -> None:
    # lambda1 = 0.01 is chaos with a tiny error bar, but "zero" when its standard error is 0.005
    assert classify([0.01, -1], [1e-5, 1e-5], 0).kind is AttractorClass.CHAOTIC
    assert classify([0.01, -1], [5e-3, 1e-5], 0).kind is AttractorClass.QUASI_CIRCLE
    assert classify([0.5, -1], [0, 0], 0, diverged=True).kind is AttractorClass.DIVERGED


def test_transient_chaos_is_reported_and_the_settled_part_measured() -> None:
    # (4, 16, 4.0, 4): chaotic for ~14,600 steps, then a period-43 cycle. The window after a 1,000-step
    # transient used to give λ1 = +0.02 beside "periodic cycle, period 43".
    result = analyze(NetworkParams(4, 16, 4.0, 4), steps=20_000, transient=1_000)
    assert result.classification.kind is AttractorClass.PERIODIC and result.period == 43
    settling = result.settling
    assert settling is not None and 13_000 < settling.step < 16_000
    assert settling.chaotic_before and settling.before_lambda1 > 0.01
    assert settling.text.startswith("Chaotic for about 14,600 steps") and "period-43 cycle" in settling.text
    assert result.spectrum.transient == settling.step  # the spectrum shown is the settled part's
    assert result.spectrum.exponents[0] < -0.01 and result.spectrum.kaplan_yorke == 0.0
    assert result.check.agrees


def test_a_cycle_settled_before_the_window_reports_no_transient() -> None:
    seed = one_neuron_seed(lambda wb: wb < -1.2)
    result = analyze(NetworkParams(1, 1, 3.0, seed), steps=2_000, transient=500)
    assert result.period == 2 and result.settling is None
