"""The Search and Maps sections: batched sweeps with progress, stop, and a way back to Explore.

Each form starts from (and returns) its values in the tool's state, so leaving a section and coming
back keeps what was typed; what a sweep finished is kept in the state too, chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import numpy as np
import pandas as pd
import streamlit as st

from components.dynamics import figures as figures
from components.dynamics import resources as dynamics_resources
from components.dynamics import state as keys
from components.dynamics.state import (
    AttractorState,
    BifurcationForm,
    MapForm,
    MapKind,
    SearchForm,
    SearchResult,
)
from components.shared.text import markdown_text
from core.dynamics.classify import DEFAULT_STEPS, AttractorClass
from core.dynamics.network import D_RANGE, N_RANGE, S_RANGE, SEED_RANGE, ParameterError
from core.dynamics.search import (
    MAX_CELLS,
    SPROTT_BAND,
    ScanRow,
    ScanSettings,
    iter_bifurcation,
    iter_lyapunov_map,
    iter_search,
    sprott_order,
)


class _Sweep:
    """A progress bar and a Stop button while a sweep runs (both removed when it ends).

    Any click while a sweep runs makes Streamlit stop the script at its next element; what was finished
    is already in the state, so it stays on screen."""

    def __init__(self, verb: str, stop_key: str) -> None:
        self.verb = verb
        self.bar = st.progress(0.0, text=f"{verb}...")
        self.stop = st.empty()
        self.stop.button("Stop", key=stop_key, icon=":material/stop_circle:")

    def progress(self, fraction: float, detail: str = "") -> None:
        self.bar.progress(fraction, text=f"{self.verb}... {fraction:.0%}{detail}")

    def end(self) -> None:
        self.bar.empty()
        self.stop.empty()


def _range(slot: Any, label: str, low: float, high: float, key: str, **options: Any) -> tuple[float, float]:
    """A range slider whose value (a pair) comes from session state."""
    low_value, high_value = cast("tuple[float, float]", slot.slider(label, low, high, key=key, **options))
    return float(low_value), float(high_value)


def search_form(form: SearchForm) -> tuple[SearchForm, bool]:
    """The search's settings, and whether Search was pressed."""
    keys.seed_widgets(
        {
            keys.SEARCH_N: form.n,
            keys.SEARCH_D: form.d,
            keys.SEARCH_SAMPLES: form.samples,
            keys.SEARCH_S: form.s_range,
            keys.SEARCH_COVER: form.coverage,
            keys.SEARCH_SEED: form.search_seed,
            keys.SEARCH_CLASSES: list(form.classes),
            keys.SEARCH_STEPS: form.steps,
        }
    )
    st.write(
        "Sample random seeds and values of s for a fixed N and D, screen each network in batch "
        "(two largest exponents, period, coverage) and keep those of the classes you want. Each match "
        f"is then measured again as Explore does ({DEFAULT_STEPS:,} steps), so its class and exponents "
        "here are the ones Explore shows."
    )
    c1, c2, c3 = st.columns(3)
    n = c1.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], key=keys.SEARCH_N)
    d = c2.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], key=keys.SEARCH_D)
    samples = c3.number_input("Samples", 10, MAX_CELLS, step=100, key=keys.SEARCH_SAMPLES)
    c1, c2, c3 = st.columns(3)
    s_range = _range(c1, "s range", S_RANGE[0], S_RANGE[1], keys.SEARCH_S, step=0.01)
    coverage = c2.slider(
        "Minimum coverage",
        0.0,
        1.0,
        step=0.01,
        key=keys.SEARCH_COVER,
        help="Fraction of a 32 × 32 grid over the (x1, x2) square that the attractor visits.",
    )
    search_seed = c3.number_input("Search seed", 0, SEED_RANGE[1], key=keys.SEARCH_SEED)
    classes = st.multiselect("Classes", list(AttractorClass), format_func=str, key=keys.SEARCH_CLASSES, wrap=True)
    steps = st.select_slider(
        "Screening steps per network",
        [1_000, 3_000, 10_000, 20_000],
        key=keys.SEARCH_STEPS,
        help="More steps screen more surely (fewer matches dropped when measured again), but take longer.",
    )
    chosen = SearchForm(int(n), int(d), int(samples), s_range, coverage, int(search_seed), tuple(classes), int(steps))
    return chosen, st.button("Search", type="primary", icon=":material/search:", key=keys.SEARCH_GO)


