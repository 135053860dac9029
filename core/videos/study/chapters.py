"""Chapters (topic shifts) from sentence embeddings, their titles and key terms, central sentences.

Sentences are spaCy's (core.videos.language), so "Mount St. Helens", "Dr. Gorgas" and "3.8 centimetres"
stay whole.

Segmentation is TextTiling on embeddings: the similarity between the blocks of sentences before and
after each gap, its "depth" against the peaks around it, and boundaries at the deepest gaps that stand
out from the rest (mean + half a standard deviation), with a minimum chapter length. A gap right before
an agenda sentence or a signpost ("Our second topic is ...", "Now let us turn to ...") is deepened: the
speaker says a new topic starts there.

A chapter's title is a noun phrase of the chapter (spaCy's noun chunks and names, without articles,
ordinals and superlatives) chosen KeyBERT-style: close to the chapter's centroid, closer to it than to
the other chapters' (so the video's overall subject, "bees", does not title every chapter), and said
more than once; titles are distinct across chapters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from core.ai.base import Embedder, Segment
from core.videos import language
from core.videos.chunks import TimedSentence
from core.videos.study.model import Chapter, StudyError

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

MIN_WORDS = 60  # below this a transcript has too little to summarize or question
BLOCK = 3  # sentences on each side of a gap
MIN_CHAPTER_SENTENCES = 4
WORDS_PER_CHAPTER = 80
SENTENCES_PER_CHAPTER = 5  # a chapter's summary is one sentence in five at most, so no more chapters than that
BIGRAM_MARGIN = 0.02  # caps the number of chapters for short videos
SIGNPOST_DEPTH = 0.5  # added to the depth of a gap before "Our next topic is ..." (depths lie in 0..2)
TRANSITION = re.compile(r"^\W*(now|next|finally|lastly|meanwhile|later|afterwards|eventually)\b", re.I)

# Words that head a noun phrase without naming a topic: "the first part", "a lot", "our topic".
GENERIC_HEADS = {
    "thing",
    "way",
    "lot",
    "part",
    "topic",
    "today",
    "lecture",
    "video",
    "talk",
    "lesson",
    "guide",
    "time",
    "kind",
    "type",
    "example",
    "one",
    "people",
    "side",
    "end",
    "number",
    "question",
    "bit",
    "fact",
    "case",
    "point",
    "minute",
    "second",
    "hour",
    "day",
    "year",
    "week",
    "everyone",
    "everything",
    "something",
    "anything",
    "nothing",
    "idea",
    "story",
    "result",
    "sort",
    "step",
}
LEADING_NOISE = {
    "other",
    "many",
    "such",
    "much",
    "several",
    "some",
    "few",
    "each",
    "every",
    "all",
    "both",
    "only",
    "same",
    "whole",
    "certain",
    "various",
    "own",
    "very",
    "more",
    "most",
    "less",
    "least",
    "another",
    "further",
    "entire",
    "actual",
    "main",
    "simple",
    "real",
    "new",
    "good",
    "great",
    "big",
    "small",
    "little",
    "long",
    "short",
}
NUMBER_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}


def transcript_sentences(segments: Sequence[Segment]) -> list[TimedSentence]:
    found = language.timed_sentences(segments) if segments else []
    sentences = [TimedSentence(s.start, s.end, s.text, s.segment) for s in found if len(s.text.split()) >= 3]
    words = sum(len(s.text.split()) for s in sentences)
    if words < MIN_WORDS:
        raise StudyError(
            f"The transcript has {words} words in full sentences; study material needs at least "
            f"{MIN_WORDS} (about half a minute of speech). Add a longer video or transcript."
        )
    return sentences


def embed_sentences(embedder: Embedder, sentences: Sequence[TimedSentence]) -> np.ndarray:
    vectors = np.asarray(embedder.embed_documents([s.text for s in sentences]), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def gap_depths(vectors: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Depth score of the gap after each sentence i (i = 0..n-2); higher = stronger topic shift.

    TextTiling's depth: from the gap's similarity, climb to the peak on each side while the similarity
    rises, and add the two heights."""
    n = len(vectors)
    if n < 2:
        return np.zeros(0)
    similarity = np.empty(n - 1)
    for gap in range(n - 1):
        left = vectors[max(0, gap - block + 1) : gap + 1].mean(axis=0)
        right = vectors[gap + 1 : gap + 1 + block].mean(axis=0)
        similarity[gap] = float(left @ right / max(np.linalg.norm(left) * np.linalg.norm(right), 1e-9))
    depths = np.empty_like(similarity)
    for gap in range(len(similarity)):
        left = gap
        while left > 0 and similarity[left - 1] >= similarity[left]:
            left -= 1
        right = gap
        while right < len(similarity) - 1 and similarity[right + 1] >= similarity[right]:
            right += 1
        depths[gap] = (similarity[left] - similarity[gap]) + (similarity[right] - similarity[gap])
    return depths


