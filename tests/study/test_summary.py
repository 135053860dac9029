"""The offline summary on a chatty lecture the tests write (coffee: the plant, roasting, brewing, trade).

The lecture greets, announces its agenda, asks rhetorical questions, signposts its turns and says goodbye,
as people do on video; those sentences are marked here (META), independently of the engine's own
detection, so the test can fail when the engine lets one through.
"""

from __future__ import annotations

import pytest

from core.ai.base import Segment
from core.ai.local import MiniLMEmbedder
from core.videos import language
from core.videos.study.model import Summary, SummaryPoint
from core.videos.study.offline import StudyMaterial, prepare, summarize

# (topic word a title or main point must say, sentences); sentences starting with "!" are meta sentences
CHAPTERS = [
    (
        "plant",
        [
            "!Hello everyone, and welcome to this short lecture about coffee.",
            "!Today we will look at where coffee comes from, how it is roasted, how it is brewed and how it is traded.",
            "!So, where does coffee actually come from?",
            "Coffee beans are the seeds of the cherries that grow on the coffee plant.",
            "The coffee plant is an evergreen shrub that grows best in a belt around the equator.",
            "Arabica and robusta are the two species that supply almost all of the coffee people drink.",
            "Arabica plants grow at high altitude and give a sweeter, more acidic cup.",
            "Robusta plants tolerate heat and pests and hold about twice as much caffeine as arabica.",
            "A coffee plant needs three to four years before it produces its first cherries.",
            "Each cherry usually holds two seeds, which farmers pick, wash and dry in the sun.",
            "Ethiopia is the birthplace of arabica, where the plant still grows wild in the forests.",
        ],
    ),
    (
        "roast",
        [
            "!Our second topic is roasting.",
            "Green coffee beans have almost no aroma until they are roasted.",
            "Roasting heats the beans to about 200 degrees Celsius for ten to fifteen minutes.",
            "At that heat the Maillard reaction browns the beans and creates hundreds of aroma compounds.",
            "Near the end of a light roast the beans crack audibly, an event roasters call the first crack.",
            "A dark roast continues past the second crack and tastes more bitter and smoky.",
            "Roasting also drives out water, so the beans lose about fifteen percent of their weight.",
            "Freshly roasted beans release carbon dioxide for several days, which is why coffee bags have valves.",
        ],
    ),
    (
        "brew",
        [
            "!Now let us turn to brewing.",
            "Brewing extracts the soluble flavours of ground coffee into hot water.",
            "The grind size must match the brewing time, fine for espresso and coarse for a French press.",
            "An espresso machine forces water through the coffee at about nine bars of pressure.",
            "A shot of espresso takes around 25 to 30 seconds to pull.",
            "Water just below boiling, at about 93 degrees Celsius, extracts coffee best.",
            "Too short a brewing time leaves the cup sour, while too long a time makes it bitter.",
            "!Why does cold brew taste so smooth?",
            "Cold brew steeps coarse coffee in cold water for twelve hours or more, so fewer bitter acids dissolve.",
        ],
    ),
    (
        "trade",
        [
            "!Finally, let's talk about the coffee trade.",
            "Brazil is the largest coffee producer in the world, followed by Vietnam and Colombia.",
            "Vietnam grows mostly robusta, which ends up in instant coffee and blends.",
            "Coffee is traded as a commodity on exchanges in New York and London.",
            "Most coffee farmers are smallholders who earn only a small share of the retail price.",
            "Fair trade labels promise farmers a minimum price and a premium for their communities.",
            "Climate change threatens arabica, because it needs cool highland temperatures.",
            "!That's all for today.",
            "!Thank you for listening, and see you next time!",
        ],
    ),
]
LECTURE = [s.removeprefix("!") for _, sentences in CHAPTERS for s in sentences]
META = {s.removeprefix("!") for _, sentences in CHAPTERS for s in sentences if s.startswith("!")}


