"""The map: colouring and the suspects filter, the numbers above the plot, and the selectable scatter."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from components.embeddings import state as keys
from components.embeddings.analysis import Analysis
from components.embeddings.datasets import OpenDataset
from components.embeddings.scatter import scatter_figure
from components.embeddings.state import EmbeddingsState, seed, set_view
from components.shared.memo import memo_value, session_memo
from core.embeddings.explore import MapEntry, PlotRows, event_signature, passage_notes, plot_rows, selected_ids
from core.embeddings.projections import METHOD_LABELS, neighbours_kept_per_point
from core.embeddings.suspicion import Suspicion
from core.embeddings.view import COLOR_CHOICES, COLOR_LABELS, ColorBy, Method


@dataclass(frozen=True)
class MapStyle:
    color: ColorBy
    only_suspects: bool


def map_controls(state: EmbeddingsState, suspicion: Suspicion) -> MapStyle:
    controls = st.columns([5, 2, 1])  # four colourings side by side, not cut
    seed(keys.COLOR, state.view.color)
    seed(keys.ONLY_SUSPECTS, state.view.only_suspects)
    color = controls[0].segmented_control(
        "Colour by",
        list(COLOR_CHOICES),
        format_func=COLOR_LABELS.__getitem__,
        help="Prediction: what a model trained on the embeddings says, without having seen the sample's own label "
        f"({suspicion.prediction_source}). Ringed points: the prediction differs from the label. Neighbours kept: "
        "how many of a sample's 10 nearest neighbours in the embedding are also its neighbours on the map "
        "(red: distances around it mislead).",
        key=keys.COLOR,
        required=True,
    )
    color = color or state.view.color  # required=True: never None
    only_suspects = bool(controls[1].toggle("Show only suspects", key=keys.ONLY_SUSPECTS))
    set_view(state, color=color, only_suspects=only_suspects)
    return MapStyle(color, only_suspects)


def map_rows(data: OpenDataset, analysis: Analysis, entry: MapEntry, style: MapStyle) -> PlotRows:
    kept = _neighbours_kept(data, analysis, entry) if style.color == "kept" else None
    return plot_rows(
        data.samples,
        analysis.suspicion,
        entry.xy,
        only_suspects=style.only_suspects,
        notes=passage_notes(data.passages),
        kept=kept,
    )


def _neighbours_kept(data: OpenDataset, analysis: Analysis, entry: MapEntry) -> np.ndarray:
    """Per sample (aligned with data.samples): the share of its neighbours the map keeps; NaN off the map."""
    paths = data.samples.filepaths
    on_map = np.array([path in entry.xy for path in paths], dtype=bool)

    def compute() -> np.ndarray:
        kept = np.full(len(paths), np.nan, dtype=np.float32)
        if on_map.sum() > 2:
            xy = np.array([entry.xy[path] for path, shown in zip(paths, on_map, strict=True) if shown])
            with st.spinner("Measuring how well the map keeps each sample's neighbours...", show_time=True):
                kept[on_map] = neighbours_kept_per_point(analysis.vectors[on_map], xy)
        return kept

    return session_memo(keys.KEPT_MEMO, (data.name, entry.brain_key, len(paths), int(on_map.sum())), compute)


def map_summary(rows: PlotRows, suspicion: Suspicion, entry: MapEntry, method: Method) -> None:
    """Samples on the map, suspects, and how far to trust the picture."""
    quality = entry.quality
    metrics = st.columns(4)
    metrics[0].metric("Samples on the map", f"{len(rows):,}")
    metrics[1].metric("Suspected label errors", f"{int(suspicion.suspects.sum()):,}", help=suspicion.cleanlab_note)
    if quality is not None:
        metrics[2].metric(
            "Trustworthiness",
            f"{quality.trustworthiness:.3f}",
            help=f"sklearn trustworthiness (k={quality.neighbors}): 1.0 means every neighbour in the plot "
            "is a real neighbour.",
        )
        metrics[3].metric(
            "Neighbours kept",
            f"{quality.knn_preservation:.0%}",
            help=f"Share of each sample's {quality.neighbors} nearest neighbours that stay its neighbours in 2-D.",
        )
        st.caption(f"Projection quality ({METHOD_LABELS[method]}, {quality.sample_size:,} samples): {quality.verdict}.")
    if rows.missing:
        st.caption(
            f"{rows.missing} samples were added after this projection was computed; press Compute to include them."
        )


def _take_selection(state: EmbeddingsState, selection: object, rows: PlotRows) -> bool:
    """Resolve a Plotly selection event to sample ids (server-side), once per event; True if it selected any."""
    event = dict(selection or {})  # type: ignore[call-overload]
    signature = event_signature(event)
    if memo_value(keys.EVENT_MEMO, signature) is not None:
        return False
    chosen = session_memo(keys.EVENT_MEMO, signature, lambda: selected_ids(event, rows))
    if chosen:
        state.selected = chosen
    return bool(chosen)


def selectable_scatter(state: EmbeddingsState, rows: PlotRows, color: ColorBy) -> None:
    """The scatter; a lasso, box or click replaces the selection (state.selected)."""
    # The chart's last event is already in the session state: resolve it before drawing, so the map and the
    # thumbnails show the new selection in this same run.
    previous = st.session_state.get(keys.CHART)
    if previous is not None:
        _take_selection(state, previous.get("selection"), rows)
    event = st.plotly_chart(
        scatter_figure(rows, color, state.selected),
        key=keys.CHART,
        on_select="rerun",
        selection_mode=("lasso", "box", "points"),
        config={"displaylogo": False, "scrollZoom": True},
    )
    if event is not None and _take_selection(state, event.selection, rows):
        st.rerun()
