"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import streamlit as st


@st.cache_resource(show_spinner=False, max_entries=4)
def trajectory(
    n: int, d: int, s: float, seed: int, steps: int, transient: int, columns: tuple[str, ...], max_steps: int
):  # -> core.dynamics.simulate.Trajectory
    """Shared by every session without copying (up to 10^7 rows): the arrays are read-only."""
    from core.dynamics.network import NetworkParams
    from core.dynamics.simulate import simulate

    return simulate(NetworkParams(n, d, s, seed), steps, transient, columns, max_steps)


@st.cache_data(show_spinner=False, max_entries=32)
def analysis(
    n: int, d: int, s: float, seed: int, steps: int, transient: int, n_exponents: int
):  # -> core.dynamics.analysis.Analysis
    from core.dynamics.analysis import analyze
    from core.dynamics.network import NetworkParams

    return analyze(NetworkParams(n, d, s, seed), steps, transient, n_exponents)


@st.cache_data(show_spinner=False, max_entries=32)
def zero_one(n: int, d: int, s: float, seed: int, transient: int) -> float:
    from core.dynamics.dimension import zero_one_test
    from core.dynamics.network import NetworkParams
    from core.dynamics.simulate import simulate

    series = simulate(NetworkParams(n, d, s, seed), 3_000, transient, ("y0",)).data[:, 0]
    return zero_one_test(series)


@st.cache_data(show_spinner=False)
def preset_labels() -> dict[str, str]:
    """Measured class and two largest exponents of every preset (Explore's default run, once per process)."""
    from core.dynamics.analysis import measure
    from core.dynamics.presets import PRESETS

    labels = {}
    for preset in PRESETS:
        m = measure(preset.params, n_exponents=min(2, preset.params.d))
        lam = m.spectrum.exponents
        labels[preset.name] = f"{m.classification.label}, λ1 = {lam[0]:+.4f}, λ2 = {lam[1]:+.4f}"
    return labels


@st.cache_data(show_spinner=False, max_entries=2_000)
def thumbnail_url(n: int, d: int, s: float, seed: int) -> str:
    """A 64 × 64 picture of the network's (x1, x2) plane (20,000 points) as a PNG data URL."""
    import base64

    from core.dynamics.network import NetworkParams
    from core.dynamics.render import png_bytes, thumbnail
    from core.dynamics.simulate import simulate

    traj = simulate(NetworkParams(n, d, s, seed), 20_000, 1_000, ("x1", "x2") if n > 1 else ("x1", "y0"))
    png = png_bytes(thumbnail(traj.data[:, 0], traj.data[:, 1]))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@st.cache_data(show_spinner=False, max_entries=2_000)
def plane_dimension(n: int, d: int, s: float, seed: int) -> float:
    from core.dynamics.dimension import plane_dimension as measure
    from core.dynamics.network import NetworkParams

    return measure(NetworkParams(n, d, s, seed))


@st.cache_data(show_spinner=False, max_entries=6)
def density(
    n: int,
    d: int,
    s: float,
    seed: int,
    steps: int,
    transient: int,
    columns: tuple[str, ...],
    max_steps: int,
    scheme: str,
    lag: int,
    size: int,
):  # -> np.ndarray (size, size, 3)
    from core.dynamics.render import density_image, plane

    traj = trajectory(n, d, s, seed, steps, transient, columns, max_steps)
    x, y = plane(traj.data, lag)
    return density_image(x, y, scheme, size, size)  # type: ignore[arg-type]
