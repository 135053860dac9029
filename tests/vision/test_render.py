import io
import json

import numpy as np
import pytest
from PIL import Image

from core.vision import render


def test_overlay_threshold_and_opacity() -> None:
    rgb = np.full((4, 4, 3), 100, np.uint8)
    values = np.zeros((4, 4), np.float32)
    values[0, 0] = 1.0
    out = render.overlay(rgb, values, opacity=1.0, colormap="viridis", threshold=0.5)
    assert out[1, 1].tolist() == [100, 100, 100]  # below threshold: image untouched
    assert out[0, 0].tolist() == render.colorize(np.ones((1, 1)), "viridis")[0, 0].tolist()
    half = render.overlay(rgb, values, opacity=0.5)
    assert half[1, 1].tolist() != [100, 100, 100]  # no threshold: everything tinted
    with pytest.raises(ValueError):
        render.colorize(values, "rainbow-unknown")


def test_shared_scale_keeps_relative_strength() -> None:
    weak, strong = np.full((2, 2), 0.5, np.float32), np.full((2, 2), 2.0, np.float32)
    scaled = render.shared_scale([weak, strong])
    assert scaled[0].max() == pytest.approx(0.25) and scaled[1].max() == pytest.approx(1.0)
    assert render.shared_scale([np.zeros((2, 2))])[0].max() == 0


def test_files() -> None:
    rgb = np.zeros((5, 6, 3), np.uint8)
    assert Image.open(io.BytesIO(render.png_bytes(rgb))).size == (6, 5)
    values = np.random.default_rng(0).random((3, 3)).astype(np.float32)
    np.testing.assert_array_equal(np.load(io.BytesIO(render.npy_bytes(values))), values)
    record = json.loads(render.metadata_json({"layer": "_blocks.15", "shape": (320, 7, 7), "p": np.float32(0.5)}))
    assert record["layer"] == "_blocks.15" and record["shape"] == [320, 7, 7] and record["p"] == 0.5
    assert record["versions"]["grad-cam"] == "1.5.7" and "torch" in record["versions"]
