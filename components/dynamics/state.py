"""Session state of the Attractor explorer (keys prefixed `attr.`) and its link in the URL."""

from __future__ import annotations

import random

import streamlit as st

from core.dynamics.network import D_RANGE, N_RANGE, S_RANGE, SEED_RANGE, NetworkParams, ParameterError
from core.dynamics.presets import PRESETS, by_name

N, D, S, SEED = "attr.n", "attr.d", "attr.s", "attr.seed"
VIEW, STEPS, TRANSIENT = "attr.view", "attr.steps", "attr.transient"
PRESET, SECTION = "attr.preset", "attr.section"
URL_LOADED, NOTICE = "attr.url_loaded", "attr.notice"
CUSTOM = "Custom"
VIEWS = {"neurons": "Two neurons (2-D)", "3d": "Three neurons (3-D)", "delay": "Delay embedding of y0"}
SECTIONS = ["Explore", "Search", "Maps", "About"]
DEFAULT_PRESET = PRESETS[3]


def defaults() -> None:
    """Fill missing keys once per session (the article-style default: a chaotic preset, 200k steps)."""
    state = st.session_state
    p = DEFAULT_PRESET.params
    for key, value in (
        (N, p.n),
        (D, p.d),
        (S, p.s),
        (SEED, p.seed),
        (VIEW, "neurons"),
        (STEPS, 200_000),
        (TRANSIENT, 1_000),
        (PRESET, DEFAULT_PRESET.name),
        (SECTION, "Explore"),
    ):
        state.setdefault(key, value)


def load_from_url() -> None:
    """Read N, D, s, seed and view from the link once per session; bad values are reported and ignored."""
    state = st.session_state
    if state.get(URL_LOADED):
        return
    state[URL_LOADED] = True
    qp = st.query_params
    if not any(name in qp for name in ("N", "D", "s", "seed", "view")):
        return
    try:
        n = int(qp.get("N", state[N]))
        d = int(qp.get("D", state[D]))
        s = float(qp.get("s", state[S]))
        seed = int(qp.get("seed", state[SEED]))
        NetworkParams(n, d, s, seed)
    except (ValueError, ParameterError) as exc:
        state[NOTICE] = f"The link's parameters were not used: {exc} Showing the default attractor instead."
        return
    state[N], state[D], state[S], state[SEED] = n, d, s, seed
    view = qp.get("view")
    if view in VIEWS:
        state[VIEW] = view
    state[PRESET] = matching_preset(NetworkParams(n, d, s, seed))


def write_url(params: NetworkParams, view: str) -> None:
    wanted = {
        "N": str(params.n),
        "D": str(params.d),
        "s": repr(float(params.s)),
        "seed": str(params.seed),
        "view": view,
    }
    if any(st.query_params.get(k) != v for k, v in wanted.items()):
        st.query_params.update(wanted)


def matching_preset(params: NetworkParams) -> str:
    for preset in PRESETS:
        if preset.params == params:
            return preset.name
    return CUSTOM


def apply_preset() -> None:
    """on_change of the preset box: copy the preset's parameters into the widgets."""
    name = st.session_state[PRESET]
    if name == CUSTOM:
        return
    p = by_name(name).params
    state = st.session_state
    state[N], state[D], state[S], state[SEED] = p.n, p.d, p.s, p.seed


def mark_custom() -> None:
    """on_change of N, D, s, seed: the preset box shows which preset (if any) they match."""
    state = st.session_state
    try:
        state[PRESET] = matching_preset(NetworkParams(state[N], state[D], float(state[S]), state[SEED]))
    except ParameterError:
        state[PRESET] = CUSTOM


def random_seed() -> None:
    st.session_state[SEED] = random.randint(*SEED_RANGE)
    mark_custom()


def open_attractor(params: NetworkParams) -> None:
    """Show these parameters in the Explore section (from a search result or a map click)."""
    state = st.session_state
    state[N], state[D], state[S], state[SEED] = params.n, params.d, float(params.s), params.seed
    state[PRESET] = matching_preset(params)
    state[SECTION] = "Explore"


def current_params() -> NetworkParams:
    state = st.session_state
    return NetworkParams(int(state[N]), int(state[D]), float(state[S]), int(state[SEED]))


LIMITS = {"N": N_RANGE, "D": D_RANGE, "s": S_RANGE, "seed": SEED_RANGE}
