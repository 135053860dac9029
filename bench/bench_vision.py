"""Grad-CAM viewer: a 4-layer GradCAM grid in one pass vs four separate pytorch-grad-cam calls, and
per-method CPU latency on EfficientNet-Lite0 (224 x 224, chelsea), one torch thread.

`python -m bench.bench_vision`
"""

from __future__ import annotations

import torch

from bench.common import best_of, note, report
from core.vision.cam import Target, compute_maps, guided_backprop
from core.vision.images import center_crop_resize, load_sample
from core.vision.models import load_embedded
from core.vision.registry import METHODS

FAST_METHODS = [name for name, info in METHODS.items() if not info.slow and not info.layer_independent]


def main() -> None:
    from pytorch_grad_cam import GradCAM
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    torch.manual_seed(0)
    torch.set_num_threads(1)  # stable timings on a shared 2-core machine; same for project and baseline
    loaded = load_embedded()
    x = loaded.to_tensor(center_crop_resize(load_sample("chelsea").rgb, loaded.input_size))
    layers = list(loaded.default_layers)
    target = Target(285)

    def project() -> None:
        compute_maps(loaded, x, layers, "GradCAM", target)

    def library_per_layer() -> None:
        for name in layers:
            with GradCAM(model=loaded.model, target_layers=[loaded.model.get_submodule(name)]) as cam:
                cam(input_tensor=x, targets=[ClassifierOutputTarget(285)])

    # Interleaved, best of 9 each: the machine is shared, so the fastest run is the least disturbed one.
    project_best = baseline_best = float("inf")
    for _ in range(9):
        project_best = min(project_best, best_of(project, 1))
        baseline_best = min(baseline_best, best_of(library_per_layer, 1))
    report("4-layer GradCAM grid: one pass vs 4 library calls", project_best, baseline_best, "s")

    for method in FAST_METHODS:
        seconds = best_of(lambda method=method: compute_maps(loaded, x, ["_blocks.15"], method, target), 5)
        note(f"latency {method} (_blocks.15, 1 layer)", seconds, "s")
    note("latency guided backprop", best_of(lambda: guided_backprop(loaded, x, target), 5), "s")
    note("latency FullGrad (all bias layers)", best_of(lambda: compute_maps(loaded, x, [], "FullGrad", target), 1), "s")
    # slow methods scale with channels: measured on a 16-channel layer, then on the 112-channel block
    for method, layer in (("ScoreCAM", "_blocks.0"), ("AblationCAM", "_blocks.0._bn2"), ("ScoreCAM", "_blocks.10")):
        channels = loaded.layer(layer).output_shape[0]
        seconds = best_of(lambda method=method, layer=layer: compute_maps(loaded, x, [layer], method, target), 1)
        note(f"latency {method} ({layer}, {channels} channels)", seconds, "s")


if __name__ == "__main__":
    main()
