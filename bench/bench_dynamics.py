"""Attractor engine figures, each against a baseline measured in the same run.

- steps/s: numba ring-buffer kernel vs the article's pure-NumPy loop (core.dynamics.reference), one network;
  and the batched kernel (many networks on all cores) vs the same baseline.
- Lyapunov spectrum, all D = 32 exponents for 1e5 steps: numba QR vs a NumPy Benettin loop
  (np.linalg.qr on the same exact Jacobian each step), the NumPy rate measured on 3,000 steps.
- A 100 x 100 lambda1 map (s x seed, 2,000 steps + 500 transient per cell): batched kernel vs the NumPy
  article loop with a tangent vector, measured on 20 cells and scaled to 10,000.
- Rendering 1e7 points to an 800 x 800 picture: datashader raster vs matplotlib (Agg) drawing the points.
"""

from __future__ import annotations

import time

import numpy as np

from bench.common import best_of, note, report
from core.dynamics import kernels
from core.dynamics.lyapunov import network_spectrum
from core.dynamics.network import NetworkParams, weights
from core.dynamics.reference import article_trajectory
from core.dynamics.render import density_image
from core.dynamics.search import ScanSettings, lyapunov_map
from core.dynamics.simulate import simulate
from core.dynamics.warmup import warm

N, D, S, SEED = 4, 32, 0.55, 3160697950


def numpy_benettin(n: int, d: int, s: float, seed: int, steps: int, transient: int) -> np.ndarray:
    """Baseline spectrum: the article loop plus np.linalg.qr on the exact Jacobian every step."""
    rng = np.random.RandomState(seed)
    w = 2.0 * rng.random_sample((n, d)) - 1.0
    b = s * rng.random_sample(n)
    x = np.ones(n) * 0.001
    y = np.zeros(d)
    for _ in range(transient):
        y0 = np.sum(b * x)
        y[1:] = y[:-1]
        y[0] = y0
        x = np.tanh(w @ y)
    q = np.eye(d)
    acc = np.zeros(d)
    sub = np.eye(d, k=-1)
    for _ in range(steps):
        jac = sub.copy()
        jac[0] = (b * (1 - x * x)) @ w
        y0 = np.sum(b * x)
        y[1:] = y[:-1]
        y[0] = y0
        x = np.tanh(w @ y)
        q, r = np.linalg.qr(jac @ q)
        acc += np.log(np.abs(np.diag(r)))
    return acc / steps


def numpy_lambda1(n: int, d: int, s: float, seed: int, steps: int, transient: int) -> float:
    """Baseline map cell: the article's per-neuron loop plus a tangent vector on the exact Jacobian."""
    rng = np.random.RandomState(seed)
    w = 2.0 * rng.random_sample((n, d)) - 1.0
    b = s * rng.random_sample(n)
    x = np.ones(n) * 0.001
    y = np.zeros(d)
    v = np.ones(d) / np.sqrt(d)
    acc = 0.0
    for t in range(transient + steps):
        if t >= transient:
            g = (b * (1 - x * x)) @ w
            v = np.r_[g @ v, v[:-1]]
        y0 = np.sum(b * x)
        y[1:] = y[:-1]
        y[0] = y0
        for i in range(n):
            x[i] = np.tanh(np.sum(w[i] * y))
        if t >= transient:
            norm = np.linalg.norm(v)
            acc += np.log(norm)
            v /= norm
    return acc / steps


