"""Chat with a video: history-aware retrieval over its chunks, grounded answers that cite moments.

Two engines share one shape (`AnswerEngine.ask(question, history) -> AnswerStream`):
- `OfflineAnswerEngine` (no LLM): retrieves chunks, scores their timed sentences against the question
  and answers with the best sentences verbatim, each cited; refuses plainly when nothing matches.
- `LLMAnswerEngine`: rewrites a follow-up into a standalone question from the history, retrieves, and
  streams an answer from a chat model told to use only the numbered passages and cite them as [n].
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import jellyfish
import numpy as np
from wordfreq import zipf_frequency

from core.ai.base import ChatModel, Embedder, Message, Segment
from core.videos import language
from core.videos.chunks import Chunk
from core.videos.conversation import Citation
from core.videos.index import VideoIndex
from core.videos.transcript import format_timestamp

NOT_COVERED = "The video does not cover this."

GROUNDING_NOTE = (
    "Answers come only from what is said in this video, with links to the moments used. "
    "If the video does not cover a question, the answer says so instead of guessing."
)

SYSTEM_PROMPT = (
    "You answer questions about one video using ONLY the numbered transcript passages given to you. "
    "Cite every claim with the passage number in square brackets, like [1] or [2][3]. "
    "Do not use outside knowledge. If the passages do not contain the answer, reply exactly: "
    f'"{NOT_COVERED}" and nothing else. Be concise: at most five sentences.'
)

CONDENSE_PROMPT = (
    "Given the conversation so far and a follow-up question, rewrite the follow-up as one standalone "
    "question that can be understood without the conversation. Reply with the question only."
)


@dataclass
class Answer:
    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    grounded: bool = True
    engine: str = ""


class AnswerStream:
    """Iterate to get the answer text piece by piece; then `.answer` has the text and its citations."""

    def __init__(self, pieces: Iterator[str], finish: Callable[[str], Answer]) -> None:
        self._pieces = pieces
        self._finish = finish
        self._parts: list[str] = []
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for piece in self._pieces:
            self._parts.append(piece)
            yield piece
        self._answer = self._finish("".join(self._parts))

    @property
    def answer(self) -> Answer:
        if self._answer is None:
            for _ in self:
                pass
        assert self._answer is not None
        return self._answer


def _words(text: str, size: int = 3) -> Iterator[str]:
    """Split text into small pieces for streaming, keeping whitespace."""
    tokens = re.findall(r"\S+\s*", text)
    for i in range(0, len(tokens), size):
        yield "".join(tokens[i : i + size])


STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "about",
        "as",
        "into",
        "over",
        "under",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "they",
        "them",
        "their",
        "there",
        "here",
        "i",
        "you",
        "he",
        "she",
        "we",
        "me",
        "my",
        "your",
        "our",
        "his",
        "her",
        "not",
        "no",
        "yes",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "than",
        "then",
        "so",
        "such",
        "very",
        "just",
        "also",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "other",
        "one",
        "two",
        "tell",
        "say",
        "said",
        "says",
        "video",
        "talk",
        "lecture",
        "speaker",
        "please",
        "explain",
        "describe",
        "mean",
        "means",
    }
)

PRONOUN_START = re.compile(r"^(it|its|this|that|they|these|those|he|she|their)\b", re.I)

FOLLOW_UP = re.compile(r"\b(it|this|that|they|them|those|these|he|she|its|their|there|why|more)\b", re.I)


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1}


def retrieval_query(question: str, history: Sequence[Message]) -> str:
    """Offline history-aware retrieval: a short follow-up is joined with the previous user question."""
    previous = [m.content for m in history if m.role == "user"]
    if previous and (len(question.split()) <= 6 or FOLLOW_UP.search(question)) and len(content_words(question)) < 4:
        return f"{previous[-1]} {question}"
    return question


class AnswerEngine:
    name = ""

    def ask(self, question: str, history: Sequence[Message] = ()) -> AnswerStream:
        raise NotImplementedError


CALIBRATION_QUESTIONS = (
    # Questions on other subjects: no video about one subject answers them, so the scores the video gives
    # them show how high an unanswerable question can score on this transcript (see `_calibrate`).
    "Who won the football world cup in 2018?",
    "How many players are on a basketball team?",
    "When was the first chess world championship held?",
    "Where is the headquarters of the United Nations?",
    "Why do cats purr?",
    "What is the capital of Australia?",
    "How much does a new electric car cost?",
    "Is jazz older than rock music?",
    "Who wrote the novel Pride and Prejudice?",
    "How tall is the Eiffel Tower?",
    "What does a vaccine teach the immune system?",
    "When did the first airplane fly?",
    "Where do penguins live in the wild?",
    "Why is the sky blue?",
    "How long does it take to learn the piano?",
    "Does coffee contain more caffeine than tea?",
    "What is the offside rule in football?",
    "How many strings does a violin have?",
    "Who painted the Mona Lisa?",
    "What year did the Berlin Wall fall?",
    "How do you change a flat tyre on a bicycle?",
    "What causes inflation in an economy?",
    "Can dogs see colours?",
    "How far can a marathon runner run in one hour?",
    "What is the main ingredient of guacamole?",
    "Who invented the telephone?",
    "Which programming language is used for web pages?",
    "How hot is the surface of Venus?",
    "Why do leaves change colour in autumn?",
    "Is a tomato a fruit or a vegetable?",
    "What is the population of Tokyo?",
    "How often should you water a cactus?",
    "Where was the composer Mozart born?",
    "What is a black hole?",
    "How many calories are in a banana?",
    "Did the Vikings reach North America?",
)

ANSWER_KINDS = ("who", "when", "where", "number")
# verbs that carry little meaning of their own: "How long does it take?", "What did he make?"
LIGHT_VERBS = frozenset(
    {"be", "have", "do", "get", "make", "go", "take", "come", "give", "put", "use", "happen", "need"}
)
RATE_QUESTION = re.compile(
    r"\b(fast|speed|rate|quickly|per|every|each|a (year|day|week|month|second|minute|hour))\b", re.I
)
# a year as Whisper sometimes writes it, with a thousands comma: "in 1,889 the company went bankrupt"
# ("in 1,800 villages" or "in 1,800 I&D" is no year: a word other than an article or conjunction follows)
SAID_YEAR = re.compile(
    r"\b(?:(?:in|since|until|by|from|before|after) (1),?([0-9]{3})"
    r"(?=[,.;]|\s+(?:the|a|an|his|her|its|their|when|after|before|and|it|he|she|they|we)\b|\s*$)"
    r"|(1[0-9]{3}|20[0-9]{2})\b)",
    re.I,
)
CAUSE_LEAD = re.compile(r"\b(because|since|due to|so that|in order to)\b\s*(.+)$", re.I)


@dataclass
class _Prepared:
    sentences: list[language.Sentence]
    vectors: np.ndarray  # one unit vector per sentence window
    window_lemmas: list[frozenset[str]]
    earlier_lemmas: list[frozenset[str]]  # the previous sentence's, for a sentence that refers back to it
    idf: dict[str, float]
    unseen_idf: float
    vocabulary: frozenset[str]
    cutoff: float
    negatives: list[float]
    words: list[str] = field(default_factory=list)  # the transcript's content lemmas
    word_vectors: np.ndarray | None = None
    sounds: dict[str, frozenset[int]] = field(default_factory=dict)  # Metaphone code -> windows that say it


@dataclass
class _Found:
    """The best sentence for one question (part), or None when the video holds no answer to it."""

    sentence: language.Sentence | None
    score: float
    lead: str = ""
    reason: str = ""
    also: language.Sentence | None = None  # a second sentence that completes a how / why answer


def _key(lemma: str) -> str:
    """Lemmas compared by their first six letters: pollinate = pollinator = pollination; a trailing "-ing"
    goes first, so a short stem meets its gerund (knead = kneading, build = building)."""
    if lemma[:1].isdigit():
        return lemma.replace(",", "")
    if lemma.endswith("ing") and len(lemma) >= 7:
        lemma = lemma[:-3]
    return lemma[:6]


def _keys(lemmas: Iterable[str]) -> frozenset[str]:
    return frozenset(_key(lemma) for lemma in lemmas)


SOUND_UNIT = 3  # transcript words joined into one sound unit: "kilo burquette" ~ "Culebra Cut"
MIN_CODE = 3  # shorter Metaphone codes ("LN", "SS") collide by chance


def _sound(word: str) -> str:
    """Metaphone code of a word or of words joined ("veromite" = "varroa mite" = FRMT)."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    return jellyfish.metaphone(letters) if len(letters) >= 4 else ""


