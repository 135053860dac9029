"""The Grad-CAM viewer's session state (one object under one key), its widget keys and memo keys.

What survives a reload or travels in a link (model, image, layers, methods, target) is in the URL:
see components.vision.link. An uploaded image is kept on the server and named there by its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from components.shared.session import tool_state
from core.vision.link import CamLink

SCOPE = "cam"  # flash messages and the URL bookkeeping of this page
STATE = "cam.state"

# Widget keys.
MODEL = "cam.model"
DOWNLOAD_WEIGHTS = "cam.download_weights"
USER_ARCHITECTURE = "cam.user_arch"
USER_WEIGHTS = "cam.user_w"
USER_NAMES = "cam.user_names"
IMAGE_SOURCE = "cam.image_source"
SAMPLE = "cam.sample"
FRAMING = "cam.framing"
TARGET_MODE = "cam.target_mode"
METHODS = "cam.methods"
AUG_SMOOTH = "cam.aug_smooth"
EIGEN_SMOOTH = "cam.eigen_smooth"
GUIDED = "cam.guided"
OPACITY = "cam.opacity"
COLORMAP = "cam.cmap"
THRESHOLD = "cam.threshold"
SHARED_SCALE = "cam.shared"
COMPUTE = "cam.compute"
STOP = "cam.stop"
DOWNLOAD_PICK = "cam.download_pick"
DOWNLOAD_PNG = "cam.dl_png"
DOWNLOAD_NPY = "cam.dl_npy"
DOWNLOAD_JSON = "cam.dl_json"
ROAD = "cam.road"
FULL_CURVES = "cam.full_curves"
SCORE = "cam.score"
CURVE_PICK = "cam.curve_pick"
CURVES = "cam.curves"
SANITY_PICK = "cam.sanity_pick"
SANITY_RUN = "cam.sanity_run"
DELETE_TOP = "cam.delete_top"


def upload_key(round_: int) -> str:
    """The upload box; a new round (after restoring a link) is a new, empty box."""
    return "cam.upload" if round_ == 0 else f"cam.upload.{round_}"


def layers_key(model_key: str) -> str:
    """Each model keeps its own layer choice."""
    return f"cam.layers.{model_key}"


PER_MODEL_PREFIXES = ("cam.layers.", "cam.class_a.", "cam.class_b.")


def class_a_key(model_key: str) -> str:
    return f"cam.class_a.{model_key}"


def class_b_key(model_key: str) -> str:
    return f"cam.class_b.{model_key}"


# Per-session results (components.shared.memo), each for the inputs it was computed from.
USER_MODEL_MEMO = "cam.user_model"
GRID_MEMO = "cam.result"
SCORES_MEMO = "cam.faith"
SANITY_MEMO = "cam.sanity"
SANITY_VERDICTS = "cam.sanity_verdicts"  # {cell: depends on the weights} of every map checked on this grid


@dataclass
class VisionState:
    link: CamLink = field(default_factory=CamLink)  # the current choices: in the URL, and what
    # widgets start from when their state is gone (a restored link, or back from another page)
    link_defaults: tuple[str, ...] = ()  # the default layers of the link's model (left out of the URL)
    upload_id: str | None = None  # the shown upload (kept under data_dir/vision/uploads)
    upload_file_id: str | None = None  # the upload box's file it came from (None after a reload)
    upload_round: int = 0


def vision_state() -> VisionState:
    return tool_state(STATE, VisionState)
