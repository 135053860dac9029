"""The Attractor explorer's state: one `AttractorState` under one session key, its widget keys, its link.

The network (N, D, s, seed), the view and the section are also in the URL (`core.dynamics.link`):
restored on a fresh session (reload, shared link) and on Back/Forward, written on every section.
The rest (iterations, picture options, the sweep forms and their results) lives for the session;
switching sections keeps all of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import streamlit as st

from components.shared.flash import flash
from components.shared.session import tool_state, url_changes, write_url
from core.dynamics.classify import DEFAULT_STEPS, AttractorClass
from core.dynamics.link import LINK_NAMES, Link, Section, View, link_query, parse_link
from core.dynamics.network import SEED_RANGE, NetworkParams, ParameterError
from core.dynamics.presets import PRESETS, by_name, matching
from core.dynamics.render import Scheme

if TYPE_CHECKING:  # the sweeps pull in the numba engine, imported only when a section needs it
    from core.dynamics.search import Bifurcation, LyapunovMap, ScanRow

SCOPE = "attr"  # flash messages and the URL bookkeeping of this page
STATE_KEY = "attr.state"

# widget keys: the section switch and Explore's controls
SECTION = "attr.section"
PRESET, N, D, S, SEED = "attr.preset", "attr.n", "attr.d", "attr.s", "attr.seed"
STEPS, TRANSIENT, VIEW, LAG = "attr.steps", "attr.transient", "attr.view", "attr.lag"
NX, NY, NZ = "attr.nx", "attr.ny", "attr.nz"
SCHEME, RENDERING, SPECTRUM_STEPS = "attr.scheme", "attr.rendering", "attr.spectrum_steps"
FIG_2D, FIG_3D, SPECTRUM_CHART, TRACE_CHART = "attr.fig2d", "attr.fig3d", "attr.spectrum", "attr.trace"
DIMENSION_MEMO = "attr.correlation_dimension"
# Search
SEARCH_N, SEARCH_D, SEARCH_SAMPLES = "attr.search_n", "attr.search_d", "attr.search_samples"
SEARCH_S, SEARCH_COVER, SEARCH_SEED = "attr.search_s", "attr.search_cover", "attr.search_seed"
SEARCH_CLASSES, SEARCH_STEPS = "attr.search_classes", "attr.search_steps"
SEARCH_ORDER = "attr.search_order"
SEARCH_GO, SEARCH_STOP, SEARCH_TABLE, SEARCH_OPEN = (
    "attr.search_go",
    "attr.search_stop",
    "attr.search_table",
    "attr.search_open",
)
# Maps
MAP_KIND, MAP_D, MAP_N, MAP_SEED0, MAP_ROWS = (
    "attr.map_kind",
    "attr.map_d",
    "attr.map_n",
    "attr.map_seed0",
    "attr.map_rows",
)
MAP_FIXED_SEED, MAP_NRANGE, MAP_S, MAP_COLS = "attr.map_fixed_seed", "attr.map_nrange", "attr.map_s", "attr.map_cols"
MAP_STEPS, MAP_GO, MAP_STOP, MAP_CHART = "attr.map_steps", "attr.map_go", "attr.map_stop", "attr.map_chart"
BIF_N, BIF_D, BIF_SEED, BIF_Q = "attr.bif_n", "attr.bif_d", "attr.bif_seed", "attr.bif_q"
BIF_S, BIF_COLS, BIF_KEEP = "attr.bif_s", "attr.bif_cols", "attr.bif_keep"
BIF_GO, BIF_STOP, BIF_CHART = "attr.bif_go", "attr.bif_stop", "attr.bif_chart"

CUSTOM = "Custom"
DEFAULT_PRESET = PRESETS[3]
Rendering = Literal["Auto", "Density (datashader)", "Points (Plotly)", "Line (Plotly)"]
RENDERINGS: tuple[Rendering, ...] = ("Auto", "Density (datashader)", "Points (Plotly)", "Line (Plotly)")


class MapKind(StrEnum):
    SEED_MAP = "λ1 over (s, seed)"
    N_MAP = "λ1 over (s, N)"
    BIFURCATION = "Bifurcation diagram over s"


@dataclass(frozen=True)
class Explore:
    """What the Explore section shows: the network, the run and how it is drawn."""

    params: NetworkParams = DEFAULT_PRESET.params
    preset: str = DEFAULT_PRESET.name  # a preset's name, or CUSTOM
    steps: int = 200_000
    transient: int = 1_000
    view: View = "neurons"
    x: str = "x1"
    y: str = "x2"
    z: str = "x3"
    lag: int = 1
    scheme: Scheme = "article"
    rendering: Rendering = "Auto"
    spectrum_steps: int = DEFAULT_STEPS

    @property
    def columns(self) -> tuple[str, ...]:
        """The recorded quantities the view needs."""
        if self.view == "delay":
            return ("y0",)
        if self.view == "3d":
            return (self.x, self.y, self.z)
        return (self.x, self.y)


@dataclass(frozen=True)
class SearchForm:
    n: int = 4
    d: int = 16
    samples: int = 500
    s_range: tuple[float, float] = (0.5, 1.5)
    coverage: float = 0.03
    search_seed: int = 0
    classes: tuple[AttractorClass, ...] = (AttractorClass.CHAOTIC,)
    steps: int = 3_000


@dataclass
class SearchResult:
    rows: list[ScanRow]
    done: float  # fraction of the samples measured (< 1 if stopped)
    screened: int = 0  # matches of the quick screen, before each was measured again as Explore does


@dataclass(frozen=True)
class MapForm:
    kind: MapKind = MapKind.SEED_MAP
    d: int = 16
    n: int = 4
    first_seed: int = 0
    seeds: int = 40
    fixed_seed: int = 174658140
    n_range: tuple[int, int] = (1, 16)
    s_range: tuple[float, float] = (0.1, 2.0)
    s_count: int = 40
    steps: int = 1_000

    @property
    def row_values(self) -> list[int]:
        """The map's rows: seeds (N fixed) or values of N (seed fixed)."""
        if self.kind is MapKind.SEED_MAP:
            return list(range(self.first_seed, self.first_seed + self.seeds))
        return list(range(self.n_range[0], self.n_range[1] + 1))