def lecture_segments(seconds_per_word: float = 0.4) -> list[Segment]:
    """As a transcriber returns it: one segment per sentence, timed by its length, a pause between."""
    segments, at = [], 0.5
    for text in LECTURE:
        duration = seconds_per_word * len(text.split())
        segments.append(Segment(at, at + duration, text))
        at += duration + 0.4
    return segments


@pytest.fixture(scope="module")
def coffee(embedder: MiniLMEmbedder) -> StudyMaterial:
    return prepare(lecture_segments(), embedder)


@pytest.fixture(scope="module")
def summary(coffee: StudyMaterial) -> Summary:
    return summarize(coffee)


def all_points(summary: Summary) -> list[SummaryPoint]:
    found: list[SummaryPoint] = []
    stack = [*summary.overview, *summary.points]
    while stack:
        point = stack.pop()
        found.append(point)
        stack.extend(point.children)
    return found


def test_the_summary_uses_about_a_fifth_of_the_sentences(coffee: StudyMaterial, summary: Summary) -> None:
    used = {p.text for p in all_points(summary)}
    assert len(used) <= 0.2 * len(coffee.sentences), used
    assert len(used) > len(summary.points), "a lecture this long leaves room for sub-points"


def test_no_greeting_agenda_question_signpost_or_closing_among_the_points(summary: Summary) -> None:
    texts = [p.text for p in all_points(summary)]
    assert not [t for t in texts if t in META]
    assert not [t for t in texts if t.endswith("?")]


def test_one_main_point_and_at_most_three_sub_points_per_chapter(coffee: StudyMaterial, summary: Summary) -> None:
    assert len(summary.points) == len(coffee.chapters) == len(summary.chapter_titles)
    for point in summary.points:
        assert len(point.children) <= 3
        assert all(not sub.children for sub in point.children)
        assert point.text not in {sub.text for sub in point.children}


def test_every_point_is_a_transcript_sentence_at_its_start_inside_its_chapter(
    coffee: StudyMaterial, summary: Summary
) -> None:
    starts = {s.text: s.start for s in coffee.sentences}
    for point, chapter in zip(summary.points, coffee.chapters, strict=True):
        for item in (point, *point.children):
            assert item.text in starts, item.text
            assert item.start == starts[item.text]
            assert chapter.start <= item.start <= chapter.end
    for item in summary.overview:
        assert item.start == starts[item.text]
        assert item.text in {p.text for p in summary.points}


def test_chapters_follow_the_topics_and_their_titles_or_main_points_name_them(
    coffee: StudyMaterial, summary: Summary
) -> None:
    assert len(coffee.chapters) == len(CHAPTERS)
    for (topic, _sentences), title, point in zip(CHAPTERS, summary.chapter_titles, summary.points, strict=True):
        assert topic in f"{title} {point.text}".lower(), (topic, title, point.text)


def said_noun_phrases(text: str) -> set[str]:
    """Every noun phrase of the text as spaCy reads it in context, with and without its first words
    ("the coffee plant", "coffee plant", "plant"): a title must be one of them, or two joined by "and"."""
    (doc,) = language.parse([text])
    found = set()
    for chunk in doc.noun_chunks:
        words = [t.lower_ for t in chunk if not t.is_punct]
        found.update(" ".join(words[i:]) for i in range(len(words)))
    return found


def test_titles_are_distinct_noun_phrases_of_the_lecture(summary: Summary) -> None:
    titles = summary.chapter_titles
    phrases = said_noun_phrases(" ".join(LECTURE))
    for title in titles:
        assert not title.startswith("Part ")
        assert all(part.lower() in phrases for part in title.split(" and ")), title
    assert "roasting" in phrases and "lecture" in phrases and "coffee beans" in phrases
    assert "coffee plant grows" not in phrases and "is roasted" not in phrases
    word_sets = [{w.lower().rstrip("s") for w in t.split() if w != "and"} for t in titles]
    for i, a in enumerate(word_sets):
        for b in word_sets[i + 1 :]:
            assert not (a <= b or b <= a), titles


def test_the_summary_survives_the_store(summary: Summary) -> None:
    assert Summary.from_dict(summary.to_dict()) == summary
