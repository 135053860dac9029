"""Batched sweeps: search filters, maps agree with single analyses, cancel keeps what was done."""

import numpy as np

from core.dynamics.classify import AttractorClass
from core.dynamics.lyapunov import network_spectrum
from core.dynamics.network import NetworkParams, weights
from core.dynamics.search import ScanSettings, bifurcation, lyapunov_map, search

FAST = ScanSettings(steps=1_500, transient=500)


def test_search_returns_only_wanted_classes_with_enough_coverage() -> None:
    wanted = [AttractorClass.CHAOTIC, AttractorClass.HYPERCHAOTIC]
    rows = search(4, 8, (0.8, 2.0), 200, wanted, min_coverage=0.05, search_seed=3, settings=FAST)
    assert rows, "a 200-sample search over this range finds chaos"
    assert all(r.classification.kind in wanted and r.coverage >= 0.05 for r in rows)
    assert [r.lambda1 for r in rows] == sorted((r.lambda1 for r in rows), reverse=True)
    best = rows[0]
    spec = network_spectrum(best.params, steps=1_500 - 1_500 % 20, transient=500, n_exponents=2)
    assert abs(spec.exponents[0] - best.lambda1) < 0.02


def test_map_over_s_and_seed_and_cancel_keeps_finished_rows() -> None:
    s_values = np.linspace(0.2, 2.0, 12)
    seeds = [1, 2, 3, 4]
    full = lyapunov_map(s_values, seeds, "seed", 4, 8, settings=FAST)
    assert full.complete and full.lambda1.shape == (4, 12) and np.all(np.isfinite(full.lambda1))
    cell = full.params_at(2, 5)
    assert cell == NetworkParams(4, 8, float(s_values[5]), 3)
    partial = lyapunov_map(s_values, seeds * 100, "seed", 4, 8, settings=FAST, progress=lambda f: False)
    assert not partial.complete
    done = np.isfinite(partial.lambda1)
    assert 0 < done.sum() < done.size
    np.testing.assert_allclose(partial.lambda1[:4][done[:4]], full.lambda1[done[:4]])


def test_map_over_s_and_n() -> None:
    result = lyapunov_map([0.5, 1.0], [1, 2, 3], "N", 0, 6, seed=9, settings=FAST)
    assert result.lambda1.shape == (3, 2)
    assert result.params_at(1, 1) == NetworkParams(2, 6, 1.0, 9)


def test_bifurcation_shows_the_period_two_branch() -> None:
    # N = D = 1: y' = b tanh(w y); with w < -0.5, s = 5 gives w b < -1: a 2-cycle (two branches)
    seed = next(k for k in range(100) if weights(1, 1, 5.0, k)[0][0, 0] < -0.5 and weights(1, 1, 5.0, k)[1][0] > 2.5)
    result = bifurcation(1, 1, seed, [0.1, 5.0], transient=500, keep=20, neuron=1)
    assert result.values.shape == (2, 20) and result.complete
    assert np.ptp(result.values[0]) < 1e-9
    assert len(np.unique(np.round(result.values[1], 8))) == 2


def test_a_match_has_the_class_and_exponents_explore_shows() -> None:
    from core.dynamics.analysis import analyze
    from core.dynamics.classify import DEFAULT_STEPS, DEFAULT_TRANSIENT

    # (4, 16, 0.7703, 1139839185): a 3,000-step screen says chaotic (λ2 = +0.007 ± 0.003), Explore's
    # 20,000 steps say hyperchaotic (λ2 = +0.006 ± 0.001); Search used to list it as "chaotic".
    wanted = [AttractorClass.CHAOTIC, AttractorClass.HYPERCHAOTIC]
    rows = search(4, 16, (0.5, 1.5), 300, wanted, 0.03, 0, ScanSettings(steps=3_000, transient=1_000))
    hyper = NetworkParams(4, 16, 0.7703, 1139839185)
    found = {r.params: r for r in rows}
    assert found[hyper].classification.label == "hyperchaotic"
    for row in [found[hyper], *rows[:4]]:
        explore = analyze(row.params, DEFAULT_STEPS, DEFAULT_TRANSIENT, min(row.params.d, 32))
        assert row.classification.label == explore.classification.label
        assert row.lambda1 == explore.spectrum.exponents[0]
        assert row.lambda2 == explore.spectrum.exponents[1]


def test_sprott_order_puts_small_positive_lambda_and_dimension_a_little_above_one_first() -> None:
    from core.dynamics.search import ScanRow, sprott_order

    def row(lam: float) -> ScanRow:
        return ScanRow(NetworkParams(4, 8, 1.0, 1), lam, -0.1, 0.001, 0.001, 0, 0.5, False)

    rows = [row(0.2), row(0.01), row(0.05), row(0.001), row(0.02), row(0.03)]
    dims = [1.3, 1.9, 1.2, float("nan"), 1.45, 1.0]
    # in the band, smallest λ1 first: 0.02 (1.45), 0.05 (1.2), 0.2 (1.3); then 1.0 (0.1 below), 1.9; NaN last
    assert sprott_order(rows, dims) == [4, 2, 0, 5, 1, 3]


def test_thumbnail_is_small_and_shows_the_attractor() -> None:
    from core.dynamics.render import BACKGROUND, thumbnail
    from core.dynamics.simulate import simulate

    traj = simulate(NetworkParams(4, 32, 0.22, 174658140), 20_000, 1_000)  # a closed curve
    image = thumbnail(traj.data[:, 0], traj.data[:, 1], 64)
    assert image.shape == (64, 64, 3) and image.dtype == np.uint8
    lit = np.any(image != np.array(BACKGROUND, dtype=np.uint8), axis=2)
    assert 0.02 < lit.mean() < 0.5  # a curve: some pixels, not all
    assert not lit[28:36, 28:36].any()  # the curve's inside stays empty


def test_matches_measured_as_another_class_are_dropped_and_counted() -> None:
    from core.dynamics.search import iter_search

    *_, (fraction, rows, screened) = iter_search(
        4, 16, (0.5, 1.5), 300, [AttractorClass.CHAOTIC], 0.03, 0, ScanSettings(steps=3_000, transient=1_000)
    )
    assert fraction == 1.0 and all(r.classification.kind is AttractorClass.CHAOTIC for r in rows)
    assert NetworkParams(4, 16, 0.7703, 1139839185) not in {r.params for r in rows}  # hyperchaotic measured
    assert screened > len(rows)