def choose_boundaries(depths: np.ndarray, n_sentences: int, max_chapters: int) -> list[int]:
    """Indices of the first sentence of each chapter after the first."""
    if len(depths) == 0 or max_chapters <= 1:
        return []
    threshold = float(depths.mean() + 0.5 * depths.std())
    chosen: list[int] = []
    for gap in np.argsort(-depths):
        if depths[gap] <= threshold or len(chosen) >= max_chapters - 1:
            break
        start = int(gap) + 1
        cuts = sorted([0, *chosen, start, n_sentences])
        if min(b - a for a, b in pairwise(cuts)) >= MIN_CHAPTER_SENTENCES:
            chosen.append(start)
    return sorted(chosen)


def chapter_starts(sentences: Sequence[TimedSentence], vectors: np.ndarray, max_chapters: int) -> list[int]:
    """Indices of the first sentence of each chapter after the first.

    Tiling runs over the sentences about the subject only: greetings, agenda lines, signposts and
    rhetorical questions embed far from everything and would look like topic shifts of their own. They
    mark shifts instead: the gap they sit in is deepened (an agenda line or signpost by SIGNPOST_DEPTH,
    a question or a sentence opening with "Now", "Next" or "Finally" by a third of it), and a new chapter
    starts with them."""
    kinds = [language.signpost_kind(s.text) for s in sentences]
    content = [i for i, kind in enumerate(kinds) if kind is None]
    if len(content) < 2 * MIN_CHAPTER_SENTENCES:
        content = list(range(len(sentences)))
    depths = gap_depths(vectors[content])
    for gap, (before, after) in enumerate(pairwise(content)):
        between = set(kinds[before + 1 : after + 1])
        if between & {"agenda", "signpost"}:
            depths[gap] += SIGNPOST_DEPTH
        elif "question" in between or TRANSITION.match(sentences[after].text):
            depths[gap] += SIGNPOST_DEPTH / 3
    starts = choose_boundaries(depths, len(content), max_chapters)
    # the chapter opens right after the previous chapter's last sentence about the subject
    return [content[start - 1] + 1 for start in starts]


# ----------------------------------------------------------------------------------------- noun phrases


@dataclass
class NounPhrase:
    text: str  # as written, without articles: "Panama Canal", "waggle dance"
    key: tuple[str, ...]  # its lemmas, lowercase
    head: str  # lemma of its last word
    count: int = 0  # times said in the passage
    entity: bool = False
    first: int = -1  # character offset where it is first said
    sentences: set[int] = field(default_factory=set)  # character offsets of the sentences it is said in


