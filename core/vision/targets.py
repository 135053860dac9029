"""What a map explains (torch-free to import: a target only indexes the tensor it is given)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Target:
    """What the map explains: one class's logit, or the difference of two classes' logits."""

    class_index: int
    minus_index: int | None = None

    def __call__(self, model_output: torch.Tensor) -> torch.Tensor:
        value = model_output[..., self.class_index]
        if self.minus_index is not None:
            value = value - model_output[..., self.minus_index]
        return value

    def describe(self, categories: Sequence[str]) -> str:
        text = categories[self.class_index]
        if self.minus_index is not None:
            text += f" minus {categories[self.minus_index]}"
        return text
