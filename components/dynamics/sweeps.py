"""The Search and Maps sections: batched sweeps with progress, stop, and a way back to Explore."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components.dynamics import figures as figures
from components.dynamics import state as keys
from core.dynamics.classify import AttractorClass
from core.dynamics.network import D_RANGE, N_RANGE, S_RANGE, SEED_RANGE, ParameterError
from core.dynamics.search import MAX_CELLS, ScanSettings, iter_bifurcation, iter_lyapunov_map, iter_search

SEARCH_ROWS = "attr.search_rows"
SEARCH_DONE = "attr.search_done"
MAP = "attr.map"
BIF = "attr.bifurcation"


def _stop_button(key: str):
    """A Stop button shown while a sweep runs; returns its slot, to be emptied when the sweep ends.

    Any click while a sweep runs makes Streamlit stop the script at its next element; what was finished
    is already in session state, so it stays on screen."""
    slot = st.empty()
    slot.button("Stop", key=key, icon=":material/stop_circle:")
    return slot


def render_search() -> None:
    st.write(
        "Sample random seeds and values of s for a fixed N and D, measure each network in batch "
        "(two largest exponents, period, coverage) and keep those of the classes you want."
    )
    c1, c2, c3 = st.columns(3)
    n = c1.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], value=4, key="attr.search_n")
    d = c2.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], value=16, key="attr.search_d")
    samples = c3.number_input("Samples", 10, MAX_CELLS, value=500, step=100, key="attr.search_samples")
    c1, c2, c3 = st.columns(3)
    s_range = c1.slider("s range", S_RANGE[0], S_RANGE[1], (0.5, 1.5), step=0.01, key="attr.search_s")
    coverage = c2.slider(
        "Minimum coverage",
        0.0,
        1.0,
        0.03,
        step=0.01,
        key="attr.search_cover",
        help="Fraction of a 32 × 32 grid over the (x1, x2) square that the attractor visits.",
    )
    search_seed = c3.number_input("Search seed", 0, SEED_RANGE[1], value=0, key="attr.search_seed")
    classes = st.multiselect(
        "Classes", list(AttractorClass), default=[AttractorClass.CHAOTIC], format_func=str, key="attr.search_classes"
    )
    steps = st.select_slider("Steps per network", [1_000, 3_000, 10_000, 20_000], value=3_000, key="attr.search_steps")
    if st.button("Search", type="primary", icon=":material/search:", key="attr.search_go"):
        if not classes:
            st.warning("Choose at least one class to look for.")
        else:
            _run_search(int(n), int(d), s_range, int(samples), classes, coverage, int(search_seed), int(steps))
    rows = st.session_state.get(SEARCH_ROWS)
    if rows is None:
        return
    done = st.session_state.get(SEARCH_DONE, 1.0)
    note = "" if done >= 1.0 else f" (stopped after {done:.0%} of the samples)"
    st.write(f"**{len(rows)} match(es)**{note}. Select a row to open it in Explore.")
    if not rows:
        return
    table = pd.DataFrame(
        {
            "s": [r.params.s for r in rows],
            "seed": [r.params.seed for r in rows],
            "class": [r.classification.label for r in rows],
            "λ1": [r.lambda1 for r in rows],
            "λ2": [r.lambda2 for r in rows],
            "coverage": [r.coverage for r in rows],
        }
    )
    event = st.dataframe(
        table,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="attr.search_table",
        column_config={
            "λ1": st.column_config.NumberColumn(format="%.4f"),
            "λ2": st.column_config.NumberColumn(format="%.4f"),
            "coverage": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    selected = event.selection.rows if event is not None else []
    if selected:
        chosen = rows[selected[0]]
        st.button(
            f"Open s = {chosen.params.s}, seed = {chosen.params.seed} in Explore",
            type="primary",
            on_click=keys.open_attractor,
            args=(chosen.params,),
            key="attr.search_open",
        )


def _sweep(iterate: Callable[[], Iterator[tuple[float, Any]]], state_key: str, verb: str, stop_key: str) -> None:
    """Run a sweep with a progress bar and a Stop button, keeping each snapshot in session state."""
    bar = st.progress(0.0, text=f"{verb}...")
    stop = _stop_button(stop_key)
    try:
        for fraction, snapshot in iterate():
            st.session_state[state_key] = snapshot
            bar.progress(fraction, text=f"{verb}... {fraction:.0%}")
    except ParameterError as exc:
        st.error(f"{exc}")
    bar.empty()
    stop.empty()


def _run_search(
    n: int,
    d: int,
    s_range: tuple[float, float],
    samples: int,
    classes: list,
    coverage: float,
    search_seed: int,
    steps: int,
) -> None:
    bar = st.progress(0.0, text="Searching...")
    stop = _stop_button("attr.search_stop")
    st.session_state[SEARCH_ROWS] = []
    st.session_state[SEARCH_DONE] = 0.0
    try:
        for fraction, rows in iter_search(
            n,
            d,
            s_range,
            samples,
            classes,
            coverage,
            search_seed,
            ScanSettings(steps=steps, transient=1_000),
            chunk=128,
        ):
            st.session_state[SEARCH_ROWS] = rows
            st.session_state[SEARCH_DONE] = fraction
            bar.progress(fraction, text=f"Searching... {fraction:.0%}, {len(rows)} found")
    except ParameterError as exc:
        st.error(f"{exc}")
    bar.empty()
    stop.empty()


def render_maps() -> None:
    kind = st.radio(
        "Map",
        ["λ1 over (s, seed)", "λ1 over (s, N)", "Bifurcation diagram over s"],
        horizontal=True,
        key="attr.map_kind",
    )
    if kind.startswith("Bifurcation"):
        _bifurcation()
    else:
        _lyapunov_map("seed" if "seed" in kind else "N")


def _lyapunov_map(row_kind: str) -> None:
    c1, c2, c3, c4 = st.columns(4)
    d = c1.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], value=16, key="attr.map_d")
    if row_kind == "seed":
        n = c2.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], value=4, key="attr.map_n")
        first = c3.number_input("First seed", 0, SEED_RANGE[1] - 100, value=0, key="attr.map_seed0")
        count = c4.number_input("Seeds", 1, 100, value=40, key="attr.map_rows")
        rows = list(range(int(first), int(first) + int(count)))
        seed = 0
    else:
        n = 0
        seed = c2.number_input("seed", 0, SEED_RANGE[1], value=174658140, key="attr.map_fixed_seed")
        lo, hi = c3.slider("N from / to", N_RANGE[0], 32, (1, 16), key="attr.map_nrange")
        rows = list(range(int(lo), int(hi) + 1))
        c4.caption(f"{len(rows)} rows")
    c1, c2, c3 = st.columns(3)
    s_lo, s_hi = c1.slider("s range", S_RANGE[0], S_RANGE[1], (0.1, 2.0), step=0.01, key="attr.map_s")
    s_count = c2.number_input("s values", 2, 100, value=40, key="attr.map_cols")
    steps = c3.select_slider("Steps per cell", [500, 1_000, 2_000, 5_000], value=1_000, key="attr.map_steps")
    st.caption(
        f"{len(rows) * int(s_count):,} networks; each cell is the largest exponent after a 500-step "
        "transient. Click a cell to open that attractor in Explore (hover to read λ1)."
    )
    if st.button("Compute map", type="primary", icon=":material/grid_on:", key="attr.map_go"):
        s_values = np.round(np.linspace(s_lo, s_hi, int(s_count)), 4)
        _sweep(
            lambda: iter_lyapunov_map(
                s_values,
                rows,
                row_kind,
                int(n),
                int(d),
                int(seed),
                ScanSettings(steps=int(steps), transient=500),
                chunk=200,
            ),
            MAP,
            "Mapping",
            "attr.map_stop",
        )
    result = st.session_state.get(MAP)
    if result is None:
        return
    if not result.complete:
        st.caption("The map was stopped; blank cells were not computed.")
    st.plotly_chart(
        figures.lyapunov_heatmap(result), on_select=_open_clicked_cell, selection_mode="points", key="attr.map_chart"
    )


def _open_clicked_cell() -> None:
    """on_select of the map: a click on a cell opens that attractor in Explore."""
    event = st.session_state.get("attr.map_chart")
    result = st.session_state.get(MAP)
    points = event.selection.points if event is not None else []
    if not points or result is None or "x" not in points[0] or "y" not in points[0]:
        return
    # y is the row index, x the cell's s value (customdata comes back as a dict, so it is not relied on)
    i = round(float(points[0]["y"]))
    j = int(np.argmin(np.abs(result.s_values - float(points[0]["x"]))))
    if 0 <= i < result.lambda1.shape[0]:
        keys.open_attractor(result.params_at(i, j))


def _bifurcation() -> None:
    c1, c2, c3, c4 = st.columns(4)
    n = c1.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], value=4, key="attr.bif_n")
    d = c2.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], value=16, key="attr.bif_d")
    seed = c3.number_input("seed", 0, SEED_RANGE[1], value=174658140, key="attr.bif_seed")
    options = [f"x{i}" for i in range(1, int(n) + 1)] + ["y0"]
    quantity = c4.selectbox("Quantity", options, key="attr.bif_q")
    c1, c2, c3 = st.columns(3)
    s_lo, s_hi = c1.slider("s range", S_RANGE[0], S_RANGE[1], (0.1, 2.0), step=0.01, key="attr.bif_s")
    s_count = c2.number_input("s values", 10, 2_000, value=400, step=50, key="attr.bif_cols")
    keep = c3.number_input("Points kept per s", 10, 1_000, value=150, step=10, key="attr.bif_keep")
    if st.button("Compute diagram", type="primary", icon=":material/ssid_chart:", key="attr.bif_go"):
        neuron = options.index(quantity) if quantity != "y0" else int(n)
        s_values = np.linspace(s_lo, s_hi, int(s_count))
        _sweep(
            lambda: iter_bifurcation(int(n), int(d), int(seed), s_values, 2_000, int(keep), neuron),
            BIF,
            "Iterating",
            "attr.bif_stop",
        )
    result = st.session_state.get(BIF)
    if result is not None:
        if not result.complete:
            st.caption("Stopped early: the right part of the diagram was not computed.")
        st.plotly_chart(figures.bifurcation_plot(result), key="attr.bif_chart")
