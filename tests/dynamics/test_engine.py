"""The network engine against the article's formula and loop."""

import numpy as np
import pytest

from core.dynamics import kernels
from core.dynamics.network import NetworkParams, ParameterError, weights
from core.dynamics.reference import article_trajectory
from core.dynamics.simulate import simulate

ARTICLE = [(4, 32, 0.22, 174658140), (4, 32, 0.55, 3160697950), (4, 16, 1.4, 174658140)]


@pytest.mark.parametrize(("n", "d", "s", "seed"), [*ARTICLE, (1, 1, 3.0, 0), (7, 3, 0.9, 2**32 - 1)])
def test_weights_equal_the_global_numpy_formula(n, d, s, seed) -> None:
    saved = np.random.get_state()
    try:
        np.random.seed(seed)
        w_ref = 2 * np.random.random((n, d)) - 1
        b_ref = s * np.random.random(n)
        np.random.seed(12345)
        before = np.random.random(3)
        np.random.seed(12345)
        w, b = weights(n, d, s, seed)
        after = np.random.random(3)
    finally:
        np.random.set_state(saved)
    assert np.array_equal(w, w_ref) and np.array_equal(b, b_ref)
    assert np.array_equal(before, after), "weights() must not touch NumPy's global random state"


@pytest.mark.parametrize(("n", "d", "s", "seed"), [*ARTICLE, (3, 1, 2.0, 5), (2, 2, 1.0, 9)])
def test_trajectory_matches_the_article_loop(n, d, s, seed) -> None:
    x1, x2 = article_trajectory(n, d, s, seed, tmax=400, discard=150)
    traj = simulate(NetworkParams(n, d, s, seed), 400, 150, ("x1", "x2") if n > 1 else ("x1", "x1"))
    assert not traj.diverged
    np.testing.assert_allclose(traj.data[:, 0], x1, rtol=0, atol=1e-11)
    np.testing.assert_allclose(traj.data[:, 1], x2, rtol=0, atol=1e-11)


def test_output_channel_is_b_dot_previous_x() -> None:
    params = NetworkParams(4, 6, 0.9, 3)
    _w, b = weights(4, 6, 0.9, 3)
    traj = simulate(params, 50, 10, ("x1", "x2", "x3", "x4", "y0"))
    x = traj.data[:, :4]
    np.testing.assert_allclose(traj.data[1:, 4], x[:-1] @ b, atol=1e-14)


def test_cap_is_reported_and_non_finite_state_is_detected() -> None:
    traj = simulate(NetworkParams(2, 3, 1.0, 1), 5_000, 0, max_steps=1_000)
    assert traj.steps == 1_000 and traj.capped_from == 5_000
    w, b = weights(2, 3, 1.0, 1)
    w[0, 1] = np.nan
    out = np.empty((100, 1))
    done = kernels.run_trajectory(w, b, 0, 100, np.array([0]), out)
    assert 0 <= done < 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 4, 1.0, 1), "N (neurons)"),
        ((4, 500, 1.0, 1), "D (inputs)"),
        ((4, 4, -1.0, 1), "s (output scale)"),
        ((4, 4, float("nan"), 1), "s (output scale)"),
        ((4, 4, 1.0, -3), "seed"),
        ((4, 4, 1.0, 2**32), "seed"),
    ],
)
def test_out_of_range_parameters_are_rejected_with_a_message(args, message) -> None:
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        NetworkParams(*args)


def test_unknown_channel_is_rejected() -> None:
    with pytest.raises(ParameterError, match=r"x1\.\.x4"):
        simulate(NetworkParams(4, 4, 1.0, 1), 10, 0, ("x9",))


def test_kernel_tanh_is_within_an_ulp_of_numpy() -> None:
    # through tanh_inplace: the vectorized loop compiled with the same flags as the step kernel
    u = np.r_[
        np.linspace(-30, 30, 200_001), np.geomspace(1e-300, 1e-3, 1000), -np.geomspace(1e-300, 20, 1000), 0.0, -0.0
    ]
    ours = u.copy()
    kernels.tanh_inplace(ours)
    exact = np.tanh(u)
    assert np.max(np.abs(ours - exact)) <= 3.5e-16
    nonzero = exact != 0
    assert np.max(np.abs(ours[nonzero] - exact[nonzero]) / np.abs(exact[nonzero])) <= 6e-16
    assert np.all(np.signbit(ours) == np.signbit(exact))
    assert kernels.tanh(0.3) == pytest.approx(np.tanh(0.3), rel=1e-15)


def test_kernel_tanh_keeps_nan_and_saturates_at_infinity() -> None:
    special = np.array([np.nan, np.inf, -np.inf, 1e308, -1e308])
    kernels.tanh_inplace(special)
    assert np.isnan(special[0])
    np.testing.assert_array_equal(special[1:], [1.0, -1.0, 1.0, -1.0])
