"""Question stems from declarative sentences, by their spaCy dependency parse.

`wh_question` turns a sentence and the fact in it into a question that asks for that fact:
"The canal opened in 1869." + 1869 -> "In what year did the canal open?". It handles a fact in the
subject ("Who decoded ...?", "How many people worked ...?") and a fact in an object, complement or
prepositional phrase of the main verb (the auxiliary moves before the subject, or "did/does/do" is
added; an imperative gets "should you"). When it is not sure (the fact sits in a subordinate clause, a
conjunction shares it, the subject is a pronoun it cannot resolve), it returns None and the caller
falls back to a cloze whose blank is the fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
CLAUSE_PARTS = ("prep", "agent", "dative", "dobj", "attr", "acomp", "npadvmod", "oprd", "advmod")
PERSONAL = {"he": "", "she": "", "his": "'s", "her": "'s"}
UNRESOLVED = {"it", "its", "they", "them", "their", "this", "that", "these", "those", "there", "which", "we", "you"}
QUALIFIERS = re.compile(
    r"^(?:about|around|roughly|only|nearly|almost|approximately|just|some|over|under|up to|more than|less than|"
    r"fewer than|at least|at most|a little more than|a little over|another|only about|an estimated)\s+",
    re.I,
)


def _text(tokens: Sequence[Token]) -> str:
    words = "".join(t.text + t.whitespace_ for t in tokens)
    words = re.sub(r"\s+", " ", words).strip()
    words = re.sub(r"\s+([,.;:!?])", r"\1", words)
    words = re.sub(r",(\s*,)+", ",", words)
    return words.strip(" ,;:")


def _lower_first(tokens: Sequence[Token]) -> str:
    text = _text(tokens)
    acronym = len(tokens[0].text) > 1 and tokens[0].text.isupper() if tokens else False
    if tokens and tokens[0].pos_ != "PROPN" and tokens[0].text != "I" and not acronym:
        return text[:1].lower() + text[1:]
    return text


def _clause(root: Token) -> list[Token]:
    """The main clause: the root's subtree without a coordinated clause that has a subject of its own."""
    dropped: set[int] = set()
    children = list(root.children)
    for child in children:
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and any(g.dep_ in SUBJECTS for g in child.children):
            start = child.left_edge.i
            dropped.update(t.i for t in child.subtree)
            kept_before = [c.right_edge.i for c in children if c.i < start and c.dep_ not in ("cc", "punct")]
            last = max([root.i, *kept_before])
            dropped.update(c.i for c in children if c.dep_ in ("cc", "punct") and last < c.i < start)
    for child in children:  # "..., while a queen may live for five years": another fact, not this question's
        if child.dep_ == "advcl" and any(m.lower_ in ("while", "whereas", "although") for m in child.children):
            dropped.update(t.i for t in child.subtree)
    return [t for t in root.subtree if t.i not in dropped]


def _constituent(token: Token, root: Token) -> Token | None:
    """The child of `root` whose subtree holds `token`."""
    current = token
    while current.head.i != current.i:
        if current.head.i == root.i:
            return current
        current = current.head
    return None


def resolve_subject(subject: Sequence[Token], person: str | None) -> str | None:
    """The subject as text, with "He"/"His" replaced by the person named before; None when a pronoun stays."""
    if not subject:
        return None
    first = subject[0].lower_
    if first in PERSONAL:
        if person is None:
            return None
        rest = _text(subject[1:])
        return f"{person}{PERSONAL[first]} {rest}".strip()
    if first in UNRESOLVED or any(t.lower_ in ("it", "they", "them", "this", "these", "those") for t in subject):
        return None
    return _lower_first(subject)