@dataclass(frozen=True)
class BifurcationForm:
    n: int = 4
    d: int = 16
    seed: int = 174658140
    quantity: str = "x1"
    s_range: tuple[float, float] = (0.1, 2.0)
    s_count: int = 400
    keep: int = 150


@dataclass
class AttractorState:
    section: Section = Section.EXPLORE
    explore: Explore = field(default_factory=Explore)
    search: SearchForm = field(default_factory=SearchForm)
    search_result: SearchResult | None = None
    maps: MapForm = field(default_factory=MapForm)
    lyapunov_map: LyapunovMap | None = None
    bifurcation_form: BifurcationForm = field(default_factory=BifurcationForm)
    bifurcation: Bifurcation | None = None
    maps_network: NetworkParams | None = None  # the Explore network the Maps forms last took N, D, seed from

    @property
    def link(self) -> Link:
        return Link(self.explore.params, self.explore.view, self.section)


def preset_name(params: NetworkParams) -> str:
    preset = matching(params)
    return preset.name if preset is not None else CUSTOM


def stored_state() -> AttractorState:
    """This session's state as it is (for callbacks)."""
    return tool_state(STATE_KEY, AttractorState)


def attractor_state() -> AttractorState:
    """This session's state; on a fresh session or a Back/Forward step, what the URL says first."""
    state = stored_state()
    query = url_changes(SCOPE, LINK_NAMES)
    if query is not None:
        link, problems = parse_link(query, Link(Explore().params))
        for problem in problems:
            flash(SCOPE, "warning", problem)
        show_link(state, link)
    return state


def show_link(state: AttractorState, link: Link) -> None:
    """Make the state and the widgets that show it hold `link` (the widgets are set before they are drawn)."""
    state.explore = replace(state.explore, params=link.params, preset=preset_name(link.params), view=link.view)
    state.section = link.section
    params = link.params
    for key, value in (
        (N, params.n),
        (D, params.d),
        (S, float(params.s)),
        (SEED, params.seed),
        (PRESET, state.explore.preset),
        (VIEW, link.view),
        (SECTION, link.section),
    ):
        st.session_state[key] = value


def publish(state: AttractorState) -> None:
    """Put the network, view and section in the URL (a new browser history entry when they change)."""
    write_url(SCOPE, LINK_NAMES, link_query(state.link))


def seed_widgets(values: dict[str, object]) -> None:
    """Give widgets their state's value when they have none (first draw, or back from another section)."""
    for key, value in values.items():
        if key not in st.session_state:
            st.session_state[key] = value


def follow_network(state: AttractorState) -> None:
    """The Maps forms start from the network shown in Explore: when it changed since they last took it,
    the bifurcation diagram and the (s, N) map take its N, D and seed, the (s, seed) map its N and D.
    What is typed in Maps stays while the Explore network stays the same."""
    p = state.explore.params
    if state.maps_network == p:
        return
    state.maps_network = p
    state.bifurcation_form = replace(state.bifurcation_form, n=p.n, d=p.d, seed=p.seed)
    state.maps = replace(state.maps, d=p.d, n=p.n, fixed_seed=p.seed)
    for key in (BIF_N, BIF_D, BIF_SEED, MAP_D, MAP_N, MAP_FIXED_SEED):
        st.session_state.pop(key, None)  # seed_widgets gives them the forms' values when they are drawn


def open_attractor(params: NetworkParams) -> None:
    """Callback: show these parameters in Explore (a search result or a map cell)."""
    state = stored_state()
    show_link(state, Link(params, state.explore.view, Section.EXPLORE))


def apply_preset() -> None:
    """on_change of the preset box: copy the preset's parameters into the widgets."""
    name = st.session_state[PRESET]
    if name == CUSTOM:
        return
    p = by_name(name).params
    st.session_state[N], st.session_state[D], st.session_state[S], st.session_state[SEED] = p.n, p.d, p.s, p.seed


def mark_custom() -> None:
    """on_change of N, D, s, seed: the preset box shows which preset (if any) they match."""
    state = st.session_state
    try:
        state[PRESET] = preset_name(NetworkParams(state[N], state[D], float(state[S]), state[SEED]))
    except ParameterError:
        state[PRESET] = CUSTOM


def random_seed() -> None:
    st.session_state[SEED] = random.randint(*SEED_RANGE)
    mark_custom()
