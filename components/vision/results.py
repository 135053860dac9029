"""The Grad-CAM viewer's right column: the input and its top-5, the grid of maps, downloads, scores and
the sanity check. Results are kept per session for the inputs they were computed from."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.shared.memo import forget, memo_value, session_memo
from components.shared.text import markdown_text
from components.vision import resources, views
from components.vision import state as keys
from components.vision.choices import ImageChoice, ModelChoice
from components.vision.state import VisionState
from core.vision import render
from core.vision.export import file_stem, map_metadata
from core.vision.grid import (
    Cell,
    GridRequest,
    GridResult,
    Prepared,
    Progress,
    cell_label,
    compute_grid,
    display_values,
    layered_cells,
    plan,
    relative_peaks,
    run_summary,
)
from core.vision.images import LoadedImage
from core.vision.link import DEFAULT_METHODS
from core.vision.registry import METHODS

if TYPE_CHECKING:
    from core.vision.faithfulness import RandomisationStep
    from core.vision.models import LoadedModel


@dataclass(frozen=True)
class Shown:
    """A grid on screen, with everything the panels below it read."""

    loaded: LoadedModel
    image: LoadedImage
    prepared: Prepared
    request: GridRequest
    display: render.Display
    result: GridResult
    values: dict[Cell, np.ndarray]
    signature: Hashable  # the inputs of the grid: scores and checks are kept for it


@dataclass(frozen=True)
class SanityCheck:
    cell: Cell
    original: np.ndarray
    steps: list[RandomisationStep]


def input_panel(loaded: LoadedModel, image: LoadedImage, prepared: Prepared) -> None:
    picture, table = st.columns([1, 1.3])
    picture.image(
        prepared.rgb, caption=f"{image.name}: what the model sees ({loaded.input_size} px; {prepared.framing_note})"
    )
    if image.original_mode not in ("RGB", "L;RGB"):
        picture.caption(f"Converted from {image.original_mode} to RGB.")
    with table:
        st.markdown("**Top-5 predictions**")
        views.top5(prepared.predictions)


def grid_placeholder(state: VisionState, loaded: LoadedModel) -> DeltaGenerator:
    """Where the grid's progress goes. Before the session's first grid it says what is coming, so the
    column is not blank while the choices below the model load."""
    slot = st.empty()
    if keys.GRID_MEMO not in st.session_state:
        session = st.session_state
        linked = state.link.layers if state.link.model == loaded.key else ()
        layers = session.get(keys.layers_key(loaded.key)) or linked or loaded.default_layers
        methods = session.get(keys.METHODS) or state.link.methods or DEFAULT_METHODS
        slot.info(f"Computing {_what(len(layers), len(methods))}…", icon=":material/hourglass_top:")
    return slot


def _what(layers: int, methods: int) -> str:
    return f"{layers * methods} map(s): {layers} layer(s) x {methods} method(s)"


def grid_panel(
    model: ModelChoice,
    image: ImageChoice,
    prepared: Prepared,
    request: GridRequest,
    display: render.Display,
    slot: DeltaGenerator,
) -> Shown | None:
    """The grid of maps (computed now if quick, else on a button press, with its progress in `slot`);
    None if there is none to show."""
    assert model.loaded is not None and image.loaded is not None
    slot.empty()
    # The scale switch is drawn only with a grid: keep its value through runs that draw none (a grid
    # waiting for its Compute button), else Streamlit forgets it.
    st.session_state[keys.SHARED_SCALE] = bool(st.session_state.get(keys.SHARED_SCALE, False))
    missing = request.missing()
    if missing:
        st.info(missing)
        return None
    signature = (model.ref, image.ref.key, image.framing, request)
    result = memo_value(keys.GRID_MEMO, signature)
    if not isinstance(result, GridResult):
        result = _compute(model.loaded, prepared, request, signature, slot)
        if result is None:
            return None
    for method, message in result.errors.items():
        st.error(markdown_text(f"{method}: {message}"), icon=":material/error:")
    if not result.runs:
        return None
    st.subheader(f"Where the model looks for “{markdown_text(request.target.describe(model.loaded.categories))}”")
    st.caption(run_summary(result, len(request.layers)))
    display = replace(display, shared=scale_switch())
    values = display_values(result.runs, display.shared)
    infos = {info.name: info for info in model.loaded.usable_layers()}
    size = model.loaded.input_size
    rows = {
        name: (info.depth_words(size) + f" · {info.map_size[0]} x {info.map_size[1]} map", info.technical)
        for name, info in infos.items()
    }
    badges = _badges(signature, list(values))
    clicked = views.grid(prepared.rgb, result, values, relative_peaks(result.runs), display, rows, badges)
    shown = Shown(model.loaded, image.loaded, prepared, request, display, result, values, signature)
    if clicked is not None:
        map_dialog(shown, clicked)
    return shown


def _badges(signature: Hashable, cells: list[Cell]) -> dict[Cell, list[views.Badge]]:
    """The verdicts computed so far for this grid, per cell: faithfulness (after scoring) and the
    sanity check (for each map checked)."""
    from core.vision.faithfulness import ScoreTable

    table = memo_value(keys.SCORES_MEMO, signature)
    checked = memo_value(keys.SANITY_VERDICTS, signature)
    badges: dict[Cell, list[views.Badge]] = {}
    for cell in cells:
        found: list[views.Badge] = []
        beats = table.beats_random(cell_label(cell)) if isinstance(table, ScoreTable) else None
        if beats is not None:
            found.append(views.FAITHFUL_BADGES[beats])
        depends = checked.get(cell) if isinstance(checked, dict) else None
        if depends is not None:
            found.append(views.SANITY_BADGES[depends])
        badges[cell] = found
    return badges


def _signed(value: float) -> str:
    return f"{value:+.0f}".replace("-", "−")


@st.dialog("A map, large", width="large")
def map_dialog(shown: Shown, cell: Cell) -> None:
    """One map large, and a deletion slider: blur away the map's top k % and watch the prediction."""
    from core.vision.faithfulness import deletion_probe

    display = shown.display
    target = shown.request.target
    subject = markdown_text(target.describe(shown.loaded.categories))
    st.markdown(f"**{markdown_text(cell_label(cell))}**: where the model looks for “{subject}”")
    value = shown.values[cell]
    big, alone = st.columns(2)
    big.image(
        render.overlay(shown.prepared.rgb, value, display.opacity, display.colormap, display.threshold),
        caption="the map over the image",
        width="stretch",
    )
    alone.image(render.colorize(value, display.colormap), caption="the map alone", width="stretch")
    percent = st.slider(
        "Remove the map's most relevant pixels (%)",
        0,
        100,
        20,
        5,
        key=keys.DELETE_TOP,
        help="Blurs away this share of the pixels, brightest in the map first (one step of the deletion curve), "
        "and runs the model again.",
    )
    layer_map = shown.result.layer_map(cell)
    before = deletion_probe(shown.loaded, shown.prepared.tensor, layer_map.normalized, target, 0.0)[1]
    picture, probability = deletion_probe(
        shown.loaded, shown.prepared.tensor, layer_map.normalized, target, percent / 100
    )
    removed, verdict = st.columns(2)
    removed.image(picture, caption=f"what the model sees with the top {percent}% blurred", width="stretch")
    with verdict:
        st.markdown(f"Probability of “{subject}”")
        st.markdown(f"### {before:.0%} → {probability:.0%}")
        st.caption(
            f"{_signed((probability - before) * 100)} percentage points. If the map is right, removing its top "
            "pixels makes the probability fall fast (the deletion curve; its area is the Deletion AUC)."
        )


