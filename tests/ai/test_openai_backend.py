"""The OpenAI backends through the real SDK (openai / langchain-openai) against a local test double."""

import subprocess
import wave
from pathlib import Path

import pytest

from core.ai.base import AuthError, Message, RateLimitError, Segment, ServiceError, TimeoutFailure
from core.ai.openai_backend import (
    OpenAIChat,
    OpenAIEmbedder,
    OpenAISpeech,
    OpenAITranscriber,
    merge_pieces,
)
from core.media.ffmpeg import ffmpeg_binary
from core.videos.chat import LLMAnswerEngine
from core.videos.chunks import build_chunks
from core.videos.index import VideoIndex
from tests.ai.openai_double import OpenAIDouble

KEY = "sk-test-secret-123"


@pytest.fixture()
def double():
    with OpenAIDouble() as server:
        yield server


def test_chat_plain_streamed_and_structured(double: OpenAIDouble) -> None:
    chat = OpenAIChat("gpt-test", KEY, double.base_url, max_retries=0)
    assert "Etna" in chat.complete([Message("user", "hi")])
    pieces = list(chat.stream([Message("user", "hi")]))
    assert len(pieces) > 3 and "".join(pieces) == double.chat_reply
    schema = {
        "title": "Answer",
        "type": "object",
        "additionalProperties": False,
        "properties": {"answer": {"type": "string"}, "evidence": {"type": "integer"}},
        "required": ["answer", "evidence"],
    }
    assert chat.structured([Message("user", "q")], schema) == {"answer": "Etna", "evidence": 1}
    assert double.requests[0]["auth"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("failure", "error", "words"),
    [
        (401, AuthError, "rejected the API key"),
        (429, RateLimitError, "rate-limiting"),
        (500, ServiceError, "server error"),
        (503, ServiceError, "server error"),
    ],
)
def test_failures_become_clear_messages_without_the_key(double: OpenAIDouble, failure, error, words) -> None:
    double.failures.extend([failure] * 5)
    chat = OpenAIChat("gpt-test", KEY, double.base_url, max_retries=1)
    with pytest.raises(error, match=words) as caught:
        chat.complete([Message("user", "hi")])
    assert KEY not in str(caught.value)
    retried = 2 if failure != 401 else 1  # the SDK retries 429/5xx with backoff, never 401
    assert len(double.requests) == retried


def test_a_transient_failure_is_retried_and_succeeds(double: OpenAIDouble) -> None:
    double.failures.extend([429, 500])
    chat = OpenAIChat("gpt-test", KEY, double.base_url, max_retries=2)
    assert "Etna" in chat.complete([Message("user", "hi")])
    assert len(double.requests) == 3


def test_timeout_and_unreachable_server(double: OpenAIDouble) -> None:
    double.failures.append("timeout")
    chat = OpenAIChat("gpt-test", KEY, double.base_url, timeout=0.5, max_retries=0)
    with pytest.raises(TimeoutFailure):
        chat.complete([Message("user", "hi")])
    offline = OpenAIChat("gpt-test", KEY, "http://127.0.0.1:9/v1", timeout=2, max_retries=0)
    with pytest.raises(Exception, match="Cannot reach"):
        list(offline.stream([Message("user", "hi")]))


def test_missing_key_for_openai_is_a_message() -> None:
    with pytest.raises(AuthError, match="paste one in the sidebar"):
        OpenAIChat("gpt-4o-mini", None, None)


def test_llm_answer_engine_streams_and_cites_passages(double: OpenAIDouble) -> None:
    segments = [Segment(0, 5, "Welcome to volcanoes."), Segment(5, 10, "Mount Etna is very active in Europe.")]
    embedder = OpenAIEmbedder("text-embedding-test", KEY, double.base_url, max_retries=0)
    index = VideoIndex.build(build_chunks(segments, target_words=3, overlap_segments=0), embedder)
    engine = LLMAnswerEngine(index, OpenAIChat("gpt-test", KEY, double.base_url, max_retries=0), k=2)
    stream = engine.ask("Which volcano?", [Message("user", "earlier"), Message("assistant", "reply")])
    assert "".join(stream) == double.chat_reply
    answer = stream.answer
    assert answer.grounded and [c.number for c in answer.citations] == [1]
    double.chat_reply = "The video does not cover this."
    refused = engine.ask("What about football?").answer
    assert not refused.grounded and refused.citations == []


def _tone(path: Path, seconds: float) -> Path:
    subprocess.run(
        [
            ffmpeg_binary(),
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=300:duration={seconds}",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(path),
        ],
        check=True,
    )
    return path


def test_transcription_splits_large_audio_and_merges_offsets(double: OpenAIDouble, tmp_path: Path) -> None:
    audio = _tone(tmp_path / "long.wav", 30.0)
    # A tiny upload limit forces pieces of about 10 s (at 48 kb/s): three requests, offsets merged.
    transcriber = OpenAITranscriber("whisper-1", KEY, double.base_url, max_retries=0, upload_limit=66_000)
    assert 8 < transcriber.max_piece_seconds() < 11
    result = transcriber.transcribe(audio)
    assert len(double.transcription_sizes) >= 3
    assert all(size < 66_000 + 2_000 for size in double.transcription_sizes)
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts) and starts[0] == 0.0 and starts[-1] > 15


def test_merge_pieces_drops_the_overlap_once() -> None:
    first = [Segment(0, 4, "a"), Segment(4, 9.5, "b")]
    second = [Segment(0, 1.4, "b-again"), Segment(1.5, 6, "c")]  # piece starts at 8.5, nominal 10
    merged = merge_pieces([(0.0, 0.0, first), (8.5, 10.0, second)])
    assert [s.text for s in merged] == ["a", "b", "c"]
    assert merged[-1].start == pytest.approx(10.0)


def test_speech_splits_long_text_at_sentences(double: OpenAIDouble) -> None:
    speech = OpenAISpeech("gpt-4o-mini-tts", KEY, double.base_url, max_retries=0)
    assert {"alloy", "coral", "verse", "marin"} <= {v.id for v in speech.voices()}
    text = " ".join(f"Sentence number {i} is here." for i in range(400))  # > 4096 characters
    audio = speech.synthesize(text, "coral")
    calls = [r for r in double.requests if r["path"].endswith("/audio/speech")]
    assert len(calls) >= 3 and audio.mime == "audio/mpeg"
    assert audio.data.count(b"ID3") == len(calls)


def test_local_tts_voices_and_audio(tmp_path: Path) -> None:
    from core.ai.local import EspeakSpeech

    espeak = EspeakSpeech()
    assert any(v.id == "en-us" for v in espeak.voices())
    audio = espeak.synthesize("Hello from the video.", "en-us")
    path = tmp_path / "e.wav"
    path.write_bytes(audio.data)
    with wave.open(str(path)) as wav:
        assert wav.getnframes() > 1000
