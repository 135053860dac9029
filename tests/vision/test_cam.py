"""The CAM service against pytorch-grad-cam itself, on the embedded EfficientNet-Lite0 and chelsea."""

import threading

import numpy as np
import pytest
import torch
from torch import nn

from core.vision.cam import CamError, Cancelled, Target, compute_maps, guided_backprop, guided_gradcam, predict
from core.vision.models import LoadedModel

CAT_CLASSES = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat


def corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def library_map(model: nn.Module, layer: nn.Module, x: torch.Tensor, index: int, cls_name: str = "GradCAM"):
    import pytorch_grad_cam
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    with getattr(pytorch_grad_cam, cls_name)(model=model, target_layers=[layer]) as cam:
        return cam(input_tensor=x, targets=[ClassifierOutputTarget(index)])[0]


def module_snapshot(model: nn.Module) -> list[tuple[str, type, int]]:
    return [(name, type(module), id(module)) for name, module in model.named_modules()]


def hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._backward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def test_top1_of_chelsea_is_a_cat(lite0, chelsea) -> None:
    top = predict(lite0, chelsea)
    assert len(top) == 5
    assert top[0].index in CAT_CLASSES, top[0]
    assert top[0].label == lite0.categories[top[0].index]
    assert sum(p.probability for p in top) <= 1.0 + 1e-6


@pytest.mark.parametrize("method", ["GradCAM", "HiResCAM", "EigenCAM"])
def test_map_equals_the_library_for_the_same_model_layer_and_target(lite0, chelsea, method) -> None:
    index = predict(lite0, chelsea)[0].index
    ours = compute_maps(lite0, chelsea, ["_blocks.15"], method, Target(index)).maps[0]
    with lite0.locked() as model:
        theirs = library_map(model, model._blocks[15], chelsea, index, method)
    assert ours.normalized.shape == theirs.shape == (224, 224)
    assert corr(ours.normalized, theirs) > 0.99


def test_several_layers_come_from_one_forward_pass_and_match_per_layer_library_calls(lite0, chelsea) -> None:
    layers = ["_blocks.15", "_blocks.4", "_blocks.10"]  # out of order on purpose
    calls = []
    handle = lite0.model.register_forward_hook(lambda *_: calls.append(1))
    try:
        run = compute_maps(lite0, chelsea, layers, "GradCAM", Target(285))
    finally:
        handle.remove()
    assert len(calls) == 1 and run.forward_passes == 1
    assert [m.layer for m in run.maps] == ["_blocks.4", "_blocks.10", "_blocks.15"]  # execution order
    for layer_map in run.maps:
        theirs = library_map(lite0.model, lite0.model.get_submodule(layer_map.layer), chelsea, 285)
        assert corr(layer_map.normalized, theirs) > 0.99, layer_map.layer
    assert run.maps[0].activation_shape == (40, 28, 28)
    assert hook_count(lite0.model) == 0


def test_contrast_target_is_class_a_minus_class_b(lite0, chelsea) -> None:
    logits = lite0.model(chelsea)[0]
    assert float(Target(285, 282)(logits.detach())) == pytest.approx(float((logits[285] - logits[282]).detach()))
    plain = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", Target(285)).maps[0]
    contrast = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", Target(285, 282)).maps[0]
    assert corr(plain.raw, contrast.raw) < 0.99


