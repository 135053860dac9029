"""The offline quiz: questions on the video's facts, of mixed kinds, from the transcript alone.

What it asks (every question four options, one right):
- who / when / where / how many, from the people, years, places and numbers spaCy finds in a sentence,
  with the sentence turned into a question by its dependency parse ("In what year did the canal open?");
  when that turn is not safe, a cloze whose blank is the fact;
- "what is X called?" from definition sentences ("X is a ...", "... is called X", "X, a ...");
- one "Which of these statements did the video make?": the true sentence and three copies with its fact
  swapped. Kept as four-option multiple choice rather than True/False, because QuizQuestion has four
  options and a one-in-four guess tests the fact better than a coin toss.

Distractors are of the answer's kind: other people, places or defined terms of the video; numbers and
years of the video of a similar size first, then plausible variants (nearby years, the number scaled).
Meta sentences (greeting, agenda, closing, questions) are never used; no two questions share an answer;
the answer never appears in the stem; questions go round the chapters.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.ai.base import Segment
from core.videos import language
from core.videos.study.chapters import central_order, chapter_vectors
from core.videos.study.checks import normalize, question_problem, shuffled, similar
from core.videos.study.material import BLANK, NUMBER, StudyMaterial
from core.videos.study.model import QuizQuestion, StudyResult
from core.videos.study.questions import strip_qualifier, wh_question
from core.videos.transcript import format_timestamp

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

STATEMENT_STEM = "Which of these statements did the video make?"
PLACE_WORDS = {"lake", "river", "sea", "ocean", "canal", "mountain", "mountains", "mount", "island", "bay", "cut"}
PLACE_WORDS |= {"basin", "desert", "valley", "strait", "gulf", "wall", "city", "zone", "pole"}
TITLES = {"president", "dr", "dr.", "doctor", "professor", "mr", "mr.", "mrs", "ms", "king", "queen", "emperor"}
NUMBER_LABELS = {"CARDINAL", "QUANTITY", "PERCENT", "TIME", "DATE", "MONEY"}
YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
RANGE = re.compile(r"\b(to|and|or|between|from|minus|per|half|third|quarter)\b", re.I)
DEFINED_BY_NAME = re.compile(
    r"^(?P<subject>[A-Z][^,;]*?)\s+(?P<be>is|are|was|were)\s+(?:called|known as|named)\s+(?P<term>[^,;.]+)",
)
NAMED_APPOSITION = re.compile(
    r"^(?P<subject>[A-Z][^,;]*?),\s+(?:called|known as)\s+(?P<term>[^,;.]+),\s+(?P<be>is|are|was|were)\b"
)
DEFINITION = re.compile(
    r"^(?P<term>(?:(?:A|An|The)\s+)?[\w'-]+(?:\s+[\w'-]+){0,2})\s+(?P<be>is|are)\s+"
    r"(?P<meaning>(?:(?:a|an|the)\s+|[a-z]+\s+(?=that|which|who|of)).+?)\.?$"
)
MEASURES = re.compile(
    r"^(?P<term>(?:(?:A|An|The)\s+)?[\w'-]+(?:\s+[\w'-]+){0,3})\s+"
    r"(?P<verb>measures|describes|refers to|means|is defined as|stands for)\s+(?P<meaning>.+)$"
)
SUBORDINATE = re.compile(
    r"^(when|if|because|as|while|since|although|after|before|once|where|which|that|and|but)\b", re.I
)
NUMBER_NAMES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
# How much each kind of question is worth (the selection also rewards variety and central sentences).
WORTH = {"year": 3.0, "person": 3.0, "term": 2.9, "number": 2.6, "place": 2.5, "statement": 1.2}
CLOZE_COST = 0.7
REPEAT_COST = 0.8


@dataclass
class Fact:
    """A question candidate: the sentence, the fact it asks for and how."""

    sentence: language.Sentence
    chapter: int
    kind: str  # year / person / place / number / term / statement
    answer: str  # the right option, as written in the sentence
    stem: str
    cloze: bool
    score: float
    value: float | None = None  # numbers and years
    swap: str = ""  # the text replaced in the sentence by a statement's false variants
    group: str = ""  # places: "site" / "region"
    distractors: list[str] = field(default_factory=list)


@dataclass
class Inventory:
    """What the whole video names, by kind: the pools distractors are drawn from."""

    persons: list[str]
    places: dict[str, list[str]]  # by group: "site" / "region"
    years: list[int]
    numbers: list[tuple[float, str, str]]  # (value, as written, unit)
    terms: list[str]


# ----------------------------------------------------------------------------------------- sentences


def _segments(material: StudyMaterial) -> tuple[list[Segment], list[int]]:
    """The material's sentences as segments for the spaCy splitter, and each segment's chapter.

    A sentence the plain splitter cut inside a number ("by about 3." + "8 centimetres") is glued back.
    """
    chapter_of = {id(s): c.index for c in material.chapters for s in c.sentences}
    segments: list[Segment] = []
    chapters: list[int] = []
    for sentence in material.sentences:
        if segments and re.search(r"\d\.$", segments[-1].text) and re.match(r"\d", sentence.text):
            last = segments[-1]
            segments[-1] = Segment(last.start, sentence.end, last.text + sentence.text)
            continue
        segments.append(Segment(sentence.start, sentence.end, sentence.text))
        chapters.append(chapter_of.get(id(sentence), chapters[-1] if chapters else 0))
    return segments, chapters


def _centrality(material: StudyMaterial) -> dict[float, float]:
    """Per sentence start time: 1 for the chapter's most central sentence, down to 0 for the least."""
    scores: dict[float, float] = {}
    for chapter, vectors in zip(material.chapters, chapter_vectors(material.chapters, material.vectors), strict=True):
        order = central_order(vectors)
        for rank, i in enumerate(order):
            scores[chapter.sentences[i].start] = 1 - rank / max(1, len(order) - 1)
    return scores


