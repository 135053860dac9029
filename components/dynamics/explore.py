"""The Explore section: controls, the picture, and the measured spectrum and class beside it."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import streamlit as st

from components.dynamics import figures as figures
from components.dynamics import resources as dynamics_resources
from components.dynamics import state as keys
from core.config import Settings
from core.dynamics.classify import RULE_TEXT, AttractorClass
from core.dynamics.network import D_RANGE, N_RANGE, S_RANGE, SEED_RANGE, NetworkParams, ParameterError
from core.dynamics.presets import PRESETS
from core.dynamics.render import SCHEMES, colour_values, csv_text, plane, png_bytes

log = logging.getLogger(__name__)

PLOTLY_AUTO_MAX = 50_000  # "Auto" draws up to this many points with Plotly, more as a density raster
PLOTLY_MAX = 200_000  # Plotly 2-D never gets more points than this (evenly thinned, with a notice)
PLOTLY_3D_MAX = 100_000
CSV_MAX_ROWS = 1_000_000
RENDERINGS = ["Auto", "Density (datashader)", "Points (Plotly)", "Line (Plotly)"]
SPECTRUM_STEPS = [5_000, 20_000, 50_000, 100_000]
MAX_EXPONENTS = 32  # QR costs D·k² per step: above D = 32 only the 32 largest exponents are measured


def _neuron_picker(label: str, key: str, n: int, default: int) -> str:
    options = [f"x{i}" for i in range(1, n + 1)]
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[min(default, n - 1)]
    return st.selectbox(label, options, key=key)


def _controls(labels: dict[str, str]) -> dict:
    names = [keys.CUSTOM, *(p.name for p in PRESETS)]
    st.selectbox(
        "Preset",
        names,
        key=keys.PRESET,
        on_change=keys.apply_preset,
        format_func=lambda name: f"{name} — {labels[name]}" if name in labels else name,
        help="The article's three networks and ones found with the Search section, each with "
        "its class and exponents as measured here (20,000 steps).",
    )
    chosen = st.session_state[keys.PRESET]
    if chosen in labels:
        st.caption(f"Measured: {labels[chosen]}")
    left, right = st.columns(2)
    left.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], step=1, key=keys.N, on_change=keys.mark_custom)
    right.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], step=1, key=keys.D, on_change=keys.mark_custom)
    st.number_input(
        "s (output scale)", S_RANGE[0], S_RANGE[1], step=0.01, format="%.4f", key=keys.S, on_change=keys.mark_custom
    )
    st.number_input("seed", SEED_RANGE[0], SEED_RANGE[1], step=1, key=keys.SEED, on_change=keys.mark_custom)
    st.button("Random seed", icon=":material/casino:", on_click=keys.random_seed, width="stretch")
    left, right = st.columns(2)
    left.number_input(
        "Iterations",
        1_000,
        100_000_000,
        step=100_000,
        key=keys.STEPS,
        help="Points drawn after the transient. Very large counts are capped by MLSTUDIO_MAX_ITERATIONS.",
    )
    right.number_input(
        "Transient",
        0,
        1_000_000,
        step=1_000,
        key=keys.TRANSIENT,
        help="Steps thrown away first, so the picture shows the attractor, not the approach.",
    )
    view = st.radio("View", list(keys.VIEWS), format_func=keys.VIEWS.__getitem__, key=keys.VIEW)
    n = int(st.session_state[keys.N])
    choice: dict = {"view": view}
    if view == "delay":
        choice["lag"] = st.number_input("Delay (steps)", 1, 256, value=1, key="attr.lag")
    else:
        cols = st.columns(3 if view == "3d" else 2)
        with cols[0]:
            choice["x"] = _neuron_picker("Horizontal", "attr.nx", n, 0)
        with cols[1]:
            choice["y"] = _neuron_picker("Vertical", "attr.ny", n, 1)
        if view == "3d":
            with cols[2]:
                choice["z"] = _neuron_picker("Depth", "attr.nz", n, 2)
    choice["scheme"] = st.selectbox("Colours", list(SCHEMES), format_func=SCHEMES.__getitem__, key="attr.scheme")
    choice["rendering"] = st.radio(
        "Rendering",
        RENDERINGS,
        key="attr.rendering",
        help=f"Auto: Plotly (zoom, hover) up to {PLOTLY_AUTO_MAX:,} points, a datashader density raster above.",
    )
    choice["spectrum_steps"] = st.select_slider(
        "Spectrum steps", SPECTRUM_STEPS, value=20_000, key="attr.spectrum_steps"
    )
    return choice


def _columns_for(choice: dict) -> tuple[str, ...]:
    if choice["view"] == "delay":
        return ("y0",)
    if choice["view"] == "3d":
        return (choice["x"], choice["y"], choice["z"])
    return (choice["x"], choice["y"])


def _plane(data: np.ndarray, choice: dict) -> tuple[np.ndarray, np.ndarray, str, str]:
    if choice["view"] == "delay":
        lag = int(choice["lag"])
        x, y = plane(data, lag)
        return x, y, "y0(t)", f"y0(t+{lag})"
    x, y = plane(data)
    return x, y, choice["x"], choice["y"]


def _thin(count: int, limit: int) -> int:
    return max(1, int(np.ceil(count / limit)))


def render_explore(settings: Settings) -> None:
    with st.spinner("Measuring the presets (the first visit also compiles the engine)..."):
        labels = dynamics_resources.preset_labels()
    controls, picture, numbers = st.columns([1.0, 2.2, 1.5], gap="medium")
    with controls:
        choice = _controls(labels)
    try:
        params = keys.current_params()
    except ParameterError as exc:
        picture.error(f"{exc} Change the value in the controls on the left.")
        return
    keys.write_url(params, choice["view"])
    steps = int(st.session_state[keys.STEPS])
    transient = int(st.session_state[keys.TRANSIENT])
    columns = _columns_for(choice)
    if len(columns) > 1 and len(set(columns)) < len(columns):
        picture.warning("Pick different neurons for the axes (the same neuron twice draws a straight line).")
    with picture:
        _picture(params, steps, transient, columns, choice, settings)
    with numbers:
        _numbers(params, transient, choice)


def _picture(
    params: NetworkParams, steps: int, transient: int, columns: tuple[str, ...], choice: dict, settings: Settings
) -> None:
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
    scheme = choice["scheme"]
    rendering = choice["rendering"]
    if choice["view"] == "3d":
        stride = _thin(traj.steps, PLOTLY_3D_MAX)
        data = traj.data[::stride]
        if stride > 1:
            st.info(
                f"3-D view: every {stride}th point is drawn ({data.shape[0]:,} of {traj.steps:,}); "
                "switch to a 2-D view for a density picture of all points."
            )
        colour = colour_values(data[:, 0], data[:, 1], scheme)
        st.plotly_chart(
            figures.trajectory_3d(data[:, 0], data[:, 1], data[:, 2], colour, scheme, columns), key="attr.fig3d"
        )
        x, y, xl, yl = traj.data[:, 0], traj.data[:, 1], columns[0], columns[1]  # exports: every point
    else:
        x, y, xl, yl = _plane(traj.data, choice)
        auto_big = rendering == "Auto" and x.size > PLOTLY_AUTO_MAX
        if rendering == "Density (datashader)" or auto_big:
            lag = int(choice.get("lag", 0)) if choice["view"] == "delay" else 0
            with st.spinner(f"Rasterizing {x.size:,} points..."):
                image = dynamics_resources.density(
                    params.n,
                    params.d,
                    params.s,
                    params.seed,
                    steps,
                    transient,
                    columns,
                    settings.mlstudio_max_iterations,
                    scheme,
                    lag,
                    800,
                )
            caption = f"{x.size:,} points, density raster ({SCHEMES[scheme]})."
            st.image(image, width="stretch", caption=caption)
        else:
            stride = _thin(x.size, PLOTLY_MAX)
            if stride > 1:
                st.info(
                    f"Plotly draws every {stride}th point ({x.size // stride:,} of {x.size:,}); "
                    "the density rendering shows all of them."
                )
            xs, ys = x[::stride], y[::stride]
            mode = "lines" if rendering == "Line (Plotly)" else "markers"
            colour = None if scheme == "density" else colour_values(xs, ys, scheme)
            if scheme == "density" and mode == "markers":
                st.caption("Density colouring needs the raster; points are coloured by the article's scheme.")
                colour = colour_values(xs, ys, "article")
            shown = scheme if scheme != "density" else "article"
            st.plotly_chart(figures.trajectory_2d(xs, ys, colour, shown, mode, xl, yl), key="attr.fig2d")
    _exports(params, traj, x, y, choice, transient)
    _dimension(params, x, y, choice)


def _exports(params: NetworkParams, traj, x: np.ndarray, y: np.ndarray, choice: dict, transient: int) -> None:
    stem = f"attractor_N{params.n}_D{params.d}_s{params.s:g}_seed{params.seed}"
    scheme = choice["scheme"]
    left, right = st.columns(2)

    def make_png() -> bytes:
        from core.dynamics.render import density_image

        return png_bytes(density_image(x, y, scheme, 1600, 1600))

    rows = min(traj.steps, CSV_MAX_ROWS)

    def make_csv() -> str:
        return csv_text(traj.columns, traj.data[:rows], first_step=transient + 1)

    left.download_button(
        "PNG (1600 × 1600)",
        make_png,
        file_name=f"{stem}.png",
        mime="image/png",
        icon=":material/image:",
        width="stretch",
        on_click="ignore",
    )
    right.download_button(
        "CSV of the trajectory",
        make_csv,
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/table:",
        width="stretch",
        on_click="ignore",
    )
    if traj.steps > CSV_MAX_ROWS:
        st.caption(f"The CSV holds the first {CSV_MAX_ROWS:,} of {traj.steps:,} steps.")


def _dimension(params: NetworkParams, x: np.ndarray, y: np.ndarray, choice: dict) -> None:
    key = f"attr.cd:{params}:{choice['view']}:{x.size}"
    if st.button(
        "Measure the correlation dimension",
        icon=":material/straighten:",
        help="Grassberger-Procaccia on the drawn coordinates, up to 4,000 points, with a kd-tree.",
    ):
        from core.dynamics.dimension import correlation_dimension

        try:
            st.session_state[key] = correlation_dimension(np.c_[x, y])
        except ParameterError as exc:
            st.warning(f"{exc} Increase the iterations.")
    result = st.session_state.get(key)
    if result is not None:
        st.write(
            f"Correlation dimension of the drawn picture: **{result.dimension:.3f}** "
            f"(slope of log C(r) between r = {result.fit_lo:.2g} and {result.fit_hi:.2g}, "
            f"{result.points:,} points)."
        )


def _numbers(params: NetworkParams, transient: int, choice: dict) -> None:
    spectrum_steps = int(choice["spectrum_steps"])
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
            st.error(f"{exc}")
            return
    spectrum = analysis.spectrum
    label = analysis.classification
    st.markdown(f"#### {label.label.capitalize()}")
    st.caption(f"Because {label.reason}.")
    lam, se = spectrum.exponents, spectrum.stderr
    st.metric("λ1 (nats/step)", f"{lam[0]:+.4f}", help=f"± {se[0]:.4f} (standard error over 20 blocks)")
    rows = [f"| λ{i + 1} | {lam[i]:+.4f} ± {se[i]:.4f} | {spectrum.bits[i]:+.4f} |" for i in range(min(3, lam.size))]
    st.markdown(
        "\n".join(["| | nats/step | bits/step |", "|---|---|---|", *rows])
        + f"\n\nKaplan–Yorke dimension **{spectrum.kaplan_yorke:.2f}**"
    )
    which = f"all {lam.size} exponents" if lam.size == params.d else f"the {lam.size} largest of {params.d}"
    st.caption(
        f"λ1 = {lam[0]:+.5f} ± {se[0]:.5f} nats/step from {spectrum.steps:,} steps (QR on the exact Jacobian, {which})."
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
    st.plotly_chart(figures.spectrum_bars(spectrum), key="attr.spectrum")
    st.plotly_chart(figures.convergence(spectrum), key="attr.trace")
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
