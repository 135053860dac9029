"""What the page plots and what a lasso selects: plot rows, server-side selection membership, thumbnails.

The plot shows one row per sample that the current projection covers. Points are matched to samples
by file path, so a sample restored by "undo delete" (new FiftyOne id) keeps its place on the map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.embeddings.datasets import Samples
from core.embeddings.projections import Projection, Quality
from core.embeddings.suspicion import Suspicion
from core.embeddings.text_datasets import Passage
from core.videos.transcript import format_timestamp


@dataclass(frozen=True)
class PlotRows:
    ids: list[str]
    filepaths: list[str]
    labels: list[str]
    proposed: list[str]
    predicted: list[str]
    notes: list[str]  # per point: a text passage's time and words (text datasets), else ""
    score: np.ndarray
    suspect: np.ndarray
    xy: np.ndarray
    missing: int  # samples the projection does not cover (added since it was computed)
    kept: np.ndarray | None = None  # per point: share of its neighbours the map keeps (NaN: not measured)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class MapEntry:
    """What the map needs of a projection: points by file path, its quality and its brain run."""

    xy: dict[str, np.ndarray]
    quality: Quality | None
    brain_key: str


def map_entry(projection: Projection, samples: Samples) -> MapEntry:
    return MapEntry(
        points_by_path(projection.sample_ids, projection.points, samples), projection.quality, projection.brain_key
    )


def passage_notes(passages: Mapping[str, Passage]) -> dict[str, str]:
    """Hover notes of a transcript's passages by sample id: start time and the first words."""
    return {sid: f"{format_timestamp(p.start)} {p.text[:90]}…" for sid, p in passages.items()}


def known_selection(selected: Sequence[str], sample_ids: Sequence[str]) -> list[str]:
    """The selected ids that are still samples of the dataset, in selection order."""
    known = set(sample_ids)
    return [sid for sid in selected if sid in known]


def event_signature(selection: Mapping[str, Any] | None) -> str:
    """A comparable text for a Plotly selection event, so each event is resolved once."""
    return repr(sorted((k, repr(v)) for k, v in dict(selection or {}).items()))


def points_by_path(projection_ids: Sequence[str], points: np.ndarray, samples: Samples) -> dict[str, np.ndarray]:
    """Projection points keyed by file path (ids of samples deleted since are dropped)."""
    path_of = dict(zip(samples.ids, samples.filepaths, strict=True))
    return {path_of[i]: points[row] for row, i in enumerate(projection_ids) if i in path_of}


def plot_rows(
    samples: Samples,
    suspicion: Suspicion,
    xy_by_path: Mapping[str, np.ndarray],
    only_suspects: bool = False,
    notes: Mapping[str, str] | None = None,
    kept: np.ndarray | None = None,
) -> PlotRows:
    """Rows to draw (suspicion arrays and `kept` are aligned with `samples`); `notes` by sample id, for hover
    texts."""
    keep = [i for i, path in enumerate(samples.filepaths) if path in xy_by_path]
    missing = len(samples) - len(keep)
    if only_suspects:
        keep = [i for i in keep if suspicion.suspects[i]]
    index = np.asarray(keep, dtype=int)
    xy = np.array([xy_by_path[samples.filepaths[i]] for i in keep], dtype=np.float32).reshape(-1, 2)
    return PlotRows(
        ids=[samples.ids[i] for i in keep],
        filepaths=[samples.filepaths[i] for i in keep],
        labels=[samples.labels[i] for i in keep],
        proposed=[suspicion.proposed[i] for i in keep],
        predicted=[suspicion.predicted[i] for i in keep],
        notes=[(notes or {}).get(samples.ids[i], "") for i in keep],
        score=suspicion.score[index] if len(keep) else np.zeros(0, np.float32),
        suspect=suspicion.suspects[index] if len(keep) else np.zeros(0, bool),
        xy=xy,
        missing=missing,
        kept=kept[index] if kept is not None and len(keep) else None,
    )


def proposed_fixes(rows: PlotRows, sample_ids: Sequence[str]) -> dict[str, str]:
    """For the given samples: the neighbours' majority label where it differs from the sample's label."""
    wanted = set(sample_ids)
    return {
        sid: proposed
        for sid, label, proposed in zip(rows.ids, rows.labels, rows.proposed, strict=True)
        if sid in wanted and proposed != label
    }


def inside_polygon(xy: np.ndarray, polygon_x: Sequence[float], polygon_y: Sequence[float]) -> np.ndarray:
    """Which rows of `xy` lie inside the polygon (matplotlib's point-in-polygon, compiled)."""
    from matplotlib.path import Path as PolygonPath

    if len(polygon_x) < 3 or len(xy) == 0:
        return np.zeros(len(xy), dtype=bool)
    vertices = np.column_stack([np.asarray(polygon_x, float), np.asarray(polygon_y, float)])
    return np.asarray(PolygonPath(vertices).contains_points(np.asarray(xy, float)), dtype=bool)


def selected_ids(selection: Mapping[str, Any], rows: PlotRows) -> list[str]:
    """Sample ids of a Plotly selection event: points inside any lasso or box, computed here on the server
    over every plotted point, plus clicked points (by the sample id in their customdata)."""
    mask = np.zeros(len(rows), dtype=bool)
    for lasso in selection.get("lasso") or []:
        mask |= inside_polygon(rows.xy, lasso.get("x", []), lasso.get("y", []))
    for box in selection.get("box") or []:
        xs, ys = box.get("x", []), box.get("y", [])
        if len(xs) >= 2 and len(ys) >= 2:
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            mask |= (rows.xy[:, 0] >= x0) & (rows.xy[:, 0] <= x1) & (rows.xy[:, 1] >= y0) & (rows.xy[:, 1] <= y1)
    chosen = [rows.ids[i] for i in np.flatnonzero(mask)]
    known = set(rows.ids)
    seen = set(chosen)
    for point in selection.get("points") or []:
        custom = point.get("customdata")
        sample_id = custom[0] if isinstance(custom, list | tuple) and custom else custom
        if isinstance(sample_id, str) and sample_id in known and sample_id not in seen:
            chosen.append(sample_id)
            seen.add(sample_id)
    return chosen


def thumbnail(path: str, size: int = 72) -> np.ndarray:
    """An RGB thumbnail; tiny images are enlarged with nearest-neighbour so pixels stay crisp."""
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
        scale = size / max(rgb.size)
        new_size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        resample = Image.Resampling.NEAREST if scale > 1 else Image.Resampling.LANCZOS
        return np.asarray(rgb.resize(new_size, resample))


def sample_rows(n: int, limit: int, seed: int = 0) -> np.ndarray:
    """Indices of a random sample of at most `limit` of `n` rows, in order."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, limit, replace=False))
