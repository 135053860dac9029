"""What the Embedding visualizer shows, as a value: dataset, embedder, projection (and its small settings),
colouring and the id of a stored selection; written to and read back from a link's query parameters.

Defaults are left out of the link, so a first visit keeps a bare URL and Back never lands on a page that
writes its parameters again. A bad value is reported (one short sentence) and replaced by its default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from core.embeddings.datasets import DIGITS_NAME

Method = Literal["pca", "umap", "tsne"]
ColorBy = Literal["label", "prediction", "suspicion", "kept"]
METHOD_CHOICES: tuple[Method, ...] = get_args(Method)
COLOR_CHOICES: tuple[ColorBy, ...] = get_args(ColorBy)
COLOR_LABELS: dict[ColorBy, str] = {
    "label": "Ground truth",
    "prediction": "Prediction",
    "suspicion": "Suspicion",
    "kept": "Neighbours kept",
}
SELECTION_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class UmapSettings:
    num_neighbors: int = 15
    min_dist: float = 0.1


@dataclass(frozen=True)
class TsneSettings:
    perplexity: float = 30.0
    max_iters: int = 1000


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    step: float | None = None


NEIGHBORS = Range(5, 100)
MIN_DIST = Range(0.0, 0.99)
PERPLEXITY = Range(5.0, 50.0)
ITERATIONS = Range(250, 2000, 50)


@dataclass(frozen=True)
class View:
    dataset: str = DIGITS_NAME
    embedder: str | None = None  # None: the first embedder for the dataset's kind
    method: Method = "pca"
    color: ColorBy = "label"
    only_suspects: bool = False
    umap: UmapSettings = field(default_factory=UmapSettings)
    tsne: TsneSettings = field(default_factory=TsneSettings)
    selection: str | None = None  # id of a selection stored server-side (core.embeddings.selections)

    def params(self) -> dict[str, object]:
        """The chosen method's settings, as core.embeddings.projections expects them."""
        if self.method == "umap":
            return {"num_neighbors": self.umap.num_neighbors, "min_dist": self.umap.min_dist}
        if self.method == "tsne":
            return {"perplexity": self.tsne.perplexity, "max_iters": self.tsne.max_iters}
        return {}


URL_NAMES = (
    "dataset",
    "embedder",
    "method",
    "color",
    "suspects",
    "neighbors",
    "min_dist",
    "perplexity",
    "iters",
    "selection",
)


def to_query(view: View) -> dict[str, str]:
    """The link's parameters for `view`: only what differs from the defaults (and only the current
    method's settings)."""
    default = View()
    query: dict[str, str] = {}
    if view.dataset != default.dataset:
        query["dataset"] = view.dataset
    if view.embedder is not None:
        query["embedder"] = view.embedder
    if view.method != default.method:
        query["method"] = view.method
    if view.color != default.color:
        query["color"] = view.color
    if view.only_suspects:
        query["suspects"] = "1"
    if view.method == "umap":
        if view.umap.num_neighbors != default.umap.num_neighbors:
            query["neighbors"] = str(view.umap.num_neighbors)
        if view.umap.min_dist != default.umap.min_dist:
            query["min_dist"] = repr(float(view.umap.min_dist))
    if view.method == "tsne":
        if view.tsne.perplexity != default.tsne.perplexity:
            query["perplexity"] = repr(float(view.tsne.perplexity))
        if view.tsne.max_iters != default.tsne.max_iters:
            query["iters"] = str(view.tsne.max_iters)
    if view.selection:
        query["selection"] = view.selection
    return query


def _in_range(text: str, bounds: Range, integer: bool) -> float:
    value = float(text)
    if integer and value != int(value):
        raise ValueError
    if not bounds.low <= value <= bounds.high:
        raise ValueError
    if bounds.step and (value - bounds.low) % bounds.step:
        raise ValueError
    return value


def from_query(query: Mapping[str, str]) -> tuple[View, list[str]]:
    """The view a link describes, and a short note per parameter that was not used (its default is)."""
    view = View()
    problems: list[str] = []
    if query.get("dataset"):
        view = replace(view, dataset=query["dataset"])  # checked against the database by the page
    if query.get("embedder"):
        view = replace(view, embedder=query["embedder"])  # checked against the dataset's kind by the page
    method = query.get("method")
    if method is not None:
        if method in METHOD_CHOICES:
            view = replace(view, method=method)
        else:
            problems.append(f"unknown projection {method!r}")
    color = query.get("color")
    if color is not None:
        if color in COLOR_CHOICES:
            view = replace(view, color=color)
        else:
            problems.append(f"unknown colouring {color!r}")
    if "suspects" in query:
        if query["suspects"] in ("0", "1"):
            view = replace(view, only_suspects=query["suspects"] == "1")
        else:
            problems.append(f"'suspects' must be 0 or 1, not {query['suspects']!r}")
    umap, tsne = view.umap, view.tsne
    for name, bounds, integer in (
        ("neighbors", NEIGHBORS, True),
        ("min_dist", MIN_DIST, False),
        ("perplexity", PERPLEXITY, False),
        ("iters", ITERATIONS, True),
    ):
        if name not in query:
            continue
        try:
            value = _in_range(query[name], bounds, integer)
        except ValueError:
            problems.append(f"{name!r} must be a number from {bounds.low:g} to {bounds.high:g}")
            continue
        if name == "neighbors":
            umap = replace(umap, num_neighbors=int(value))
        elif name == "min_dist":
            umap = replace(umap, min_dist=value)
        elif name == "perplexity":
            tsne = replace(tsne, perplexity=value)
        else:
            tsne = replace(tsne, max_iters=int(value))
    view = replace(view, umap=umap, tsne=tsne)
    selection = query.get("selection")
    if selection is not None:
        if SELECTION_ID.fullmatch(selection):
            view = replace(view, selection=selection)
        else:
            problems.append("the selection id is not valid")
    return view, problems


def problems_message(problems: list[str]) -> str:
    return "Parts of this link were not used (" + "; ".join(problems) + "): their defaults are shown."
