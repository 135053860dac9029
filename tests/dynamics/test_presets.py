"""Every preset is named by the class this app measures for it (the article's word kept as history)."""

import pytest

from core.dynamics.analysis import analyze
from core.dynamics.classify import DEFAULT_STEPS, DEFAULT_TRANSIENT, AttractorClass
from core.dynamics.presets import PRESETS, Preset

# Read from the name alone, longest words first ("Quasi-periodic torus" before "Periodic").
WORDS = {
    "hyperchaotic": AttractorClass.HYPERCHAOTIC,
    "chaotic": AttractorClass.CHAOTIC,
    "quasi-periodic torus": AttractorClass.QUASI_TORUS,
    "quasi-periodic circle": AttractorClass.QUASI_CIRCLE,
    "periodic": AttractorClass.PERIODIC,
    "fixed point": AttractorClass.FIXED_POINT,
}


def class_in_name(name: str) -> AttractorClass:
    lowered = name.lower()
    return next(kind for word, kind in WORDS.items() if lowered.startswith(word))


@pytest.mark.parametrize("preset", PRESETS, ids=[p.name for p in PRESETS])
def test_every_preset_measures_as_its_name_says(preset: Preset) -> None:
    p = preset.params
    measured = analyze(p, DEFAULT_STEPS, DEFAULT_TRANSIENT, min(p.d, 32)).classification.kind
    assert measured is class_in_name(preset.name), f"{preset.name}: measured {measured}"


def test_the_articles_words_are_kept_as_history() -> None:
    article = [p for p in PRESETS if p.source == "article"]
    assert len(article) == 3
    for word, preset in zip(("limit cycle", "toroidal", "strange"), article, strict=True):
        assert f"article: '{word}'" in preset.name
        assert f"'{word}'" in preset.history


def test_a_name_that_contradicts_its_class_is_refused() -> None:
    with pytest.raises(ValueError, match="named by its class"):
        Preset("Chaotic: a circle", PRESETS[0].params, "article", AttractorClass.QUASI_CIRCLE)