# ----------------------------------------------------------------------------------------- what the video names


def _is_person(entity: Span) -> bool:
    words = entity.text.split()
    before = entity.doc[entity.start - 1].lower_ if entity.start > 0 else ""
    if entity.label_ != "PERSON" or before in ("the", "a", "an") or words[-1].lower() in PLACE_WORDS:
        return False
    if not all(w[:1].isupper() or w in ("von", "van", "de", "da", "di", "der", "la", "le") for w in words):
        return False
    return len(words) >= 2 or before.strip(".") in {t.strip(".") for t in TITLES}


def _is_place(entity: Span) -> bool:
    if entity.label_ in ("GPE", "LOC", "FAC"):
        return entity.text[:1].isupper() or entity.text.lower().startswith("the ")
    return entity.label_ == "PERSON" and entity.text.split()[-1].lower() in PLACE_WORDS


def _place_group(entity: Span) -> str:
    """ "site" (the Suez Canal, Gatun Lake) or "region" (Panama, Europe): distractors come from the same group."""
    return "site" if entity.label_ == "FAC" or entity.text.split()[-1].lower() in PLACE_WORDS else "region"


def _name(entity: Span) -> str:
    text = entity.text
    return text[4:] if text.lower().startswith("the ") else text


def _amount(text: str) -> tuple[float, str, str] | None:
    """(value, number as written, unit) of "about 82 kilometres" / "six weeks"; None for a range or a year."""
    if RANGE.search(text) or YEAR.fullmatch(text.strip()):
        return None
    bare = re.sub(r"^(every|each)\s+", "", strip_qualifier(text), flags=re.I)
    match = re.match(r"^(\d[\d,]*(?:\.\d+)?|[a-z]+)(?:\s+(.*))?$", bare, re.I)
    if not match:
        return None
    written = match.group(1)
    if written.lower() in NUMBER_NAMES[3:]:
        value = float(NUMBER_NAMES.index(written.lower()))
    elif DIGITS.match(written):
        value = float(written.replace(",", ""))
    else:
        return None
    unit = (match.group(2) or "").strip()
    if re.search(r"\d", unit) or len(unit.split()) > 2:
        return None
    return value, written, unit


def _year(entity: Span) -> int | None:
    years = YEAR.findall(entity.text)
    if entity.label_ != "DATE" or len(years) != 1 or RANGE.search(entity.text):
        return None
    return int(years[0])


