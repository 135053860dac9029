"""A three-chapter lecture (volcanoes, photosynthesis, the Roman Empire) for the study tools.

Each chapter has a key term that a correct summary must mention, and facts a quiz can ask about.
"""

from __future__ import annotations

from core.ai.base import Segment

CHAPTERS = {
    "volcano": [
        "Today we start with volcanoes and how they work.",
        "A volcano is an opening in the crust of the earth where molten rock escapes.",
        "Magma that reaches the surface of the earth is called lava.",
        "Mount Etna in Sicily is the most active volcano in Europe.",
        "Fresh lava is very hot, about 1100 degrees Celsius.",
        "The Ring of Fire around the Pacific Ocean holds most of the active volcanoes on the planet.",
        "A shield volcano has gentle slopes because its runny lava flows far before it cools.",
        "Stratovolcanoes are steep cones built from layers of volcanic ash and thick lava.",
    ],
    "photosynthesis": [
        "Now let us turn to plants and photosynthesis.",
        "Photosynthesis is the process plants use to turn sunlight into chemical energy.",
        "It takes place inside the chloroplasts of the leaf cells.",
        "The green pigment chlorophyll absorbs red and blue light and reflects green light.",
        "Plants take in carbon dioxide through small pores called stomata.",
        "The Calvin cycle uses that carbon dioxide to build glucose, a simple sugar.",
        "Oxygen is released as a by-product of splitting water molecules.",
        "A large tree can release about 100 kilograms of oxygen in one year.",
    ],
    "empire": [
        "Finally we leave biology and look at the history of the Roman Empire.",
        "Augustus became the first Roman emperor in 27 BC after years of civil war.",
        "The Roman legions built roads across the empire to move soldiers quickly.",
        "Latin, the language of Rome, is the root of Italian, Spanish and French.",
        "Hadrian's Wall was built in northern Britain to mark the frontier of the empire.",
        "The western empire fell in the year 476 when the last emperor was deposed.",
        "The eastern half, known as the Byzantine Empire, lasted until 1453.",
        "Roman law still shapes the legal systems of many modern countries.",
    ],
}

KEY_TERMS = {"volcano": "lava", "photosynthesis": "photosynthesis", "empire": "roman"}
LECTURE = [sentence for sentences in CHAPTERS.values() for sentence in sentences]


def lecture_segments(seconds_per_sentence: float = 5.0) -> list[Segment]:
    """The lecture as if transcribed: one segment per sentence, evenly timed."""
    return [
        Segment(i * seconds_per_sentence, (i + 1) * seconds_per_sentence - 0.2, text) for i, text in enumerate(LECTURE)
    ]
