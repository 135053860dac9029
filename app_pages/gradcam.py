"""Grad-CAM viewer: pick a model, an image, layers and methods; see where the CNN looks, and how far
to trust each map. Reads like the screen: choices on the left, results on the right.

The choices (model, image, layers, methods, target) live in the URL, so a reload, Back or a copied
link shows the same view; an uploaded image is kept on the server and named in the URL by its id.
"""

from __future__ import annotations

import streamlit as st

from components.shared.errors import error_boundary
from components.shared.flash import show_flashes
from components.vision.choices import display_panel, image_panel, layers_panel, methods_panel, model_panel, target_panel
from components.vision.link import keep_link, restore_from_url, save_link
from components.vision.results import (
    downloads_panel,
    faithfulness_panel,
    grid_panel,
    grid_placeholder,
    input_panel,
    sanity_panel,
)
from components.vision.state import SCOPE, vision_state
from core.vision.grid import prepare
from core.vision.link import CamLink

st.title("Grad-CAM viewer")
st.write(
    "Show an image to an image classifier and see which parts of the picture its decision rests on, "
    "layer by layer and method by method, with a check of how much to trust each map."
)
state = vision_state()

with error_boundary("explaining the image"):
    restore_from_url(state)
    show_flashes(SCOPE)
    left, right = st.columns([1, 2], gap="large")
    with left:
        model = model_panel(state)
        image = image_panel(state)
    if model.loaded is None or image.loaded is None:
        keep_link(state, model.key, image.ref)
        st.stop()

    prepared = prepare(model.loaded, image.loaded, image.framing)
    with right:
        input_panel(model.loaded, image.loaded, prepared)
        grid_slot = grid_placeholder(state, model.loaded)  # "Computing 4 maps…" while the choices load
    with left:
        target = target_panel(state, model, prepared.predictions)
        layers = layers_panel(state, model)
        request = methods_panel(state, layers, target.resolved(prepared.predictions[0].index))
        display = display_panel()
    link = CamLink(model.key, image.ref, request.layers, request.methods, target, image.framing)
    save_link(state, link, model.loaded.default_layers)

    with right:
        shown = grid_panel(model, image, prepared, request, display, grid_slot)
        if shown is None:
            st.stop()
        downloads_panel(shown)
        faithfulness_panel(shown)
        sanity_panel(shown)