def main() -> None:
    note("numba kernels ready (compile or load from cache)", warm(), "s")
    params = NetworkParams(N, D, S, SEED)

    # Baseline and project are timed alternately, best of three each, so a burst of load from other
    # processes on this shared machine does not land on one side only. Wall time first, then CPU time of
    # this process (which other processes' load does not inflate).
    base_steps = 20_000
    fast_steps = 10_000_000
    w, b = weights(N, D, S, SEED)
    out = np.empty((fast_steps, 2))
    channels = np.array([0, 1], dtype=np.int64)
    kernels.run_trajectory(w, b, 0, 1_000, channels, out)
    wall = {"numpy": [], "numba": []}
    cpu = {"numpy": [], "numba": []}
    for _ in range(3):
        for name, run in (
            ("numpy", lambda: article_trajectory(N, D, S, SEED, base_steps, 0)),
            ("numba", lambda: kernels.run_trajectory(w, b, 0, fast_steps, channels, out)),
        ):
            started, started_cpu = time.perf_counter(), time.process_time()
            run()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    numpy_rate = base_steps / min(wall["numpy"])
    report(
        f"steps/s, one network N={N} D={D} (1e7 steps vs 2e4 NumPy)",
        fast_steps / min(wall["numba"]),
        numpy_rate,
        "step/s",
        higher_is_better=True,
    )
    report(
        "steps/s, one network, CPU time of this process",
        fast_steps / min(cpu["numba"]),
        base_steps / min(cpu["numpy"]),
        "step/s",
        higher_is_better=True,
    )

    batch = 256
    ws = np.stack([weights(N, D, S, seed)[0] for seed in range(batch)])
    bs = np.stack([weights(N, D, S, seed)[1] for seed in range(batch)])
    finals = np.empty(batch)
    batch_steps = 200_000
    t_batch = best_of(lambda: kernels.batch_trajectory_steps(ws, bs, batch_steps, finals), repeat=2)
    report(
        f"steps/s, {batch} networks batched on all cores",
        batch * batch_steps / t_batch,
        numpy_rate,
        "step/s",
        higher_is_better=True,
    )

    np_spec_steps = 3_000
    t_np_spec = best_of(lambda: numpy_benettin(N, D, S, SEED, np_spec_steps, 1_000), repeat=1)
    started = time.perf_counter()
    spec = network_spectrum(params, steps=100_000, transient=1_000)
    t_spec = time.perf_counter() - started
    report("Lyapunov spectrum, all 32 exponents, 1e5 steps", t_spec, t_np_spec * 100_000 / np_spec_steps, "s")
    check = numpy_benettin(N, D, S, SEED, 3_000, 1_000)
    short = network_spectrum(params, steps=3_000, transient=1_000)
    note(
        "  |numba - NumPy| spectrum difference on 3,000 steps (max)",
        float(np.max(np.abs(np.sort(check)[::-1] - short.exponents))),
        "nats",
    )
    note("  lambda1 of this network after 1e5 steps", spec.exponents[0], "nats")

    settings = ScanSettings(steps=2_000, transient=500)
    s_values = np.linspace(0.1, 3.0, 100)
    started = time.perf_counter()
    result = lyapunov_map(s_values, list(range(100)), "seed", N, 16, settings=settings)
    t_map = time.perf_counter() - started
    cells = 20
    started = time.perf_counter()
    for i in range(cells):
        numpy_lambda1(N, 16, float(s_values[i * 5]), i, 2_000, 500)
    t_np_cell = (time.perf_counter() - started) / cells
    report("100 x 100 lambda1 map (s x seed), 2,500 steps/cell", t_map, t_np_cell * 10_000, "s")
    note("  chaotic cells in that map (lambda1 > 0.001)", float(np.mean(result.lambda1 > 1e-3)), "frac")

    traj = simulate(NetworkParams(4, 16, 0.8277, 3220454298), 10_000_000, 1_000)
    x, y = traj.data[:, 0], traj.data[:, 1]
    density_image(x[:1000], y[:1000], "article", 64, 64)  # datashader's own JIT warm-up
    t_ds = best_of(lambda: density_image(x, y, "article", 800, 800), repeat=2)
    t_ds_density = best_of(lambda: density_image(x, y, "density", 800, 800), repeat=2)
    try:
        import io

        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        def mpl() -> None:
            fig, ax = plt.subplots(figsize=(8, 8), dpi=100)
            ax.plot(x, y, ",", alpha=0.1)
            ax.set_axis_off()
            fig.savefig(io.BytesIO(), format="png")
            plt.close(fig)

        t_mpl = best_of(mpl, repeat=1)
        report("render 1e7 points, article colours (datashader vs mpl)", t_ds, t_mpl, "s")
        report("render 1e7 points, density (datashader vs mpl)", t_ds_density, t_mpl, "s")
    except ImportError:
        note("render 1e7 points, article colours (datashader)", t_ds, "s")
        note("render 1e7 points, density (datashader)", t_ds_density, "s")


if __name__ == "__main__":
    main()
