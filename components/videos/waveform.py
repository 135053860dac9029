"""The waveform of an audio-only recording above its player: where the sound is, where playback starts,
and a click on it plays from there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from components.videos import resources, state
from core.videos.transcript import format_timestamp

PLAYED, AHEAD = "#4F46E5", "#C7CBE0"  # the theme's primary colour; a light grey-blue for what is ahead


def waveform_figure(peaks: np.ndarray, duration: float, position: float) -> go.Figure:
    span = duration / len(peaks)
    times = (np.arange(len(peaks)) + 0.5) * span
    heights = np.maximum(peaks, 0.02)  # silence stays a visible line to click on
    figure = go.Figure(
        go.Bar(
            x=times,
            y=2 * heights,
            base=-heights,
            width=span,
            marker_color=np.where(times < position, PLAYED, AHEAD),
            customdata=[format_timestamp(t) for t in times],
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},  # a click seeks; it does not dim the rest
            hovertemplate="Play from %{customdata}<extra></extra>",
        )
    )
    figure.update_layout(
        height=90,
        margin={"l": 0, "r": 0, "t": 0, "b": 24},
        showlegend=False,
        bargap=0,
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={"range": [0, duration], "fixedrange": True, "showgrid": False},
        yaxis={"visible": False, "fixedrange": True, "range": [-1.05, 1.05]},
    )
    tick_values = np.linspace(0, duration, 6)
    figure.update_xaxes(tickvals=tick_values, ticktext=[format_timestamp(t) for t in tick_values])
    return figure


def render_waveform(audio: Path, duration: float | None, position: float) -> bool:
    """Whether a waveform was drawn: not when the extracted audio is not there yet (or unreadable); the
    player alone still works."""
    if not duration or not audio.exists():
        return False
    peaks = resources.waveform_peaks(str(audio), audio.stat().st_mtime)
    if peaks is None:
        return False
    st.plotly_chart(
        waveform_figure(peaks, duration, position),
        on_select=_play_from_click,
        selection_mode="points",
        key=state.WAVEFORM,
        config={"displayModeBar": False},
    )
    return True


def _play_from_click() -> None:
    event = st.session_state.get(state.WAVEFORM)
    points = event.selection.points if event is not None else []
    if points and "x" in points[0]:
        state.seek(max(0.0, float(points[0]["x"])))
