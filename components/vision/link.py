"""The page's choices in the URL: restored on a fresh session (reload, shared link) and on Back/Forward.

Model, image source, sample and methods go straight into their widgets; layers and class numbers need
the loaded model, so the panels apply them (`restore_layers`, `restore_target`) once it is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from components.shared.flash import flash
from components.shared.session import url_changes, write_url
from components.vision import resources
from components.vision.state import IMAGE_SOURCE, METHODS, MODEL, SAMPLE, SCOPE, VisionState, upload_key
from core.vision.images import sample_names
from core.vision.link import PARAMS, USER_MODEL, CamLink, ImageRef, link_params, parse_link
from core.vision.registry import METHODS as METHOD_INFO
from core.vision.registry import SPECS


def restore_from_url(state: VisionState) -> None:
    """If the URL is not what this session wrote (reload, shared link, Back), make the widgets show it."""
    params = url_changes(SCOPE, PARAMS)
    if params is None:
        return
    link, problems = parse_link(params, [*SPECS, USER_MODEL], sample_names(), METHOD_INFO)
    upload_id = link.image.upload_id
    if upload_id is not None and not resources.upload_store().exists(upload_id):
        problems.append("The uploaded image in this link is not on this server; showing the default sample.")
        link = replace(link, image=ImageRef())
    for problem in problems:
        flash(SCOPE, "warning", problem)
    session = st.session_state
    session[MODEL] = link.model
    session[IMAGE_SOURCE] = link.image.source
    session[SAMPLE] = link.image.sample
    session[METHODS] = list(link.methods)
    if session.get(upload_key(state.upload_round)) is not None:
        state.upload_round += 1  # an empty upload box, so the link's image (or none) is what shows
    state.upload_id, state.upload_file_id = link.image.upload_id, None
    state.restoring, state.layers_restored, state.target_restored = link, False, False
    state.link = link


def save_link(state: VisionState, link: CamLink, default_layers: Sequence[str] = ()) -> None:
    """Put the current choices in the URL (one history entry when they changed)."""
    state.link, state.link_defaults = link, tuple(default_layers)
    write_url(SCOPE, PARAMS, link_params(link, default_layers))


def keep_link(state: VisionState, model: str, image: ImageRef) -> None:
    """The model or image is not ready yet: update those and keep the rest of the link as it was."""
    same_model = model == state.link.model
    link = replace(state.link, model=model, image=image, layers=state.link.layers if same_model else None)
    save_link(state, link, state.link_defaults if same_model else ())


def restoring(state: VisionState, model: str) -> CamLink | None:
    """The link being restored, if it names this model."""
    if state.restoring is not None and state.restoring.model == model:
        return state.restoring
    return None


def restored(state: VisionState) -> None:
    if state.layers_restored and state.target_restored:
        state.restoring = None
