"""Grad-CAM viewer: pick a model, an image, layers and methods; see where the CNN looks, and how far
to trust each map. Thin page: widgets -> core.vision calls -> components.vision.views rendering."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import streamlit as st

from components.vision import resources as vision_resources
from components.vision import views as cam_views
from core.vision import render
from core.vision.images import ImageError, LoadedImage, center_crop_resize, load_image_bytes, sample_names
from core.vision.registry import EMBEDDED_KEY, METHODS, SPECS, USER_ARCHITECTURES, available_methods

log = logging.getLogger(__name__)
USER = "user"
FAST_LIMIT_S = 20.0  # below this estimate maps are computed as soon as the settings change

st.title("Grad-CAM viewer")
st.write(
    "Show an image to an image classifier and see which parts of the picture its decision rests on, "
    "layer by layer and method by method, with a check of how much to trust each map."
)
state = st.session_state


# --- model ----------------------------------------------------------------------------------------
def choose_model() -> Any | None:
    options = [*SPECS, USER]
    key = st.selectbox(
        "Model",
        options,
        format_func=lambda k: "Your own model (torchvision architecture + state_dict)" if k == USER else SPECS[k].label,
        key="cam.model",
    )
    if key == USER:
        return user_model()
    if key == EMBEDDED_KEY:
        with st.spinner("Loading EfficientNet-Lite0…"):
            return vision_resources.model(key)
    from core.vision.models import ModelUnavailable, weights_file

    spec = SPECS[key]
    if not weights_file(spec).is_file():
        st.info(
            f"{spec.label} needs its ImageNet weights, downloaded once into {weights_file(spec).parent}.",
            icon=":material/download:",
        )
        if not st.button("Download weights and load", key="cam.download_weights"):
            return None
    bar = st.progress(0.0, text=f"Loading {spec.label}…")

    def progress(done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=f"Downloading weights: {done / 1e6:.0f} MB")

    try:
        loaded = vision_resources.model(key, progress)
    except ModelUnavailable as exc:
        bar.empty()
        st.error(str(exc), icon=":material/cloud_off:")
        return None
    bar.empty()
    return loaded


def user_model() -> Any | None:
    from core.vision.models import ModelFileError, load_user_model, parse_class_names

    with st.container(border=True):
        architecture = st.selectbox("Architecture", USER_ARCHITECTURES, key="cam.user_arch")
        weights = st.file_uploader("Weights (state_dict saved with torch.save)", type=["pt", "pth"], key="cam.user_w")
        names = st.file_uploader("Class names (optional, one per line)", type=["txt"], key="cam.user_names")
        st.caption(
            "Loaded with `weights_only=True`: the file's data is read, never executed. "
            "TorchScript files are not accepted: their layers cannot be hooked for CAMs."
        )
        if weights is None:
            return None
        data = weights.getvalue()
        signature = (architecture, hashlib.sha256(data).hexdigest(), names.file_id if names else None)
        cached = state.get("cam.user_model")
        if cached and cached[0] == signature:
            return cached[1]
        try:
            class_names = parse_class_names(names.getvalue().decode("utf-8", "replace")) if names else None
            with st.spinner("Checking your model…"):
                loaded = load_user_model(architecture, data, class_names)
                loaded.layers()
        except ModelFileError as exc:
            st.error(str(exc), icon=":material/error:")
            return None
        except Exception:
            log.exception("user model failed its dry run")
            st.error("The model loaded but failed on a 224 x 224 test image. Check the architecture.")
            return None
        state["cam.user_model"] = (signature, loaded)
        return loaded


# --- image ----------------------------------------------------------------------------------------
def choose_image() -> LoadedImage | None:
    source = st.segmented_control(
        "Image", ["Sample", "Upload"], default="Sample", key="cam.image_source", required=True
    )
    if source == "Upload":
        upload = st.file_uploader(
            "PNG, JPEG or WebP, up to 20 MB", type=["png", "jpg", "jpeg", "webp"], key="cam.upload"
        )
        if upload is None:
            st.caption("Upload an image, or switch back to a sample.")
            return None
        try:
            return load_image_bytes(upload.getvalue(), name=upload.name)
        except ImageError as exc:
            st.error(str(exc), icon=":material/broken_image:")
            return None
    name = st.selectbox("Sample image", sample_names(), key="cam.sample")
    try:
        return vision_resources.sample_image(name)
    except ImageError as exc:
        st.error(str(exc))
        return None


def vision_service() -> Any:
    """core.vision.cam (imports torch), loaded only once a model is on screen."""
    from core.vision import cam

    return cam


# --- page -----------------------------------------------------------------------------------------
left, right = st.columns([1, 2], gap="large")
with left:
    loaded = choose_model()
    image = choose_image()

if loaded is None or image is None:
    st.stop()

cam = vision_service()

rgb = center_crop_resize(image.rgb, loaded.input_size)
input_tensor = loaded.to_tensor(rgb)
predictions = cam.predict(loaded, input_tensor)
categories = loaded.categories
with right:
    picture, table = st.columns([1, 1.3])
    picture.image(rgb, caption=f"{image.name}: what the model sees ({loaded.input_size} px centre crop)")
    if image.original_mode not in ("RGB", "L;RGB"):
        picture.caption(f"Converted from {image.original_mode} to RGB.")
    with table:
        st.markdown("**Top-5 predictions**")
        cam_views.top5(predictions)

with left:
    mode = st.radio(
        "Explain",
        ["Top prediction", "Another class", "Class A minus class B"],
        key="cam.target_mode",
        horizontal=True,
    )
    class_a = predictions[0].index
    class_b = None
    indices = list(range(len(categories)))
    if mode != "Top prediction":
        class_a = st.selectbox(
            "Class A" if mode.startswith("Class A") else "Class",
            indices,
            index=predictions[0].index,
            format_func=lambda i: f"{categories[i]} ({i})",
            key=f"cam.class_a.{loaded.key}",
        )
    if mode.startswith("Class A"):
        class_b = st.selectbox(
            "Class B",
            indices,
            index=predictions[1].index if len(predictions) > 1 else 0,
            format_func=lambda i: f"{categories[i]} ({i})",
            key=f"cam.class_b.{loaded.key}",
        )
    target = cam.Target(int(class_a), None if class_b is None else int(class_b))

    usable = loaded.usable_layers()
    labels = {info.name: info.label for info in usable}
    defaults = [name for name in loaded.default_layers if name in labels]
    layers = st.multiselect(
        "Layers (a row each)",
        list(labels),
        default=defaults,
        format_func=labels.__getitem__,
        key=f"cam.layers.{loaded.key}",
    )
    with st.expander("Layer tree (from a dry run)"):
        st.code(
            "\n".join(
                f"{'  ' * info.depth}{info.name.split('.')[-1]}  {info.type_name}  {tuple(info.output_shape)}"
                for info in loaded.layers()
            ),
            language=None,
        )
    methods_offered = available_methods()
    methods = st.multiselect(
        "Methods (a column each)",
        methods_offered,
        default=["GradCAM"],
        key="cam.methods",
        help="\n".join(f"- **{m}**: {METHODS[m].summary}" for m in methods_offered),
    )
    aug_smooth = st.checkbox("aug_smooth: average over flips and brightness (6x slower)", key="cam.aug_smooth")
    eigen_smooth = st.checkbox("eigen_smooth: keep the first principal component", key="cam.eigen_smooth")
    with_guided = st.checkbox("Guided backprop and guided Grad-CAM", value=True, key="cam.guided")

    st.markdown("**Display**")
    opacity = st.slider("Opacity", 0.0, 1.0, 0.5, 0.05, key="cam.opacity")
    colormap = st.selectbox(
        "Colormap", list(render.COLORMAPS), format_func=render.COLORMAPS.__getitem__, key="cam.cmap"
    )
    threshold = st.slider("Hide values below", 0.0, 1.0, 0.0, 0.05, key="cam.threshold")
    shared = st.toggle(
        "One colour scale across layers",
        value=True,
        key="cam.shared",
        help="On: each method's raw maps divided by that method's largest value over all layers, so "
        "weak layers look weak. Off: every map stretched to 0–1 (the library's default).",
    )

image_id = image.name if state.get("cam.image_source") != "Upload" else hashlib.sha256(image.rgb.tobytes()).hexdigest()
signature = (
    loaded.key,
    image_id,
    target,
    tuple(layers),
    tuple(methods),
    aug_smooth,
    eigen_smooth,
    with_guided,
)
result = state.get("cam.result")

with right:
    if not methods:
        st.info("Choose at least one method.")
        st.stop()
    if not layers and not all(METHODS[m].layer_independent for m in methods):
        st.info("Choose at least one layer.")
        st.stop()
    estimates = {m: cam.estimate_seconds(loaded, m, layers, aug_smooth) for m in methods}
    total = sum(estimates.values())
    if result is None or result["signature"] != signature:
        slow = [m for m in methods if METHODS[m].slow]
        start = total < FAST_LIMIT_S and not slow
        if not start:
            st.warning(
                f"Estimated time: about {total:.0f} s on this CPU "
                + (f"({', '.join(slow)} run one forward pass per channel of each layer). " if slow else ". ")
                + "Fewer or later layers (fewer channels) are faster.",
                icon=":material/hourglass:",
            )
            start = st.button(f"Compute maps (≈ {total:.0f} s)", type="primary", key="cam.compute")
        if not start:
            st.stop()
        stop_slot = st.empty()
        stop_slot.button("Stop", key="cam.stop", help="Stops the computation; nothing is kept from it.")
        bar = st.progress(0.0, text="Computing maps…")
        runs: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for i, method in enumerate(methods):

            def progress(fraction: float, text: str, i: int = i) -> None:
                bar.progress(min((i + fraction) / len(methods), 1.0), text=text)

            try:
                runs[method] = cam.compute_maps(
                    loaded, input_tensor, layers, method, target, aug_smooth, eigen_smooth, progress
                )
            except cam.CamError as exc:
                errors[method] = str(exc)
        guided = None
        if with_guided and runs:
            bar.progress(1.0, text="Guided backprop…")
            gradient = cam.guided_backprop(loaded, input_tensor, target)
            base = "GradCAM" if "GradCAM" in runs else next(iter(runs))
            guided = {"__gradient__": cam.gradient_image(gradient), "__method__": base}
            for layer_map in runs[base].maps:
                guided[layer_map.layer] = cam.guided_gradcam(gradient, layer_map.normalized)
        bar.empty()
        stop_slot.empty()
        result = {"signature": signature, "runs": runs, "errors": errors, "guided": guided}
        state["cam.result"] = result
        state.pop("cam.faith", None)
        state.pop("cam.sanity", None)

    runs = result["runs"]
    for method, message in result["errors"].items():
        st.error(f"{method}: {message}", icon=":material/error:")
    if not runs:
        st.stop()
    st.subheader(f"Where the model looks for “{target.describe(categories)}”")
    seconds = sum(run.seconds for run in runs.values())
    st.caption(
        f"{len(layers)} layer(s) x {len(runs)} method(s) in {seconds:.1f} s; "
        + ", ".join(f"{m}: {r.forward_passes} forward pass(es) for all layers" for m, r in runs.items())
    )
    values = cam_views.display_values(runs, shared)
    cam_views.grid(rgb, runs, values, result["guided"], opacity, colormap, threshold)

    # --- downloads ----------------------------------------------------------------------------
    st.subheader("Download a map")
    choices = list(values)
    pick = st.selectbox("Map", choices, format_func=lambda c: f"{c[1]} · {c[0]}", key="cam.download_pick")
    picked_map = next(m for m in runs[pick[1]].maps if m.layer == pick[0])
    stem = f"{loaded.key}_{pick[1]}_{pick[0]}".replace(":", "-").replace("(", "").replace(")", "").replace(" ", "_")
    meta = {
        "model": loaded.key,
        "model_label": loaded.label,
        "layer": pick[0],
        "method": pick[1],
        "target_class": target.class_index,
        "target_label": categories[target.class_index],
        "minus_class": target.minus_index,
        "minus_label": None if target.minus_index is None else categories[target.minus_index],
        "image": image.name,
        "input_size": loaded.input_size,
        "activation_shape": picked_map.activation_shape,
        "aug_smooth": aug_smooth,
        "eigen_smooth": eigen_smooth,
        "shared_scale": shared,
        "colormap": colormap,
        "opacity": opacity,
        "threshold": threshold,
        "top5": [{"class": p.label, "index": p.index, "probability": p.probability} for p in predictions],
    }
    buttons = st.columns(3)
    buttons[0].download_button(
        "Overlay PNG",
        render.png_bytes(render.overlay(rgb, values[pick], opacity, colormap, threshold)),
        f"{stem}.png",
        "image/png",
        key="cam.dl_png",
        icon=":material/image:",
    )
    buttons[1].download_button(
        "Raw map .npy",
        render.npy_bytes(picked_map.raw),
        f"{stem}.npy",
        "application/octet-stream",
        key="cam.dl_npy",
        icon=":material/data_array:",
    )
    buttons[2].download_button(
        "Metadata JSON",
        render.metadata_json(meta),
        f"{stem}.json",
        "application/json",
        key="cam.dl_json",
        icon=":material/description:",
    )

    # --- faithfulness ---------------------------------------------------------------------------
    st.subheader("How faithful are these maps?")
    st.caption(
        "Confidence change multiplies the image by the map. ROAD removes the most (MoRF) or least (LeRF) "
        "relevant pixels with noisy linear imputation. Deletion/insertion blur away or reveal pixels in map "
        "order. The random baseline is RandomCAM on the same layer: a map should beat it clearly."
    )
    with_road = st.checkbox("Include ROAD (about 2 s per map)", value=False, key="cam.road")
    if st.button("Score every map in the grid", key="cam.score"):
        from core.vision.faithfulness import random_baseline, score_maps

        bar = st.progress(0.0, text="Scoring…")
        labels_order = list(values)
        baseline_layers = list(dict.fromkeys(layer for layer, _ in labels_order if not layer.startswith("(")))
        baselines = {layer: random_baseline(loaded, input_tensor, layer, target) for layer in baseline_layers}
        maps = [next(m for m in runs[method].maps if m.layer == layer).normalized for layer, method in labels_order]
        scored = score_maps(
            loaded,
            input_tensor,
            [*maps, *baselines.values()],
            target,
            road=with_road,
            progress=lambda f, text: bar.progress(f, text=text),
        )
        bar.empty()
        names = [f"{method} · {layer}" for layer, method in labels_order]
        names += [f"Random baseline · {layer}" for layer in baselines]
        state["cam.faith"] = {"signature": signature, "names": names, "scores": scored}
    faith = state.get("cam.faith")
    if faith and faith["signature"] == signature:
        rows = [
            {
                "Map": name,
                "Confidence change": s.confidence_change,
                "ROAD MoRF": s.morf if with_road else None,
                "ROAD LeRF": s.lerf if with_road else None,
                "ROAD combined": s.road_combined if with_road else None,
                "Deletion AUC": s.deletion_auc,
                "Insertion AUC": s.insertion_auc,
            }
            for name, s in zip(faith["names"], faith["scores"], strict=True)
        ]
        cam_views.faithfulness_table(rows)
        scored_maps = [n for n in faith["names"] if not n.startswith("Random baseline")]
        curve_pick = st.selectbox("Deletion and insertion curves for", scored_maps, key="cam.curve_pick")
        baseline_name = "Random baseline · " + curve_pick.split(" · ", 1)[1]
        by_name = dict(zip(faith["names"], faith["scores"], strict=True))
        shown = {n: by_name[n] for n in (curve_pick, baseline_name) if n in by_name}
        st.plotly_chart(
            cam_views.curves_figure({n: (s.deletion_curve, s.insertion_curve) for n, s in shown.items()}),
            key="cam.curves",
        )

    # --- sanity check ---------------------------------------------------------------------------
    st.subheader("Sanity check: does the map depend on the trained weights?")
    st.caption(
        "Adebayo et al. (2018): re-initialise the model's layers from the top down (on a copy) and recompute "
        "the map. A faithful map changes a lot (rank correlation ρ and SSIM with the original fall)."
    )
    layered = [c for c in values if not c[0].startswith("(")]
    if layered:
        sanity_pick = st.selectbox(
            "Map to test", layered, format_func=lambda c: f"{c[1]} · {c[0]}", key="cam.sanity_pick"
        )
        if METHODS[sanity_pick[1]].slow:
            st.caption("Slow methods are recomputed 6 times here; expect a long wait.")
        if st.button("Run the randomisation check", key="cam.sanity_run"):
            from core.vision.faithfulness import randomisation_check

            bar = st.progress(0.0, text="Re-initialising…")
            original, steps = randomisation_check(
                loaded,
                input_tensor,
                sanity_pick[0],
                sanity_pick[1],
                target,
                progress=lambda f, text: bar.progress(f, text=text),
            )
            bar.empty()
            state["cam.sanity"] = {
                "signature": signature,
                "pick": sanity_pick,
                "original": original,
                "steps": steps,
            }
        sanity = state.get("cam.sanity")
        if sanity and sanity["signature"] == signature:
            st.caption(f"{sanity['pick'][1]} · {sanity['pick'][0]}")
            cam_views.randomisation_strip(rgb, sanity["original"], sanity["steps"], opacity, colormap)