def _clean_phrase(span: Span) -> tuple[str, tuple[str, ...], str] | None:
    tokens = [t for t in span if not (t.is_punct or t.is_space)]
    while tokens and (
        tokens[0].pos_ in ("DET", "PRON", "NUM", "ADP", "CCONJ", "SCONJ", "PART", "ADV")
        or tokens[0].tag_ in ("JJS", "RBS", "PRP$", "WDT", "WP$")
        or tokens[0].ent_type_ == "ORDINAL"
        or tokens[0].lower_ in LEADING_NOISE
        or tokens[0].like_num
    ):
        tokens = tokens[1:]
    while tokens and tokens[-1].pos_ not in ("NOUN", "PROPN"):
        tokens = tokens[:-1]
    if not tokens or len(tokens) > 4 or any(t.pos_ in ("PRON", "VERB", "AUX", "NUM") for t in tokens):
        return None
    head = tokens[-1].lemma_.lower()
    if head in GENERIC_HEADS or len(head) < 3 or any(t.like_num for t in tokens):
        return None
    if tokens[0].is_sent_start and tokens[0].pos_ != "PROPN" and not tokens[0].text.isupper():
        first = tokens[0].text[:1].lower() + tokens[0].text[1:]
    else:
        first = tokens[0].text
    text = " ".join([first, *(t.text for t in tokens[1:])])
    return text, tuple(t.lemma_.lower() for t in tokens), head


def noun_phrases(doc: Doc | Span) -> list[NounPhrase]:
    """The passage's noun phrases and names, each once (by lemmas) with how often it is said.

    From each noun chunk come the phrase without its article or ordinal ("the largest artificial lake" ->
    "artificial lake") and, when it has modifiers, its last two words and its head alone, so a term said
    in several forms ("worker bees", "bees") counts every time it is said."""
    found: dict[tuple[str, ...], NounPhrase] = {}
    said: set[tuple[tuple[str, ...], int]] = set()  # (phrase, its last token): a name and its chunk count once

    def add(span: Span, entity: bool = False) -> None:
        cleaned = _clean_phrase(span)
        if cleaned is None:
            return
        text, key, head = cleaned
        phrase = found.setdefault(key, NounPhrase(text, key, head))
        if (key, span.end) in said:
            return
        said.add((key, span.end))
        phrase.count += 1
        phrase.sentences.add(span.sent.start_char)
        if phrase.first < 0:
            phrase.first = span.start_char
        phrase.entity = phrase.entity or entity
        if text[:1].isupper() and not phrase.text[:1].isupper():
            phrase.text = text

    entity_tokens: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in NUMBER_LABELS:
            add(ent, entity=True)
            entity_tokens.update(t.i for t in ent)
    for chunk in doc.noun_chunks:
        add(chunk)
        words = [t for t in chunk if t.pos_ in ("NOUN", "PROPN", "ADJ")]
        if len(words) >= 3 and chunk.root.i not in entity_tokens:
            add(chunk.doc[words[-2].i : chunk.root.i + 1])
        if len(words) >= 2 and chunk.root.pos_ == "NOUN" and chunk.root.i not in entity_tokens:
            add(chunk.doc[chunk.root.i : chunk.root.i + 1])
    return list(found.values())


@lru_cache(maxsize=4)
def _keyword_extractor(top: int) -> object:
    import yake

    return yake.KeywordExtractor(lan="en", n=2, dedup_lim=0.7, top=top)