def _inventory(sentences: Sequence[language.Sentence], docs: Sequence[Span]) -> Inventory:
    persons: list[str] = []
    places: dict[str, list[str]] = {"site": [], "region": []}
    years: list[int] = []
    numbers: list[tuple[float, str, str]] = []
    for doc in docs:
        for entity in doc.ents:
            if _is_person(entity):
                persons.append(entity.text)
            elif _is_place(entity):
                places[_place_group(entity)].append(_name(entity))
            elif (year := _year(entity)) is not None:
                years.append(year)
            elif entity.label_ in NUMBER_LABELS and (amount := _amount(entity.text)) is not None:
                numbers.append(amount)
    terms = [t for s, d in zip(sentences, docs, strict=True) for t in _defined_terms(s.text, d)]
    terms += [t for d in docs for t in _named_terms(d)]
    grouped = {group: _unique(names) for group, names in places.items()}
    return Inventory(_unique(persons), grouped, sorted(set(years)), numbers, _unique(terms))


def _unique(items: Sequence[str]) -> list[str]:
    kept: dict[str, str] = {}
    for item in items:
        key = normalize(item)
        if key and not any(key in k.split(" ") or key in k for k in kept):
            for other in [k for k in kept if k in key]:
                del kept[other]
            kept[key] = item
    return list(kept.values())


# ----------------------------------------------------------------------------------------- definitions


def _term_ok(tokens: Sequence[Token] | None) -> bool:
    """A term is a short noun phrase: "price ceiling", "the varroa mite" (no pronoun, number or superlative)."""
    if not tokens:
        return False
    words = [t for t in tokens if t.pos_ != "DET" and not (t.lower_ == "of" and 0 < tokens.index(t) < len(tokens) - 1)]
    if not 1 <= len(words) <= 4 or words[0].lower_ in language.REFERRING | {"which", "what", "who", "everything"}:
        return False
    return all(t.pos_ in ("NOUN", "PROPN", "ADJ") and t.tag_ not in ("JJS", "JJR") for t in words) and any(
        t.pos_ in ("NOUN", "PROPN") for t in words
    )


def _tokens(doc: Span, start: int, end: int) -> list[Token] | None:
    span = doc.doc.char_span(doc.start_char + start, doc.start_char + end, alignment_mode="expand")
    return [t for t in span if t.lower_ not in ("itself", "themselves")] if span is not None else None


def _strip_article(term: str) -> str:
    term = re.sub(r"\s+(itself|themselves)$", "", term.strip(), flags=re.I)
    return re.sub(r"^(?:the|a|an)\s+", "", term, flags=re.I)


def _lower_subject(subject: str, tokens: Sequence[Token] | None) -> str:
    if tokens and tokens[0].pos_ == "PROPN":
        return subject
    return subject[:1].lower() + subject[1:]


def _definitions(text: str, doc: Span) -> Iterator[tuple[str, str, str]]:
    """(term, stem, what the stem needs as context) for each definition in the sentence."""
    for pattern in (DEFINED_BY_NAME, NAMED_APPOSITION):
        match = pattern.match(text)
        if not match:
            continue
        subject = match["subject"].strip()
        term = re.split(r"\s+(?:and|or|but|which|because|so)\s+", match["term"].strip())[0]
        term_tokens = _tokens(doc, match.start("term"), match.start("term") + len(term))
        inner_pronoun = re.search(r"\s(this|it|they|these|those)\b", subject, re.I)
        if SUBORDINATE.match(subject) or len(subject.split()) > 14 or inner_pronoun or not _term_ok(term_tokens):
            continue
        context = "previous" if re.match(r"^(this|these|that|those)\b", subject, re.I) else ""
        subject = _lower_subject(subject, _tokens(doc, 0, len(subject)))
        known = "known as" in match.group(0)
        yield _strip_article(term), f"What {match['be']} {subject} {'known as' if known else 'called'}?", context
        return
    match = MEASURES.match(text)
    if match and _term_ok(_tokens(doc, 0, len(match["term"]))) and 3 <= len(match["meaning"].split()) <= 20:
        yield _strip_article(match["term"]), f"What {match['verb']} {match['meaning'].rstrip('.')}?", ""
        return
    match = DEFINITION.match(text)
    if match and not re.match(r"^(this|these|that|those|it)\b", match["term"], re.I):
        meaning = re.split(r",", match["meaning"])[0].strip().rstrip(".")
        if _term_ok(_tokens(doc, 0, len(match["term"]))) and 3 <= len(meaning.split()) <= 24:
            yield _strip_article(match["term"]), f"What {match['be']} {meaning} called?", ""
            return
    for chunk in doc.noun_chunks:
        after = re.match(r",\s+((?:a|an)\s+[^,;.]+)", doc.doc.text[chunk.end_char :])
        if after and _term_ok(list(chunk)) and 3 <= len(after[1].split()) <= 18:
            yield _strip_article(chunk.text), f"What is {after[1].strip()} called?", ""
            return


