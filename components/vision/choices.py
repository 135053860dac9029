"""The Grad-CAM viewer's left column: model, image, target, layers, methods and display options.

Each panel draws its widgets and returns the user's choice as a typed value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import streamlit as st

from components.shared.memo import session_memo
from components.shared.text import markdown_text
from components.vision import resources
from components.vision import state as keys
from components.vision.state import VisionState
from core.vision import render
from core.vision.grid import GridRequest, layer_tree
from core.vision.images import FRAMINGS, MAX_UPLOAD_BYTES, Framing, ImageError, LoadedImage, sample_names
from core.vision.link import (
    DEFAULT_METHODS,
    USER_MODEL,
    ImageRef,
    ImageSource,
    TargetChoice,
    TargetMode,
    usable_layers,
    usable_target,
)
from core.vision.registry import EMBEDDED_KEY, METHODS, SPECS, USER_ARCHITECTURES
from core.vision.targets import Target
from core.vision.uploads import UploadMissing

if TYPE_CHECKING:
    from core.vision.cam import Prediction
    from core.vision.models import LoadedModel

IMAGE_SOURCES: dict[ImageSource, str] = {"sample": "Sample", "upload": "Upload"}
TARGET_MODES: dict[TargetMode, str] = {
    "top": "Top prediction",
    "class": "Another class",
    "contrast": "Class A minus class B",
}


@dataclass(frozen=True)
class ModelChoice:
    key: str  # what the link names: a model of the registry, or "user"
    loaded: LoadedModel | None  # None until it is loaded (weights to download, a file to upload)
    ref: str = ""  # which weights exactly (a user's file by its hash), for result memos


@dataclass(frozen=True)
class ImageChoice:
    ref: ImageRef
    loaded: LoadedImage | None
    framing: Framing = "crop"


# --- model ----------------------------------------------------------------------------------------
def model_panel(state: VisionState) -> ModelChoice:
    st.session_state.setdefault(keys.MODEL, state.link.model)
    key = st.selectbox(
        "Model",
        [*SPECS, USER_MODEL],
        format_func=lambda k: (
            "Your own model (torchvision architecture + state_dict)" if k == USER_MODEL else SPECS[k].label
        ),
        key=keys.MODEL,
    )
    if key == USER_MODEL:
        return user_model_panel()
    if key == EMBEDDED_KEY:
        with st.spinner("Loading EfficientNet-Lite0…", show_time=True):
            return ModelChoice(key, resources.model(key), key)
    return ModelChoice(key, _torchvision_model(key), key)


def _torchvision_model(key: str) -> LoadedModel | None:
    from core.vision.models import ModelUnavailable, weights_file

    spec = SPECS[key]
    if not weights_file(spec).is_file():
        st.info(
            f"{spec.label} needs its ImageNet weights, downloaded once into {weights_file(spec).parent}.",
            icon=":material/download:",
        )
        if not st.button("Download weights and load", key=keys.DOWNLOAD_WEIGHTS):
            return None
    bar = st.progress(0.0, text=f"Loading {spec.label}…")

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=f"Downloading weights: {done / 1e6:.0f} MB")

    try:
        return resources.model(key, progress)
    except ModelUnavailable as exc:
        st.error(markdown_text(str(exc)), icon=":material/cloud_off:")
        return None
    finally:
        bar.empty()


def user_model_panel() -> ModelChoice:
    from core.vision.models import ModelFileError, checked_user_model

    with st.container(border=True):
        architecture = st.selectbox("Architecture", USER_ARCHITECTURES, key=keys.USER_ARCHITECTURE)
        weights = st.file_uploader(
            "Weights (state_dict saved with torch.save)", type=["pt", "pth"], key=keys.USER_WEIGHTS
        )
        names = st.file_uploader("Class names (optional, one per line)", type=["txt"], key=keys.USER_NAMES)
        st.caption(
            "Loaded with `weights_only=True`: the file's data is read, never executed. "
            "TorchScript files are not accepted: their layers cannot be hooked for CAMs."
        )
        if weights is None:
            return ModelChoice(USER_MODEL, None)
        data = weights.getvalue()
        names_text = names.getvalue().decode("utf-8", "replace") if names else None
        ref = f"user:{architecture}:{hashlib.sha256(data).hexdigest()}:{names.file_id if names else ''}"
        try:
            with st.spinner("Checking your model…", show_time=True):
                loaded = session_memo(
                    keys.USER_MODEL_MEMO, ref, lambda: checked_user_model(architecture, data, names_text)
                )
        except ModelFileError as exc:
            st.error(markdown_text(str(exc)), icon=":material/error:")
            return ModelChoice(USER_MODEL, None)
        return ModelChoice(USER_MODEL, loaded, ref)


# --- image ----------------------------------------------------------------------------------------
FRAMING_LABELS: dict[Framing, str] = {"crop": "Crop the centre", "fit": "Fit (letterbox)"}


def image_panel(state: VisionState) -> ImageChoice:
    choice = _image(state)
    if choice.loaded is None:
        return replace(choice, framing=state.link.framing)
    st.session_state.setdefault(keys.FRAMING, state.link.framing)
    framing = st.segmented_control(
        "Framing",
        list(FRAMINGS),
        format_func=FRAMING_LABELS.__getitem__,
        key=keys.FRAMING,
        required=True,
        help="The model sees a square. Crop the centre: the usual ImageNet way; the sides of a wide image "
        "(or the top and bottom of a tall one) are not seen. Fit: the whole image, with grey bars that "
        "carry no signal. The maps are computed on the square shown under the image.",
    )
    return replace(choice, framing=framing or "crop")


def _image(state: VisionState) -> ImageChoice:
    st.session_state.setdefault(keys.IMAGE_SOURCE, state.link.image.source)
    source = st.segmented_control(
        "Image", list(IMAGE_SOURCES), format_func=IMAGE_SOURCES.__getitem__, key=keys.IMAGE_SOURCE, required=True
    )
    if source == "upload":
        return _uploaded_image(state)
    st.session_state.setdefault(keys.SAMPLE, state.link.image.sample)
    name = st.selectbox("Sample image", sample_names(), key=keys.SAMPLE)
    ref = ImageRef("sample", name)
    try:
        return ImageChoice(ref, resources.sample_image(name))
    except ImageError as exc:
        st.error(markdown_text(str(exc)))
        return ImageChoice(ref, None)


def _uploaded_image(state: VisionState) -> ImageChoice:
    upload = st.file_uploader(
        "Image file (PNG, JPEG or WebP)",
        type=["png", "jpg", "jpeg", "webp"],
        key=keys.upload_key(state.upload_round),
        max_upload_size=MAX_UPLOAD_BYTES // 2**20,  # the box then states the viewer's own limit
    )
    if upload is not None:
        state.upload_file_id = upload.file_id
        try:
            stored = resources.upload_store().save(upload.getvalue(), upload.name)
        except ImageError as exc:
            st.error(markdown_text(str(exc)), icon=":material/broken_image:")
            state.upload_id = None
            return ImageChoice(ImageRef("upload"), None)
        if not stored.kept:
            st.warning("The server could not keep this image (is its disk full?): a reload will not show it again.")
        state.upload_id = stored.upload_id if stored.kept else None
        return ImageChoice(ImageRef("upload", upload_id=state.upload_id), stored.image)
    if state.upload_file_id is not None:  # the user cleared the upload box
        state.upload_id = state.upload_file_id = None
    if state.upload_id is None:
        st.caption("Upload an image, or switch back to a sample.")
        return ImageChoice(ImageRef("upload"), None)
    try:
        image = resources.upload_store().load(state.upload_id)
    except UploadMissing as exc:
        st.error(markdown_text(str(exc)), icon=":material/broken_image:")
        state.upload_id = None
        return ImageChoice(ImageRef("upload"), None)
    st.caption(f"{markdown_text(image.name)}, uploaded earlier. Upload another image to replace it.")
    return ImageChoice(ImageRef("upload", upload_id=state.upload_id), image)


# --- target, layers, methods ----------------------------------------------------------------------
def target_panel(state: VisionState, model: ModelChoice, predictions: list[Prediction]) -> TargetChoice:
    assert model.loaded is not None
    loaded = model.loaded
    categories = loaded.categories
    session = st.session_state
    class_a, class_b = keys.class_a_key(loaded.key), keys.class_b_key(loaded.key)
    choice = state.link.target
    if state.link.model == model.key and (
        keys.TARGET_MODE not in session or (choice.class_a is not None and class_a not in session)
    ):
        choice, problem = usable_target(choice, len(categories))
        if problem:
            st.warning(markdown_text(problem), icon=":material/link_off:")
        for key, value in ((class_a, choice.class_a), (class_b, choice.class_b)):
            if value is not None:
                session.setdefault(key, value)
    session.setdefault(keys.TARGET_MODE, choice.mode)
    mode = st.radio(
        "Explain", list(TARGET_MODES), format_func=TARGET_MODES.__getitem__, key=keys.TARGET_MODE, horizontal=True
    )
    indices = list(range(len(categories)))
    first: int | None = None
    second: int | None = None
    if mode != "top":
        session.setdefault(class_a, predictions[0].index)
        first = st.selectbox(
            "Class A" if mode == "contrast" else "Class",
            indices,
            format_func=lambda i: f"{categories[i]} ({i})",
            key=class_a,
        )
    if mode == "contrast":
        session.setdefault(class_b, predictions[1].index if len(predictions) > 1 else 0)
        second = st.selectbox("Class B", indices, format_func=lambda i: f"{categories[i]} ({i})", key=class_b)
    return TargetChoice(mode, None if first is None else int(first), None if second is None else int(second))


def layers_panel(state: VisionState, model: ModelChoice) -> list[str]:
    assert model.loaded is not None
    loaded = model.loaded
    labels = {info.name: info.plain_label(loaded.input_size) for info in loaded.usable_layers()}
    key = keys.layers_key(loaded.key)
    if key not in st.session_state:
        wanted = state.link.layers if state.link.model == model.key else None
        chosen, problem = usable_layers(wanted, list(labels), loaded.default_layers)
        if problem:
            st.warning(markdown_text(problem), icon=":material/link_off:")
        st.session_state[key] = chosen
    layers = st.multiselect(
        "Layers (a row each)",
        list(labels),
        format_func=labels.__getitem__,
        key=key,
        wrap=True,  # every chosen layer in view (in one row the second chip was cut to "_b")
        help="Each layer: its name · how deep it is · the size of its map. Deeper layers give coarser maps "
        "about whole objects; early ones finer maps about edges. Each layer's type and output shape are in the "
        "layer tree below, and on the row's caption in the grid.",
    )
    with st.expander("Layer tree (from a dry run)"):
        st.code(layer_tree(loaded.layers()), language=None)
    return layers


def methods_panel(state: VisionState, layers: list[str], target: Target) -> GridRequest:
    offered = resources.offered_methods()
    session = st.session_state
    current = session.get(keys.METHODS)
    if current is None or any(m not in offered for m in current):
        session[keys.METHODS] = [m for m in (current or state.link.methods or DEFAULT_METHODS) if m in offered]
    methods = st.multiselect(
        "Methods (a column each)",
        offered,
        key=keys.METHODS,
        wrap=True,
        help="\n".join(f"- **{m}**: {METHODS[m].summary}" for m in offered),
    )
    aug_smooth = st.checkbox(
        "Steadier maps (6x slower)",
        key=keys.AUG_SMOOTH,
        help="Averages the map over flipped and brightened copies of the image. pytorch-grad-cam's "
        "`aug_smooth`: the map is computed on 6 augmented copies of the image "
        "(horizontal flips x brightness) and the results are averaged; it centres the map on the object.",
    )
    eigen_smooth = st.checkbox(
        "Less noise: keep only the main pattern",
        key=keys.EIGEN_SMOOTH,
        help="pytorch-grad-cam's `eigen_smooth`: the weighted activations are replaced by their first "
        "principal component, which drops much of the noise (and sometimes a second object).",
    )
    guided = st.checkbox("Guided backprop and guided Grad-CAM", value=True, key=keys.GUIDED)
    return GridRequest(tuple(layers), tuple(methods), target, aug_smooth, eigen_smooth, guided)


def display_panel() -> render.Display:
    st.markdown("**Display**")
    opacity = st.slider("Opacity", 0.0, 1.0, 0.5, 0.05, key=keys.OPACITY)
    colormap = st.selectbox(
        "Colormap", list(render.COLORMAPS), format_func=render.COLORMAPS.__getitem__, key=keys.COLORMAP
    )
    threshold = st.slider("Hide values below", 0.0, 1.0, 0.0, 0.05, key=keys.THRESHOLD)
    return render.Display(opacity, colormap, threshold)
