"""The map: colouring and the suspects filter, the numbers above the plot, and the selectable scatter."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.embeddings import state as keys
from components.embeddings.datasets import OpenDataset
from components.embeddings.scatter import scatter_figure
from components.embeddings.state import EmbeddingsState, seed, set_view
from components.shared.memo import memo_value, session_memo
from core.embeddings.explore import MapEntry, PlotRows, event_signature, passage_notes, plot_rows, selected_ids
from core.embeddings.projections import METHOD_LABELS
from core.embeddings.suspicion import Suspicion
from core.embeddings.view import COLOR_CHOICES, COLOR_LABELS, ColorBy, Method


@dataclass(frozen=True)
class MapStyle:
    color: ColorBy
    only_suspects: bool


def map_controls(state: EmbeddingsState, suspicion: Suspicion) -> MapStyle:
    controls = st.columns([3, 2, 2])
    seed(keys.COLOR, state.view.color)
    seed(keys.ONLY_SUSPECTS, state.view.only_suspects)
    color = controls[0].segmented_control(
        "Colour by",
        list(COLOR_CHOICES),
        format_func=COLOR_LABELS.__getitem__,
        help="Prediction: what a model trained on the embeddings says, without having seen the sample's own label "
        f"({suspicion.prediction_source}). Ringed points: the prediction differs from the label.",
        key=keys.COLOR,
        required=True,
    )
    color = color or state.view.color  # required=True: never None
    only_suspects = bool(controls[1].toggle("Show only suspects", key=keys.ONLY_SUSPECTS))
    set_view(state, color=color, only_suspects=only_suspects)
    return MapStyle(color, only_suspects)


def map_rows(data: OpenDataset, suspicion: Suspicion, entry: MapEntry, style: MapStyle) -> PlotRows:
    return plot_rows(
        data.samples, suspicion, entry.xy, only_suspects=style.only_suspects, notes=passage_notes(data.passages)
    )


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