SCALE_NOTES = {
    False: "Each row scaled to its own peak: every layer's map uses the full colour range, so you see where "
    "each layer looks; “peak” under a map says how strong it is next to the strongest row (1.00).",
    True: "One scale for all rows (each method's strongest map sets the top colour): weak layers look faint.",
}


def scale_switch() -> bool:
    """The colour-scale switch beside the grid, and a sentence saying which scale is on."""
    shared = st.toggle(
        "One colour scale for all rows",
        key=keys.SHARED_SCALE,
        help="Off (default): every map stretched to 0–1 (the library's default). On: each method's raw maps "
        "divided by that method's largest value over all layers, so weak layers look weak.",
    )
    st.caption(SCALE_NOTES[shared])
    return shared


def _compute(
    loaded: LoadedModel, prepared: Prepared, request: GridRequest, signature: Hashable, slot: DeltaGenerator
) -> GridResult | None:
    estimate = plan(loaded, request)
    if not estimate.starts_now:
        slow = estimate.slow
        st.warning(
            f"Estimated time: about {estimate.seconds:.0f} s on this CPU "
            + (f"({', '.join(slow)} run one forward pass per channel of each layer). " if slow else ". ")
            + "Fewer or later layers (fewer channels) are faster.",
            icon=":material/hourglass:",
        )
        if not st.button(f"Compute maps (≈ {estimate.seconds:.0f} s)", type="primary", key=keys.COMPUTE):
            return None
    with slot.container():
        st.button("Stop", key=keys.STOP, help="Stops the computation; nothing is kept from it.")
        what = _what(len(request.layers), len(request.methods))
        bar = st.progress(0.0, text=f"Computing {what}…")
    progress = views.progress_of(bar, f"Computing {what}")
    result = session_memo(
        keys.GRID_MEMO,
        signature,
        lambda: resources.shared_grid(
            repr(signature), lambda: compute_grid(loaded, prepared.tensor, request, progress)
        ),
    )
    slot.empty()
    return result