def search_section(state: AttractorState) -> None:
    state.search, go = search_form(state.search)
    if go:
        if state.search.classes:
            _run_search(state, state.search)
        else:
            st.warning("Choose at least one class to look for.")
    if state.search_result is not None:
        _search_results(state.search_result)


def _run_search(state: AttractorState, form: SearchForm) -> None:
    sweep = _Sweep("Searching", keys.SEARCH_STOP)
    state.search_result = result = SearchResult([], 0.0)
    try:
        for fraction, rows, screened in iter_search(
            form.n,
            form.d,
            form.s_range,
            form.samples,
            form.classes,
            form.coverage,
            form.search_seed,
            ScanSettings(steps=form.steps, transient=1_000),
            chunk=128,
        ):
            result.rows, result.done, result.screened = rows, fraction, screened
            sweep.progress(fraction, f", {len(rows)} found")
    except ParameterError as exc:
        st.error(markdown_text(str(exc)))
    sweep.end()


BY_LAMBDA, BY_SPROTT = "λ1, largest first", "Sprott's aesthetic criterion"
SPROTT_MAX = 200  # matches given a correlation dimension for the aesthetic order (the rest follow by λ1)
PICTURES_MAX = 100  # rows given a thumbnail (about 10 ms and 1.5 kB each)


def _search_results(result: SearchResult) -> None:
    rows = result.rows
    note = "" if result.done >= 1.0 else f" (stopped after {result.done:.0%} of the samples)"
    st.write(f"**{len(rows)} match(es)**{note}. Select a row to open it in Explore.")
    dropped = result.screened - len(rows)
    if dropped > 0:
        st.caption(
            f"{dropped} more passed the quick screen but measured as another class over "
            f"{DEFAULT_STEPS:,} steps, so they are not listed."
        )
    if not rows:
        return
    keys.seed_widgets({keys.SEARCH_ORDER: BY_LAMBDA})
    order = st.radio(
        "Order",
        [BY_LAMBDA, BY_SPROTT],
        horizontal=True,
        key=keys.SEARCH_ORDER,
        help="Sprott (1993) had 7,500 attractors rated by eye: the most liked had a small positive λ1 and "
        f"a correlation dimension a little above 1. This order puts chaotic matches with a dimension of "
        f"{SPROTT_BAND[0]}–{SPROTT_BAND[1]} first, smallest λ1 first.",
    )
    dims: list[float] | None = None
    if order == BY_SPROTT:
        scored = rows[:SPROTT_MAX]
        with st.spinner(f"Measuring the correlation dimension of {len(scored)} pictures..."):
            dims = [dynamics_resources.plane_dimension(*_key(r)) for r in scored]
        ranked = sprott_order(scored, dims)
        rows = [scored[i] for i in ranked] + rows[SPROTT_MAX:]
        dims = [dims[i] for i in ranked] + [float("nan")] * (len(rows) - len(scored))
    with st.spinner("Drawing the pictures..."):
        pictures: list[str | None] = [dynamics_resources.thumbnail_url(*_key(r)) for r in rows[:PICTURES_MAX]]
    pictures += [None] * (len(rows) - len(pictures))
    if len(rows) > PICTURES_MAX:
        st.caption(f"Pictures for the first {PICTURES_MAX} rows of this order.")
    columns: dict[str, list[object]] = {
        "picture": list(pictures),
        "s": [r.params.s for r in rows],
        "seed": [r.params.seed for r in rows],
        "class": [r.classification.label for r in rows],
        "λ1": [r.lambda1 for r in rows],
        "λ2": [r.lambda2 for r in rows],
        "coverage": [r.coverage for r in rows],
    }
    if dims is not None:
        columns["dimension"] = list(dims)
    event = st.dataframe(
        pd.DataFrame(columns),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=keys.SEARCH_TABLE,
        row_height=68,
        column_config={
            "picture": st.column_config.ImageColumn(help="x1 against x2, 20,000 points"),
            "λ1": st.column_config.NumberColumn(format="%.4f"),
            "λ2": st.column_config.NumberColumn(format="%.4f"),
            "coverage": st.column_config.NumberColumn(format="%.3f"),
            "dimension": st.column_config.NumberColumn(
                format="%.2f", help="Correlation dimension of the (x1, x2) picture (2,000 points)"
            ),
        },
    )
    selected = event.selection.rows if event is not None else []
    if selected and selected[0] < len(rows):
        chosen = rows[selected[0]]
        st.button(
            f"Open s = {chosen.params.s}, seed = {chosen.params.seed} in Explore",
            type="primary",
            on_click=keys.open_attractor,
            args=(chosen.params,),
            key=keys.SEARCH_OPEN,
        )


