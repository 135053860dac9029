"""Starting points: the article's three networks, and chaotic ones found with `search.search`.

Only parameters live here; the class and exponents shown beside each preset are measured when the
page runs (see `analysis.analyze`), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dynamics.network import NetworkParams


@dataclass(frozen=True)
class Preset:
    name: str
    params: NetworkParams
    source: str


PRESETS: tuple[Preset, ...] = (
    Preset("Article: 'limit cycle'", NetworkParams(4, 32, 0.22, 174658140), "article"),
    Preset("Article: 'toroidal'", NetworkParams(4, 32, 0.55, 3160697950), "article"),
    Preset("Article: 'strange'", NetworkParams(4, 16, 1.4, 174658140), "article"),
    # Found by search(n, d, s_range, 800 samples, [CHAOTIC], min_coverage=0.03, search_seed=3 or 7).
    Preset("Found: folded ribbon", NetworkParams(4, 16, 0.8277, 3220454298), "search"),
    Preset("Found: tangled web", NetworkParams(6, 12, 0.718, 282908997), "search"),
    Preset("Found: woven square", NetworkParams(4, 32, 0.7854, 978019450), "search"),
    Preset("Found: thin chaos", NetworkParams(4, 8, 1.4164, 2989986414), "search"),
)


def by_name(name: str) -> Preset:
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise KeyError(name)


def matching(params: NetworkParams) -> Preset | None:
    """The preset with exactly these parameters, if there is one."""
    return next((preset for preset in PRESETS if preset.params == params), None)