def keyphrases(
    texts: Sequence[str], embedder: Embedder, centroids: Sequence[np.ndarray], top: int = 12
) -> list[list[str]]:
    """Key terms (1–2 words as written) of each passage, best first.

    YAKE proposes candidates from word statistics; only those that are noun phrases of the passage are
    kept ("waggle dance", not "malaria killed" or "loaf easier"). Each is then scored by how close its
    embedding is to the passage's (KeyBERT's idea), which demotes generic words such as "today" or "work". A
    two-word candidate is kept only when it is clearly closer than either of its words alone ("carbon
    dioxide", not "called lava"). All candidates of all passages are embedded in one batch.
    """
    extractor = _keyword_extractor(top * 3)
    docs = language.parse(texts)
    per_text = []
    for text, doc in zip(texts, docs, strict=True):
        nouns = {p.text.lower() for p in noun_phrases(doc)}
        nouns |= {" ".join(p.text.lower().split()[-2:]) for p in noun_phrases(doc)}
        per_text.append(
            [
                phrase
                for phrase, _score in extractor.extract_keywords(text)  # type: ignore[attr-defined]
                if len(phrase) >= 3 and not re.fullmatch(r"[\d\s.,%]+", phrase) and phrase.lower() in nouns
            ]
        )
    vocabulary = sorted(
        {p for candidates in per_text for p in candidates}
        | {w for candidates in per_text for c in candidates if " " in c for w in c.split()}
    )
    if not vocabulary:
        return [[] for _ in texts]
    vectors = _unit_rows(np.asarray(embedder.embed_documents(vocabulary), dtype=np.float32))
    row = {phrase: i for i, phrase in enumerate(vocabulary)}
    result = []
    for candidates, centroid in zip(per_text, centroids, strict=True):
        relevance = {p: float(vectors[row[p]] @ centroid) for p in row}
        kept = [
            c for c in candidates if " " not in c or relevance[c] > max(relevance[w] for w in c.split()) + BIGRAM_MARGIN
        ]
        yake_rank = {c: i / len(candidates) for i, c in enumerate(candidates)}
        kept.sort(key=lambda c: -(relevance[c] - 0.3 * yake_rank[c]))
        result.append(kept[:top])
    return result


# ----------------------------------------------------------------------------------------- titles

DISTINCTNESS = 0.6  # weight of (closeness to this chapter - closeness to the nearest other chapter)
REPEAT_BONUS = 0.04  # per doubling of how often the phrase is said
SPECIFIC_BONUS = 0.02  # for a phrase of two or three words ("waggle dance" over "dance")
SPREAD_PENALTY = 0.15  # for a phrase said in every chapter (the video's subject), in proportion
ANNOUNCED_BONUS = 0.2  # for a phrase of an agenda line or signpost ("Now let us turn to photosynthesis")
OPENING_BONUS = 0.05  # for a phrase of the chapter's first sentence about the subject (its topic sentence)


def title_candidates(
    docs: Sequence[Doc], embedder: Embedder, centroids: Sequence[np.ndarray]
) -> list[list[tuple[float, NounPhrase]]]:
    """Per passage, its noun phrases scored as a title (best first)."""
    phrases = [noun_phrases(doc) for doc in docs]
    vocabulary = sorted({p.text for found in phrases for p in found})
    if not vocabulary:
        return [[] for _ in docs]
    said_in = [{p.key for p in found} for found in phrases]
    announced: list[set[str]] = []  # words of the chapter's agenda lines and signposts, lowercase
    opening: list[set[tuple[str, ...]]] = []
    for c, doc in enumerate(docs):
        kinds = [(sent, language.signpost_kind(sent.text)) for sent in doc.sents]
        # the video's own introduction announces the video's subject, not its first chapter's
        signposts = [sent for sent, kind in kinds if kind in ("agenda", "signpost")] if c else []
        # by the words ("Our second topic is roasting": spaCy reads "is roasting" as a verb)
        announced.append({t.lower_ for sent in signposts for t in sent})
        first = next((sent for sent, kind in kinds if kind is None), None)
        opening.append({p.key for p in noun_phrases(first)} if first is not None else set())
    vectors = _unit_rows(np.asarray(embedder.embed_documents(vocabulary), dtype=np.float32))
    row = {text: i for i, text in enumerate(vocabulary)}
    closeness = vectors @ np.stack(centroids).T  # phrase x chapter
    result = []
    for c, found in enumerate(phrases):
        scored = []
        for phrase in found:
            here = closeness[row[phrase.text], c]
            others = np.delete(closeness[row[phrase.text]], c)
            elsewhere = float(others.max()) if len(others) else here
            spread = sum(phrase.key in keys for keys in said_in) - 1
            score = (
                here
                + DISTINCTNESS * (here - elsewhere)
                + REPEAT_BONUS * math.log2(phrase.count)
                + SPECIFIC_BONUS * (2 <= len(phrase.key) <= 3)
                - SPREAD_PENALTY * spread / max(1, len(docs) - 1)
                + ANNOUNCED_BONUS * set(phrase.text.lower().split()).issubset(announced[c])
                + OPENING_BONUS * (phrase.key in opening[c])
            )
            scored.append((float(score), phrase))
        scored.sort(key=lambda item: -item[0])
        result.append(scored)
    return result