def _named_terms(doc: Span) -> Iterator[str]:
    """Terms the video names anywhere in a sentence: "... pores called stomata", "which is called scoring"."""
    for match in re.finditer(r"\b(?:called|known as)\s+((?:the\s+)?[\w-]+(?:\s+[\w-]+)?)", doc.text):
        term = re.split(r"\s+(?:and|or|but|which|because|so|at|in|on|by)\b", match[1])[0]
        tokens = _tokens(doc, match.start(1), match.start(1) + len(term))
        if (tokens and _term_ok(tokens)) or (tokens and len(tokens) == 1 and tokens[0].pos_ in ("VERB", "NOUN")):
            yield _strip_article(term)


def _defined_terms(text: str, doc: Span) -> list[str]:
    return [term for term, _stem, _context in _definitions(text, doc)]


# ----------------------------------------------------------------------------------------- candidates


def _wh_phrase(kind: str) -> Callable[[str | None, Span, Sequence[Token]], str | None]:
    """The question phrase for a fact of this kind in a constituent ("in what year", "how many eggs")."""

    def phrase(preposition: str | None, span: Span, tokens: Sequence[Token]) -> str | None:
        if kind == "person":
            return "who" if preposition is None else f"{preposition} whom"
        ids = {t.i for t in span}
        if kind == "place":
            loose = [t for t in tokens if t.i not in ids and t.dep_ not in ("prep", "det", "punct")]
            return "where" if preposition in ("in", "at", "near") and not loose else None
        if kind == "year":
            if preposition is None:
                return "in what year" if tokens and all(t.i in range(span.start, span.end) for t in tokens) else None
            return "in what year" if preposition in ("in", "on", "during", "around") else f"{preposition} what year"
        if kind == "number":
            if any(t.text == "," for t in tokens) or len(tokens) - len(span) > 7:
                return None
            words: list[str] = []
            for t in tokens:
                if t.i not in ids:
                    words.append(t.text)
                elif not words or words[-1] != "how many":
                    words.append("how many")
            text = " ".join(words)
            text = re.sub(r"how many (percent|%)", "what percent", text)
            prefix = f"{preposition} " if preposition else ""
            if text.lower().endswith("how many"):
                return None  # "In how many did the company go bankrupt?": a year heard as "1,889", no count
            if not text.lower().startswith(f"{prefix}how many") and not text.lower().startswith(
                f"{prefix}what percent"
            ):
                return None
            return re.sub(r"\s+([,.])", r"\1", text).strip(" ,")
        return None

    return phrase


def _cloze(sentence: str, answer: str) -> str | None:
    pattern = re.compile(rf"(?<![\w,.]){re.escape(answer)}(?![\w,]|\.\d)", re.IGNORECASE)
    if len(pattern.findall(sentence)) != 1:
        return None
    return f"Fill in the blank: {pattern.sub(BLANK, sentence, count=1)}"


def _last_person(history: Sequence[Span], inventory: Inventory) -> str | None:
    for doc in reversed(history):
        names = [e.text for e in doc.ents if e.label_ == "PERSON" and not _is_place(e)]
        if names:
            name = names[-1]
            return next((p for p in inventory.persons if p.endswith(name) or name.endswith(p)), name)
    return None