def _key(row: ScanRow) -> tuple[int, int, float, int]:
    p = row.params
    return p.n, p.d, p.s, p.seed


def _sweep(iterate: Iterator[tuple[float, Any]], verb: str, stop_key: str) -> Iterator[Any]:
    """Each snapshot of a sweep, with a progress bar and a Stop button meanwhile."""
    sweep = _Sweep(verb, stop_key)
    try:
        for fraction, snapshot in iterate:
            yield snapshot
            sweep.progress(fraction)
    except ParameterError as exc:
        st.error(markdown_text(str(exc)))
    sweep.end()


def maps_section(state: AttractorState) -> None:
    keys.follow_network(state)
    keys.seed_widgets({keys.MAP_KIND: state.maps.kind})
    kind = st.radio("Map", list(MapKind), horizontal=True, key=keys.MAP_KIND) or state.maps.kind
    if kind is MapKind.BIFURCATION:
        _bifurcation(state)
    else:
        _lyapunov_map(state, kind)


def map_form(form: MapForm, kind: MapKind) -> tuple[MapForm, bool]:
    """The map's settings, and whether Compute map was pressed."""
    keys.seed_widgets(
        {
            keys.MAP_D: form.d,
            keys.MAP_N: form.n,
            keys.MAP_SEED0: form.first_seed,
            keys.MAP_ROWS: form.seeds,
            keys.MAP_FIXED_SEED: form.fixed_seed,
            keys.MAP_NRANGE: form.n_range,
            keys.MAP_S: form.s_range,
            keys.MAP_COLS: form.s_count,
            keys.MAP_STEPS: form.steps,
        }
    )
    c1, c2, c3, c4 = st.columns(4)
    d = c1.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], key=keys.MAP_D)
    n, first, count, seed, n_range = form.n, form.first_seed, form.seeds, form.fixed_seed, form.n_range
    if kind is MapKind.SEED_MAP:
        n = c2.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], key=keys.MAP_N)
        first = c3.number_input("First seed", 0, SEED_RANGE[1] - 100, key=keys.MAP_SEED0)
        count = c4.number_input("Seeds", 1, 100, key=keys.MAP_ROWS)
    else:
        seed = c2.number_input("seed", 0, SEED_RANGE[1], key=keys.MAP_FIXED_SEED)
        n_lo, n_hi = _range(c3, "N from / to", N_RANGE[0], 32, keys.MAP_NRANGE)
        n_range = (int(n_lo), int(n_hi))
        c4.caption(f"{n_range[1] - n_range[0] + 1} rows")
    c1, c2, c3 = st.columns(3)
    s_range = _range(c1, "s range", S_RANGE[0], S_RANGE[1], keys.MAP_S, step=0.01)
    s_count = c2.number_input("s values", 2, 100, key=keys.MAP_COLS)
    steps = c3.select_slider("Steps per cell", [500, 1_000, 2_000, 5_000], key=keys.MAP_STEPS)
    chosen = MapForm(
        kind,
        int(d),
        int(n),
        int(first),
        int(count),
        int(seed),
        n_range,
        s_range,
        int(s_count),
        int(steps),
    )
    st.caption(
        f"{len(chosen.row_values) * chosen.s_count:,} networks; each cell is the largest exponent after a 500-step "
        "transient; white is λ1 = 0, red chaos, blue contraction, each colour scaled to this map's own "
        "values (see the colour bar). Click a cell to open that attractor in Explore (hover to read λ1)."
    )
    return chosen, st.button("Compute map", type="primary", icon=":material/grid_on:", key=keys.MAP_GO)