def _overlaps(a: NounPhrase, b: NounPhrase) -> bool:
    """Too alike to title two chapters: one's words within the other's ("Canal", "Panama Canal")."""
    return set(a.key) <= set(b.key) or set(b.key) <= set(a.key)


PAIR_RATIO = 0.92  # a second phrase this close to the best one's score joins the title ("A and B")


def chapter_titles(scored: Sequence[Sequence[tuple[float, NounPhrase]]]) -> list[str]:
    """One distinct title per chapter: chapters with the strongest best candidate choose first.

    When the runner-up is nearly as good and both recur, in different sentences of the chapter (a chapter
    of two topics), the title names both, in the order they are said: "Demand curve and supply curve"."""
    titles: dict[int, list[NounPhrase]] = {}
    taken: list[NounPhrase] = []
    order = sorted(range(len(scored)), key=lambda c: -(scored[c][0][0] if scored[c] else -9.0))
    for c in order:
        free = [(score, p) for score, p in scored[c] if not any(_overlaps(p, other) for other in taken)]
        if not free:
            continue
        best_score, best = free[0]
        chosen = [best]
        for score, phrase in free[1:]:
            if score < PAIR_RATIO * best_score:
                break
            recurring = len(phrase.sentences) >= 2 and len(best.sentences) >= 2
            if recurring and not _overlaps(phrase, best) and not phrase.sentences & best.sentences:
                chosen.append(phrase)
                break
        chosen.sort(key=lambda p: p.first)
        titles[c] = chosen
        taken.extend(chosen)
    result = []
    for c in range(len(scored)):
        parts = [p.text for p in titles.get(c, [])]
        text = " and ".join(parts) if parts else f"Part {c + 1}"
        result.append(text[:1].upper() + text[1:])
    return result


# ----------------------------------------------------------------------------------------- chapters


def unit_centroid(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    return centroid / max(float(np.linalg.norm(centroid)), 1e-9)


def central_order(vectors: np.ndarray) -> list[int]:
    """Sentence indices from most to least central (cosine to the centroid)."""
    scores = vectors @ unit_centroid(vectors)
    return [int(i) for i in np.argsort(-scores)]


def split_into_chapters(
    sentences: Sequence[TimedSentence], vectors: np.ndarray, embedder: Embedder, max_chapters: int = 12
) -> list[Chapter]:
    words = sum(len(s.text.split()) for s in sentences)
    limit = max(1, min(max_chapters, words // WORDS_PER_CHAPTER, len(sentences) // SENTENCES_PER_CHAPTER))
    bounds = [0, *chapter_starts(sentences, vectors, limit), len(sentences)]
    parts = [tuple(sentences[a:b]) for a, b in pairwise(bounds)]
    texts = [" ".join(s.text for s in part) for part in parts]
    centroids = [unit_centroid(vectors[a:b]) for a, b in pairwise(bounds)]
    phrases = keyphrases(texts, embedder, centroids)
    titles = chapter_titles(title_candidates(language.parse(texts), embedder, centroids))
    return [
        Chapter(index, title, part[0].start, part[-1].end, part, tuple(terms))
        for index, (part, terms, title) in enumerate(zip(parts, phrases, titles, strict=True))
    ]


def chapter_vectors(chapters: Sequence[Chapter], vectors: np.ndarray) -> list[np.ndarray]:
    result = []
    offset = 0
    for chapter in chapters:
        result.append(vectors[offset : offset + len(chapter.sentences)])
        offset += len(chapter.sentences)
    return result