def _candidates(
    sentences: Sequence[language.Sentence],
    docs: Sequence[Span],
    chapters: Sequence[int],
    centrality: dict[float, float],
    inventory: Inventory,
) -> list[Fact]:
    facts: list[Fact] = []
    for position, (sentence, doc) in enumerate(zip(sentences, docs, strict=True)):
        if not sentence.answerable or sentence.meta is not None or len(sentence.text.split()) < 5:
            continue
        chapter = chapters[sentence.segment] if sentence.segment < len(chapters) else 0
        central = centrality.get(sentence.start, 0.5)
        history = docs[max(0, position - 3) : position]
        person = _last_person(history, inventory)
        made: list[Fact] = []
        previous = sentences[position - 1].text if position > 0 else ""
        for entity in doc.ents:
            made.extend(_entity_facts(sentence, doc, entity, chapter, central, person, previous))
        for term, stem, context in _definitions(sentence.text, doc):
            if context == "previous":
                if not previous or normalize(term) in normalize(previous):
                    continue
                stem = f'The video says: "{previous}" {stem}'
            made.append(Fact(sentence, chapter, "term", term, stem, False, WORTH["term"] + 0.5 * central))
        facts.extend(made)
    return facts


def _entity_facts(
    sentence: language.Sentence,
    doc: Span,
    entity: Span,
    chapter: int,
    central: float,
    person: str | None,
    previous: str,
) -> Iterator[Fact]:
    group = ""
    amount = None
    if _is_person(entity):
        kind, answer_span, value = "person", entity, None
    elif _is_place(entity):
        kind, answer_span, value, group = "place", entity, None, _place_group(entity)
        if entity.text.lower().startswith("the "):
            answer_span = entity[1:]
    elif (year := _year(entity)) is not None:
        kind, value = "year", float(year)
        answer_span = next(entity[i : i + 1] for i, t in enumerate(entity) if t.text == str(year))
        answer_span = entity if entity.text == str(year) else answer_span
    elif entity.label_ in NUMBER_LABELS and (amount := _amount(entity.text)) is not None:
        kind, value = "number", amount[0]
        digits = [t for t in entity if t.text == amount[1]]
        if not digits:
            return
        answer_span = entity.doc[entity.start : digits[0].i + 1]
    else:
        return
    answer = answer_span.text
    if kind == "year":
        answer = str(int(value or 0))
    elif amount is not None:
        answer = amount[1]
    base = WORTH[kind] + 0.5 * central - (0.4 if answer.isalpha() and kind == "number" else 0)
    question_span = entity if kind == "year" else answer_span
    stem = None
    if not re.match(r"(every|each)\b", entity.text, re.I):
        stem = wh_question(doc, question_span, _wh_phrase(kind), person)
    if stem is not None and _answer_in(answer, stem):
        stem = None
    demonstratives = [t.lower_ for t in doc if t.dep_ == "det" and t.lower_ in ("this", "that", "these", "those")]
    if stem is not None and any(re.search(rf"\b{d}\b", stem, re.I) for d in demonstratives):
        # "How many seconds does light take to cover that distance?": the sentence before says which
        stem = f'The video says: "{previous}" {stem}' if previous and not _answer_in(answer, previous) else None
    if stem is not None:
        yield Fact(sentence, chapter, kind, answer, stem, False, base, value, answer, group)
        return
    cloze = _cloze(sentence.text, answer)
    if cloze is not None and language.PRONOUN_START.match(sentence.text):
        # "It struck the surface in _____." says nothing alone: the sentence before says what "it" is
        if not previous or _answer_in(answer, previous):
            return
        cloze = cloze.replace("Fill in the blank: ", f"Fill in the blank: {previous} ", 1)
    if cloze is not None:
        yield Fact(sentence, chapter, kind, answer, cloze, True, base - CLOZE_COST, value, answer, group)


def _answer_in(answer: str, stem: str) -> bool:
    words = normalize(answer).split()
    stem_words = normalize(stem.replace(BLANK, " ")).split()
    return bool(words) and any(stem_words[i : i + len(words)] == words for i in range(len(stem_words)))


# ----------------------------------------------------------------------------------------- distractors


def _format_like(value: float, written: str) -> str:
    if written.isalpha():
        number = round(value)
        return NUMBER_NAMES[number] if value == number and 2 <= number < len(NUMBER_NAMES) else f"{max(number, 2):,}"
    decimals = len(written.split(".")[1]) if "." in written else 0
    if decimals:
        return f"{value:.{decimals}f}"
    number = round(value)
    grouped = "," in written or number >= 10000
    return f"{number:,}" if grouped else str(number)


