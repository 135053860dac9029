"""The offline summary: per chapter one main point and up to three sub-points, quoted from the transcript.

Which sentences (per chapter, over sentence embeddings):
- centrality: LexRank, i.e. PageRank (networkx) on the graph of the chapter's sentences weighted by their
  cosine similarity above the video's baseline (the mean similarity of any two of its sentences);
- coverage: the gain in a facility-location objective, how much of the chapter the chosen sentences
  stand for (each sentence counts by its similarity to the closest chosen one), so a sub-point says
  something the main point does not (Lin and Bilmes' submodular summarization).
The main point is the best by both, the sub-points follow greedily. sumy's LexRank and TextRank were not
used: they compare sentences by shared words (TF-IDF), where these compare meaning, and they need NLTK's
tokenizer data, a download.

What is left out: meta sentences and signposts (`core.videos.language.signpost_kind`: greetings, agenda,
"Now let us turn to ...", rhetorical questions, closings) and fragments. A sentence opening with a pronoun
or a connective ("They simply wear themselves out", "Then add ...") is demoted, as it leans on the one
before. Preferred, as a tutor would lead with them: a sentence that says what something is ("Demand is
the quantity ..."), that names the chapter's title, that is closer to its chapter than to the others, and
the chapter's opening sentences (where the speaker moves to the new topic: the location method of
extractive summarization).

How much: about a fifth of the transcript's sentences in all (`MAX_SHARE`), one main point per chapter at
least; the sub-points go, one at a time, to the chapter where the next one covers most, at most
`MAX_SUB_POINTS` each. The overview repeats the main points of the chapters central to the whole video,
so it adds no sentence of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from core.videos.chunks import TimedSentence
from core.videos.language import signpost_kind
from core.videos.study.chapters import chapter_vectors, unit_centroid
from core.videos.study.material import StudyMaterial
from core.videos.study.model import Chapter, Summary, SummaryPoint

MAX_SHARE = 0.2  # of the transcript's sentences, all points together
MAX_SUB_POINTS = 3
MIN_POINT_WORDS = 5
CENTRALITY_WEIGHT = 0.5  # against coverage, both scaled to 0..1 within the chapter
LEANING_PENALTY = 0.25
DEFINITION_BONUS = 0.2
TITLE_BONUS = 0.15  # when the sentence says every word of the chapter's title, in proportion otherwise
DISTINCTNESS = 1.0  # weight of (closeness to its chapter - closeness to the nearest other chapter)
OPENING_BONUS = 0.2  # for the chapter's first sentence about the subject, half for the second, ...
# Opens with a pronoun or a connective: leans on the sentence before ("They simply wear themselves out").
LEANING = re.compile(
    r"^\W*(it|its|this|that|these|those|they|them|their|he|she|his|her|such|but|and|then|so|also|however|"
    r"instead|yet|or|as a result|because of this)\b"
    r"|^\W*(almost |nearly )?(all|most|some|many|none|each|both|one|two|half) of (them|these|those|it)\b"
    r"|^\W*(when|if|as|because|since|while|although|though|after|before|once) (it|they|this|these|those|he|she)\b",
    re.I,
)
# Says what something is: "Demand is the quantity of ...", "The male bees are called drones".
DEFINITION = re.compile(
    r"^\W*(?:(?:an?|the)\s+)?[\w'-]+(?:\s+[\w'-]+){0,3}\s+(?:is|are)\s+(?:an?|the|called|known as)\b"
    r"|\b(?:is|are) (?:called|known as)\b|\b(?:means|refers to)\b",
    re.I,
)
MIN_COVERAGE_GAIN = 0.25  # a sub-point must stand for at least a quarter sentence not yet covered
OVERVIEW_MAX = 5


def is_point_candidate(sentence: TimedSentence) -> bool:
    """A sentence about the subject, whole enough to stand alone as a point."""
    return signpost_kind(sentence.text) is None and len(sentence.text.split()) >= MIN_POINT_WORDS


def lexrank(similarity: np.ndarray, baseline: float) -> np.ndarray:
    """PageRank on the sentence graph, edges weighted by similarity above the baseline; sums to 1."""
    n = len(similarity)
    if n == 1:
        return np.ones(1)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            weight = float(similarity[i, j]) - baseline
            if weight > 0:
                graph.add_edge(i, j, weight=weight)
    ranks = nx.pagerank(graph, weight="weight")
    return np.array([ranks[i] for i in range(n)])


@dataclass
class ChapterPicker:
    """Greedy choice of one chapter's points: the main point first, then sub-points by coverage."""

    sentences: Sequence[TimedSentence]
    candidates: list[int]  # indices into sentences
    similarity: np.ndarray  # candidates x candidates (cosine)
    centrality: np.ndarray  # LexRank over the candidates, scaled to max 1
    prior: np.ndarray  # per candidate: what its wording and place say (definition, title, leaning, distinctness)
    baseline: float
    chosen: list[int] = field(default_factory=list)  # positions in candidates
    cover: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        self.cover = np.zeros(len(self.candidates))

    def gains(self) -> np.ndarray:
        """For each candidate, how much of the chapter it would stand for that the chosen do not."""
        above = np.maximum(self.similarity - self.baseline, 0.0) / max(1.0 - self.baseline, 1e-9)
        return np.maximum(above - self.cover[:, None], 0.0).sum(axis=0)

    def best(self) -> tuple[int, float] | None:
        """The next candidate (position) and its coverage gain, or None when none is left."""
        left = [k for k in range(len(self.candidates)) if k not in self.chosen]
        if not left:
            return None
        gains = self.gains()
        top = max(float(gains[left].max()), 1e-9)
        score = {
            k: CENTRALITY_WEIGHT * self.centrality[k] + (1 - CENTRALITY_WEIGHT) * gains[k] / top + self.prior[k]
            for k in left
        }
        k = max(left, key=lambda k: (score[k], -k))
        return k, float(gains[k])

    def take(self, k: int) -> None:
        self.chosen.append(k)
        above = np.maximum(self.similarity[:, k] - self.baseline, 0.0) / max(1.0 - self.baseline, 1e-9)
        self.cover = np.maximum(self.cover, above)

    def sentence(self, k: int) -> TimedSentence:
        return self.sentences[self.candidates[k]]


