"""Spectrum: Henon reference values, exact Jacobian, identities, Kaplan-Yorke, cross-check."""

import math

import numpy as np
import pytest

from core.dynamics import kernels
from core.dynamics.lyapunov import henon_spectrum, kaplan_yorke, network_spectrum, twin_largest
from core.dynamics.network import NetworkParams, weights
from core.dynamics.simulate import simulate

CHAOTIC = NetworkParams(4, 8, 1.4164, 2989986414)


def test_henon_spectrum_is_reproduced() -> None:
    spec = henon_spectrum(1.4, 0.3, steps=200_000)
    assert spec.status == "ok"
    assert spec.exponents[0] == pytest.approx(0.4192, abs=0.005)
    assert spec.exponents[1] == pytest.approx(-1.6232, abs=0.005)
    assert spec.exponents.sum() == pytest.approx(math.log(0.3), abs=1e-9)  # |det J| = b exactly
    assert spec.stderr[0] < 0.005
    assert spec.bits[0] == pytest.approx(spec.exponents[0] / math.log(2))
    # the convergence trace ends at the final estimate
    assert spec.trace[-1, 0] == pytest.approx(spec.exponents[0], abs=1e-12)
    assert spec.kaplan_yorke == pytest.approx(1 + 0.4192 / 1.6232, abs=0.01)


@pytest.mark.parametrize(
    ("n", "d", "s", "seed"), [(4, 8, 1.4164, 2989986414), (4, 32, 0.55, 3160697950), (6, 5, 2.5, 11), (1, 1, 3.0, 0)]
)
def test_jacobian_matches_central_finite_differences(n, d, s, seed) -> None:
    w, b = weights(n, d, s, seed)
    rng = np.random.RandomState(seed % 1000)
    h = 1e-6
    for _ in range(3):
        y = rng.uniform(-1.5, 1.5, d)
        jac = kernels.jacobian_at(w, b, y)
        fd = np.empty((d, d))
        for j in range(d):
            e = np.zeros(d)
            e[j] = h
            fd[:, j] = (kernels.map_at(w, b, y + e) - kernels.map_at(w, b, y - e)) / (2 * h)
        np.testing.assert_allclose(jac, fd, atol=1e-8)
        # and the map itself is F(y) = (b . tanh(W y), y1 .. y_{D-1})
        np.testing.assert_allclose(kernels.map_at(w, b, y), np.r_[b @ np.tanh(w @ y), y[:-1]], atol=1e-14)


def test_sum_of_network_exponents_is_the_mean_log_determinant() -> None:
    params = NetworkParams(4, 6, 1.3, 42)
    w, b = weights(4, 6, 1.3, 42)
    spec = network_spectrum(params, steps=20_000, transient=1_000)
    # det of the companion Jacobian is +-g_D, g_D = sum_i b_i (1 - x_i^2) w_iD with x after each step
    traj = simulate(params, 20_000, 999, ("x1", "x2", "x3", "x4"))
    log_det = np.log(np.abs((b * (1 - traj.data**2)) @ w[:, -1]))
    assert spec.exponents.sum() == pytest.approx(log_det.mean(), rel=1e-9, abs=1e-9)


def test_chaotic_network_qr_and_twin_agree_and_trace_converges() -> None:
    spec = network_spectrum(CHAOTIC, steps=40_000, transient=2_000)
    twin = twin_largest(CHAOTIC, steps=40_000, transient=2_000)
    assert spec.exponents[0] > 0.02
    assert abs(spec.exponents[0] - twin) < max(4 * spec.stderr[0], 2e-3)
    assert np.all(np.diff(spec.exponents) <= 1e-12)
    late = spec.trace[-10:, 0]
    assert np.ptp(late) < 0.01


def test_fewer_exponents_equal_the_leading_part_of_the_full_spectrum() -> None:
    full = network_spectrum(CHAOTIC, steps=4_000, transient=500)
    top2 = network_spectrum(CHAOTIC, steps=4_000, transient=500, n_exponents=2)
    np.testing.assert_allclose(top2.exponents, full.exponents[:2], atol=1e-12)


@pytest.mark.parametrize(
    ("lams", "expected"),
    [([0.5, -1.0], 1.5), ([-0.1, -1.0], 0.0), ([0.0, -0.5], 1.0), ([0.2, 0.1, -0.6], 2.5), ([0.1, 0.2], 2.0)],
)
def test_kaplan_yorke(lams, expected) -> None:
    assert kaplan_yorke(np.array(lams)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lams", "errors", "expected"),
    [
        ([-1e-4, -0.003, -0.02], [5e-5, 6e-5, 1e-4], 1.0),  # invariant circle, λ1 a hair below zero
        ([2e-5, -0.022, -0.05], [6e-5, 4e-5, 1e-4], 1.0),  # invariant circle, λ1 a hair above zero
        ([-3e-5, -2e-4, -0.03], [5e-5, 9e-5, 1e-4], 2.0),  # 2-torus: two zero exponents
        ([-0.002, -0.003, -0.02], [1e-4, 1e-4, 1e-4], 0.0),  # λ1 beyond max(0.001, 4 se): a contraction
        ([-0.01, -0.02], [0.003, 0.001], 1.0),  # a large error bar makes -0.01 zero (4 se = 0.012)
        ([0.0104, -0.0038, -0.02], [7e-4, 5e-4, 5e-4], 2 + 0.0066 / 0.02),  # chaos: as without errors
    ],
)
def test_kaplan_yorke_counts_exponents_within_their_error_as_zero(lams, errors, expected) -> None:
    assert kaplan_yorke(np.array(lams), np.array(errors)) == pytest.approx(expected)


def test_kaplan_yorke_of_a_measured_invariant_circle_is_one() -> None:
    from core.dynamics.presets import by_name

    spec = network_spectrum(by_name("Quasi-periodic circle (article: 'limit cycle')").params, 20_000, 1_000)
    assert abs(spec.exponents[0]) < 1e-3 and spec.exponents[1] < 0
    assert kaplan_yorke(spec.exponents) == 0.0  # without the error bars λ1 = -0.0001 counts as negative
    assert spec.kaplan_yorke == pytest.approx(1.0, abs=0.05)