def _lyapunov_map(state: AttractorState, kind: MapKind) -> None:
    form, go = map_form(state.maps, kind)
    state.maps = form
    if go:
        s_values = np.round(np.linspace(form.s_range[0], form.s_range[1], form.s_count), 4)
        row_kind = "seed" if kind is MapKind.SEED_MAP else "N"
        sweep = iter_lyapunov_map(
            s_values,
            form.row_values,
            row_kind,
            form.n if row_kind == "seed" else 0,
            form.d,
            form.fixed_seed if row_kind == "N" else 0,
            ScanSettings(steps=form.steps, transient=500),
            chunk=200,
        )
        for snapshot in _sweep(sweep, "Mapping", keys.MAP_STOP):
            state.lyapunov_map = snapshot
    result = state.lyapunov_map
    if result is None:
        return
    if not result.complete:
        st.caption("The map was stopped; blank cells were not computed.")
    st.plotly_chart(
        figures.lyapunov_heatmap(result), on_select=_open_clicked_cell, selection_mode="points", key=keys.MAP_CHART
    )


def _open_clicked_cell() -> None:
    """on_select of the map: a click on a cell opens that attractor in Explore."""
    event = st.session_state.get(keys.MAP_CHART)
    result = keys.stored_state().lyapunov_map
    points = event.selection.points if event is not None else []
    if not points or result is None or "x" not in points[0] or "y" not in points[0]:
        return
    # y is the row index, x the cell's s value (customdata comes back as a dict, so it is not relied on)
    i = round(float(points[0]["y"]))
    j = int(np.argmin(np.abs(result.s_values - float(points[0]["x"]))))
    if 0 <= i < result.lambda1.shape[0]:
        keys.open_attractor(result.params_at(i, j))


def bifurcation_form(form: BifurcationForm) -> tuple[BifurcationForm, bool]:
    """The diagram's settings, and whether Compute diagram was pressed."""
    keys.seed_widgets(
        {
            keys.BIF_N: form.n,
            keys.BIF_D: form.d,
            keys.BIF_SEED: form.seed,
            keys.BIF_S: form.s_range,
            keys.BIF_COLS: form.s_count,
            keys.BIF_KEEP: form.keep,
        }
    )
    c1, c2, c3, c4 = st.columns(4)
    n = int(c1.number_input("N (neurons)", N_RANGE[0], N_RANGE[1], key=keys.BIF_N))
    d = c2.number_input("D (inputs)", D_RANGE[0], D_RANGE[1], key=keys.BIF_D)
    seed = c3.number_input("seed", 0, SEED_RANGE[1], key=keys.BIF_SEED)
    options = [f"x{i}" for i in range(1, n + 1)] + ["y0"]
    keys.seed_widgets({keys.BIF_Q: form.quantity})
    if st.session_state[keys.BIF_Q] not in options:
        st.session_state[keys.BIF_Q] = options[0]
    quantity = c4.selectbox("Quantity", options, key=keys.BIF_Q)
    c1, c2, c3 = st.columns(3)
    s_range = _range(c1, "s range", S_RANGE[0], S_RANGE[1], keys.BIF_S, step=0.01)
    s_count = c2.number_input("s values", 10, 2_000, step=50, key=keys.BIF_COLS)
    keep = c3.number_input("Points kept per s", 10, 1_000, step=10, key=keys.BIF_KEEP)
    chosen = BifurcationForm(n, int(d), int(seed), str(quantity), s_range, int(s_count), int(keep))
    return chosen, st.button("Compute diagram", type="primary", icon=":material/ssid_chart:", key=keys.BIF_GO)


def _bifurcation(state: AttractorState) -> None:
    form, go = bifurcation_form(state.bifurcation_form)
    state.bifurcation_form = form
    if go:
        neuron = form.n if form.quantity == "y0" else int(form.quantity[1:]) - 1
        s_values = np.linspace(form.s_range[0], form.s_range[1], form.s_count)
        sweep = iter_bifurcation(form.n, form.d, form.seed, s_values, 2_000, form.keep, neuron)
        for snapshot in _sweep(sweep, "Iterating", keys.BIF_STOP):
            state.bifurcation = snapshot
    result = state.bifurcation
    if result is not None:
        if not result.complete:
            st.caption("Stopped early: the right part of the diagram was not computed.")
        current = state.explore.params
        same = (result.n, result.d, result.seed) == (current.n, current.d, current.seed)
        marked = current.s if same else None
        st.plotly_chart(figures.bifurcation_plot(result, marked), key=keys.BIF_CHART)
        where = f"; the dashed line is s = {current.s:g}, the network in Explore" if marked is not None else ""
        st.caption(f"N = {result.n}, D = {result.d}, seed = {result.seed}{where}.")
