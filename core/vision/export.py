"""A downloaded map's file name and metadata record (what made it, so it can be reproduced)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.vision.grid import Cell, GridRequest
from core.vision.render import Display

if TYPE_CHECKING:
    from core.vision.cam import LayerMap, Prediction
    from core.vision.models import LoadedModel


def file_stem(model_key: str, cell: Cell) -> str:
    """`<model>_<method>_<layer>` safe as a file name on every system (no ':', '(', ')', spaces)."""
    layer, method = cell
    stem = f"{model_key}_{method}_{layer}".replace(":", "-").replace(" ", "_")
    return re.sub(r"[^A-Za-z0-9._-]", "", stem)


def map_metadata(
    loaded: LoadedModel,
    image_name: str,
    cell: Cell,
    layer_map: LayerMap,
    request: GridRequest,
    display: Display,
    predictions: list[Prediction],
    framing: str = "crop",
) -> dict[str, object]:
    target = request.target
    categories = loaded.categories
    return {
        "model": loaded.key,
        "model_label": loaded.label,
        "layer": cell[0],
        "method": cell[1],
        "target_class": target.class_index,
        "target_label": categories[target.class_index],
        "minus_class": target.minus_index,
        "minus_label": None if target.minus_index is None else categories[target.minus_index],
        "image": image_name,
        "input_size": loaded.input_size,
        "framing": "fit (letterbox)" if framing == "fit" else "centre crop",
        "activation_shape": layer_map.activation_shape,
        "aug_smooth": request.aug_smooth,
        "eigen_smooth": request.eigen_smooth,
        "shared_scale": display.shared,
        "colormap": display.colormap,
        "opacity": display.opacity,
        "threshold": display.threshold,
        "top5": [{"class": p.label, "index": p.index, "probability": p.probability} for p in predictions],
    }
