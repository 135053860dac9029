"""Grad-CAM viewer pieces: top-5 table, the layers x methods grid, faithfulness table and curves,
the randomisation strip. They draw results; they compute nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.vision import render
from core.vision.grid import Cell, GridResult

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from core.vision.cam import Prediction
    from core.vision.faithfulness import RandomisationStep, ScoreTable


def top5(predictions: Sequence[Prediction]) -> None:
    st.dataframe(
        {
            "Class": [p.label for p in predictions],
            "Confidence": [p.probability for p in predictions],
        },
        column_config={
            "Confidence": st.column_config.ProgressColumn("Confidence", format="percent", min_value=0, max_value=1)
        },
        hide_index=True,
        width="stretch",
    )


@dataclass(frozen=True)
class Badge:
    label: str
    icon: str
    color: Literal["green", "red"]
    help: str


FAITHFUL_BADGES = {
    True: Badge("beats random", ":material/check:", "green", "Scored below: better than the random baseline"),
    False: Badge("not better than random", ":material/close:", "red", "Scored below: no better than random"),
}
SANITY_BADGES = {
    True: Badge("uses the weights", ":material/check:", "green", "Sanity check below: the map depends on them"),
    False: Badge("ignores the weights", ":material/close:", "red", "Sanity check below: same map on a random model"),
}


def grid(
    rgb: np.ndarray,
    result: GridResult,
    values: dict[Cell, np.ndarray],
    peaks: Mapping[Cell, float],
    display: render.Display,
    rows: Mapping[str, tuple[str, str]],
    badges: Mapping[Cell, Sequence[Badge]] | None = None,
) -> Cell | None:
    """Rows = layers (in execution order), columns = methods, then guided backprop and guided Grad-CAM.
    `rows`: layer -> (plain words, technical detail). Returns the map whose Enlarge button was pressed."""
    methods = list(result.runs)
    guided = result.guided
    extra = ["Guided backprop", "Guided Grad-CAM"] if guided else []
    header = st.columns(len(methods) + len(extra) + 1)
    header[0].markdown("**Layer**")
    for column, name in zip(header[1:], [*methods, *extra], strict=True):
        column.markdown(f"**{name}**")
    clicked: Cell | None = None
    for layer in result.layers():
        row = st.columns(len(methods) + len(extra) + 1)
        shapes = [m.activation_shape for r in result.runs.values() for m in r.maps if m.layer == layer]
        shape = " x ".join(str(s) for s in shapes[0]) if shapes else ""
        plain, technical = rows.get(layer, (shape, ""))
        row[0].markdown(f"`{layer}`")
        row[0].caption(plain, help=technical or None)
        for column, method in zip(row[1 : 1 + len(methods)], methods, strict=True):
            value = values.get((layer, method))
            if value is None:
                column.caption("—")
                continue
            column.image(
                render.overlay(rgb, value, display.opacity, display.colormap, display.threshold),
                caption=f"{method} · peak {_peak(peaks.get((layer, method), float(value.max())))}",
                width="stretch",
            )
            for badge in (badges or {}).get((layer, method), ()):
                column.badge(badge.label, icon=badge.icon, color=badge.color, help=badge.help)
            if column.button(
                "Enlarge",
                key=f"cam.enlarge.{method}.{layer}",
                icon=":material/zoom_in:",
                type="tertiary",
                help="Open this map large, and try removing its most relevant pixels",
            ):
                clicked = (layer, method)
        if guided and layer in guided.by_layer:
            row[-2].image(guided.gradient, caption="input gradient, guided", width="stretch")
            row[-1].image(guided.by_layer[layer], caption=f"x {guided.method} map", width="stretch")
    top = "the strongest map of its column" if display.shared else "the peak of its own map"
    st.image(render.colorbar(display.colormap), caption=f"0  ←  map value  →  1 = {top}", width=320)
    return clicked


def _peak(value: float) -> str:
    return "< 0.01" if 0 < value < 0.005 else f"{value:.2f}"


VERDICTS = {True: "yes", False: "no", None: "—"}


def score_rows(table: ScoreTable) -> list[dict[str, object]]:
    """A row per map (then the baselines): the verdict first, then the figures it rests on. The ROAD
    columns only when ROAD was computed."""
    rows = []
    for name, s in zip(table.names, table.scores, strict=True):
        row: dict[str, object] = {"Map": name, "Beats random": VERDICTS[table.beats_random(name)]}
        row["Deletion AUC"], row["Insertion AUC"] = s.deletion_auc, s.insertion_auc
        row["Confidence change"] = s.confidence_change
        if table.has_road:
            row["ROAD MoRF"], row["ROAD LeRF"], row["ROAD combined"] = s.morf, s.lerf, s.road_combined
        rows.append(row)
    return rows


def progress_of(bar: DeltaGenerator, heading: str = "") -> Callable[[float, str], None]:
    """A core progress callback that moves this progress bar (its text: heading: step · percent)."""

    def report(fraction: float, text: str) -> None:
        done = min(max(fraction, 0.0), 1.0)
        bar.progress(done, text=f"{heading}: {text} · {done:.0%}" if heading else f"{text} · {done:.0%}")

    return report


def faithfulness_table(rows: list[dict[str, object]]) -> None:
    from core.vision.faithfulness import BEATS_RANDOM_RULE

    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={
            "Beats random": st.column_config.TextColumn(help=f"yes when {BEATS_RANDOM_RULE}"),
            "Confidence change": st.column_config.NumberColumn(format="%+.3f", help="p(image x map) − p(image)"),
            "ROAD MoRF": st.column_config.NumberColumn(format="%+.3f", help="Most relevant removed: lower is better"),
            "ROAD LeRF": st.column_config.NumberColumn(format="%+.3f", help="Least relevant removed: higher is better"),
            "ROAD combined": st.column_config.NumberColumn(format="%+.3f", help="(LeRF − MoRF) / 2: higher is better"),
            "Deletion AUC": st.column_config.NumberColumn(format="%.3f", help="Lower is better"),
            "Insertion AUC": st.column_config.NumberColumn(format="%.3f", help="Higher is better"),
        },
    )


def curves_figure(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]]) -> go.Figure:
    import plotly.graph_objects as go

    figure = go.Figure()
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    for i, (name, (deletion, insertion)) in enumerate(curves.items()):
        colour = palette[i % len(palette)]
        x = np.linspace(0, 100, len(deletion))
        figure.add_scatter(x=x, y=list(deletion), name=f"{name} · deletion", line={"color": colour})
        figure.add_scatter(x=x, y=list(insertion), name=f"{name} · insertion", line={"color": colour, "dash": "dot"})
    figure.update_layout(
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="% of pixels deleted / inserted (most relevant first)",
        yaxis_title="probability of the target",
        legend={"font": {"size": 10}},
    )
    return figure


def randomisation_strip(
    rgb: np.ndarray, original: np.ndarray, steps: Sequence[RandomisationStep], opacity: float, colormap: str
) -> None:
    columns = st.columns(len(steps) + 1)
    columns[0].image(render.overlay(rgb, original, opacity, colormap), caption="trained model", width="stretch")
    for column, step in zip(columns[1:], steps, strict=True):
        column.image(
            render.overlay(rgb, step.map, opacity, colormap),
            caption=(f"top {step.layers_reinitialised} layers random · ρ {step.spearman:+.2f} · SSIM {step.ssim:.2f}"),
            width="stretch",
        )
