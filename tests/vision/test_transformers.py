"""ViT and Swin maps through the reshape transforms (random weights: the real ones need a download)."""

import numpy as np
import pytest
import torchvision

from core.vision.cam import Target, compute_maps
from core.vision.models import LoadedModel
from core.vision.registry import SPECS


@pytest.mark.parametrize("key", ["swin_t", "vit_b_16"])
def test_transformer_layers_give_spatial_maps(key: str, chelsea_rgb) -> None:
    spec = SPECS[key]
    model = getattr(torchvision.models, spec.builder)(weights=None).eval()
    loaded = LoadedModel(key, key, model, [str(i) for i in range(1000)], spec.default_layers, spec.reshape)
    usable = {info.name for info in loaded.usable_layers()}
    assert set(spec.default_layers) <= usable
    x = loaded.to_tensor(chelsea_rgb)
    run = compute_maps(loaded, x, list(spec.default_layers[-2:]), "GradCAM", Target(1))
    assert run.forward_passes == 1 and len(run.maps) == 2
    for layer_map in run.maps:
        assert layer_map.normalized.shape == (224, 224) and np.isfinite(layer_map.normalized).all()
    expected = (768, 14, 14) if key == "vit_b_16" else (768, 7, 7)
    assert run.maps[-1].activation_shape == expected


@pytest.mark.parametrize("key", [k for k, spec in SPECS.items() if spec.builder and spec.reshape == "none"])
def test_every_online_cnn_offers_its_default_layers_and_gives_maps(key: str, chelsea_rgb) -> None:
    """The online CNNs' default layers exist and give maps (random weights: the real ones need a download)."""
    spec = SPECS[key]
    model = getattr(torchvision.models, spec.builder)(weights=None).eval()
    loaded = LoadedModel(key, key, model, [str(i) for i in range(1000)], spec.default_layers, spec.reshape)
    usable = {info.name for info in loaded.usable_layers()}
    assert set(spec.default_layers) <= usable, set(spec.default_layers) - usable
    run = compute_maps(loaded, loaded.to_tensor(chelsea_rgb), list(spec.default_layers), "GradCAM", Target(1))
    assert run.forward_passes == 1 and len(run.maps) == len(spec.default_layers)
    for layer_map in run.maps:
        assert layer_map.normalized.shape == (224, 224) and np.isfinite(layer_map.normalized).all()
