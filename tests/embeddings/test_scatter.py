"""The map's figure: a selection is the selected points themselves with the rest dimmed; suspicion stays visible."""

import numpy as np
import plotly.colors

from components.embeddings.scatter import SUSPICION_SCALE, UNSELECTED_OPACITY, scatter_figure
from core.embeddings.explore import PlotRows


def rows(n: int = 6) -> PlotRows:
    labels = ["cat", "dog"] * (n // 2)
    return PlotRows(
        ids=[f"s{i}" for i in range(n)],
        filepaths=[""] * n,
        labels=labels,
        proposed=labels,
        predicted=labels,
        notes=[""] * n,
        score=np.linspace(0, 1, n),
        suspect=np.zeros(n, dtype=bool),
        xy=np.arange(2 * n, dtype=float).reshape(n, 2),
        missing=0,
    )


def test_a_selection_dims_the_rest_and_adds_no_marks_over_the_points() -> None:
    for color_by in ("label", "suspicion"):
        plain = scatter_figure(rows(), color_by)
        figure = scatter_figure(rows(), color_by, selected=["s0", "s3"])
        assert [t.name for t in figure.data] == [t.name for t in plain.data]  # no extra "selected" trace
        chosen = []
        for trace in figure.data:
            chosen += [trace.customdata[i][0] for i in trace.selectedpoints]
            assert trace.unselected.marker.opacity == UNSELECTED_OPACITY
        assert sorted(chosen) == ["s0", "s3"]
        assert all(t.selectedpoints is None for t in plain.data)


def test_the_least_suspicious_colour_is_visible_on_white() -> None:
    red, green, blue = plotly.colors.hex_to_rgb(SUSPICION_SCALE[0][1])
    luminance = (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255
    assert luminance < 0.8  # YlOrRd's first colour (#ffffcc) is 0.98: nearly white
    assert scatter_figure(rows(), "suspicion").data[0].marker.colorscale[0][1] == SUSPICION_SCALE[0][1]


def test_neighbours_kept_colours_the_measured_points_and_greys_the_rest() -> None:
    from dataclasses import replace

    kept = np.array([1.0, 0.5, 0.0, np.nan, 0.9, 0.1], dtype=np.float32)
    figure = scatter_figure(replace(rows(), kept=kept), "kept")
    assert [t.name for t in figure.data] == ["not measured", "samples"]
    assert [row[0] for row in figure.data[0].customdata] == ["s3"]
    colours = list(figure.data[1].marker.color)
    assert colours == sorted(colours, reverse=True)  # the misleading ones drawn last, on top
    assert figure.data[1].marker.colorbar.title.text == "neighbours kept"