def _round_like(value: float, written: str) -> float:
    if written.isalpha():
        return float(round(value))
    if "." in written:
        return value
    significant = len(written.replace(",", "").rstrip("0")) or 1
    significant = max(1, min(3, significant))
    if value <= 0:
        return value
    magnitude = 10 ** (math.floor(math.log10(value)) - significant + 1)
    return round(value / magnitude) * magnitude


def _number_distractors(fact: Fact, inventory: Inventory, unit: str) -> list[str]:
    value = fact.value or 0.0
    chosen: list[str] = []
    taken = {normalize(fact.answer)}

    def add(text: str) -> None:
        if normalize(text) not in taken and not YEAR.fullmatch(text) and not text.startswith("0"):
            taken.add(normalize(text))
            chosen.append(text)

    unit_key = unit.split()[0].lower().rstrip("s") if unit else ""
    same = [
        (v, w)
        for v, w, u in inventory.numbers
        if (u.split()[0].lower().rstrip("s") if u else "") == unit_key
        and v > 0
        and value > 0
        and 1 / 6 <= v / value <= 6
    ]
    same.sort(key=lambda item: abs(math.log(item[0] / value)) if value > 0 else 0)
    for v, _w in same:
        add(_format_like(v, fact.answer))
    factors = (2, 0.5, 1.5, 3, 0.75, 4, 0.25, 10) if not fact.answer.isalpha() else (2, 0.5, 1.5, 3, 4)
    for factor in factors:
        add(_format_like(_round_like(value * factor, fact.answer), fact.answer))
    return chosen


def _year_distractors(fact: Fact, inventory: Inventory, rng: random.Random) -> list[str]:
    year = int(fact.value or 0)
    said = sorted((y for y in inventory.years if y != year and abs(y - year) <= 60), key=lambda y: abs(y - year))
    offsets = [3, -4, 7, -9, 12, -15, 5, -2]
    rng.shuffle(offsets)
    variants = [year + o for o in offsets if year + o <= 2030]
    chosen: list[str] = []
    for y in [*said[:2], *variants]:
        if str(y) not in chosen and y != year:
            chosen.append(str(y))
    return chosen


def _name_distractors(answer: str, pool: Sequence[str], surnames: bool = False) -> list[str]:
    words = set(normalize(answer).split())
    surname_only = surnames and len(answer.split()) == 1
    chosen: list[str] = []
    for name in pool:
        if words & set(normalize(name).split()):
            continue
        option = name.split()[-1] if surname_only else name
        if normalize(option) not in {normalize(c) for c in chosen}:
            chosen.append(option)
    return chosen


def _term_distractors(answer: str, inventory: Inventory, material: StudyMaterial) -> list[str]:
    words = set(normalize(answer).split())
    plural = _plural(answer)
    defined = [t for t in inventory.terms if not words & set(normalize(t).split())]
    defined.sort(key=lambda t: (_plural(t) != plural, abs(len(t.split()) - len(answer.split()))))
    extra = [
        t
        for t in material.terms
        if not words & set(normalize(t).split()) and not NUMBER.search(t) and t not in defined and len(t.split()) <= 3
    ]
    extra.sort(key=lambda t: (_plural(t) != plural, abs(len(t.split()) - len(answer.split()))))
    texts = [t.text for t in material.sentences]
    proper = _proper(answer, texts)
    chosen: list[str] = []
    for term in [*defined, *extra]:
        if _proper(term, texts) != proper:  # "Byzantine Empire" is no distractor for "photosynthesis"
            continue
        option = _match_case(term, answer)
        if normalize(option) not in {normalize(c) for c in chosen}:
            chosen.append(option)
    return chosen


def _proper(term: str, texts: Sequence[str]) -> bool:
    """Written with capitals where the transcript uses it mid-sentence (a name, not a common noun)."""
    pattern = re.compile(rf"(?<=[\w,] ){re.escape(term)}\b", re.I)
    inner = [m.group() for text in texts for m in pattern.finditer(text)]
    if not inner:
        return all(w[:1].isupper() for w in term.split()) and len(term.split()) > 1
    return all(w[:1].isupper() for written in inner for w in written.split() if w not in ("of", "the"))


