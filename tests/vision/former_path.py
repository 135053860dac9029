"""The faithfulness curves as they were computed before batching (one map at a time): the reference the
batched scores are tested against and the baseline bench_vision times."""

from __future__ import annotations

import numpy as np
import torch


def former_curves(model, x: torch.Tensor, cam: np.ndarray, probability, steps: int = 16):
    """(deletion, insertion) probabilities: one model call with the steps + 1 deletion images, one with
    the insertion images."""
    import torchvision.transforms.functional as tf

    h, w = cam.shape
    order = np.argsort(-cam.ravel(), kind="stable")
    blurred = tf.gaussian_blur(x, kernel_size=[31, 31], sigma=[10.0, 10.0])
    masks = np.zeros((steps + 1, h * w), dtype=np.float32)
    for step in range(steps + 1):
        masks[step, order[: round(step / steps * h * w)]] = 1.0
    mask = torch.from_numpy(masks.reshape(steps + 1, 1, h, w))
    with torch.no_grad():
        deletion = probability(model(x * (1 - mask) + blurred * mask)).numpy()
        insertion = probability(model(blurred * (1 - mask) + x * mask)).numpy()
    return deletion, insertion