def downloads_panel(shown: Shown) -> None:
    st.subheader("Download a map")
    pick = st.selectbox("Map", list(shown.values), format_func=cell_label, key=keys.DOWNLOAD_PICK)
    layer_map = shown.result.layer_map(pick)
    stem = file_stem(shown.loaded.key, pick)
    prepared = shown.prepared
    meta = map_metadata(
        shown.loaded,
        shown.image.name,
        pick,
        layer_map,
        shown.request,
        shown.display,
        prepared.predictions,
        prepared.framing,
    )
    display = shown.display
    overlay = render.overlay(
        shown.prepared.rgb, shown.values[pick], display.opacity, display.colormap, display.threshold
    )
    buttons = st.columns(3)
    buttons[0].download_button(
        "Overlay PNG",
        render.png_bytes(overlay),
        f"{stem}.png",
        "image/png",
        key=keys.DOWNLOAD_PNG,
        icon=":material/image:",
    )
    buttons[1].download_button(
        "Raw map .npy",
        render.npy_bytes(layer_map.raw),
        f"{stem}.npy",
        "application/octet-stream",
        key=keys.DOWNLOAD_NPY,
        icon=":material/data_array:",
    )
    buttons[2].download_button(
        "Metadata JSON",
        render.metadata_json(meta),
        f"{stem}.json",
        "application/json",
        key=keys.DOWNLOAD_JSON,
        icon=":material/description:",
    )