def _balanced(answer: str, pool: Sequence[str], count: int = 3) -> list[str] | None:
    """Three distractors, chosen so that the right answer is not the one longest option."""
    if len(pool) < count:
        return None
    chosen = list(pool[:count])
    if len(answer) > max(len(c) for c in chosen):
        longer = [p for p in pool[count:] if len(p) >= len(answer)]
        if longer:
            chosen[-1] = longer[0]
    return chosen


def _distractors_for(fact: Fact, inventory: Inventory, material: StudyMaterial, rng: random.Random) -> list[str] | None:
    pool = _pool(fact, inventory, material, rng)
    # an option the stem itself shows ("... in Europe" for "Mount Etna in _____") is no distractor
    return _balanced(fact.answer, [d for d in pool if not _answer_in(d, fact.stem)])


def _pool(fact: Fact, inventory: Inventory, material: StudyMaterial, rng: random.Random) -> list[str]:
    if fact.kind == "number":
        return _number_distractors(fact, inventory, _unit_after(fact))
    if fact.kind == "year":
        return _year_distractors(fact, inventory, rng)
    if fact.kind == "person":
        return _name_distractors(fact.answer, inventory.persons, surnames=True)
    if fact.kind == "place":
        return _name_distractors(fact.answer, inventory.places.get(fact.group, []))
    if len(fact.answer.split()) > 1 and all(w[:1].isupper() for w in fact.answer.split()):
        names = _name_distractors(fact.answer, [*inventory.places["site"], *inventory.places["region"]])
        if len(names) >= 3:
            return names
    return _term_distractors(fact.answer, inventory, material)


def _unit_after(fact: Fact) -> str:
    match = re.search(rf"(?<![\w,.]){re.escape(fact.answer)}\s+([a-z%]+)", fact.sentence.text)
    return match.group(1) if match else ""


def _plural(term: str) -> bool:
    last = term.split()[-1].lower()
    return last.endswith("s") and not last.endswith("ss")


def _match_case(option: str, answer: str) -> str:
    if answer[:1].isupper() and option[:1].islower():
        return option[:1].upper() + option[1:]
    proper_noun = all(word[:1].isupper() for word in option.split())
    if answer[:1].islower() and option[:1].isupper() and not proper_noun:
        return option[:1].lower() + option[1:]
    return option


# ----------------------------------------------------------------------------------------- statements


def _statement(fact: Fact) -> Fact | None:
    """ "Which of these statements did the video make?": the sentence and three copies with the fact swapped."""
    if len(fact.sentence.text.split()) > 22 or not fact.distractors:
        return None
    pattern = re.compile(rf"(?<![\w,.]){re.escape(fact.swap)}(?![\w,]|\.\d)")
    if len(pattern.findall(fact.sentence.text)) != 1:
        return None
    false = [pattern.sub(d, fact.sentence.text, count=1) for d in fact.distractors]
    statement = Fact(
        fact.sentence, fact.chapter, "statement", fact.sentence.text, STATEMENT_STEM, False, WORTH["statement"]
    )
    statement.distractors = false
    return statement


# ----------------------------------------------------------------------------------------- the quiz


def _question(fact: Fact) -> QuizQuestion:
    said = fact.sentence.text
    return QuizQuestion(
        question=fact.stem,
        options=(fact.answer, fact.distractors[0], fact.distractors[1], fact.distractors[2]),
        answer=0,
        explanation=f'At {format_timestamp(fact.sentence.start)} the video says: "{said}"',
        evidence=said,
        start=fact.sentence.start,
        chapter=fact.chapter,
    )


def _facts(material: StudyMaterial, rng: random.Random) -> list[Fact]:
    segments, chapters = _segments(material)
    sentences = language.timed_sentences(segments)
    docs = [next(iter(d.sents)) for d in language.parse([s.text for s in sentences])]
    inventory = _inventory(sentences, docs)
    facts = []
    for fact in _candidates(sentences, docs, chapters, _centrality(material), inventory):
        if _misheard(fact, material):
            continue
        distractors = _distractors_for(fact, inventory, material, rng)
        if distractors is None:
            continue
        fact.distractors = [_match_case(d, fact.answer) if fact.kind == "term" else d for d in distractors]
        if fact.kind == "term":  # a term question whose distractors are not terms the video defines is weaker
            defined = {normalize(t) for t in inventory.terms}
            fact.score -= 0.4 * sum(normalize(d) not in defined for d in fact.distractors)
        facts.append(fact)
    return facts