def test_guided_backprop_leaves_the_cached_model_unchanged(lite0, chelsea) -> None:
    before_modules = module_snapshot(lite0.model)
    before_state = {k: v.clone() for k, v in lite0.model.state_dict().items()}
    gradient = guided_backprop(lite0, chelsea, Target(285))
    assert gradient.shape == (224, 224, 3) and np.abs(gradient).sum() > 0
    # guided ReLUs really differ from plain gradients (ReLU6 is split so the library's swap applies)
    x = chelsea.clone().requires_grad_(True)
    lite0.model(x)[0, 285].backward()
    lite0.model.zero_grad(set_to_none=True)
    assert corr(gradient, x.grad[0].permute(1, 2, 0).numpy()) < 0.95
    assert (gradient.reshape(-1, 3) != 0).any()
    composite = guided_gradcam(gradient, np.ones((224, 224), np.float32))
    assert composite.dtype == np.uint8 and composite.shape == (224, 224, 3)
    # AblationCAM swaps layers while it works: also on a copy
    compute_maps(lite0, chelsea, ["_blocks.0._bn2"], "AblationCAM", Target(285))
    assert module_snapshot(lite0.model) == before_modules
    assert all(torch.equal(before_state[k], v) for k, v in lite0.model.state_dict().items())
    assert not any(isinstance(m, nn.ReLU) for m in lite0.model.modules())  # still the original ReLU6s
    assert hook_count(lite0.model) == 0


def test_two_concurrent_requests_with_different_layers_get_their_own_maps(lite0, chelsea) -> None:
    expected = {
        layer: compute_maps(lite0, chelsea, [layer], "GradCAM", Target(285)).maps[0].normalized
        for layer in ("_blocks.4", "_blocks.15")
    }
    results: dict[str, list[np.ndarray]] = {"_blocks.4": [], "_blocks.15": []}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(layer: str) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                run = compute_maps(lite0, chelsea, [layer], "GradCAM", Target(285))
                assert [m.layer for m in run.maps] == [layer]
                results[layer].append(run.maps[0].normalized)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(layer,)) for layer in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    for layer, maps in results.items():
        assert len(maps) == 3
        for found in maps:
            np.testing.assert_allclose(found, expected[layer], atol=1e-5)
    assert corr(expected["_blocks.4"], expected["_blocks.15"]) < 0.99


def test_slow_method_reports_progress_and_can_be_cancelled(lite0, chelsea) -> None:
    seen: list[float] = []
    run = compute_maps(lite0, chelsea, ["_blocks.0"], "ScoreCAM", Target(285), progress=lambda f, _t: seen.append(f))
    assert run.forward_passes == 1 + 16 and seen and seen[-1] == 1.0
    assert run.maps[0].normalized.max() > 0.5 and run.maps[0].normalized.std() > 0.01
    with pytest.raises(Cancelled):
        compute_maps(lite0, chelsea, ["_blocks.0"], "ScoreCAM", Target(285), cancelled=lambda: True)
    assert hook_count(lite0.model) == 0


def test_ablation_on_a_block_called_with_extra_arguments_is_a_message(lite0, chelsea) -> None:
    with pytest.raises(CamError, match="sub-layers"):
        compute_maps(lite0, chelsea, ["_blocks.15"], "AblationCAM", Target(285))


def test_layer_without_gradient_is_a_message() -> None:
    class TwoBranches(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.used = nn.Conv2d(3, 4, 3, padding=1)
            self.unused = nn.Conv2d(3, 4, 3, padding=1)
            self.head = nn.Linear(4, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.unused(x)
            return self.head(self.used(x).mean(dim=(2, 3)))

    loaded = LoadedModel("toy", "toy", TwoBranches().eval(), ["a", "b", "c"], ("used",), input_size=32)
    x = torch.randn(1, 3, 32, 32)
    assert compute_maps(loaded, x, ["used"], "GradCAM", Target(0)).maps[0].normalized.shape == (32, 32)
    with pytest.raises(CamError, match="no gradient"):
        compute_maps(loaded, x, ["unused"], "GradCAM", Target(0))
    assert compute_maps(loaded, x, ["unused"], "EigenCAM", Target(0)).maps  # gradient-free still works
    assert hook_count(loaded.model) == 0


def test_aug_smooth_and_layer_independent_fullgrad(lite0, chelsea) -> None:
    smooth = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", Target(285), aug_smooth=True)
    assert smooth.forward_passes == 6 and len(smooth.maps) == 1
    plain = compute_maps(lite0, chelsea, ["_blocks.15"], "GradCAM", Target(285)).maps[0]
    assert corr(smooth.maps[0].normalized, plain.normalized) > 0.7
    assert not np.allclose(smooth.maps[0].normalized, plain.normalized)
