"""The page's choices in the URL: restored on a fresh session (reload, shared link) and on Back/Forward.

Restoring makes the link the session's current choice and forgets the widgets' values: each panel
then starts its widgets from `state.link` (layers and class numbers checked against the loaded model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from components.shared.flash import flash
from components.shared.session import url_changes, write_url
from components.vision import resources
from components.vision.state import (
    FRAMING,
    IMAGE_SOURCE,
    METHODS,
    MODEL,
    PER_MODEL_PREFIXES,
    SAMPLE,
    SCOPE,
    TARGET_MODE,
    VisionState,
    upload_key,
)
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
    for key in [MODEL, IMAGE_SOURCE, SAMPLE, FRAMING, METHODS, TARGET_MODE]:
        session.pop(key, None)
    for key in [k for k in session if isinstance(k, str) and k.startswith(PER_MODEL_PREFIXES)]:
        del session[key]
    if session.get(upload_key(state.upload_round)) is not None:
        state.upload_round += 1  # an empty upload box, so the link's image (or none) is what shows
    state.upload_id, state.upload_file_id = link.image.upload_id, None
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
