"""Plotly figures of the Attractor explorer (built from core results; no computation beyond layout)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.dynamics.lyapunov import Spectrum
from core.dynamics.render import SPECTRAL, VIRIDIS, diverging_scale, diverging_values
from core.dynamics.search import Bifurcation, LyapunovMap

DARK = "#0e1117"


def _scale(colours: list[str]) -> list[list[float | str]]:
    return [[i / (len(colours) - 1), c] for i, c in enumerate(colours)]


def _square(fig: go.Figure, height: int = 640) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        plot_bgcolor=DARK,
        paper_bgcolor=DARK,
        font_color="#e6e6e6",
        showlegend=False,
    )
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1)
    return fig


def trajectory_2d(
    x: np.ndarray, y: np.ndarray, colour: np.ndarray | None, scheme: str, mode: str, x_label: str, y_label: str
) -> go.Figure:
    """Points (coloured by `colour`) or one line through the points, interactive."""
    fig = go.Figure()
    if mode == "lines":
        fig.add_trace(
            go.Scattergl(x=x, y=y, mode="lines", line={"width": 0.6, "color": "#7fb3d5"}, opacity=0.8, hoverinfo="skip")
        )
    else:
        colours = SPECTRAL if scheme == "article" else VIRIDIS
        fig.add_trace(
            go.Scattergl(
                x=x,
                y=y,
                mode="markers",
                marker={
                    "size": 2.5,
                    "color": colour,
                    "colorscale": _scale(colours),
                    "cmin": 0,
                    "cmax": 1,
                    "opacity": 0.85,
                },
                hovertemplate=f"{x_label}=%{{x:.4f}}<br>{y_label}=%{{y:.4f}}<extra></extra>",
            )
        )
    fig.update_xaxes(title=x_label)
    fig.update_yaxes(title=y_label)
    return _square(fig)


def trajectory_3d(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, colour: np.ndarray, scheme: str, labels: tuple[str, str, str]
) -> go.Figure:
    colours = SPECTRAL if scheme == "article" else VIRIDIS
    fig = go.Figure(
        go.Scatter3d(
            x=x,
            y=y,
            z=z,
            mode="markers",
            marker={"size": 1.5, "color": colour, "colorscale": _scale(colours), "cmin": 0, "cmax": 1, "opacity": 0.8},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=640,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        paper_bgcolor=DARK,
        font_color="#e6e6e6",
        scene={"xaxis_title": labels[0], "yaxis_title": labels[1], "zaxis_title": labels[2], "bgcolor": DARK},
    )
    return fig


def spectrum_bars(spectrum: Spectrum) -> go.Figure:
    k = spectrum.exponents.size
    idx = np.arange(1, k + 1)
    colours = ["#e4572e" if v > 0 else "#4c9be8" for v in spectrum.exponents]
    fig = go.Figure(
        go.Bar(
            x=idx,
            y=spectrum.exponents,
            marker_color=colours,
            error_y={"type": "data", "array": spectrum.stderr, "visible": True},
            hovertemplate="λ%{x} = %{y:.5f} nats/step<extra></extra>",
        )
    )
    fig.update_layout(
        height=220,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title="Spectrum (nats/step)",
        xaxis_title="i",
        showlegend=False,
    )
    return fig


def convergence(spectrum: Spectrum, show: int = 4) -> go.Figure:
    fig = go.Figure()
    for i in range(min(show, spectrum.exponents.size)):
        fig.add_trace(go.Scatter(x=spectrum.trace_steps, y=spectrum.trace[:, i], mode="lines", name=f"λ{i + 1}"))
    fig.update_layout(
        height=220,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title="Convergence",
        xaxis_title="steps",
        legend={"orientation": "h", "y": -0.35},
    )
    fig.update_xaxes(type="log")
    return fig


def lyapunov_heatmap(result: LyapunovMap) -> go.Figure:
    """Cells as square markers (clickable). White is λ1 = 0; red and blue are scaled separately on the
    map's own positive and negative values (95th percentile), so weak chaos (λ1 ≈ 0.03) is as red as
    fixed points (λ1 ≈ -0.8) are blue, and the colour bar is labelled with the real values."""
    rows, cols = result.lambda1.shape
    jj, ii = np.meshgrid(np.arange(cols), np.arange(rows))
    s_grid = result.s_values[jj].ravel()
    r_index = ii.ravel()
    lam = result.lambda1.ravel()
    finite = np.isfinite(lam)
    low, high = diverging_scale(lam[finite])
    colour = diverging_values(lam[finite], (low, high))
    y_label = "seed" if result.row_kind == "seed" else "N"
    row_text = [str(int(v)) for v in result.row_values]
    size = max(3, min(22, int(560 / max(rows, cols))))
    ticks = [-1.0, -0.5, 0.0, 0.5, 1.0]
    tick_text = [f"{low:.3g}", f"{low / 2:.2g}", "0", f"{high / 2:.2g}", f"≥ {high:.3g}"]
    tick_text[0] = f"≤ {low:.3g}"
    fig = go.Figure(
        go.Scatter(
            x=s_grid[finite],
            y=r_index[finite],
            mode="markers",
            marker={
                "symbol": "square",
                "size": size,
                "color": colour,
                "cmin": -1.0,
                "cmax": 1.0,
                "colorscale": "RdBu_r",
                "colorbar": {
                    "title": {"text": "λ1 (white = 0;<br>each side scaled<br>to its 95th pct.)"},
                    "tickvals": ticks,
                    "ticktext": tick_text,
                },
            },
            customdata=np.c_[ii.ravel()[finite], jj.ravel()[finite]],
            text=[f"{y_label} {row_text[i]}<br>λ1={v:+.4f}" for i, v in zip(r_index[finite], lam[finite], strict=True)],
            hovertemplate="s=%{x:.4f}<br>%{text}<extra></extra>",
        )
    )
    fig.update_layout(
        height=620,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="s",
        yaxis_title=y_label,
        clickmode="event+select",
        dragmode="zoom",
    )
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(rows))[:: max(1, rows // 20)], ticktext=row_text[:: max(1, rows // 20)]
    )
    return fig


def bifurcation_plot(result: Bifurcation, marked_s: float | None = None) -> go.Figure:
    """Settled values over s; a dashed line at `marked_s` (the network shown in Explore), if given."""
    keep = result.values.shape[1]
    s = np.repeat(result.s_values, keep)
    v = result.values.ravel()
    ok = np.isfinite(v)
    fig = go.Figure(
        go.Scattergl(
            x=s[ok], y=v[ok], mode="markers", marker={"size": 1.5, "color": "#f4a261", "opacity": 0.6}, hoverinfo="skip"
        )
    )
    fig.update_layout(
        height=520,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title="s",
        yaxis_title=result.quantity,
        plot_bgcolor=DARK,
        paper_bgcolor=DARK,
        font_color="#e6e6e6",
    )
    if marked_s is not None and result.s_values.min() <= marked_s <= result.s_values.max():
        fig.add_vline(x=marked_s, line={"color": "#e6e6e6", "width": 1, "dash": "dash"})
    return fig
