"""The selectable WebGL scatter of a projection: colour by ground truth, prediction or suspicion; every point carries
its FiftyOne sample id in `customdata` (Plotly's point indices are per trace)."""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np
import plotly.graph_objects as go

from core.embeddings.explore import PlotRows

PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
]
# low suspicion must stay visible on white (YlOrRd starts at a pale yellow): a light blue, then warm to dark red
SUSPICION_SCALE = [[0.0, "#9ecae1"], [0.35, "#fdd0a2"], [0.6, "#fd8d3c"], [0.8, "#d94801"], [1.0, "#7f2704"]]
KEPT_SCALE = [[0.0, "#b2182b"], [0.3, "#ef8a62"], [0.6, "#d1e5f0"], [1.0, "#2166ac"]]  # red: misleading
UNSELECTED_OPACITY = 0.12
LEGEND_TITLES = {"label": "label", "prediction": "model says"}
HOVER = (
    "sample %{customdata[0]}<br>label %{customdata[1]}<br>neighbours say %{customdata[2]}<br>"
    "model says %{customdata[4]}<br>suspicion %{customdata[3]:.2f}%{customdata[5]}<extra></extra>"
)


def natural_key(label: str) -> list[int | str]:
    """Sort "2 · x" before "10 · y" and "cat" before "dog": digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", label)]


def _points(rows: PlotRows, index: np.ndarray, name: str, marker: dict) -> go.Scattergl:
    """A WebGL marker trace of `rows[index]` carrying the global sample ids for selection."""
    return go.Scattergl(
        x=rows.xy[index, 0],
        y=rows.xy[index, 1],
        mode="markers",
        name=name,
        customdata=_custom(rows, index),
        hovertemplate=HOVER,
        marker=marker,
    )


def _custom(rows: PlotRows, index: np.ndarray) -> np.ndarray:
    return np.array(
        [
            [
                rows.ids[i],
                rows.labels[i],
                rows.proposed[i],
                float(rows.score[i]),
                rows.predicted[i],
                f"<br>{rows.notes[i]}" if rows.notes[i] else "",
            ]
            for i in index
        ],
        dtype=object,
    ).reshape(-1, 6)


def scatter_figure(rows: PlotRows, color_by: str, selected: Collection[str] = (), height: int = 560) -> go.Figure:
    figure = go.Figure()
    marker_size = 6 if len(rows) < 5_000 else 4
    if color_by == "suspicion":
        index = np.argsort(rows.score, kind="stable")  # suspects drawn last, on top
        figure.add_trace(
            _points(
                rows,
                index,
                "samples",
                {
                    "size": marker_size,
                    "color": rows.score[index],
                    "colorscale": SUSPICION_SCALE,
                    "cmin": 0,
                    "cmax": 1,
                    "colorbar": {"title": {"text": "suspicion"}},
                    "line": {"width": 0},
                },
            )
        )
    elif color_by == "kept" and rows.kept is not None:
        measured = np.flatnonzero(~np.isnan(rows.kept))
        unmeasured = np.flatnonzero(np.isnan(rows.kept))
        if len(unmeasured):
            figure.add_trace(_points(rows, unmeasured, "not measured", {"size": marker_size, "color": "#d9d9d9"}))
        index = measured[np.argsort(-rows.kept[measured], kind="stable")]  # the misleading ones drawn last
        figure.add_trace(
            _points(
                rows,
                index,
                "samples",
                {
                    "size": marker_size,
                    "color": rows.kept[index],
                    "colorscale": KEPT_SCALE,
                    "cmin": 0,
                    "cmax": 1,
                    "colorbar": {"title": {"text": "neighbours kept"}, "tickformat": ".0%"},
                    "line": {"width": 0},
                },
            )
        )
    else:
        # one colour per class in both views, so "Ground truth" and "Prediction" can be compared
        classes = sorted(set(rows.labels) | set(rows.predicted), key=natural_key)
        shown = rows.predicted if color_by == "prediction" else rows.labels
        label_array = np.asarray(shown, dtype=object)
        for number, label in enumerate(classes):
            index = np.flatnonzero(label_array == label)
            if len(index):
                figure.add_trace(
                    _points(
                        rows,
                        index,
                        str(label),
                        {"size": marker_size, "color": PALETTE[number % len(PALETTE)], "opacity": 0.85},
                    )
                )
        if color_by == "prediction":
            ringed = np.flatnonzero(np.asarray(rows.predicted, dtype=object) != np.asarray(rows.labels, dtype=object))
            ring_name = "model ≠ label"
        else:
            ringed = np.flatnonzero(rows.suspect)
            ring_name = "suspect"
        if len(ringed):
            figure.add_trace(
                _points(
                    rows,
                    ringed,
                    ring_name,
                    {
                        "size": marker_size + 6,
                        "color": "rgba(0,0,0,0)",
                        "line": {"width": 1.5, "color": "#111111"},
                    },
                )
            )
    if selected:
        _dim_all_but(figure, set(selected))
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        dragmode="lasso",
        uirevision="emb",
        legend={"title": {"text": LEGEND_TITLES.get(color_by, "")}, "itemsizing": "constant"},
        xaxis={"showticklabels": False, "title": None},
        yaxis={"showticklabels": False, "title": None},
    )
    return figure


def _dim_all_but(figure: go.Figure, chosen: set[str]) -> None:
    """Show the selection as the points themselves, the rest dimmed (not marks drawn over the cluster)."""
    for trace in figure.data:
        ids = [row[0] for row in trace.customdata]
        trace.selectedpoints = [i for i, sid in enumerate(ids) if sid in chosen]
        trace.unselected = {"marker": {"opacity": UNSELECTED_OPACITY}}
