"""The Grad-CAM viewer's link: model, image, layers, methods and target as URL parameters.

Only what differs from the defaults goes in the link (the default view has a bare URL). Parsing is
forgiving: a value that cannot be used is dropped with a short problem for the user and its default
is used instead. Checks that need the loaded model (layer names, class numbers) happen later, in
`usable_layers` and `usable_target`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.vision.images import FRAMINGS, Framing
from core.vision.targets import Target
from core.vision.uploads import is_upload_id

ImageSource = Literal["sample", "upload"]
TargetMode = Literal["top", "class", "contrast"]

DEFAULT_MODEL = "efficientnet_lite0"
DEFAULT_SAMPLE = "chelsea"
DEFAULT_METHODS = ("GradCAM",)
USER_MODEL = "user"  # the user's own model file: its weights are not kept, only this choice
PARAMS = ("model", "image", "layers", "methods", "target", "framing")
UPLOAD_PREFIX = "upload"


@dataclass(frozen=True)
class ImageRef:
    """A sample by name, or an upload by its content id (None until a file is uploaded)."""

    source: ImageSource = "sample"
    sample: str = DEFAULT_SAMPLE
    upload_id: str | None = None

    @property
    def key(self) -> str:
        """What identifies the picture (for result memos): the sample's name or the upload's id."""
        return f"upload:{self.upload_id}" if self.source == "upload" else f"sample:{self.sample}"


@dataclass(frozen=True)
class TargetChoice:
    """What the map explains: the top prediction, another class, or class A minus class B."""

    mode: TargetMode = "top"
    class_a: int | None = None
    class_b: int | None = None

    def resolved(self, top_class: int) -> Target:
        """The target to compute, given the model's top prediction."""
        if self.mode == "top" or self.class_a is None:
            return Target(top_class)
        return Target(self.class_a, self.class_b if self.mode == "contrast" else None)


@dataclass(frozen=True)
class CamLink:
    model: str = DEFAULT_MODEL
    image: ImageRef = field(default_factory=ImageRef)
    layers: tuple[str, ...] | None = None  # None: the model's default layers
    methods: tuple[str, ...] = DEFAULT_METHODS
    target: TargetChoice = field(default_factory=TargetChoice)
    framing: Framing = "crop"


def link_params(link: CamLink, default_layers: Sequence[str] = ()) -> dict[str, str]:
    """The URL parameters of `link`, leaving out every value that is the default."""
    params: dict[str, str] = {}
    if link.model != DEFAULT_MODEL:
        params["model"] = link.model
    if link.image.source == "upload":
        params["image"] = UPLOAD_PREFIX + (f":{link.image.upload_id}" if link.image.upload_id else "")
    elif link.image.sample != DEFAULT_SAMPLE:
        params["image"] = link.image.sample
    if link.layers is not None and tuple(link.layers) != tuple(default_layers):
        params["layers"] = ",".join(link.layers)
    if tuple(link.methods) != DEFAULT_METHODS:
        params["methods"] = ",".join(link.methods)
    target = link.target
    if target.mode == "class" and target.class_a is not None:
        params["target"] = str(target.class_a)
    elif target.mode == "contrast" and target.class_a is not None and target.class_b is not None:
        params["target"] = f"{target.class_a}-{target.class_b}"
    if link.framing != "crop":
        params["framing"] = link.framing
    return params


def parse_link(
    params: Mapping[str, str],
    models: Collection[str],
    samples: Collection[str],
    methods: Collection[str],
) -> tuple[CamLink, list[str]]:
    """The link's choices, and a short sentence for each value that could not be used."""
    problems: list[str] = []
    model = params.get("model", DEFAULT_MODEL)
    if model not in models:
        problems.append(f"The link's model {model!r} is not offered here; showing the default model.")
        model = DEFAULT_MODEL
    image = _parse_image(params.get("image"), samples, problems)
    layers = None
    if params.get("layers"):
        layers = tuple(dict.fromkeys(name for name in params["layers"].split(",") if name))
    chosen_methods: tuple[str, ...] = DEFAULT_METHODS
    if "methods" in params:
        names = [name for name in params["methods"].split(",") if name]
        unknown = [name for name in names if name not in methods]
        known = tuple(dict.fromkeys(name for name in names if name in methods))
        if unknown:
            problems.append(f"The link's method(s) {', '.join(map(repr, unknown))} are not available; left out.")
        chosen_methods = known or DEFAULT_METHODS
    target = _parse_target(params.get("target"), problems)
    framing: Framing = "crop"
    wanted = params.get("framing", "crop")
    for known_framing in FRAMINGS:
        if wanted == known_framing:
            framing = known_framing
    if wanted != framing:
        problems.append(f"The link's framing {wanted!r} is not “crop” or “fit”; cropping the centre.")
    return CamLink(model, image, layers, chosen_methods, target, framing), problems


def _parse_image(value: str | None, samples: Collection[str], problems: list[str]) -> ImageRef:
    if value is None:
        return ImageRef()
    if value == UPLOAD_PREFIX:
        return ImageRef("upload")
    if value.startswith(UPLOAD_PREFIX + ":"):
        upload_id = value.split(":", 1)[1]
        if is_upload_id(upload_id):
            return ImageRef("upload", upload_id=upload_id)
        problems.append("The link's uploaded image is not a valid image id; showing the default sample.")
        return ImageRef()
    if value in samples:
        return ImageRef("sample", value)
    problems.append(f"There is no sample image called {value!r}; showing the default sample.")
    return ImageRef()


def _parse_target(value: str | None, problems: list[str]) -> TargetChoice:
    if not value or value == "top":
        return TargetChoice()
    parts = value.split("-")
    if len(parts) <= 2 and all(part.isdigit() for part in parts):
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return TargetChoice("class", numbers[0])
        return TargetChoice("contrast", numbers[0], numbers[1])
    problems.append(
        f"The link's target {value!r} is not a class number (like 281 or 281-282); explaining the top class."
    )
    return TargetChoice()


def usable_layers(
    wanted: Sequence[str] | None, offered: Sequence[str], defaults: Sequence[str]
) -> tuple[list[str], str | None]:
    """The link's layers this model has (or its defaults), and a problem if some were left out."""
    fallback = [name for name in defaults if name in offered]
    if wanted is None:
        return fallback, None
    known = [name for name in wanted if name in offered]
    unknown = [name for name in wanted if name not in offered]
    if not unknown:
        return known, None
    problem = f"This model has no usable layer {', '.join(map(repr, unknown))}; left out."
    return (known or fallback), problem


def usable_target(choice: TargetChoice, classes: int) -> tuple[TargetChoice, str | None]:
    """The link's target if its class numbers exist in this model, else the top prediction."""
    numbers = [n for n in (choice.class_a, choice.class_b) if n is not None]
    if all(0 <= n < classes for n in numbers):
        return choice, None
    return TargetChoice(), f"This model has classes 0 to {classes - 1}; explaining the top class instead."
