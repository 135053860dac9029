"""The only place in this tool with st.cache_resource / st.cache_data: cached wrappers around core loaders.

Cached resources are shared by every session of the process, so what they return must be safe to use
from several threads (or be used under a lock by its caller).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from core.vision.grid import GridResult
from core.vision.images import LoadedImage
from core.vision.uploads import UploadStore

if TYPE_CHECKING:
    from core.vision.models import LoadedModel


@st.cache_resource(show_spinner=False, max_entries=3)
def model(key: str, _progress: Callable[[int, int], None] | None = None) -> LoadedModel:
    """A shared vision model; used under its lock or copied."""
    from core.vision.models import load_model

    return load_model(key, _progress)


@st.cache_data(show_spinner=False, max_entries=16)
def sample_image(name: str) -> LoadedImage:
    from core.vision.images import load_sample

    return load_sample(name)


@st.cache_resource(show_spinner=False)
def offered_methods() -> list[str]:
    """The CAM methods the installed pytorch-grad-cam provides (imports it, and torch, once)."""
    from core.vision.registry import available_methods

    return available_methods()


def upload_store() -> UploadStore:
    """Uploaded images, kept under the data dir so a reload or a copied link finds them again."""
    from components.shared.shell import session_settings
    from components.shared.space import owner_space

    return UploadStore(owner_space(session_settings()).root / "vision" / "uploads")


_GRIDS: OrderedDict[str, GridResult] = OrderedDict()
_GRIDS_LOCK = threading.Lock()
GRIDS_KEPT = 8


def shared_grid(signature: str, compute: Callable[[], GridResult]) -> GridResult:
    """A grid of maps computed once for every session that asks for the same one (`signature`: model,
    image and choices; images and uploaded weights are named by their content's digest, so two
    sessions share a grid only when they hold the same picture and model). Read-only once made.
    Not st.cache_resource: the computation draws its progress bar, which a cached function may not."""
    with _GRIDS_LOCK:
        if signature in _GRIDS:
            _GRIDS.move_to_end(signature)
            return _GRIDS[signature]
    result = compute()
    with _GRIDS_LOCK:
        _GRIDS[signature] = result
        while len(_GRIDS) > GRIDS_KEPT:
            _GRIDS.popitem(last=False)
    return result


def forget_shared_grids() -> None:
    with _GRIDS_LOCK:
        _GRIDS.clear()