def _misheard(fact: Fact, material: StudyMaterial) -> bool:
    """The answer holds a word the recognizer was unsure of: a tutor would not test a fact that may be a
    mishearing ("7 Stevens" for a name). A line the user corrected has no such words."""
    unsure = material.unsure_words(fact.sentence.start, fact.sentence.end)
    return bool(unsure) and any(word in unsure for word in re.findall(r"[\w'-]+", fact.answer.lower()))


def make_quiz(material: StudyMaterial, count: int = 10, seed: int = 0) -> StudyResult[QuizQuestion]:
    """Up to `count` questions on the video's facts, spread round-robin over the chapters."""
    if count < 1:
        raise ValueError("ask for at least one question")
    rng = random.Random(seed)
    facts = _facts(material, rng)
    by_chapter: dict[int, list[Fact]] = {}
    for fact in facts:
        by_chapter.setdefault(fact.chapter, []).append(fact)
    chosen: list[tuple[Fact, QuizQuestion]] = []
    used_answers: set[str] = set()
    used_sentences: set[float] = set()
    kinds: dict[str, int] = {}
    statements_allowed = max(1, count // 8) if count >= 4 else 0

    def take(chapter_facts: list[Fact]) -> bool:
        ranked = sorted(chapter_facts, key=lambda f: -(f.score - REPEAT_COST * kinds.get(f.kind, 0)))
        for fact in ranked:
            if normalize(fact.answer) in used_answers or fact.sentence.start in used_sentences:
                continue
            question = _question(fact)
            if question_problem(question) or _repeats(question, [q for _, q in chosen]):
                continue
            chosen.append((fact, question))
            used_answers.add(normalize(fact.answer))
            used_sentences.add(fact.sentence.start)
            kinds[fact.kind] = kinds.get(fact.kind, 0) + 1
            chapter_facts.remove(fact)
            return True
        return False

    queues = [by_chapter[c] for c in sorted(by_chapter)]
    statement_at = min(count, 10) // 2
    while len(chosen) < count and queues:
        for queue in list(queues):
            if len(chosen) >= count:
                break
            if len(chosen) == statement_at and statements_allowed and kinds.get("statement", 0) < statements_allowed:
                _add_statement(facts, chosen, used_sentences, used_answers, kinds)
                if len(chosen) >= count:
                    break
            if not take(queue):
                queues.remove(queue)
    questions = [shuffled(q, rng) for _, q in sorted(chosen, key=lambda item: item[0].sentence.start)]
    result = StudyResult(questions)
    if len(questions) < count:
        result.notes.append(
            f"This video supports {len(questions)} distinct question{'' if len(questions) == 1 else 's'}, "
            f"fewer than the {count} asked for. "
            "A longer video, or one with more names, dates, numbers and definitions, gives more."
        )
    return result


def _repeats(question: QuizQuestion, kept: Sequence[QuizQuestion]) -> bool:
    """The same question again. Not `is_near_duplicate`: "What is the quantity ... buyers ... called?" (demand)
    and "What is the quantity ... sellers ... called?" (supply) read alike yet ask two facts."""
    return any(
        similar(question.question, other.question) >= 0.95 or question.evidence == other.evidence for other in kept
    )


def _add_statement(
    facts: Sequence[Fact],
    chosen: list[tuple[Fact, QuizQuestion]],
    used_sentences: set[float],
    used_answers: set[str],
    kinds: dict[str, int],
) -> None:
    counts: dict[int, int] = {}
    for fact, _ in chosen:
        counts[fact.chapter] = counts.get(fact.chapter, 0) + 1
    ranked = sorted(
        (
            f
            for f in facts
            if f.kind in ("year", "number", "person", "place") and f.sentence.start not in used_sentences
        ),
        key=lambda f: (counts.get(f.chapter, 0), -f.score),
    )
    for fact in ranked:
        statement = _statement(fact)
        if statement is None:
            continue
        question = _question(statement)
        if question_problem(question):
            continue
        chosen.append((statement, question))
        used_sentences.add(fact.sentence.start)
        used_answers.add(normalize(statement.answer))
        kinds["statement"] = kinds.get("statement", 0) + 1
        return