@st.fragment  # pressing Score reruns this panel only: its progress shows at once, not after the grid redraws
def faithfulness_panel(shown: Shown) -> None:
    from core.vision.faithfulness import BEATS_RANDOM_RULE, CURVE_STEPS, QUICK_CURVE_STEPS, ScoreTable, score_grid

    st.subheader("How faithful are these maps?")
    st.caption(
        "Confidence change multiplies the image by the map. ROAD removes the most (MoRF) or least (LeRF) "
        "relevant pixels with noisy linear imputation. Deletion/insertion blur away or reveal pixels in map "
        "order. The random baseline is RandomCAM on the same layer: a map should beat it clearly."
    )
    options = st.columns(2)
    road = options[0].checkbox("Include ROAD (about 2 s per map)", value=False, key=keys.ROAD)
    full = options[1].checkbox(
        f"Full curves ({CURVE_STEPS} steps, about twice as long)",
        value=False,
        key=keys.FULL_CURVES,
        help=f"Off: deletion and insertion in {QUICK_CURVE_STEPS} steps of {100 // QUICK_CURVE_STEPS} % of the "
        f"pixels; the areas under the curves differ by about 0.01. On: {CURVE_STEPS} steps.",
    )
    layers = len({layer for layer, _ in layered_cells(list(shown.values))})
    count = len(shown.values) + layers
    if st.button("Score every map in the grid", key=keys.SCORE, help=f"{count} maps with the random baselines"):
        bar = st.progress(0.0, text=f"Scoring {count} maps…")
        forget(keys.SCORES_MEMO)
        session_memo(
            keys.SCORES_MEMO,
            shown.signature,
            lambda: score_grid(
                shown.loaded,
                shown.prepared.tensor,
                shown.result,
                list(shown.values),
                shown.request.target,
                road=road,
                progress=views.progress_of(bar),
                curve_steps=CURVE_STEPS if full else QUICK_CURVE_STEPS,
            ),
        )
        bar.empty()
        st.rerun()  # the whole page: the grid's cells get their verdict badges
    table = memo_value(keys.SCORES_MEMO, shown.signature)
    if not isinstance(table, ScoreTable):
        return
    st.caption(
        f"**Beats random**: “yes” when {BEATS_RANDOM_RULE} (RandomCAM: random channel weights), else “no”."
        + ("" if table.has_road else " ROAD was not computed: tick “Include ROAD” and score again to add it.")
    )
    views.faithfulness_table(views.score_rows(table))
    curve_pick = st.selectbox("Deletion and insertion curves for", table.map_names(), key=keys.CURVE_PICK)
    curves = {name: (s.deletion_curve, s.insertion_curve) for name, s in table.with_baseline(curve_pick).items()}
    st.plotly_chart(views.curves_figure(curves), key=keys.CURVES)


@st.fragment  # as the scores: a run of the check redraws this panel, not the page
def sanity_panel(shown: Shown) -> None:
    st.subheader("Sanity check: does the map depend on the trained weights?")
    st.caption(
        "Adebayo et al. (2018): re-initialise the model's layers from the top down (on a copy) and recompute "
        "the map. A faithful map changes a lot (rank correlation ρ and SSIM with the original fall)."
    )
    layered = layered_cells(list(shown.values))
    if not layered:
        return
    pick = st.selectbox("Map to test", layered, format_func=cell_label, key=keys.SANITY_PICK)
    if METHODS[pick[1]].slow:
        st.caption("Slow methods are recomputed 6 times here; expect a long wait.")
    if st.button("Run the randomisation check", key=keys.SANITY_RUN):
        bar = st.progress(0.0, text="Re-initialising…")
        forget(keys.SANITY_MEMO)
        ran = session_memo(
            keys.SANITY_MEMO, shown.signature, lambda: _randomisation(shown, pick, views.progress_of(bar))
        )
        bar.empty()
        from core.vision.faithfulness import depends_on_weights

        verdicts = memo_value(keys.SANITY_VERDICTS, shown.signature)
        kept = dict(verdicts) if isinstance(verdicts, dict) else {}
        kept[ran.cell] = depends_on_weights(ran.steps)
        st.session_state[keys.SANITY_VERDICTS] = (shown.signature, kept)
        st.rerun()  # the whole page: the checked cell of the grid gets its badge
    check = memo_value(keys.SANITY_MEMO, shown.signature)
    if isinstance(check, SanityCheck):
        from core.vision.faithfulness import DEPENDS_ON_WEIGHTS_RHO, depends_on_weights

        verdict = depends_on_weights(check.steps)
        st.markdown(
            f"**{markdown_text(cell_label(check.cell))} · Depends on the trained weights: {views.VERDICTS[verdict]}**"
        )
        st.caption(
            f"“yes” when, with every layer re-initialised (the last picture), the map's rank correlation ρ "
            f"with the trained model's map is below {DEPENDS_ON_WEIGHTS_RHO}: the map changed, so it reads "
            "the weights. “no”: it looks the same on a random model, so it mostly shows the image's edges."
        )
        views.randomisation_strip(
            shown.prepared.rgb, check.original, check.steps, shown.display.opacity, shown.display.colormap
        )


def _randomisation(shown: Shown, cell: Cell, progress: Progress) -> SanityCheck:
    from core.vision.faithfulness import randomisation_check

    layer, method = cell
    original, steps = randomisation_check(
        shown.loaded, shown.prepared.tensor, layer, method, shown.request.target, progress=progress
    )
    return SanityCheck(cell, original, steps)
