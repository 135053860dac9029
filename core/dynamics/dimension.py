"""Correlation dimension (Grassberger-Procaccia) with a kd-tree, and the 0-1 test for chaos."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from core.dynamics.network import NetworkParams, ParameterError


@dataclass(frozen=True)
class CorrelationDimension:
    dimension: float
    radii: np.ndarray
    correlation: np.ndarray  # C(r): fraction of point pairs closer than r
    fit_lo: float
    fit_hi: float
    points: int


def correlation_dimension(
    points: np.ndarray, max_points: int = 4_000, n_radii: int = 24, c_range: tuple[float, float] = (1e-3, 5e-2)
) -> CorrelationDimension:
    """Slope of log C(r) vs log r over the radii where C is inside `c_range`.

    Points are taken evenly spaced in time (at most `max_points`), which keeps temporally close
    neighbours from dominating small radii. Pairs are counted with cKDTree.count_neighbors.
    """
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim == 1:
        pts = pts[:, None]
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if pts.shape[0] < 200:
        raise ParameterError("The correlation dimension needs at least 200 finite points.")
    stride = max(1, pts.shape[0] // max_points)
    sample = pts[::stride][:max_points]
    m = sample.shape[0]
    tree = cKDTree(sample)
    spread = float(np.max(np.ptp(sample, axis=0)))
    if spread <= 1e-12:
        return CorrelationDimension(0.0, np.array([]), np.array([]), 0.0, 0.0, m)
    dists, _ = tree.query(sample, k=2)
    r_min = max(float(np.min(dists[:, 1][dists[:, 1] > 0], initial=spread * 1e-6)), spread * 1e-6)
    radii = np.geomspace(r_min, spread, n_radii)
    counts = tree.count_neighbors(tree, radii).astype(np.float64) - m  # drop self-pairs
    corr = counts / (m * (m - 1))
    mask = (corr >= c_range[0]) & (corr <= c_range[1])
    if mask.sum() < 3:
        mask = (corr > 0) & (corr < 0.5)
    if mask.sum() < 2:
        return CorrelationDimension(float("nan"), radii, corr, 0.0, 0.0, m)
    slope, _ = np.polyfit(np.log(radii[mask]), np.log(corr[mask]), 1)
    return CorrelationDimension(float(slope), radii, corr, float(radii[mask][0]), float(radii[mask][-1]), m)


def zero_one_test(series: np.ndarray, n_c: int = 32, seed: int = 0, max_len: int = 3_000) -> float:
    """Gottwald-Melbourne 0-1 test (correlation method): median K, near 0 regular, near 1 chaotic."""
    phi = np.asarray(series, dtype=np.float64)[:max_len]
    phi = phi[np.isfinite(phi)]
    n = phi.size
    if n < 200:
        raise ParameterError("The 0-1 test needs at least 200 finite values.")
    if np.ptp(phi) <= 1e-12:
        return 0.0
    phi = phi - phi.mean()
    rng = np.random.RandomState(seed)
    cs = rng.uniform(np.pi / 5, 4 * np.pi / 5, n_c)
    ncut = n // 10
    lags = np.arange(1, ncut + 1)
    j = np.arange(1, n + 1)
    ks = []
    mean_sq = phi.mean() ** 2
    for c in cs:
        p = np.cumsum(phi * np.cos(j * c))
        q = np.cumsum(phi * np.sin(j * c))
        msd = np.array([np.mean((p[lag:] - p[:-lag]) ** 2 + (q[lag:] - q[:-lag]) ** 2) for lag in lags])
        v_osc = mean_sq * (1 - np.cos(lags * c)) / (1 - np.cos(c))
        dmod = msd - v_osc
        if np.std(dmod) == 0:
            ks.append(0.0)
            continue
        ks.append(float(np.corrcoef(lags, dmod)[0, 1]))
    return float(np.median(ks))


def plane_dimension(
    params: NetworkParams, steps: int = 20_000, transient: int = 1_000, max_points: int = 2_000
) -> float:
    """Correlation dimension of the (x1, x2) picture of a network (NaN if it cannot be measured)."""
    from core.dynamics.simulate import simulate

    traj = simulate(params, steps, transient, ("x1", "x2") if params.n > 1 else ("x1", "y0"))
    if traj.diverged or traj.steps < 200:
        return float("nan")
    return correlation_dimension(traj.data, max_points=max_points).dimension