def _sound_table(texts: Sequence[str]) -> dict[str, frozenset[int]]:
    """Metaphone code -> the windows holding it as a word or as up to SOUND_UNIT words run together."""
    table: dict[str, set[int]] = {}
    for i, text in enumerate(texts):
        words = re.findall(r"[a-z]+", text.lower())
        for n in range(1, SOUND_UNIT + 1):
            for j in range(len(words) - n + 1):
                code = _sound("".join(words[j : j + n]))
                if len(code) >= MIN_CODE:
                    table.setdefault(code, set()).add(i)
    return {code: frozenset(windows) for code, windows in table.items()}


GENERIC_ZIPF = 4.5  # a word this frequent in English ("country", "people", "year") names no specific fact


def _generic(word: str) -> bool:
    return zipf_frequency(word, "en") >= GENERIC_ZIPF


class OfflineAnswerEngine(AnswerEngine):
    """Extractive answers from the transcript itself: no LLM, no key, no internet.

    Every sentence of the transcript (split by spaCy) is scored against the question: MiniLM cosine plus the
    share of the question's content lemmas it holds (weighted by how rare each lemma is in this video). The
    answer must then be of the kind the question asks for (a person, a date, a place, a number, a cause, a
    confirmation) and the score must clear this video's own cut-off, set above the scores its transcript
    gives to questions on other subjects. Meta sentences (greetings, agenda lines, closings, questions) never
    answer. The answer leads with what was asked, then quotes the sentence with its timestamp.
    """

    name = "offline engine"

    LEXICAL_WEIGHT = 0.45
    MARGIN = 0.06
    WORD_SIMILARITY = 0.55
    SUBJECT_SHARE = 0.1
    KNOWN_SHARE = 0.5
    DEFINITION_BONUS = 0.5
    SECOND_GAP = 0.06
    NAME_IDF = math.log(1 / 0.3)  # a name said in more than about 30% of the sentences does not pick one out

    def __init__(
        self,
        index: VideoIndex,
        segments: Sequence[Segment],
        embedder: Embedder,
        threshold: float = 0.45,
        max_sentences: int = 2,
    ) -> None:
        self.index = index
        self.segments = list(segments)
        self.embedder = embedder
        self.threshold = threshold
        self.max_sentences = max_sentences
        self._prepared: _Prepared | None = None
        self._word_vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------------- preparation

    @property
    def prepared(self) -> _Prepared:
        with self._lock:
            if self._prepared is None:
                self._prepared = self._prepare()
            return self._prepared

    @property
    def sentences(self) -> list[language.Sentence]:
        return self.prepared.sentences

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        vectors = np.asarray(self.embedder.embed_documents(list(texts)), dtype=np.float32)
        return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)

    def _prepare(self) -> _Prepared:
        sentences = language.timed_sentences(self.segments)
        windows: list[str] = []
        window_lemmas: list[frozenset[str]] = []
        earlier_lemmas: list[frozenset[str]] = []
        for i, sentence in enumerate(sentences):
            previous = sentences[i - 1] if i else None
            if previous is not None and language.PRONOUN_START.match(sentence.text):
                windows.append(f"{previous.text} {sentence.text}")
                window_lemmas.append(_keys(sentence.lemmas | previous.lemmas))
            else:
                windows.append(sentence.text)
                window_lemmas.append(_keys(sentence.lemmas))
            referred = previous is not None and sentence.refers_back and previous.meta is None
            earlier_lemmas.append(_keys(previous.lemmas) if referred and previous is not None else frozenset())
        count = max(1, len(sentences))
        frequency = Counter(k for s in sentences for k in _keys(s.lemmas))
        idf = {k: math.log((count + 1) / (df + 0.5)) for k, df in frequency.items()}
        prepared = _Prepared(
            sentences=sentences,
            vectors=self._embed(windows),
            window_lemmas=window_lemmas,
            earlier_lemmas=earlier_lemmas,
            idf=idf,
            unseen_idf=math.log((count + 1) / 0.5),
            vocabulary=frozenset(frequency),
            cutoff=self.threshold,
            negatives=[],
        )
        prepared.words = sorted({lemma for s in sentences for lemma in s.lemmas if not lemma[:1].isdigit()})
        prepared.word_vectors = self._embed(prepared.words)
        prepared.sounds = _sound_table(windows)
        self._calibrate(prepared)
        return prepared

    def _calibrate(self, prepared: _Prepared) -> None:
        """This video's cut-off: above the best scores it gives to questions on other subjects.

        A calibration question that shares most of its content words with the transcript is dropped (it may
        be about this video's subject after all); the cut-off is the 90th percentile of the rest plus a
        margin, and never below `threshold`.
        """
        docs = language.parse(CALIBRATION_QUESTIONS)
        infos = [language.analyse_question(doc) for doc in docs]
        vectors = self._embed([info.text for info in infos])
        scores = []
        for info, vector in zip(infos, vectors, strict=True):
            keys = _keys(info.lemmas)
            if keys and len(keys & prepared.vocabulary) / len(keys) >= 0.5:
                continue
            total, _ = self._scores(prepared, info, vector, frozenset(), self._aliases(prepared, info))
            if len(total):
                scores.append(float(total.max()))
        prepared.negatives = scores
        if scores:
            prepared.cutoff = max(self.threshold, float(np.percentile(scores, 90)) + self.MARGIN)

    # ------------------------------------------------------------------------------------- scoring

    def _aliases(self, prepared: _Prepared, info: language.QuestionInfo) -> dict[str, frozenset[int]]:
        """The question's words the transcript never spells but says as it was heard: lemma key -> windows.

        tiny.en mishears names ("Gatun" -> "Gatton", "varroa mite" -> "Veromite", "autolyse" -> "auto-lize"):
        a word (5+ letters) or two adjacent words whose Metaphone code the transcript holds, as a word or as
        words run together, counts as said in those windows.
        """
        found: dict[str, set[int]] = {}
        words = [(w, lemma) for w, lemma in info.tokens if w not in STOPWORDS and re.search(r"[a-z]", w)]
        for n in (1, 2):
            for j in range(len(words) - n + 1):
                run = words[j : j + n]
                keys = [_key(lemma) for _, lemma in run]
                known = all(k in prepared.vocabulary for k in keys)
                if known and n > 1:
                    continue
                joined = "".join(w for w, _ in run)
                code = _sound(joined)
                if len(joined) < 5 or len(code) < MIN_CODE + n - 1 or code not in prepared.sounds:
                    continue
                for k in keys:  # a word said once as spelled may be heard otherwise elsewhere: Colombia, Columbia
                    if known or k not in prepared.vocabulary:
                        found.setdefault(k, set()).update(prepared.sounds[code])
        if info.term:
            for k, windows in self._heard_term(prepared, info.term).items():
                found.setdefault(k, set()).update(windows)
        return {k: frozenset(v) for k, v in found.items()}

    TERM_SOUND = 0.75  # Jaro-Winkler of Metaphone codes: "varroa mite" FRMT ~ "veromy" FRM, "monopoly" !~ "market"

    def _heard_term(self, prepared: _Prepared, term: str) -> dict[str, frozenset[int]]:
        """A defined term the transcript never spells, but defines under a name that sounds like it ("the
        veromy, a tiny parasite" for "varroa mite"): the term's lemma keys -> the windows of those sentences."""
        keys = [_key(w) for w in re.findall(r"[a-z]+", term.lower()) if w not in STOPWORDS]
        if not keys or all(k in prepared.vocabulary for k in keys):
            return {}
        letters = re.sub(r"[^a-z]", "", term.lower())
        code = _sound(letters)
        if len(code) < 2:
            return {}
        windows: set[int] = set()
        for sentence in prepared.sentences:
            for phrase in language.defined_phrases(sentence.text):
                heard = re.sub(r"[^a-z]", "", phrase.lower())
                other = _sound(heard)
                if (
                    len(other) >= 2
                    and heard[:1] == letters[:1]
                    and other[:1] == code[:1]
                    and jellyfish.jaro_winkler_similarity(code, other) >= self.TERM_SOUND
                ):
                    windows.add(sentence.index)
        return {k: frozenset(windows) for k in keys if k not in prepared.vocabulary} if windows else {}

    def _scores(
        self,
        prepared: _Prepared,
        info: language.QuestionInfo,
        vector: np.ndarray,
        context: frozenset[str],
        aliases: dict[str, frozenset[int]] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(score, lexical share) per sentence; sentences that cannot answer get -1."""
        if not prepared.sentences:
            return np.zeros(0), np.zeros(0)
        cosine = prepared.vectors @ vector
        aliases = aliases or {}
        weights: dict[str, float] = {}
        for lemma, strength in info.weights:
            key = _key(lemma)
            if lemma in info.lemmas or key in prepared.vocabulary:  # implied words only when the video says them
                weights[key] = max(weights.get(key, 0.0), strength * prepared.idf.get(key, prepared.unseen_idf))
        for key in _keys(context) - set(weights):
            weights[key] = 0.5 * prepared.idf.get(key, prepared.unseen_idf)
        whole = sum(weights.values())
        lexical = np.zeros(len(prepared.window_lemmas), dtype=np.float32)
        if whole:
            for i, (lemmas, earlier) in enumerate(zip(prepared.window_lemmas, prepared.earlier_lemmas, strict=True)):
                said = sum(w for k, w in weights.items() if k in lemmas or i in aliases.get(k, ()))
                implied = sum(0.5 * w for k, w in weights.items() if k in earlier and k not in lemmas)
                lexical[i] = (said + implied) / whole
        if info.term:
            defining = [language.defines(s.text, info.term) for s in prepared.sentences]
            lexical = lexical + self.DEFINITION_BONUS * np.array(defining, dtype=np.float32)
        score = cosine + self.LEXICAL_WEIGHT * lexical
        usable = np.array([s.answerable for s in prepared.sentences])
        return np.where(usable, score, -1.0), lexical

    def _quantities(self, info: language.QuestionInfo, sentence: language.Sentence) -> list[language.Quantity]:
        """The numbers of the sentence (and of the one its pronoun points back to) that measure what is asked."""
        wants_rate = bool(RATE_QUESTION.search(info.text))
        found = []
        for said in self._evidence(sentence):
            for quantity in said.quantities:
                if quantity.text.lower() in info.text.lower():
                    continue
                if info.measures and quantity.dimension not in info.measures:
                    continue
                if not info.measures and quantity.dimension == "date":
                    continue
                if quantity.rate and not wants_rate and "count" not in info.measures:
                    continue
                if (  # "How many ships ...?" is not answered by a count of people
                    info.measured
                    and quantity.dimension == "count"
                    and quantity.of
                    and _key(quantity.of) != _key(info.measured)
                    and float(self._word_vector(quantity.of) @ self._word_vector(info.measured)) < self.WORD_SIMILARITY
                ):
                    continue
                found.append(quantity)
        if info.measured:  # "How much water ...?": the quantity of water first
            found.sort(key=lambda q: _key(q.of) != _key(info.measured))
        return found

    def _fits(self, info: language.QuestionInfo, sentence: language.Sentence) -> bool:
        """Does the sentence hold an answer of the kind the question asks for?"""
        if info.kind == "number":
            return bool(self._quantities(info, sentence))
        if info.kind in ("who", "when", "where"):
            wanted = set(info.expected)
            if info.kind == "when" and self._year(info, sentence):
                return True
            return any(label in wanted and text.lower() not in info.text.lower() for text, label in sentence.entities)
        if info.kind == "why":
            return sentence.cause
        return True

    @staticmethod
    def _year(info: language.QuestionInfo, sentence: language.Sentence) -> str:
        """The first year the sentence says that the question does not."""
        for found in SAID_YEAR.finditer(sentence.text):
            year = found.group(3) or f"{found.group(1)}{found.group(2)}"
            if year not in info.text:
                return year
        return ""

    def _adds(self, info: language.QuestionInfo, i: int, context: frozenset[str]) -> bool:
        """Does the sentence (with the one its pronoun points back to) say more than the question? One that
        only restates it ("Why do workers die so young?" heard as "Whitey workers die so young.") answers
        nothing."""
        if info.kind == "yesno":  # "The demand curve slopes downward." confirms by restating
            return True
        new = self.prepared.window_lemmas[i] - _keys(info.lemmas) - _keys(context)
        # One new word answers a what or which ("Which is the most active volcano in Europe?" - "Etna is the
        # most active volcano in Europe."); a why or how needs more than a restatement with one word changed.
        return len(new) >= (1 if info.kind in (*ANSWER_KINDS, "what") else 2)

    def _missing_names(
        self, prepared: _Prepared, info: language.QuestionInfo, aliases: dict[str, frozenset[int]]
    ) -> list[str]:
        """The question's proper nouns and numbers that the transcript never says (allowing for mishearing)."""
        missing = []
        words = prepared.vocabulary
        for name in info.names:
            if info.kind == "yesno" and name[:1].isdigit():  # "Did it open in 1920?" can be answered "No"
                continue
            key = _key(name)
            if key in words or key in aliases:
                continue
            if len(name) >= 5 and any(SequenceMatcher(None, key, w).ratio() >= 0.8 for w in words):
                continue
            missing.append(name)
        return missing

    def _unknown_nouns(
        self, prepared: _Prepared, info: language.QuestionInfo, aliases: dict[str, frozenset[int]]
    ) -> list[str]:
        """The question's specific nouns that neither the transcript nor a close word of it (MiniLM) holds.

        Common words of English ("country", "people", "year") are left out: a paraphrase uses them freely.
        """
        nouns = [
            n for n in info.nouns if _key(n) not in prepared.vocabulary and _key(n) not in aliases and not _generic(n)
        ]
        if not nouns or prepared.word_vectors is None or not len(prepared.words):
            return nouns
        similarity = self._embed(nouns) @ prepared.word_vectors.T
        return [n for n, row in zip(nouns, similarity, strict=True) if float(row.max()) < self.WORD_SIMILARITY]

    def find(
        self,
        info: language.QuestionInfo,
        text: str,
        context: frozenset[str] = frozenset(),
        used: frozenset[int] = frozenset(),
    ) -> _Found:
        prepared = self.prepared
        if not prepared.sentences:
            return _Found(None, 0.0, reason="empty transcript")
        vector = self._embed([text])[0]
        aliases = self._aliases(prepared, info)
        score, lexical = self._scores(prepared, info, vector, context, aliases)
        for i in used:  # another part of the question already quoted it: this part asks something else
            score[i] = -1.0
        for i in range(len(score)):
            if score[i] > 0 and not self._adds(info, i, context):
                score[i] = -1.0
        order = [int(i) for i in np.argsort(-score)]
        best = float(score[order[0]])
        if best < prepared.cutoff:
            return _Found(None, best, reason="below the video's cut-off")
        if self._missing_names(prepared, info, aliases):
            return _Found(None, best, reason="names the video does not say")
        # a noun the video never says (nor a close word) is not covered, unless the rest matches strongly
        unknown = self._unknown_nouns(prepared, info, aliases)
        if unknown and float(lexical[order[0]]) < self.KNOWN_SHARE:
            return _Found(None, best, reason=f"words the video does not say: {unknown}")
        fallback: int | None = None
        for i in order[:8]:
            if float(score[i]) < max(prepared.cutoff, best - 0.25):
                break
            sentence = prepared.sentences[i]
            if info.kind == "yesno" and not self._settles(prepared, info, i, aliases):
                continue
            if info.kind in ANSWER_KINDS and not self._about(prepared, info, i, float(lexical[i]), aliases):
                continue
            if self._fits(info, sentence):
                return _Found(sentence, float(score[i]), self._lead(info, sentence), also=self._second(info, score, i))
            fallback = i if fallback is None else fallback
        if info.kind == "why" and fallback is not None:  # a reason is most often given right next to the fact
            for j in (fallback - 1, fallback + 1):
                if 0 <= j < len(prepared.sentences) and float(score[j]) >= prepared.cutoff:
                    neighbour = prepared.sentences[j]
                    if neighbour.cause and self._adds(info, j, context):
                        lead = self._lead(info, neighbour)
                        return _Found(neighbour, float(score[j]), lead, also=prepared.sentences[fallback])
        if info.kind not in ANSWER_KINDS and fallback is not None:  # a why with no cause word: the best match
            sentence = prepared.sentences[fallback]
            return _Found(sentence, best, self._lead(info, sentence), also=self._second(info, score, fallback))
        return _Found(None, best, reason=f"no sentence holds a {info.kind} answer")

    def _second(self, info: language.QuestionInfo, score: np.ndarray, first: int) -> language.Sentence | None:
        """A how or why is often answered over two sentences: the next best one, when it scores almost as high."""
        if info.kind not in ("how", "why"):
            return None
        prepared = self.prepared
        floor = max(prepared.cutoff, float(score[first]) - self.SECOND_GAP)
        for i in np.argsort(-score)[:3]:
            i = int(i)
            if i != first and float(score[i]) >= floor and abs(i - first) > 0:
                return prepared.sentences[i]
        return None

    def _window(self, prepared: _Prepared, i: int, aliases: dict[str, frozenset[int]]) -> frozenset[str]:
        heard = {k for k, windows in aliases.items() if i in windows}
        return prepared.window_lemmas[i] | prepared.earlier_lemmas[i] | heard

    def _about(
        self,
        prepared: _Prepared,
        info: language.QuestionInfo,
        i: int,
        lexical: float,
        aliases: dict[str, frozenset[int]],
    ) -> bool:
        """Is the sentence about what the question asks of? A fact of the right kind about another thing is no
        answer ("How many ships pass?" is not answered by "40,000 people worked on it")."""
        if lexical < self.SUBJECT_SHARE:
            return False
        window = self._window(prepared, i, aliases)
        names = [  # the question's names the video says, but not in most sentences ("bee" in a talk on bees)
            _key(n)
            for n in info.names
            if not n[:1].isdigit()
            and _key(n) in prepared.vocabulary | set(aliases)
            and prepared.idf.get(_key(n), prepared.unseen_idf) >= self.NAME_IDF
        ]
        if names and not set(names) & window:
            return False
        if info.subject and _key(info.subject) not in window and not self._close(info.subject, window):
            return False
        for verb in info.verbs:  # the question's verb ("widened", "live") must be said, or a close one
            if not _generic(verb) and _key(verb) not in window and not self._close(verb, window):
                return False
        return True

    def _settles(
        self, prepared: _Prepared, info: language.QuestionInfo, i: int, aliases: dict[str, frozenset[int]]
    ) -> bool:
        """Can the sentence settle the yes/no question? It must itself say the question's specific verbs
        ("knead" in "Do I need to knead the dough?"), or close ones, not only refer back to a sentence that does."""
        window = prepared.window_lemmas[i] | {k for k, windows in aliases.items() if i in windows}
        return all(
            _generic(verb) or _key(verb) in window or self._close(verb, window)
            for verb in info.verbs
            if verb not in LIGHT_VERBS
        )

    def _close(self, word: str, window: frozenset[str]) -> bool:
        """Does the window hold a word close in meaning (MiniLM) to `word`?"""
        prepared = self.prepared
        if prepared.word_vectors is None or not prepared.words:
            return False
        similarity = prepared.word_vectors @ self._word_vector(word)
        return any(
            float(sim) >= self.WORD_SIMILARITY and _key(w) in window
            for w, sim in zip(prepared.words, similarity, strict=True)
        )

    def _word_vector(self, word: str) -> np.ndarray:
        with self._lock:
            vector = self._word_vectors.get(word)
        if vector is None:
            vector = self._embed([word])[0]
            with self._lock:
                self._word_vectors[word] = vector
        return vector

    # ------------------------------------------------------------------------------------- wording

    def _lead(self, info: language.QuestionInfo, sentence: language.Sentence) -> str:
        if info.kind == "yesno":
            return "No." if self._denies(info, sentence) else "Yes."
        if info.kind == "number":
            quantities = self._quantities(info, sentence)
            if quantities:
                text = quantities[0].text
                return text[0].upper() + text[1:] + "."
        elif info.kind in ANSWER_KINDS:
            candidates = [
                (info.expected.index(label), n, text)
                for n, (text, label) in enumerate(sentence.entities)
                if label in info.expected and text.lower() not in info.text.lower()
            ]
            if candidates:  # the label the question asks for first (a person before an army), then word order
                text = min(candidates)[2]
                return text[0].upper() + text[1:] + "."
            if info.kind == "when" and self._year(info, sentence):
                return f"In {self._year(info, sentence)}."
        if info.kind == "why":
            found = CAUSE_LEAD.search(sentence.text)
            if found:
                clause = found.group(0).rstrip(".!")
                return clause[0].upper() + clause[1:] + "."
        return ""

    def _denies(self, info: language.QuestionInfo, sentence: language.Sentence) -> bool:
        if sentence.negated != info.negated or language.contradicts(info.text, sentence.text):
            return True
        # the question states a number or name of a kind the sentence gives differently
        asked = {n.lower() for n in info.names if n[:1].isdigit()}
        said = {re.sub(r"[^\d.]", "", n) for n in sentence.numbers}
        return bool(asked) and not (asked & said) and bool(said)

    def _evidence(self, sentence: language.Sentence) -> list[language.Sentence]:
        """The sentence, then the one before it when it opens with a pronoun (and that one is no meta line)."""
        sentences = self.prepared.sentences
        previous = sentences[sentence.index - 1] if sentence.index else None
        if previous is not None and previous.meta is None and language.PRONOUN_START.match(sentence.text):
            return [sentence, previous]
        return [sentence]

    # ------------------------------------------------------------------------------------- asking

    def _context(self, history: Sequence[Message]) -> tuple[str, frozenset[str]]:
        """The previous question and what its answer led with ("Ferdinand de Lesseps."): a follow-up's "he"
        or "it" most often points to that answer."""
        previous = [m.content for m in history if m.role == "user"]
        if not previous:
            return "", frozenset()
        replies = [m.content for m in history if m.role == "assistant"]
        reply = replies[-1] if replies and history[-1].role == "assistant" else ""
        lead = "" if reply.startswith(NOT_COVERED) else reply.split("“", 1)[0].strip()
        text = f"{previous[-1]} {lead}".strip()
        (doc,) = language.parse([text])
        return text, frozenset(language.content_lemmas(doc))

    def ask(self, question: str, history: Sequence[Message] = ()) -> AnswerStream:
        parts = language.question_parts(question)
        docs = language.parse(parts)
        infos = [language.analyse_question(doc) for doc in docs]
        found: list[_Found] = []
        used: set[int] = set()
        for n, info in enumerate(infos):
            text, context = info.text, frozenset[str]()
            if info.needs_context:
                if n:  # the second part of a two-part question refers to the first
                    text, context = f"{infos[0].text} {info.text}", infos[0].lemmas
                else:
                    previous, context = self._context(history)
                    if previous:
                        text = f"{previous} {info.text}"
            result = self.find(info, text, context, frozenset(used))
            if result.sentence is not None:
                used.add(result.sentence.index)
            found.append(result)
        if not any(f.sentence for f in found):
            text = (
                f"{NOT_COVERED} I only answer from what is said in the video, and no part of it answers this question."
            )
            answer = Answer(question, text, [], grounded=False, engine=self.name)
            return AnswerStream(_words(text), lambda _t: answer)
        citations: list[Citation] = []
        pieces: list[str] = []
        for info, result in zip(infos, found, strict=True):
            if result.sentence is None:
                pieces.append(f"The video does not cover {_as_topic(info.text)}.")
                continue
            evidence = self._evidence(result.sentence)
            if result.also is not None:
                evidence += [s for s in self._evidence(result.also) if s not in evidence]
            numbers = []
            for sentence in evidence:
                same = next((c for c in citations if c.start == sentence.start and c.end == sentence.end), None)
                if same is None:
                    same = Citation(len(citations) + 1, sentence.start, sentence.end, sentence.text)
                    citations.append(same)
                numbers.append(same.number)
            ordered = sorted(evidence, key=lambda s: s.start)
            quote = " ".join(s.text for s in ordered)
            marks = "".join(f"[{n}]" for n in numbers)
            lead = f"{result.lead} " if result.lead else ""
            pieces.append(f"{lead}“{quote}” ({format_timestamp(ordered[0].start)}) {marks}")
        text = " ".join(pieces)
        answer = Answer(question, text, citations, grounded=True, engine=self.name)
        return AnswerStream(_words(text), lambda _t: answer)


def _as_topic(question: str) -> str:
    """'How deep is the canal?' -> 'how deep is the canal' (quoted as the part the video leaves out)."""
    return "“" + question.strip().rstrip("?").strip() + "”"


class LLMAnswerEngine(AnswerEngine):
    """Retrieval-augmented answers from a chat model (OpenAI or any OpenAI-compatible endpoint)."""

    def __init__(self, index: VideoIndex, chat: ChatModel, k: int = 5, history_turns: int = 6) -> None:
        self.index = index
        self.chat = chat
        self.k = k
        self.history_turns = history_turns
        self.name = chat.name

    def standalone_question(self, question: str, history: Sequence[Message]) -> str:
        if not history:
            return question
        convo = "\n".join(f"{m.role}: {m.content}" for m in history[-self.history_turns :])
        rewritten = self.chat.complete(
            [Message("system", CONDENSE_PROMPT), Message("user", f"Conversation:\n{convo}\n\nFollow-up: {question}")]
        ).strip()
        return rewritten or question

    def ask(self, question: str, history: Sequence[Message] = ()) -> AnswerStream:
        query = self.standalone_question(question, history)
        passages: list[Chunk] = [chunk for chunk, _ in self.index.search(query, k=self.k)]
        context = "\n\n".join(
            f"[{n}] ({format_timestamp(c.start)}–{format_timestamp(c.end)}) {c.text}" for n, c in enumerate(passages, 1)
        )
        messages = [
            Message("system", SYSTEM_PROMPT),
            *history[-self.history_turns :],
            Message("user", f"Transcript passages:\n{context}\n\nQuestion: {question}"),
        ]

        def finish(text: str) -> Answer:
            if NOT_COVERED.lower().rstrip(".") in text.lower():
                return Answer(question, text, [], grounded=False, engine=self.name)
            used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(passages)})
            citations = [Citation(n, passages[n - 1].start, passages[n - 1].end, passages[n - 1].text) for n in used]
            return Answer(question, text, citations, grounded=bool(citations), engine=self.name)

        return AnswerStream(self.chat.stream(messages), finish)
