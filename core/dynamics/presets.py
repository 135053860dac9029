"""Starting points: the article's three networks, and ones found with `search.search`.

Each preset is named by the class this app measures for it (at Explore's default spectrum run,
`classify.DEFAULT_STEPS` after `classify.DEFAULT_TRANSIENT`); the article's own word, where it
differs, is kept in the name as history. tests/dynamics/test_presets.py measures every preset and
checks its name. The exponents shown beside each preset are measured when the page runs, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.dynamics.classify import AttractorClass
from core.dynamics.network import NetworkParams

# The word a preset's name starts with, per measured class.
CLASS_WORDS: dict[AttractorClass, str] = {
    AttractorClass.FIXED_POINT: "Fixed point",
    AttractorClass.PERIODIC: "Periodic",
    AttractorClass.QUASI_CIRCLE: "Quasi-periodic circle",
    AttractorClass.QUASI_TORUS: "Quasi-periodic torus",
    AttractorClass.CHAOTIC: "Chaotic",
    AttractorClass.HYPERCHAOTIC: "Hyperchaotic",
}


@dataclass(frozen=True)
class Preset:
    name: str
    params: NetworkParams
    source: str  # "article" or "search"
    kind: AttractorClass  # the class measured here (the name starts with its CLASS_WORDS entry)
    history: str = ""  # what the article called it, when that differs from what is measured

    def __post_init__(self) -> None:
        if not self.name.startswith(CLASS_WORDS[self.kind]):
            raise ValueError(f"Preset {self.name!r} must be named by its class ({CLASS_WORDS[self.kind]}).")


_CIRCLE, _TORUS = AttractorClass.QUASI_CIRCLE, AttractorClass.QUASI_TORUS
_CHAOS, _HYPER = AttractorClass.CHAOTIC, AttractorClass.HYPERCHAOTIC


def _article(word: str) -> str:
    return (
        f"The article calls this network '{word}'. Measured here it is quasi-periodic: the output never "
        "repeats, but λ1 is zero within its error bar and the rest are negative, so the points fill a "
        "closed curve (an invariant circle), not a fractal."
    )


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Quasi-periodic circle (article: 'limit cycle')",
        NetworkParams(4, 32, 0.22, 174658140),
        "article",
        _CIRCLE,
        _article("limit cycle"),
    ),
    Preset(
        "Quasi-periodic circle (article: 'toroidal')",
        NetworkParams(4, 32, 0.55, 3160697950),
        "article",
        _CIRCLE,
        _article("toroidal"),
    ),
    Preset(
        "Quasi-periodic circle (article: 'strange')",
        NetworkParams(4, 16, 1.4, 174658140),
        "article",
        _CIRCLE,
        _article("strange"),
    ),
    # Found by search(n, d, s_range, 800 samples, [CHAOTIC], min_coverage=0.03, search_seed=3 or 7).
    Preset("Chaotic: folded ribbon", NetworkParams(4, 16, 0.8277, 3220454298), "search", _CHAOS),
    Preset("Chaotic: tangled web", NetworkParams(6, 12, 0.718, 282908997), "search", _CHAOS),
    Preset("Chaotic: threads", NetworkParams(4, 8, 1.4164, 2989986414), "search", _CHAOS),
    # search(4, 16, (0.5, 1.5), 300 samples, [CHAOTIC, HYPERCHAOTIC], 0.03, search_seed=0)
    Preset("Hyperchaotic: filled square", NetworkParams(4, 16, 0.7703, 1139839185), "search", _HYPER),
    # found as chaotic in a 3,000-step search; 20,000 steps show λ1 and λ2 both zero within their errors
    Preset("Quasi-periodic torus: woven square", NetworkParams(4, 32, 0.7854, 978019450), "search", _TORUS),
)


def by_name(name: str) -> Preset:
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise KeyError(name)


def matching(params: NetworkParams) -> Preset | None:
    """The preset with exactly these parameters, if there is one."""
    return next((preset for preset in PRESETS if preset.params == params), None)
