"""The Explore section: controls, the picture, and the measured spectrum and class beside it."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.dynamics import figures as figures
from components.dynamics import resources as dynamics_resources
from components.dynamics import state as keys
from components.dynamics.state import RENDERINGS, Explore
from components.shared.memo import memo_value, session_memo
from components.shared.text import markdown_text
from core.config import Settings
from core.dynamics.classify import RULE_TEXT, AttractorClass
from core.dynamics.link import VIEWS, View
from core.dynamics.network import D_RANGE, N_RANGE, S_RANGE, SEED_RANGE, NetworkParams, ParameterError
from core.dynamics.presets import PRESETS, by_name
from core.dynamics.render import (
    EXPORT_SIZE,
    SCHEMES,
    colour_values,
    csv_text,
    export_count,
    export_png,
    plane,
    stride,
)

if TYPE_CHECKING:  # numba and scipy are imported when the engine first runs, not with this module
    from core.dynamics.dimension import CorrelationDimension
    from core.dynamics.simulate import Trajectory

PLOTLY_AUTO_MAX = 50_000  # "Auto" draws up to this many points with Plotly, more as a density raster
PLOTLY_MAX = 200_000  # Plotly 2-D never gets more points than this (evenly thinned, with a notice)
PLOTLY_3D_MAX = 100_000
CSV_MAX_ROWS = 1_000_000
SPECTRUM_STEPS = [5_000, 20_000, 50_000, 100_000]
MAX_EXPONENTS = 32  # QR costs D·k² per step: above D = 32 only the 32 largest exponents are measured
NUMBERS_SHOWN = "attr.numbers_shown"  # the session has seen a measured class and spectrum


def _neuron_picker(label: str, key: str, n: int, current: str, default: int) -> str:
    options = [f"x{i}" for i in range(1, n + 1)]
    keys.seed_widgets({key: current})
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[min(default, n - 1)]
    return str(st.selectbox(label, options, key=key))


def explore_controls(current: Explore, labels: dict[str, str], preset_area: DeltaGenerator) -> Explore:
    """The preset (in `preset_area`, a row wide enough for the presets' names), the network, the run and
    the picture options; returns what they are set to."""
    p = current.params
    keys.seed_widgets(
        {
            keys.PRESET: current.preset,
            keys.N: p.n,
            keys.D: p.d,
            keys.S: float(p.s),
            keys.SEED: p.seed,
            keys.STEPS: current.steps,
            keys.TRANSIENT: current.transient,
            keys.VIEW: current.view,
            keys.LAG: current.lag,
            keys.SCHEME: current.scheme,
            keys.RENDERING: current.rendering,
            keys.SPECTRUM_STEPS: current.spectrum_steps,
        }
    )
    names = [keys.CUSTOM, *(preset.name for preset in PRESETS)]
    pick, about = preset_area.columns([2, 3], vertical_alignment="center")
    preset = pick.selectbox(
        "Preset",
        names,
        key=keys.PRESET,
        on_change=keys.apply_preset,
        help="Each preset is named by the class measured here (20,000 steps); the article's three "
        "networks keep the article's word in quotes. The others were found with the Search section.",
    )
    if preset in labels:
        about.caption(f"Measured: {labels[preset]}")
    if preset != keys.CUSTOM and by_name(preset).history:
        about.caption(by_name(preset).history)
    left, right = st.columns(2)
    n = left.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], step=1, key=keys.N, on_change=keys.mark_custom)
    d = right.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], step=1, key=keys.D, on_change=keys.mark_custom)
    s = st.number_input(
        "s (output scale)", S_RANGE[0], S_RANGE[1], step=0.01, format="%.4f", key=keys.S, on_change=keys.mark_custom
    )
    seed = st.number_input("seed", SEED_RANGE[0], SEED_RANGE[1], step=1, key=keys.SEED, on_change=keys.mark_custom)
    st.button("Random seed", icon=":material/casino:", on_click=keys.random_seed, width="stretch")
    left, right = st.columns(2)
    steps = left.number_input(
        "Iterations",
        1_000,
        100_000_000,
        step=100_000,
        key=keys.STEPS,
        help="Points drawn after the transient. Very large counts are capped by MLSTUDIO_MAX_ITERATIONS.",
    )
    transient = right.number_input(
        "Transient",
        0,
        1_000_000,
        step=1_000,
        key=keys.TRANSIENT,
        help="Steps thrown away first, so the picture shows the attractor, not the approach.",
    )
    view = st.radio("View", list(VIEWS), format_func=VIEWS.__getitem__, key=keys.VIEW)
    chosen = replace(
        current,
        params=NetworkParams(int(n), int(d), float(s), int(seed)),
        preset=str(preset),
        steps=int(steps),
        transient=int(transient),
        view=view if view is not None else current.view,
    )
    if view == "delay":
        lag = st.number_input("Delay (steps)", 1, 256, key=keys.LAG)
        chosen = replace(chosen, lag=int(lag))
    else:
        cols = st.columns(3 if view == "3d" else 2)
        with cols[0]:
            x = _neuron_picker("Horizontal", keys.NX, int(n), current.x, 0)
        with cols[1]:
            y = _neuron_picker("Vertical", keys.NY, int(n), current.y, 1)
        z = current.z
        if view == "3d":
            with cols[2]:
                z = _neuron_picker("Depth", keys.NZ, int(n), current.z, 2)
        chosen = replace(chosen, x=x, y=y, z=z)
    scheme = st.selectbox(
        "Colours",
        list(SCHEMES),
        format_func=SCHEMES.__getitem__,
        key=keys.SCHEME,
        help="Article's: |sin(1.6·y + 0.4·x)| on ColorBrewer's Spectral, as the article colours it. "
        "Density: how often each pixel is visited, histogram-equalized on a fire scale. "
        "Time: early points dark, late points bright (viridis).",
    )
    rendering = st.radio(
        "Rendering",
        RENDERINGS,
        key=keys.RENDERING,
        help=f"Auto: Plotly (zoom, hover) up to {PLOTLY_AUTO_MAX:,} points, a datashader density raster above.",
    )
    spectrum_steps = st.select_slider("Spectrum steps", SPECTRUM_STEPS, key=keys.SPECTRUM_STEPS)
    return replace(
        chosen,
        scheme=scheme if scheme is not None else current.scheme,
        rendering=rendering if rendering is not None else current.rendering,
        spectrum_steps=int(spectrum_steps),
    )


def _plane(data: np.ndarray, explore: Explore) -> tuple[np.ndarray, np.ndarray, str, str]:
    if explore.view == "delay":
        x, y = plane(data, explore.lag)
        return x, y, "y0(t)", f"y0(t+{explore.lag})"
    x, y = plane(data)
    return x, y, explore.x, explore.y


def attractor_picture(explore: Explore, settings: Settings) -> None:
    """The attractor (Plotly or a density raster), its exports and the correlation dimension."""
    columns = explore.columns
    if len(columns) > 1 and len(set(columns)) < len(columns):
        st.warning("Pick different neurons for the axes (the same neuron twice draws a straight line).")
    params, steps, transient = explore.params, explore.steps, explore.transient
    cap = settings.mlstudio_max_iterations
    with st.spinner(f"Iterating {min(steps, cap):,} steps..."):
        traj = dynamics_resources.trajectory(params.n, params.d, params.s, params.seed, steps, transient, columns, cap)
    if traj.capped_from is not None:
        st.warning(
            f"{traj.capped_from:,} iterations asked; capped at {cap:,} (MLSTUDIO_MAX_ITERATIONS). "
            "The picture shows the first capped steps.",
            icon=":material/speed:",
        )
    if traj.diverged:
        st.error(
            f"The trajectory stopped being finite after {traj.finite_steps:,} steps (NaN or infinity), "
            "so nothing is drawn. Try a smaller s or another seed."
        )
        return
    if traj.steps < 3:
        st.error("Too few points to draw. Increase the iterations.")
        return
    if explore.view == "3d":
        x, y = _draw_3d(traj, explore)
    else:
        x, y = _draw_2d(traj, explore, settings)
    _exports(explore, traj, cap)
    _dimension(params, x, y, explore.view)


def _draw_3d(traj: Trajectory, explore: Explore) -> tuple[np.ndarray, np.ndarray]:
    every = stride(traj.steps, PLOTLY_3D_MAX)
    data = traj.data[::every]
    if every > 1:
        st.info(
            f"3-D view: 1 point in {every} is drawn ({data.shape[0]:,} of {traj.steps:,}); "
            "switch to a 2-D view for a density picture of all points."
        )
    colour = colour_values(data[:, 0], data[:, 1], explore.scheme)
    labels = (explore.x, explore.y, explore.z)
    figure = figures.trajectory_3d(data[:, 0], data[:, 1], data[:, 2], colour, explore.scheme, labels)
    st.plotly_chart(figure, key=keys.FIG_3D)
    return traj.data[:, 0], traj.data[:, 1]  # exports: every point


def _draw_2d(traj: Trajectory, explore: Explore, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    x, y, xl, yl = _plane(traj.data, explore)
    scheme, rendering = explore.scheme, explore.rendering
    auto_big = rendering == "Auto" and x.size > PLOTLY_AUTO_MAX
    if rendering == "Density (datashader)" or auto_big:
        p = explore.params
        lag = explore.lag if explore.view == "delay" else 0
        with st.spinner(f"Rasterizing {x.size:,} points..."):
            image = dynamics_resources.density(
                p.n,
                p.d,
                p.s,
                p.seed,
                explore.steps,
                explore.transient,
                explore.columns,
                settings.mlstudio_max_iterations,
                scheme,
                lag,
                800,
            )
        st.image(image, width="stretch", caption=f"{x.size:,} points, density raster ({SCHEMES[scheme]}).")
        return x, y
    every = stride(x.size, PLOTLY_MAX)
    if every > 1:
        st.info(
            f"Plotly draws 1 point in {every} ({x.size // every:,} of {x.size:,}); "
            "the density rendering shows all of them."
        )
    xs, ys = x[::every], y[::every]
    mode = "lines" if rendering == "Line (Plotly)" else "markers"
    colour: np.ndarray | None = None if scheme == "density" else colour_values(xs, ys, scheme)
    if scheme == "density" and mode == "markers":
        st.caption("Density colouring needs the raster; points are coloured by the article's scheme.")
        colour = colour_values(xs, ys, "article")
    shown = scheme if scheme != "density" else "article"
    st.plotly_chart(figures.trajectory_2d(xs, ys, colour, shown, mode, xl, yl), key=keys.FIG_2D)
    return x, y


def _csv(traj: Trajectory, rows: int, transient: int) -> str:
    return csv_text(traj.columns, traj.data[:rows], first_step=transient + 1)


def _exports(explore: Explore, traj: Trajectory, cap: int) -> None:
    params, transient = explore.params, explore.transient
    stem = f"attractor_N{params.n}_D{params.d}_s{params.s:g}_seed{params.seed}"
    lag = explore.lag if explore.view == "delay" else 0
    points = export_count(traj.steps, cap)
    left, right = st.columns(2)
    left.download_button(
        f"PNG ({EXPORT_SIZE} × {EXPORT_SIZE})",
        partial(export_png, params, explore.columns, lag, transient, explore.scheme, points),
        file_name=f"{stem}.png",
        mime="image/png",
        icon=":material/image:",
        width="stretch",
        on_click="ignore",
        help=f"{points:,} points, brightness by histogram equalization, made when you click.",
    )
    right.download_button(
        "CSV of the trajectory",
        partial(_csv, traj, min(traj.steps, CSV_MAX_ROWS), transient),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/table:",
        width="stretch",
        on_click="ignore",
    )
    if traj.steps > CSV_MAX_ROWS:
        st.caption(f"The CSV holds the first {CSV_MAX_ROWS:,} of {traj.steps:,} steps.")


def _dimension(params: NetworkParams, x: np.ndarray, y: np.ndarray, view: View) -> None:
    signature = (params, view, x.size)
    if st.button(
        "Measure the correlation dimension",
        icon=":material/straighten:",
        help="Grassberger-Procaccia on the drawn coordinates, up to 4,000 points, with a kd-tree.",
    ):
        from core.dynamics.dimension import correlation_dimension

        try:
            session_memo(keys.DIMENSION_MEMO, signature, lambda: correlation_dimension(np.c_[x, y]))
        except ParameterError as exc:
            st.warning(f"{exc} Increase the iterations.")
    result = cast("CorrelationDimension | None", memo_value(keys.DIMENSION_MEMO, signature))
    if result is not None:
        st.write(
            f"Correlation dimension of the drawn picture: **{result.dimension:.3f}** "
            f"(slope of log C(r) between r = {result.fit_lo:.2g} and {result.fit_hi:.2g}, "
            f"{result.points:,} points)."
        )


def numbers_placeholder() -> DeltaGenerator:
    """Where the class and spectrum go. Before the session's first measurement it says what is coming,
    so the column is not blank while the picture is computed first."""
    slot = st.empty()
    if NUMBERS_SHOWN not in st.session_state:
        slot.info(
            "Coming after the picture: the attractor's class (fixed point, cycle, torus or chaos) and its "
            "Lyapunov spectrum…",
            icon=":material/hourglass_top:",
        )
    return slot


def spectrum_and_class(explore: Explore) -> None:
    """The class, the Lyapunov spectrum with its error bars and cross-checks, and the 0–1 test."""
    params, transient, spectrum_steps = explore.params, explore.transient, explore.spectrum_steps
    spec_transient = max(transient, 1_000)
    with st.spinner("Measuring the Lyapunov spectrum..."):
        try:
            analysis = dynamics_resources.analysis(
                params.n, params.d, params.s, params.seed, spectrum_steps, spec_transient, min(params.d, MAX_EXPONENTS)
            )
            k01 = dynamics_resources.zero_one(
                params.n, params.d, params.s, params.seed, spec_transient + spectrum_steps
            )
        except ParameterError as exc:
            st.error(markdown_text(str(exc)))
            return
    spectrum = analysis.spectrum
    label = analysis.classification
    st.markdown(f"#### {label.label.capitalize()}")
    st.caption(f"Because {label.reason}.")
    settling = analysis.settling
    if settling is not None:
        st.info(
            f"{settling.text} The spectrum below is of the settled part (from step {spectrum.transient:,}).",
            icon=":material/timeline:",
        )
    lam, se = spectrum.exponents, spectrum.stderr
    st.metric("λ1 (nats/step)", f"{lam[0]:+.4f}", help=f"± {se[0]:.4f} (standard error over 20 blocks)")
    rows = [f"| λ{i + 1} | {lam[i]:+.4f} ± {se[i]:.4f} | {spectrum.bits[i]:+.4f} |" for i in range(min(3, lam.size))]
    st.markdown(
        "\n".join(["| | nats/step | bits/step |", "|---|---|---|", *rows])
        + f"\n\nKaplan–Yorke dimension **{spectrum.kaplan_yorke:.2f}** (an exponent within its error bar "
        "of zero counts as zero)"
    )
    which = f"all {lam.size} exponents" if lam.size == params.d else f"the {lam.size} largest of {params.d}"
    st.caption(
        f"λ1 = {lam[0]:+.5f} ± {se[0]:.5f} nats/step from {spectrum.steps:,} steps after step "
        f"{spectrum.transient:,} (QR on the exact Jacobian, {which})."
    )
    check = analysis.check
    if check.agrees:
        st.caption(f"Cross-check, two nearby trajectories: λ1 = {check.twin:+.5f} (agrees).")
    else:
        st.warning(
            f"The two methods disagree: QR gives λ1 = {check.qr:+.5f}, two nearby trajectories give "
            f"{check.twin:+.5f} (tolerance {check.tolerance:.4f}). Try more spectrum steps."
        )
    chaotic = label.kind in (AttractorClass.CHAOTIC, AttractorClass.HYPERCHAOTIC)
    st.caption(f"0–1 test for chaos on y0: K = {k01:.2f} (≈ 1 chaotic, ≈ 0 regular).")
    if chaotic != (k01 > 0.5):
        st.info(
            f"The 0–1 test (K = {k01:.2f}, 3,000 values) and the spectrum disagree. Weak chaos "
            "(small λ1) needs longer series for the 0–1 test; the spectrum's error bar is the better "
            "guide."
        )
    st.session_state[NUMBERS_SHOWN] = True
    st.plotly_chart(figures.spectrum_bars(spectrum), key=keys.SPECTRUM_CHART)
    st.plotly_chart(figures.convergence(spectrum), key=keys.TRACE_CHART)
    with st.expander("All exponents"):
        st.dataframe(
            pd.DataFrame(
                {
                    "i": np.arange(1, lam.size + 1),
                    "λ (nats/step)": lam,
                    "± std. error": se,
                    "λ (bits/step)": spectrum.bits,
                }
            ),
            hide_index=True,
        )
    with st.expander("How the class is decided"):
        st.markdown(RULE_TEXT)