def wh_question(
    sentence: Span,
    answer: Span,
    wh: Callable[[str | None, Span, Sequence[Token]], str | None],
    person: str | None = None,
) -> str | None:
    """A question asking for `answer`, or None when the sentence is not one this can safely turn.

    `wh(preposition, answer, constituent_tokens)` gives the question phrase ("in what year", "how many
    eggs", "whom") for the constituent holding the answer, or None when it has none.
    """
    root = sentence.root
    if root.pos_ not in ("VERB", "AUX"):
        return None
    holder = _constituent(answer.root, root) if answer.root.i != root.i else None
    if holder is None:
        return None
    clause = _clause(root)
    clause_ids = {t.i for t in clause}
    if holder.i not in clause_ids:
        return None
    removed = list(holder.subtree)
    removed_ids = {t.i for t in removed}
    answer_ids = {t.i for t in answer}
    if any(t.dep_ == "conj" and t.i not in answer_ids and t.head.i in answer_ids for t in removed):
        return None  # "Neil Armstrong and Buzz Aldrin": asking for one of two
    subjects = [c for c in root.children if c.dep_ in SUBJECTS]

    if holder.dep_ in ("nsubj", "nsubjpass"):
        phrase = wh(None, answer, removed)
        if phrase is None:
            return None
        rest = [t for t in clause if t.i not in removed_ids]
        before = _without_connective([t for t in rest if t.i < holder.left_edge.i])
        after = [t for t in rest if t.i > holder.right_edge.i]
        question = f"{phrase} {_text(after)}"
        return _finish(before, question)

    if holder.dep_ not in CLAUSE_PARTS:
        return None
    preposition = holder.lower_ if holder.dep_ in ("prep", "agent", "dative") else None
    phrase = wh(preposition, answer, removed)
    if phrase is None:
        return None
    imperative = not subjects and root.tag_ == "VB" and not [c for c in root.children if c.dep_ == "aux"]
    if not subjects and not imperative:
        return None
    subject_tokens = _without_parenthesis(list(subjects[0].subtree)) if subjects else []
    if subjects and len(list(subjects[0].subtree)) != subjects[0].right_edge.i - subjects[0].left_edge.i + 1:
        return None  # a subject in pieces: the parse is not to be trusted
    subject_ids = {t.i for t in subjects[0].subtree} if subjects else set()
    if subject_tokens and (subject_tokens[0].i > root.i):
        return None  # inverted already ("There is ...", "Here comes ...")
    if subjects and subjects[0].dep_ == "expl":
        return None
    subject = resolve_subject(subject_tokens, person) if subjects else "you"
    if subject is None:
        return None
    auxiliaries = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    rest = [t for t in clause if t.i not in removed_ids and t.i not in subject_ids]
    start = subject_tokens[0].i if subject_tokens else root.i
    front = _without_connective([t for t in rest if t.i < start and not (auxiliaries and t.i == auxiliaries[0].i)])
    after = [t for t in rest if t.i > start]
    if imperative:
        words = _text([t for t in rest if t.i >= root.i])
        front = _without_connective([t for t in rest if t.i < root.i])
        return _finish(front, f"{phrase} should you {words[:1].lower()}{words[1:]}")
    if auxiliaries:
        moved = auxiliaries[0].lower_
        tail = _text([t for t in after if t.i != auxiliaries[0].i])
    elif root.lemma_ == "be":
        moved = root.lower_
        tail = _text([t for t in after if t.i != root.i])
    else:
        support = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(root.tag_)
        if support is None:
            return None
        moved = support
        tail = _text_from("".join((root.lemma_ if t.i == root.i else t.text) + t.whitespace_ for t in after))
    return _finish(front, f"{phrase} {moved} {subject} {tail}")


CONNECTIVES = {"as a result", "so", "then", "now", "finally", "first", "however", "therefore", "thus", "in fact"}
CONNECTIVES |= {"sadly", "also", "next", "today", "but", "and", "later", "meanwhile", "instead", "of course"}


def _without_connective(front: list[Token]) -> list[Token]:
    """ "As a result," / "Finally," at the front say nothing about the fact: dropped."""
    text = _text(front).lower()
    return [] if text in CONNECTIVES else front


def _without_parenthesis(tokens: list[Token]) -> list[Token]:
    """ "The cycle of phases, from one new moon to the next," -> "The cycle of phases"."""
    commas = [k for k, t in enumerate(tokens) if t.text == ","]
    if not commas:
        return tokens
    if len(commas) >= 2:
        return tokens[: commas[0]] + tokens[commas[1] + 1 :]
    return tokens[: commas[0]]


def _text_from(raw: str) -> str:
    words = re.sub(r"\s+", " ", raw).strip()
    return re.sub(r"\s+([,.;:!?])", r"\1", words).strip(" ,;:")


def _finish(front: Sequence[Token], question: str) -> str | None:
    question = re.sub(r"\s+", " ", question).strip(" ,;:.")
    question = re.sub(r"\s+([,;:])", r"\1", question)
    if len(question.split()) < 3:
        return None
    lead = _text(front)
    if lead:
        lead = lead[:1].upper() + lead[1:]
        return f"{lead}, {question}?"
    return f"{question[:1].upper()}{question[1:]}?"


def strip_qualifier(text: str) -> str:
    """ "about 82 kilometres" -> "82 kilometres" (the approximation words are not the fact)."""
    previous = None
    while previous != text:
        previous = text
        text = QUALIFIERS.sub("", text.strip())
    return text
