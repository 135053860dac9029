"""Music page: min / max / target per audio feature, and the list's size and variety."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.music.state import (
    ALBUM_CAP,
    ARTIST_CAP,
    DIVERSITY,
    LIMIT,
    ONE_VERSION,
    RANGE_PREFIX,
    TARGET_PREFIX,
    TARGET_WEIGHT,
    USE_TARGET_PREFIX,
)
from core.music.catalog import FEATURES, KEY_NAMES, FeatureSpec
from core.music.link import ALBUM_CAP_RANGE, CAP_RANGE, DIVERSITY_RANGE, LIMIT_RANGE, STRENGTH_RANGE, Tuning

__all__ = ["Tuning", "show_in_widgets", "tuning_panel"]


@dataclass(frozen=True)
class SliderScale:
    """How a feature is shown on its slider (duration in minutes, not milliseconds)."""

    label: str
    low: float
    high: float
    step: float
    factor: float = 1.0  # catalog value = slider value × factor
    integer: bool = False


def slider_scale(spec: FeatureSpec) -> SliderScale:
    if spec.name == "duration_ms":
        return SliderScale("Duration (min)", 0.0, spec.high / 60_000, 0.5, factor=60_000)
    if spec.step >= 1:
        return SliderScale(spec.label, int(spec.low), int(spec.high), int(spec.step), integer=True)
    return SliderScale(spec.label, float(spec.low), float(spec.high), float(spec.step))


def _snap(scale: SliderScale, value: float) -> float:
    value = min(max(value, scale.low), scale.high)
    snapped = round((value - scale.low) / scale.step) * scale.step + scale.low
    return int(snapped) if scale.integer else round(float(snapped), 6)


MODE_NAMES = ("minor", "major")
NAMED_VALUES = {"key": KEY_NAMES, "mode": MODE_NAMES}  # shown by name on their sliders, stored as numbers


def _slider(label: str, spec: FeatureSpec, scale: SliderScale, value: Any, key: str, show_label: bool = False) -> Any:
    names = NAMED_VALUES.get(spec.name)
    if names is None:
        return st.slider(
            label,
            min_value=scale.low,
            max_value=scale.high,
            value=value,
            step=scale.step,
            key=key,
            label_visibility="visible" if show_label else "collapsed",
        )
    return st.select_slider(
        label,
        options=list(range(len(names))),
        value=value,
        format_func=names.__getitem__,
        key=key,
        label_visibility="visible" if show_label else "collapsed",
    )


def feature_controls(spec: FeatureSpec, seed_value: float | None) -> tuple[float | None, float | None, float | None]:
    """(min, max, target) in catalog units; None where the user set nothing."""
    scale = slider_scale(spec)
    st.markdown(f"**{scale.label}**", help=spec.help)
    low, high = _slider(
        f"{scale.label}: allowed range (hard filter)",
        spec,
        scale,
        (scale.low, scale.high),
        f"{RANGE_PREFIX}{spec.name}",
    )
    target = None
    if st.toggle("Target", key=f"{USE_TARGET_PREFIX}{spec.name}", help="Starts at the seeds' average."):
        start = seed_value / scale.factor if seed_value is not None else (scale.low + scale.high) / 2
        target = _slider(
            f"{scale.label}: target (soft preference)",
            spec,
            scale,
            _snap(scale, start),
            f"{TARGET_PREFIX}{spec.name}",
            show_label=True,
        )
    return (
        low * scale.factor if low > scale.low else None,
        high * scale.factor if high < scale.high else None,
        target * scale.factor if target is not None else None,
    )


def tuning_panel(seed_values: dict[str, float] | None = None) -> Tuning:
    seed_values = seed_values or {}
    minimums: dict[str, float] = {}
    maximums: dict[str, float] = {}
    targets: dict[str, float] = {}
    with st.expander("Filters and targets", icon=":material/tune:"):
        st.caption(
            "Each slider's range is a **hard filter** (min / max): tracks outside it are never "
            "recommended. Switch on **Target** to prefer tracks near a value: a soft preference "
            "traded off against similarity to the seeds (key distance wraps around: B is next to C)."
        )
        columns = st.columns(3)
        for number, spec in enumerate(FEATURES):
            with columns[number % 3]:
                low, high, target = feature_controls(spec, seed_values.get(spec.name))
            if low is not None:
                minimums[spec.name] = float(low)
            if high is not None:
                maximums[spec.name] = float(high)
            if target is not None:
                targets[spec.name] = float(target)
    with st.expander("List size and variety", icon=":material/format_list_numbered:"):
        left, middle, album_column, right, last = st.columns(5)
        limit = left.slider("Tracks", LIMIT_RANGE.low, LIMIT_RANGE.high, LIMIT_RANGE.default, key=LIMIT)
        cap = middle.slider("At most per artist", CAP_RANGE.low, CAP_RANGE.high, CAP_RANGE.default, key=ARTIST_CAP)
        album_cap = album_column.select_slider(
            "At most per album",
            options=list(range(ALBUM_CAP_RANGE.low, ALBUM_CAP_RANGE.high + 1)),
            value=ALBUM_CAP_RANGE.default,
            format_func=lambda n: "no limit" if n == 0 else str(n),
            key=ALBUM_CAP,
            help="Tracks of one album (by the same artist). Tracks without an album in the catalog are not capped.",
        )
        diversity = right.slider(
            "Variety",
            DIVERSITY_RANGE.low,
            DIVERSITY_RANGE.high,
            DIVERSITY_RANGE.default,
            0.05,
            key=DIVERSITY,
            help="0 = the most similar tracks; higher = tracks less like each other (MMR).",
        )
        strength = last.slider(
            "Target strength",
            STRENGTH_RANGE.low,
            STRENGTH_RANGE.high,
            STRENGTH_RANGE.default,
            0.25,
            key=TARGET_WEIGHT,
            help="How much targets count against similarity to the seeds. High values leave the "
            "seeds' sound (and genre) to reach the targets.",
        )
        one_version = st.toggle(
            "One version per song: leave out live versions, remasters, radio edits and “feat.” variants",
            value=True,
            key=ONE_VERSION,
            help="“Song - 2011 Remaster”, “Song (Live)”, “Song (Radio Edit)” and “Song feat. X” by the same "
            "artist count as one song: only the best-matching version is listed, and none of a seed's own.",
        )
    return Tuning(minimums, maximums, targets, limit, cap, diversity, strength, album_cap, one_version)


def show_in_widgets(tuning: Tuning) -> None:
    """Set the sliders and toggles to `tuning` (a restored link) before they are drawn."""
    state = st.session_state
    for spec in FEATURES:
        scale = slider_scale(spec)
        low, high = tuning.minimums.get(spec.name), tuning.maximums.get(spec.name)
        state[f"{RANGE_PREFIX}{spec.name}"] = (
            _snap(scale, low / scale.factor) if low is not None else scale.low,
            _snap(scale, high / scale.factor) if high is not None else scale.high,
        )
        target = tuning.targets.get(spec.name)
        state[f"{USE_TARGET_PREFIX}{spec.name}"] = target is not None
        if target is not None:
            state[f"{TARGET_PREFIX}{spec.name}"] = _snap(scale, target / scale.factor)
        else:  # switched on later, the target starts at the seeds' average again
            state.pop(f"{TARGET_PREFIX}{spec.name}", None)
    state[LIMIT], state[ARTIST_CAP] = tuning.limit, tuning.per_artist_cap
    state[DIVERSITY], state[TARGET_WEIGHT] = tuning.diversity, tuning.target_weight
    state[ALBUM_CAP], state[ONE_VERSION] = tuning.per_album_cap, tuning.one_version_per_song
