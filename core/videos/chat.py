"""Chat with a video: history-aware retrieval over its chunks, grounded answers that cite moments.

Two engines share one shape (`AnswerEngine.ask(question, history) -> AnswerStream`):
- `OfflineAnswerEngine` (no LLM): retrieves chunks, scores their timed sentences against the question
  and answers with the best sentences verbatim, each cited; refuses plainly when nothing matches.
- `LLMAnswerEngine`: rewrites a follow-up into a standalone question from the history, retrieves, and
  streams an answer from a chat model told to use only the numbered passages and cite them as [n].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.ai.base import ChatModel, Embedder, Message, Segment
from core.videos.chunks import Chunk, TimedSentence, timed_sentences
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


class OfflineAnswerEngine(AnswerEngine):
    """Extractive answers from the transcript itself: no LLM, no key, no internet."""

    name = "offline engine"

    def __init__(
        self,
        index: VideoIndex,
        segments: Sequence[Segment],
        embedder: Embedder,
        threshold: float = 0.3,
        max_sentences: int = 3,
    ) -> None:
        self.index = index
        self.segments = list(segments)
        self.embedder = embedder
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.sentences = timed_sentences(self.segments)
        self._position = {id(s): i for i, s in enumerate(self.sentences)}
        self._cache: dict[str, np.ndarray] = {}

    def candidates(self, query: str, k: int = 4) -> list[TimedSentence]:
        """Sentences (of the whole transcript) that lie in the best `k` chunks, in time order."""
        ranges = [(chunk.first_segment, chunk.last_segment) for chunk, _ in self.index.search(query, k=k)]
        return [
            s
            for s in self.sentences
            if any(first <= s.segment <= last for first, last in ranges) and len(s.text.split()) >= 3
        ]

    def _previous(self, sentence: TimedSentence) -> TimedSentence | None:
        position = self._position.get(id(sentence))
        return self.sentences[position - 1] if position else None

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.embedder.embed_documents(missing), strict=True):
                v = np.asarray(vector, dtype=np.float32)
                self._cache[text] = v / (np.linalg.norm(v) + 1e-9)
        return np.stack([self._cache[t] for t in texts])

    def score(self, query: str, sentences: Sequence[TimedSentence]) -> np.ndarray:
        """Cosine similarity to the question plus a bonus for the question's content words it contains.

        A sentence opening with a pronoun ("Its temperature is ...") is read together with the sentence
        before it, so it still matches a question that names what "it" is.
        """
        if not sentences:
            return np.zeros(0)
        windows = []
        for sentence in sentences:
            previous = self._previous(sentence)
            windows.append(
                f"{previous.text} {sentence.text}" if previous and PRONOUN_START.match(sentence.text) else sentence.text
            )
        q = np.asarray(self.embedder.embed_query(query), dtype=np.float32)
        q /= np.linalg.norm(q) + 1e-9
        cosine = self._vectors(windows) @ q
        wanted = content_words(query)
        overlap = np.array(
            [len(wanted & content_words(w)) / len(wanted) if wanted else 0.0 for w in windows],
            dtype=np.float32,
        )
        return cosine + 0.25 * overlap

    def _with_antecedents(self, chosen: list[TimedSentence]) -> list[TimedSentence]:
        """A chosen sentence that opens with a pronoun ("It is ...") brings the sentence before it."""
        result = list(chosen)
        for sentence in chosen:
            previous = self._previous(sentence)
            if previous is not None and PRONOUN_START.match(sentence.text) and previous not in result:
                result.append(previous)
        return result

    def ask(self, question: str, history: Sequence[Message] = ()) -> AnswerStream:
        query = retrieval_query(question, history)
        sentences = self.candidates(query)
        scores = self.score(query, sentences)
        if len(scores) == 0 or float(scores.max()) < self.threshold:
            text = (
                f"{NOT_COVERED} I only answer from what is said in the video, and no part of it matches this question."
            )
            answer = Answer(question, text, [], grounded=False, engine=self.name)
            return AnswerStream(_words(text), lambda _t: answer)
        best = float(scores.max())
        order = np.argsort(-scores)
        chosen = [sentences[i] for i in order[: self.max_sentences] if scores[i] >= max(self.threshold, best - 0.12)]
        chosen = self._with_antecedents(chosen)
        chosen.sort(key=lambda s: s.start)
        citations = [Citation(n, s.start, s.end, s.text) for n, s in enumerate(chosen, 1)]
        text = "From the video: " + " ".join(f"{s.text} [{n}]" for n, s in enumerate(chosen, 1))
        answer = Answer(question, text, citations, grounded=True, engine=self.name)
        return AnswerStream(_words(text), lambda _t: answer)


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
