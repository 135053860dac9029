"""Music page: min / max / target per audio feature, and the list's size and variety."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.music.catalog import FEATURES, KEY_NAMES, FeatureSpec


@dataclass
class Tuning:
    minimums: dict[str, float]
    maximums: dict[str, float]
    targets: dict[str, float]
    limit: int
    per_artist_cap: int
    diversity: float
    target_weight: float


def _numbers(spec: FeatureSpec) -> tuple[float, float, float]:
    if spec.step >= 1:
        return int(spec.low), int(spec.high), int(spec.step)  # type: ignore[return-value]
    return float(spec.low), float(spec.high), float(spec.step)


def _format(spec: FeatureSpec) -> str | None:
    if spec.name == "duration_ms":
        return "%d ms"
    return None


def feature_controls(spec: FeatureSpec) -> tuple[tuple[float, float] | None, float | None]:
    low, high, step = _numbers(spec)
    help_text = spec.help + (
        " Key numbers: " + ", ".join(f"{i}={n}" for i, n in enumerate(KEY_NAMES))
        if spec.name == "key"
        else ""
    )
    st.markdown(f"**{spec.label}**", help=help_text)
    bounds = st.slider(
        f"{spec.label}: allowed range (hard filter)",
        min_value=low,
        max_value=high,
        value=(low, high),
        step=step,
        key=f"music.range.{spec.name}",
        format=_format(spec),
        label_visibility="collapsed",
    )
    use_target = st.toggle("Target", key=f"music.use_target.{spec.name}")
    target = None
    if use_target:
        middle = type(low)((low + high) / 2) if spec.step < 1 else int((low + high) // 2)
        target = st.slider(
            f"{spec.label}: target (soft preference)",
            min_value=low,
            max_value=high,
            value=middle,
            step=step,
            key=f"music.target.{spec.name}",
            format=_format(spec),
        )
    narrowed = bounds if (bounds[0] > low or bounds[1] < high) else None
    return narrowed, target


def tuning_panel() -> Tuning:
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
                narrowed, target = feature_controls(spec)
            if narrowed is not None:
                low, high = _numbers(spec)[:2]
                if narrowed[0] > low:
                    minimums[spec.name] = float(narrowed[0])
                if narrowed[1] < high:
                    maximums[spec.name] = float(narrowed[1])
            if target is not None:
                targets[spec.name] = float(target)
    with st.expander("List size and variety", icon=":material/format_list_numbered:"):
        left, middle, right, last = st.columns(4)
        limit = left.slider("Tracks", 5, 50, 20, key="music.limit")
        cap = middle.slider("At most per artist", 1, 5, 2, key="music.artist_cap")
        diversity = right.slider(
            "Variety",
            0.0,
            1.0,
            0.3,
            0.05,
            key="music.diversity",
            help="0 = the most similar tracks; higher = tracks less like each other (MMR).",
        )
        strength = last.slider(
            "Target strength",
            0.0,
            3.0,
            1.0,
            0.25,
            key="music.target_weight",
            help="How much targets count against similarity to the seeds. High values leave the "
            "seeds' sound (and genre) to reach the targets.",
        )
    return Tuning(minimums, maximums, targets, limit, cap, diversity, strength)
