"""Batched sweeps: search for attractors of a class, lambda1 maps over (s, seed) or (s, N), bifurcations.

Every sweep runs in chunks and calls `progress(done_fraction)` after each; if it returns False the
sweep stops and returns what was finished so far (unfinished cells are NaN).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.dynamics import kernels
from core.dynamics.analysis import measure
from core.dynamics.classify import DEFAULT_STEPS, DEFAULT_TRANSIENT, AttractorClass, Classification, classify
from core.dynamics.network import NetworkParams, ParameterError, check_count, validate, weights

Progress = Callable[[float], bool | None]
SCAN_P_MAX = 200
COVER_GRID = 32
MAX_CELLS = 40_000


@dataclass(frozen=True)
class ScanSettings:
    steps: int = 3_000
    transient: int = 1_000

    def __post_init__(self) -> None:
        check_count("scan steps", self.steps, 100, 1_000_000)
        check_count("scan transient", self.transient, 0, 1_000_000)


@dataclass(frozen=True)
class ScanRow:
    params: NetworkParams
    lambda1: float
    lambda2: float
    stderr1: float
    stderr2: float
    period: int
    coverage: float
    diverged: bool
    measured: Classification | None = None  # set by `confirm`: the class Explore shows

    @property
    def classification(self) -> Classification:
        if self.measured is not None:
            return self.measured
        lam, se = [self.lambda1, self.lambda2], [self.stderr1, self.stderr2]
        return classify(lam, se, self.period, self.diverged)


def confirm(row: ScanRow, steps: int = DEFAULT_STEPS, transient: int = DEFAULT_TRANSIENT) -> ScanRow:
    """The row re-measured as Explore measures it (`analysis.measure`, Explore's default run): its
    exponents, period and class become the ones Explore shows for that network."""
    m = measure(row.params, steps, transient, min(2, row.params.d))
    lam, se = m.spectrum.exponents, m.spectrum.stderr
    return replace(
        row,
        lambda1=float(lam[0]),
        lambda2=float(lam[1]) if lam.size > 1 else -math.inf,
        stderr1=float(se[0]),
        stderr2=float(se[1]) if se.size > 1 else 0.0,
        period=m.period,
        diverged=m.diverged,
        measured=m.classification,
    )


def _stack(points: Sequence[tuple[int, int, float, int]]) -> tuple[np.ndarray, np.ndarray]:
    ws, bs = zip(*(weights(*p) for p in points), strict=True)
    return np.stack(ws), np.stack(bs)


def iter_scan(
    points: Sequence[tuple[int, int, float, int]], settings: ScanSettings, chunk: int = 256
) -> Iterator[tuple[float, np.ndarray]]:
    """Yield (fraction done, table) after each chunk; rows not reached yet are NaN."""
    out = np.full((len(points), kernels.SCAN_COLS), np.nan)
    order = sorted(range(len(points)), key=lambda i: (points[i][0], points[i][1]))
    for start in range(0, len(order), chunk):
        idx = order[start : start + chunk]
        groups: dict[tuple[int, int], list[int]] = {}
        for i in idx:
            groups.setdefault((points[i][0], points[i][1]), []).append(i)
        for members in groups.values():
            ws, bs = _stack([points[i] for i in members])
            part = np.empty((len(members), kernels.SCAN_COLS))
            kernels.batch_scan(ws, bs, settings.transient, settings.steps, SCAN_P_MAX, COVER_GRID, part)
            out[members] = part
        yield min(start + chunk, len(order)) / max(len(order), 1), out


def scan(
    points: Sequence[tuple[int, int, float, int]],
    settings: ScanSettings,
    progress: Progress | None = None,
    chunk: int = 256,
) -> np.ndarray:
    """kernels.SCAN_COLS measurements per (N, D, s, seed); rows not reached before a cancel are NaN."""
    out = np.full((len(points), kernels.SCAN_COLS), np.nan)
    for fraction, table in iter_scan(points, settings, chunk):
        out = table
        if progress is not None and progress(fraction) is False:
            break
    return out


def rows_from_scan(points: Sequence[tuple[int, int, float, int]], table: np.ndarray) -> list[ScanRow]:
    rows = []
    for p, r in zip(points, table, strict=True):
        if np.isnan(r[kernels.SCAN_FINITE]):
            continue
        rows.append(
            ScanRow(
                params=NetworkParams(*p),
                lambda1=float(r[kernels.SCAN_L1]),
                lambda2=float(r[kernels.SCAN_L2]),
                stderr1=float(r[kernels.SCAN_SE1]),
                stderr2=float(r[kernels.SCAN_SE2]),
                period=int(r[kernels.SCAN_PERIOD]) if np.isfinite(r[kernels.SCAN_PERIOD]) else 0,
                coverage=float(r[kernels.SCAN_COVER]),
                diverged=r[kernels.SCAN_FINITE] == 0,
            )
        )
    return rows


def _search_points(
    n: int, d: int, s_range: tuple[float, float], samples: int, min_coverage: float, search_seed: int
) -> list[tuple[int, int, float, int]]:
    check_count("samples", samples, 1, MAX_CELLS)
    check_count("search seed", search_seed, 0, 2**32 - 1)
    lo, hi = s_range
    validate(n, d, lo, 0)
    validate(n, d, hi, 0)
    if lo > hi:
        raise ParameterError("The s range must go from low to high.")
    if not 0.0 <= min_coverage <= 1.0:
        raise ParameterError("The minimum coverage must be between 0 and 1.")
    rng = np.random.RandomState(search_seed)
    seeds = rng.randint(0, 2**32 - 1, size=samples, dtype=np.uint64)
    s_values = np.round(rng.uniform(lo, hi, size=samples), 4)
    return [(n, d, float(s), int(seed)) for s, seed in zip(s_values, seeds, strict=True)]


def iter_search(
    n: int,
    d: int,
    s_range: tuple[float, float],
    samples: int,
    classes: Sequence[AttractorClass],
    min_coverage: float = 0.0,
    search_seed: int = 0,
    settings: ScanSettings | None = None,
    chunk: int = 256,
) -> Iterator[tuple[float, list[ScanRow], int]]:
    """Random (s, seed) samples for fixed N, D, kept if their class is wanted and they cover enough.

    Coverage = fraction of a 32 x 32 grid over [-1, 1]^2 visited by (x1, x2).
    A quick batched scan (`settings`) screens every sample; each screened match is then re-measured
    with `confirm` (Explore's measurement) and kept if that class is wanted too, so a match's class
    and exponents are the ones Explore shows when it is opened.
    Yields (fraction done, matches so far sorted by lambda1, largest first, how many the screen
    kept before they were measured again) after each chunk.
    """
    settings = settings or ScanSettings()
    points = _search_points(n, d, s_range, samples, min_coverage, search_seed)
    wanted = set(classes)
    confirmed: dict[NetworkParams, ScanRow] = {}
    for fraction, table in iter_scan(points, settings, chunk):
        for row in rows_from_scan(points, table):
            if row.params not in confirmed and row.classification.kind in wanted and row.coverage >= min_coverage:
                confirmed[row.params] = confirm(row)
        kept = [r for r in confirmed.values() if r.classification.kind in wanted]
        yield fraction, sorted(kept, key=lambda r: -r.lambda1), len(confirmed)


def search(
    n: int,
    d: int,
    s_range: tuple[float, float],
    samples: int,
    classes: Sequence[AttractorClass],
    min_coverage: float = 0.0,
    search_seed: int = 0,
    settings: ScanSettings | None = None,
    progress: Progress | None = None,
) -> list[ScanRow]:
    """All of iter_search (stops early if progress returns False)."""
    found: list[ScanRow] = []
    for fraction, rows, _ in iter_search(n, d, s_range, samples, classes, min_coverage, search_seed, settings):
        found = rows
        if progress is not None and progress(fraction) is False:
            break
    return found


@dataclass(frozen=True)
class LyapunovMap:
    """lambda1[i, j] for the i-th row value (seed or N) and the j-th s value; NaN where not computed."""

    s_values: np.ndarray
    row_values: np.ndarray
    row_kind: str  # "seed" or "N"
    n: int
    d: int
    seed: int
    lambda1: np.ndarray
    period: np.ndarray
    complete: bool

    def params_at(self, i: int, j: int) -> NetworkParams:
        s = float(self.s_values[j])
        if self.row_kind == "seed":
            return NetworkParams(self.n, self.d, s, int(self.row_values[i]))
        return NetworkParams(int(self.row_values[i]), self.d, s, self.seed)


def iter_lyapunov_map(
    s_values: Sequence[float] | np.ndarray,
    row_values: Sequence[int],
    row_kind: str,
    n: int,
    d: int,
    seed: int = 0,
    settings: ScanSettings | None = None,
    chunk: int = 256,
) -> Iterator[tuple[float, LyapunovMap]]:
    """lambda1 over a grid: rows are seeds (N fixed) or N values (seed fixed); a snapshot per chunk."""
    settings = settings or ScanSettings()
    if row_kind not in ("seed", "N"):
        raise ParameterError("Map rows must be 'seed' or 'N'.")
    s_arr = np.asarray(s_values, dtype=float)
    r_arr = np.asarray(row_values, dtype=np.int64)
    if s_arr.size * r_arr.size > MAX_CELLS:
        asked = s_arr.size * r_arr.size
        raise ParameterError(f"A map may have at most {MAX_CELLS:,} cells (asked {asked:,}).")
    if s_arr.size == 0 or r_arr.size == 0:
        raise ParameterError("The map needs at least one s value and one row.")
    points = []
    for r in r_arr:
        for s in s_arr:
            points.append((n, d, float(s), int(r)) if row_kind == "seed" else (int(r), d, float(s), seed))
    for p in (points[0], points[-1]):
        validate(*p)
    for fraction, table in iter_scan(points, settings, chunk):
        lam = table[:, kernels.SCAN_L1].reshape(r_arr.size, s_arr.size).copy()
        per = table[:, kernels.SCAN_PERIOD].reshape(r_arr.size, s_arr.size).copy()
        yield fraction, LyapunovMap(s_arr, r_arr, row_kind, n, d, seed, lam, per, fraction >= 1.0)


def lyapunov_map(
    s_values: Sequence[float] | np.ndarray,
    row_values: Sequence[int],
    row_kind: str,
    n: int,
    d: int,
    seed: int = 0,
    settings: ScanSettings | None = None,
    progress: Progress | None = None,
) -> LyapunovMap:
    result: LyapunovMap | None = None
    for fraction, snapshot in iter_lyapunov_map(s_values, row_values, row_kind, n, d, seed, settings):
        result = snapshot
        if progress is not None and progress(fraction) is False:
            break
    assert result is not None
    return result


@dataclass(frozen=True)
class Bifurcation:
    s_values: np.ndarray
    values: np.ndarray  # (len(s_values), keep): settled values of the chosen quantity
    quantity: str
    complete: bool
    n: int = 0  # the network's N, D and seed (s varies along the diagram)
    d: int = 0
    seed: int = 0


def iter_bifurcation(
    n: int,
    d: int,
    seed: int,
    s_values: Sequence[float] | np.ndarray,
    transient: int = 2_000,
    keep: int = 200,
    neuron: int = 0,
    chunk: int = 64,
) -> Iterator[tuple[float, Bifurcation]]:
    """Settled values of x[neuron] (neuron == N: the output y0) for each s, one seed; snapshot per chunk."""
    check_count("transient", transient, 0, 1_000_000)
    check_count("points kept per s", keep, 1, 5_000)
    check_count("neuron", neuron, 0, n)
    s_arr = np.asarray(s_values, dtype=float)
    check_count("s values", int(s_arr.size), 1, 5_000)
    validate(n, d, float(s_arr.min()), seed)
    validate(n, d, float(s_arr.max()), seed)
    out = np.full((s_arr.size, keep), np.nan)
    quantity = "y0" if neuron == n else f"x{neuron + 1}"
    for start in range(0, s_arr.size, chunk):
        part_s = s_arr[start : start + chunk]
        ws, bs = _stack([(n, d, float(s), seed) for s in part_s])
        part = np.empty((part_s.size, keep))
        kernels.batch_bifurcation(ws, bs, transient, keep, neuron, part)
        out[start : start + part_s.size] = part
        done = min(start + chunk, s_arr.size)
        yield done / s_arr.size, Bifurcation(s_arr, out.copy(), quantity, done == s_arr.size, n, d, seed)


def bifurcation(
    n: int,
    d: int,
    seed: int,
    s_values: Sequence[float] | np.ndarray,
    transient: int = 2_000,
    keep: int = 200,
    neuron: int = 0,
    progress: Progress | None = None,
) -> Bifurcation:
    result: Bifurcation | None = None
    for fraction, snapshot in iter_bifurcation(n, d, seed, s_values, transient, keep, neuron):
        result = snapshot
        if progress is not None and progress(fraction) is False:
            break
    assert result is not None
    return result


# After Sprott (1993, "Automatic generation of strange attractors", Computers & Graphics 17, 325):
# of 7,500 attractors rated by eye, the most liked had a small positive Lyapunov exponent and a
# correlation dimension somewhat greater than one.
SPROTT_BAND = (1.1, 1.5)


def sprott_order(rows: Sequence[ScanRow], dimensions: Sequence[float]) -> list[int]:
    """Indices of `rows` by Sprott's aesthetic criterion: chaotic matches (λ1 > 0) whose correlation
    dimension is in SPROTT_BAND first, smallest λ1 first; then the others by how far their dimension
    is from the band (unknown dimensions last)."""
    lo, hi = SPROTT_BAND

    def key(i: int) -> tuple[int, float, float]:
        dim, lam = float(dimensions[i]), rows[i].lambda1
        if not math.isfinite(dim):
            return (2, math.inf, lam)
        if lam > 0 and lo <= dim <= hi:
            return (0, lam, 0.0)
        return (1, max(lo - dim, dim - hi, 0.0) + (0.0 if lam > 0 else 1.0), lam)

    return sorted(range(len(rows)), key=key)