def _stems(text: str) -> set[str]:
    return {re.sub(r"(es|s)$", "", w) for w in re.findall(r"[a-z]{4,}", text.lower())}


def title_share(text: str, title: str) -> float:
    """How much of the title the sentence says: 1.0 for "waggle dance" in "The waggle dance was ..."."""
    wanted = _stems(title)
    return len(wanted & _stems(text)) / len(wanted) if wanted else 0.0


def _baseline(vectors: np.ndarray) -> float:
    """Mean cosine of two different sentences of the video: what 'unrelated' looks like for this video."""
    n = len(vectors)
    if n < 2:
        return 0.0
    similarity = vectors @ vectors.T
    return float((similarity.sum() - np.trace(similarity)) / (n * (n - 1)))


def _picker(
    chapter: Chapter, vectors: np.ndarray, other_centroids: Sequence[np.ndarray], baseline: float
) -> ChapterPicker:
    sentences = chapter.sentences
    candidates = [i for i, s in enumerate(sentences) if is_point_candidate(s)]
    if not candidates:  # a chapter of announcements only: its longest sentence rather than nothing
        candidates = [max(range(len(sentences)), key=lambda i: len(sentences[i].text))]
    own = vectors[candidates]
    similarity = own @ own.T
    centrality = lexrank(similarity, baseline)
    here = own @ unit_centroid(vectors)
    elsewhere = np.max(own @ np.stack(other_centroids).T, axis=1) if other_centroids else here
    prior = np.array(
        [
            DEFINITION_BONUS * bool(DEFINITION.search(sentences[i].text))
            + TITLE_BONUS * title_share(sentences[i].text, chapter.title)
            - LEANING_PENALTY * bool(LEANING.match(sentences[i].text))
            + DISTINCTNESS * float(here[k] - elsewhere[k])
            + OPENING_BONUS * 0.5**k
            for k, i in enumerate(candidates)
        ]
    )
    scaled = centrality / max(float(centrality.max()), 1e-12)
    return ChapterPicker(sentences, candidates, similarity, scaled, prior, baseline)


def summarize(material: StudyMaterial, sub_points: int = MAX_SUB_POINTS) -> Summary:
    baseline = _baseline(material.vectors)
    per_chapter = chapter_vectors(material.chapters, material.vectors)
    centroids = [unit_centroid(vectors) for vectors in per_chapter]
    pickers = [
        _picker(chapter, vectors, centroids[:c] + centroids[c + 1 :], baseline)
        for c, (chapter, vectors) in enumerate(zip(material.chapters, per_chapter, strict=True))
    ]
    for picker in pickers:
        first = picker.best()
        if first is not None:
            picker.take(first[0])
    budget = max(len(pickers), math.floor(MAX_SHARE * len(material.sentences))) - len(pickers)
    while budget > 0:
        offers = [
            (offer[1], c, offer[0])
            for c, picker in enumerate(pickers)
            if len(picker.chosen) <= sub_points
            and (offer := picker.best()) is not None
            and offer[1] >= MIN_COVERAGE_GAIN
        ]
        if not offers:
            break
        _gain, c, k = max(offers)
        pickers[c].take(k)
        budget -= 1

    points = []
    for picker in pickers:
        main, *subs = picker.chosen
        children = tuple(SummaryPoint(picker.sentence(k).text, picker.sentence(k).start) for k in sorted(subs))
        points.append(SummaryPoint(picker.sentence(main).text, picker.sentence(main).start, children))
    return Summary(_overview(material, points), tuple(points), tuple(c.title for c in material.chapters))


def _overview(material: StudyMaterial, points: Sequence[SummaryPoint]) -> tuple[SummaryPoint, ...]:
    """The main points of the chapters closest to the whole video, in time order (half the chapters, up to 5)."""
    if not points:
        return ()
    centroid = unit_centroid(material.vectors)
    closeness = [
        float(vectors.mean(axis=0) @ centroid) for vectors in chapter_vectors(material.chapters, material.vectors)
    ]
    count = min(OVERVIEW_MAX, max(1, math.ceil(len(points) / 2)))
    chosen = sorted(sorted(range(len(points)), key=lambda c: -closeness[c])[:count])
    return tuple(SummaryPoint(points[c].text, points[c].start) for c in chosen)
