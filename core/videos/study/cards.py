"""The offline flashcards: what a tutor would write on cards from the transcript alone.

Every sentence that states something (not a greeting, an agenda line, a closing or a question) is parsed by
the spaCy pipeline of `core.videos.language`, and the card it supports is made from its grammar:
- term -> definition: "A volcano is an opening ..." -> Volcano; "... is called lava" -> Lava; "glucose, a
  simple sugar" -> Glucose;
- fact questions, by moving the fact out of the sentence: a date ("When did the western empire fall?" ->
  476), a place ("Where was Hadrian's Wall built?"), a named subject ("Who became the first Roman emperor
  ...?"), an agent ("Who decoded the waggle dance?"), a count ("How many bees does a colony hold?"), a cause
  ("Why does a shield volcano have gentle slopes?");
- a cloze on the sentence's key fact (a number, a date, a name or a key term) when no question reads well;
- true/false with one fact swapped for another of the same kind said elsewhere in the video.

Chapters get cards in proportion to their length (words), and each card keeps its sentence's start and end,
so the page can replay the moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.videos.chunks import TimedSentence
from core.videos.language import meta_kind, parse
from core.videos.study.chapters import chapter_vectors, unit_centroid
from core.videos.study.checks import dedupe_cards, normalize
from core.videos.study.material import BLANK, StudyMaterial
from core.videos.study.model import CardKind, Flashcard, StudyResult
from core.videos.transcript import format_timestamp

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MIN_WORDS = 5
CLOZE_BONUS = {"term": -0.25, "other term": -0.45}  # a number, a date or a name makes the best blank
KEY_TERMS = 12  # of the whole video, for clozes on a key term
CHAPTER_TERMS = 4  # of each chapter
MAX_QUESTION_WORDS = 22
KIND_WEIGHT: dict[CardKind, float] = {"term": 1.2, "concept": 1.0, "cloze": 0.55, "true_false": 0.2}
SUBJECTS = ("nsubj", "nsubjpass")
KEPT = {"dobj", "attr", "acomp", "prt", "oprd", "dative", "xcomp", "agent", "prep", "ccomp"}
DO = {"VBD": "did", "VBZ": "does", "VBP": "do"}
WHEN = {"in": "When", "on": "When", "at": "When", "during": "When", "around": "When"}
UNTIL = {"until", "till"}  # "How long did the United States control the canal?" -> "Until 1999"
WHEN |= dict.fromkeys(UNTIL, "How long")
PLACES = {"in", "at", "on", "near", "across", "along", "inside", "throughout"}
NAMED = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LANGUAGE", "LAW"}
NAMING_VERBS = {"call", "name", "term", "know", "dub"}
ERA = {"bc", "ad", "bce", "ce"}
REFERRING = {"this", "these", "those", "it", "its", "they", "their", "them", "he", "she", "his", "her"}
SAYING = {"state", "say", "show", "mean", "explain", "describe", "claim", "suggest", "predict", "measure", "hold"}
PRONOUNS = {"it", "its", "this", "that", "these", "those", "they", "them", "he", "she", "we", "i", "you", "there"}


@dataclass(frozen=True)
class Candidate:
    card: Flashcard
    sentence: int  # index into the material's sentences
    score: float
    answer: str  # what the card asks for (no two cards of a deck share one)


def make_flashcards(material: StudyMaterial, count: int = 20, seed: int = 0) -> StudyResult[Flashcard]:
    """Up to `count` cards over the chapters, in proportion to their length; sorted by time."""
    del seed  # the deck is deterministic: the same transcript gives the same cards (and review history)
    sentences = material.sentences
    docs = parse([s.text for s in sentences])
    lowercase = {t.lower_ for doc in docs for t in doc if t.text.islower()}
    context = _Context(material, docs, lowercase)
    chapter_of = [c.index for c in material.chapters for _ in c.sentences]
    centrality = _centrality(material)
    per_chapter: list[list[Candidate]] = [[] for _ in material.chapters]
    for i, (sentence, doc) in enumerate(zip(sentences, docs, strict=True)):
        if meta_kind(sentence.text) is not None or len(sentence.text.split()) < MIN_WORDS:
            continue
        for kind, front, back, answer, bonus in context.cards_of(i, doc):
            card = Flashcard(kind, front, back, sentence.start, chapter_of[i], sentence.end)
            score = centrality[i] + KIND_WEIGHT[kind] + bonus
            per_chapter[chapter_of[i]].append(Candidate(card, i, score, answer))
    weights = [sum(len(s.text.split()) for s in c.sentences) for c in material.chapters]
    cards = _pick(per_chapter, spread(count, weights))
    result = StudyResult(sorted(cards, key=lambda c: c.start))
    if len(cards) < count:
        result.notes.append(f"This video supports {len(cards)} distinct cards, fewer than the {count} asked for.")
    return result


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), at least one each while it lasts."""
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = float(sum(weights)) or 1.0
    if total >= len(weights):
        base = [1] * len(weights)
        rest = total - len(weights)
    else:
        base = [0] * len(weights)
        rest = total
    # what each chapter deserves beyond its one card, so the whole deck ends up proportional
    wanted = [max(0.0, total * w / whole - b) for w, b in zip(weights, base, strict=True)]
    scale = rest / (sum(wanted) or 1.0)
    shares = [w * scale for w in wanted]
    quotas = [b + int(s) for b, s in zip(base, shares, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: -(shares[i] - int(shares[i])))
    for i in order[: total - sum(quotas)]:
        quotas[i] += 1
    return quotas


def _pick(per_chapter: list[list[Candidate]], quotas: list[int]) -> list[Flashcard]:
    """Each chapter's quota, best first, one card per sentence before a second; a chapter without enough
    material hands its rest to the chapters that have some, in proportion to their quotas."""
    chosen: list[Flashcard] = []
    answers: set[str] = set()
    ranked = [sorted(c, key=lambda c: -c.score) for c in per_chapter]
    taken = [0] * len(quotas)

    def take(chapter: int, limit: int) -> None:
        nonlocal chosen
        used = {c.sentence for c in ranked[chapter] if c.card in chosen}
        for second_pass in (False, True):
            for candidate in ranked[chapter]:
                if taken[chapter] >= limit:
                    return
                if candidate.card in chosen or (not second_pass and candidate.sentence in used):
                    continue
                key = normalize(candidate.answer)
                if key and key in answers:
                    continue
                kept = dedupe_cards([*chosen, candidate.card])
                if len(kept) > len(chosen):
                    chosen = kept
                    answers.add(key)
                    used.add(candidate.sentence)
                    taken[chapter] += 1

    for chapter, quota in enumerate(quotas):
        take(chapter, quota)
    short = sum(quotas) - sum(taken)
    while short > 0:
        spare = [i for i in range(len(quotas)) if taken[i] >= quotas[i] and len(ranked[i]) > taken[i]]
        before = sum(taken)
        for chapter, extra in zip(spare, spread(short, [max(1, quotas[i]) for i in spare]), strict=True):
            take(chapter, taken[chapter] + extra)
        if sum(taken) == before:
            break
        short = sum(quotas) - sum(taken)
    return chosen


def _centrality(material: StudyMaterial) -> list[float]:
    """Each sentence's cosine to its chapter's centroid (0..1)."""
    scores: list[float] = []
    for vectors in chapter_vectors(material.chapters, material.vectors):
        if len(vectors):
            scores.extend(float(x) for x in np.clip(vectors @ unit_centroid(vectors), 0.0, 1.0))
    return scores


# ----------------------------------------------------------------------------------------- text helpers


def _text(tokens: Iterable[Token]) -> str:
    ordered = sorted(tokens, key=lambda t: t.i)
    # a space where tokens were left out between two kept ones ("phases, from" minus the comma: "phases from")
    text = "".join(
        t.text + (t.whitespace_ or (" " if n + 1 < len(ordered) and ordered[n + 1].i != t.i + 1 else ""))
        for n, t in enumerate(ordered)
    )
    text = re.sub(r"\s+([,.;:!?%])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return re.sub(r"^[,;:\s]+|[,;:\s]+$", "", text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence_case(text: str) -> str:
    text = _capital(text.strip())
    return text if text.endswith((".", "!", "?")) else text + "."


def _subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def _contains_word(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


class _Context:
    """What the card makers need beyond one sentence: the material, every parsed sentence, lowercase words."""

    def __init__(self, material: StudyMaterial, docs: Sequence[Doc], lowercase: set[str]) -> None:
        self.material = material
        self.docs = docs
        self.lowercase = lowercase
        self.terms = {t.lower() for t in material.terms[:KEY_TERMS]}
        self.terms |= {t.lower() for c in material.chapters for t in c.keyphrases[:CHAPTER_TERMS]}
        self.other_terms = {t.lower() for t in material.terms} | {
            t.lower() for c in material.chapters for t in c.keyphrases
        }
        self.facts = _facts_by_kind(docs, self)

    # --------------------------------------------------------------------------------- which words are names

    def is_name(self, span: Sequence[Token]) -> bool:
        """Proper names as the transcript writes them: capitalised, and never written in lowercase."""
        words = [t for t in span if t.is_alpha and t.lower_ not in ("the", "of", "and", "von", "de", "van")]
        return bool(words) and all(t.text[:1].isupper() and t.lower_ not in self.lowercase for t in words)

    # --------------------------------------------------------------------------------- the cards of a sentence

    def cards_of(self, index: int, doc: Doc) -> list[tuple[CardKind, str, str, str, float]]:
        """(kind, front, back, answer, score bonus) of every card the sentence supports."""
        sentence = self.material.sentences[index]
        found: list[tuple[CardKind, str, str, str, float]] = []
        found.extend(("term", term, back, term, 0.0) for term, back in _definitions(doc, sentence, self))
        found.extend(
            ("concept", question, f"{_sentence_case(answer)}\n\n{_quote(sentence)}", answer, 0.0)
            for question, answer, hidden in _questions(doc, self)
            if _well_asked(question, hidden)
        )
        found.extend(
            ("cloze", prompt, f"{fact.text}\n\n{_quote(sentence)}", fact.text, CLOZE_BONUS.get(fact.kind, 0.0))
            for prompt, fact in _clozes(doc, self)
        )
        found.extend((*card, 0.0) for card in _true_false(doc, sentence, self))
        return found


def _quote(sentence: TimedSentence) -> str:
    return f'At {format_timestamp(sentence.start)} the video says: "{sentence.text}"'


def _well_asked(question: str, hidden: str) -> bool:
    """A question of a readable length that does not give away what it asks for (`hidden`)."""
    words = question.split()
    if not 4 <= len(words) <= MAX_QUESTION_WORDS:
        return False
    if any(w.lower() in REFERRING for w in re.findall(r"[A-Za-z']+", question)[1:]):
        return False  # "When was that book published?" needs the sentence before it
    hidden_words = [w for w in normalize(hidden).split() if len(w) > 3 or w.isdigit()]
    return not any(_contains_word(question, w) for w in hidden_words)


# ----------------------------------------------------------------------------------------- term cards


def _definitions(doc: Doc, sentence: TimedSentence, context: _Context) -> list[tuple[str, str]]:
    """(term, back) pairs the sentence defines."""
    found: list[tuple[str, str]] = []
    for token in doc:
        # "A volcano is an opening in the crust ..."
        if token.dep_ == "ROOT" and token.lemma_ == "be" and not _negated(token):
            subject = _subject(token)
            attr = next((c for c in token.children if c.dep_ == "attr" and c.pos_ == "NOUN"), None)
            if attr is not None and any(t.like_num for t in attr.subtree if t.i < attr.i):
                attr = None  # "Gravity is about 1.62 metres per second squared" is a measurement
            if subject is not None and attr is not None and subject.pos_ == "NOUN":
                det = [t for t in subject.children if t.dep_ == "det"]
                counted = any(t.dep_ == "nummod" for t in subject.children)
                if all(d.lower_ in ("a", "an") for d in det) and not counted and not context.is_name([subject]):
                    term = _text(t for t in subject.subtree if t.dep_ != "det" and t.i <= subject.i)
                    rest = _text(t for t in doc if (t.i > token.i and not t.is_punct) or t.i > attr.i)
                    referring = any(t.lower_ in REFERRING for t in doc if t.i > token.i)
                    if 1 <= len(term.split()) <= 4 and len(rest.split()) >= 3 and not referring:
                        found.append((_capital(term), _sentence_case(rest)))
        # "... is called lava", "small pores called stomata", "known as the Byzantine Empire"
        if token.lemma_ in NAMING_VERBS and token.pos_ == "VERB":
            named = next((c for c in token.children if c.dep_ == "oprd"), None)
            if named is None:
                as_prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "as"), None)
                named = next((c for c in as_prep.children if c.dep_ == "pobj"), None) if as_prep else None
            if named is None:
                continue
            term = _text(t for t in named.subtree if not (t.dep_ == "det" and t.i == named.left_edge.i))
            if token.dep_ == "ROOT":
                subject = _subject(token)
                meaning = _text(_core(subject)) if subject is not None else ""
            elif token.dep_ == "acl":
                meaning = _text(t for t in token.head.subtree if t.i < token.i and t.i >= token.head.left_edge.i)
            else:
                meaning = ""
            vague = any(w.lower() in REFERRING for w in meaning.split()) or (
                named.pos_ == "PROPN" and len(meaning.split()) < 3
            )
            if meaning and 1 <= len(term.split()) <= 4 and len(meaning.split()) >= 2 and not vague:
                found.append((_capital(term), f"{_sentence_case(meaning)}\n\n{_quote(sentence)}"))
        # "glucose, a simple sugar"
        if token.dep_ == "appos" and token.pos_ == "NOUN" and token.head.pos_ == "NOUN":
            det = [t for t in token.children if t.dep_ == "det"]
            term_tokens = [t for t in token.head.subtree if t.i <= token.head.i and t.dep_ != "det"]
            names = any(t.pos_ == "PROPN" for t in [*term_tokens, *token.subtree])
            if det and det[0].lower_ in ("a", "an") and not names:
                term = _text(term_tokens)
                meaning = _text(token.subtree)
                if 1 <= len(term.split()) <= 3 and len(meaning.split()) >= 2:
                    found.append((_capital(term), f"{_sentence_case(meaning)}\n\n{_quote(sentence)}"))
    return found


# ----------------------------------------------------------------------------------------- fact questions


def _negated(verb: Token) -> bool:
    return any(c.dep_ == "neg" for c in verb.children)


def _subject(verb: Token) -> Token | None:
    subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
    if subject is None or subject.pos_ == "PRON" or subject.lower_ in PRONOUNS:
        return None
    if any(c.dep_ in ("det", "poss") and c.lower_ in REFERRING | {"that"} for c in subject.children):
        return None  # "that book", "its length": the sentence before says which
    return subject


def _core(subject: Token) -> list[Token]:
    """The subject without what is set off by commas ("The eastern half, known as ..., lasted")."""
    dropped: set[int] = set()
    for child in subject.children:
        if child.dep_ in ("appos", "acl", "relcl") and doc_token_before(child, ","):
            dropped |= _subtree(child)
    return [t for t in subject.subtree if t.i not in dropped and not t.is_punct]


def doc_token_before(token: Token, text: str) -> bool:
    left = token.left_edge.i - 1
    return left >= 0 and token.doc[left].text == text


def _subject_text(subject: Token, context: _Context) -> str:
    tokens = _core(subject)
    text = _text(tokens)
    first = tokens[0]
    if first.i == first.sent.start and first.pos_ != "PROPN" and first.ent_type_ not in NAMED:
        text = text[:1].lower() + text[1:]
    return text


def _invert(root: Token, subject: Token, removed: set[int], wh: str, context: _Context) -> str | None:
    """The sentence as a `wh` question about what `removed` said: "When did the western empire fall?"."""
    if _negated(root) or root.dep_ != "ROOT":
        return None
    kept: set[int] = set()
    for child in root.children:
        if child.dep_ in KEPT:
            kept |= _subtree(child)
    kept -= removed
    kept -= _subtree(subject)
    auxiliaries = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    rest = _text(root.doc[i] for i in kept if not root.doc[i].is_punct or root.doc[i].text in ",%")
    if kept and min(kept) == root.sent.start and root.doc[min(kept)].pos_ != "PROPN":
        rest = rest[:1].lower() + rest[1:]  # "In early summer a queen can lay ..." -> "... lay in early summer"
    subject_text = _subject_text(subject, context)
    if auxiliaries:
        middle = " ".join([*(a.text for a in auxiliaries[1:]), root.text])
        question = f"{wh} {auxiliaries[0].lower_} {subject_text} {middle} {rest}"
    elif root.lemma_ == "be":
        question = f"{wh} {root.lower_} {subject_text} {rest}"
    elif root.tag_ in DO:
        if root.tag_ == "VBP" and subject.tag_ in ("NN", "NNP"):
            return None  # a singular subject with a plural verb: the parse went wrong ("The demand curve slopes")
        question = f"{wh} {DO[root.tag_]} {subject_text} {root.lemma_} {rest}"
    else:
        return None
    return re.sub(r"\s+", " ", question).strip(" ,") + "?"


def _prep_of(token: Token) -> Token | None:
    """The preposition whose object holds `token` ("in" of "in the year 476")."""
    node = token
    while node.dep_ != "ROOT":
        if node.dep_ == "prep":
            return node
        if node.dep_ not in ("pobj", "nummod", "compound", "amod", "det", "appos", "conj", "cc", "quantmod", "nmod"):
            return None
        node = node.head
    return None


def _is_year(token: Token) -> bool:
    if not token.like_num or not re.fullmatch(r"\d{1,4}", token.text):
        return False
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return (following is not None and following.lower_ in ERA) or 1000 <= int(token.text) <= 2100


def _date_answer(prep: Token) -> str | None:
    """The date a prepositional phrase gives: "27 BC", "1453", "July 1969"."""
    tokens = list(prep.subtree)[1:]
    if not tokens:
        return None
    ents = [e for e in prep.doc.ents if e.label_ == "DATE" and e.start >= tokens[0].i and e.end <= tokens[-1].i + 1]
    for ent in ents:
        if any(t.like_num and any(c.isdigit() for c in t.text) for t in ent):
            return re.sub(r"^(the )?(year|years) ", "", ent.text)
    year = next((t for t in tokens if _is_year(t)), None)
    if year is None:
        return None
    after = prep.doc[year.i + 1] if year.i + 1 < len(prep.doc) else None
    return f"{year.text} {after.text}" if after is not None and after.lower_ in ERA else year.text


def _questions(doc: Doc, context: _Context) -> list[tuple[str, str, str]]:
    """(question, answer, the part of the answer the question must not say): when / where / who / how many /
    why, from the sentence's grammar."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or _negated(root):
        return []
    subject = _subject(root)
    found: list[tuple[str, str, str]] = []
    if subject is None:
        return found
    for prep in (t for t in doc if t.dep_ == "prep"):
        if prep.head != root and prep.head.head != root:
            continue
        # when
        if prep.lower_ in WHEN and (answer := _date_answer(prep)) is not None:
            asked = _invert(root, subject, _subtree(prep), WHEN[prep.lower_], context)
            if asked:
                found.append((asked, f"{prep.lower_} {answer}" if prep.lower_ in UNTIL else answer, answer))
            continue
        # where
        if prep.lower_ in PLACES and prep.head == root:
            place = next(
                (e for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC") and e.root.i in _subtree(prep)), None
            )
            if place is not None and context.is_name(list(place)) and _prep_of(place.root) == prep:
                asked = _invert(root, subject, _subtree(prep), "Where", context)
                if asked:
                    found.append((asked, _text(t for t in prep.subtree if t.i != prep.i), place.text))
    # who decoded it (an agent of a passive verb)
    agent = next((c for c in root.children if c.dep_ == "agent"), None)
    if agent is not None:
        person = next((e for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.root.i in _subtree(agent)), None)
        if person is not None and context.is_name(list(person)) and root.text.endswith("ed"):
            rest = _text(
                doc[i]
                for c in root.children
                if c.dep_ in KEPT and c != agent
                for i in _subtree(c)
                if not doc[i].is_punct
            )
            question = f"Who {root.text} {_subject_text(subject, context)} {rest}".strip()
            found.append(
                (re.sub(r"\s+", " ", question) + "?", _text(t for t in agent.subtree if t.i != agent.i), person.text)
            )
    # who / what is the named subject
    core = _core(subject)
    if subject.pos_ == "PROPN" and context.is_name([t for t in core if t.pos_ == "PROPN"]):
        is_person = any(e.label_ in ("PERSON", "ORG") and subject.i in range(e.start, e.end) for e in doc.ents)
        predicate = _text(t for t in doc if t.i >= root.i and not (t.is_punct and t.i == len(doc) - 1))
        auxiliaries = _text(c for c in root.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < root.i)
        wh = "Who" if is_person else "What"
        if root.lemma_ == "be" and root.tag_ == "VBP":
            predicate = "are" + predicate[3:] if predicate.startswith("are") else predicate
        found.append((f"{wh} {auxiliaries} {predicate}?".replace("  ", " "), _text(core), _text(core)))
    # how many
    for number in (t for t in doc if t.like_num and t.dep_ == "nummod" and any(c.isdigit() for c in t.text)):
        counted = number.head
        if _is_year(number) or counted.dep_ not in ("dobj", "nsubj") or counted.pos_ != "NOUN":
            continue
        figure = _subtree(number)
        phrase = _text(t for t in counted.subtree if t.i not in figure and not (t.dep_ == "det" and t.head == counted))
        answer = _text(doc[i] for i in figure)
        if counted.dep_ == "nsubj" and counted == subject:
            predicate = _text(t for t in doc if t.i >= root.i and not (t.is_punct and t.i == len(doc) - 1))
            found.append((f"How many {phrase} {predicate}?", answer, answer))
        elif counted.head == root:
            asked = _invert(root, subject, _subtree(counted), f"How many {phrase}", context)
            if asked:
                found.append((asked, answer, answer))
    # why
    for clause in root.children:
        marker = next((c for c in clause.children if c.dep_ == "mark"), None)
        because = clause.dep_ == "advcl" and marker is not None and marker.lower_ == "because"
        because_of = clause.dep_ == "prep" and clause.lower_ in ("because", "due")
        if because or because_of:
            asked = _invert(root, subject, _subtree(clause), "Why", context)
            if asked:
                found.append((asked, _text(clause.subtree), ""))
    # what a key concept does or says: "What does chlorophyll absorb?", "What does the law of demand state?"
    if not found:
        said = root.lemma_ in SAYING
        thing = next((c for c in root.children if c.dep_ == "dobj" or (said and c.dep_ == "ccomp")), None)
        others = [c for c in root.children if c.dep_ in ("dobj", "ccomp", "xcomp", "oprd", "dative", "acomp")]
        if (
            thing is not None
            and others == [thing]
            and root.lemma_ != "be"
            and thing.pos_ not in ("PRON", "NUM")
            and not any(t.like_num or t.lower_ in REFERRING | {"that"} for t in thing.subtree if t.dep_ != "mark")
            and any(t.pos_ in ("NOUN", "PROPN") for t in _core(subject))
        ):
            asked = _invert(root, subject, _subtree(thing), "What", context)
            if asked:
                found.append((asked, _text(thing.subtree), ""))
    return found


# ----------------------------------------------------------------------------------------- cloze and true/false


@dataclass(frozen=True)
class _Fact:
    text: str
    kind: str  # "number", "date", a named entity's label, or "term"
    start: int  # character offsets in the sentence
    end: int


def _sentence_facts(doc: Doc, context: _Context) -> list[_Fact]:
    """The key facts of a sentence, best first: numbers and dates, then names, then key terms."""
    facts: list[_Fact] = []
    for token in doc:
        if token.like_num and any(c.isdigit() for c in token.text):
            kind = "date" if _is_year(token) else "number"
            facts.append(_Fact(token.text, kind, token.idx, token.idx + len(token.text)))
    for ent in doc.ents:
        if ent.label_ in NAMED and context.is_name(list(ent)) and (ent.start > 0 or len(ent) > 1):
            words = [t for t in ent if t.lower_ != "the"]
            if words:
                start, end = words[0].idx, words[-1].idx + len(words[-1].text)
                facts.append(_Fact(doc.text[start:end], ent.label_, start, end))
    text = doc.text
    for chunk in doc.noun_chunks:
        words = [t for t in chunk if t.dep_ not in ("det", "poss") and not t.is_stop and t.pos_ != "PRON"]
        if not words:
            continue
        phrase = text[words[0].idx : words[-1].idx + len(words[-1].text)]
        if chunk.start > 0 and phrase.lower() in context.terms:
            facts.append(_Fact(phrase, "term", words[0].idx, words[-1].idx + len(words[-1].text)))
        elif chunk.start > 0 and phrase.lower() in context.other_terms:
            facts.append(_Fact(phrase, "other term", words[0].idx, words[-1].idx + len(words[-1].text)))
    return facts


def _clozes(doc: Doc, context: _Context) -> list[tuple[str, _Fact]]:
    text = doc.text.strip()
    found = []
    for fact in _sentence_facts(doc, context)[:2]:
        if len(fact.text) > len(text) / 2:
            continue
        found.append((text[: fact.start] + BLANK + text[fact.end :], fact))
    return found


def _facts_by_kind(docs: Sequence[Doc], context: _Context) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for doc in docs:
        for fact in _sentence_facts(doc, context):
            if "term" not in fact.kind and fact.text not in found.setdefault(fact.kind, []):
                found[fact.kind].append(fact.text)
    return found


def _true_false(doc: Doc, sentence: TimedSentence, context: _Context) -> list[tuple[CardKind, str, str, str]]:
    text = doc.text.strip()
    for fact in _sentence_facts(doc, context):
        if "term" in fact.kind:
            continue
        others = [o for o in context.facts.get(fact.kind, []) if o != fact.text and not _contains_word(text, o)]
        if fact.kind in ("number", "date"):
            others.sort(key=lambda o: abs(_value(o) - _value(fact.text)))
        # true for every other sentence, by a stable coin (the same transcript gives the same deck)
        if not others or sum(map(ord, text)) % 2 == 0:
            return [("true_false", f"True or false: {text}", f"True. {_quote(sentence)}", f"tf:{text}")]
        swapped = text[: fact.start] + others[0] + text[fact.end :]
        return [
            (
                "true_false",
                f"True or false: {swapped}",
                f"False: {fact.text}, not {others[0]}. {_quote(sentence)}",
                f"tf:{text}",
            )
        ]
    return []


def _value(text: str) -> float:
    digits = re.sub(r"[^\d.]", "", text.replace(",", ""))
    try:
        return float(digits) if digits else 0.0
    except ValueError:
        return 0.0
