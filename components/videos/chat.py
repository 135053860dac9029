"""Talk to Videos: chat with citations, voice questions, spoken answers."""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from components.shared import resources as shared_resources
from components.shared.text import markdown_text
from components.videos import resources as videos_resources
from components.videos import state as state
from core.ai import factory
from core.ai.base import AIError, Message
from core.config import Settings
from core.videos.chat import GROUNDING_NOTE, AnswerEngine, LLMAnswerEngine, OfflineAnswerEngine
from core.videos.library import Library, VideoRecord
from core.videos.pipeline import InputError, load_index

log = logging.getLogger(__name__)

SPEECH_LABELS = {"piper": "Piper (local)", "espeak": "eSpeak NG (local)", "openai": "OpenAI"}


def engine_for(settings: Settings, library: Library, record: VideoRecord) -> AnswerEngine:
    embedder = factory.embedder(settings, shared_resources.text_embedder)
    key = (
        record.id,
        settings.mlstudio_chat_provider,
        settings.mlstudio_chat_model,
        embedder.name,
        settings.has_openai_key,
    )
    cached = st.session_state.get(state.ENGINE)
    if cached and cached[0] == key:
        return cached[1]
    index = load_index(library, record.id, embedder)
    chat = factory.chat_model(settings)
    if chat is None:
        engine: AnswerEngine = OfflineAnswerEngine(index, library.transcript(record.id) or [], embedder)
    else:
        engine = LLMAnswerEngine(index, chat)
    st.session_state[state.ENGINE] = (key, engine)
    return engine


def _speech(settings: Settings) -> Any:
    provider = st.session_state.get(VOICE_PROVIDER_KEY, settings.mlstudio_speech_provider)
    return factory.speech(settings, videos_resources.piper, videos_resources.espeak, provider)


VOICE_PROVIDER_KEY = state.VOICE_PROVIDER


def render_voice_settings(settings: Settings) -> None:
    with st.popover("Voice", icon=":material/record_voice_over:"):
        st.toggle("Speak answers", key=state.SPEAK, value=False)
        providers = list(SPEECH_LABELS)
        st.selectbox(
            "Speech backend",
            providers,
            index=providers.index(settings.mlstudio_speech_provider),
            format_func=SPEECH_LABELS.__getitem__,
            key=VOICE_PROVIDER_KEY,
        )
        try:
            voices = _speech(settings).voices()
        except AIError as exc:
            st.warning(str(exc))
            return
        st.selectbox("Voice", [v.id for v in voices], key=state.VOICE, format_func={v.id: v.label for v in voices}.get)


def render_chat(settings: Settings, library: Library, record: VideoRecord) -> None:
    st.subheader("Ask the video")
    st.caption(f":material/verified: {GROUNDING_NOTE}")
    history: list[dict[str, Any]] = st.session_state.setdefault(state.history_key(record.id), [])
    try:
        engine = engine_for(settings, library, record)
    except (AIError, InputError) as exc:
        st.error(str(exc))
        return
    st.caption(f"Answering with: {engine.name}")
    render_voice_settings(settings)

    messages = st.container(height=460, key="ttv_messages")
    with messages:
        if not history:
            st.caption("Ask something the video talks about, for example “What is the main point?”.")
        for n, item in enumerate(history):
            with st.chat_message(item["role"]):
                st.text(item["content"]) if item["role"] == "user" else st.markdown(markdown_text(item["content"]))
                _citations(item.get("citations", []), n)

    spoken = st.audio_input("Ask by voice", key=state.MIC)
    question = st.chat_input("Ask about this video", key="ttv.ask")
    if spoken is not None:
        digest = hashlib.sha1(spoken.getvalue()).hexdigest()
        if st.session_state.get(state.MIC_DONE) != digest:
            st.session_state[state.MIC_DONE] = digest
            question = _transcribe_question(settings, spoken.getvalue())
    if question:
        _answer(settings, engine, history, question, messages)

    audio = st.session_state.get(state.LAST_AUDIO)
    if audio:
        st.audio(audio[0], format=audio[1], autoplay=audio[2])
        st.session_state[state.LAST_AUDIO] = (audio[0], audio[1], False)


def _transcribe_question(settings: Settings, data: bytes) -> str | None:
    with tempfile.NamedTemporaryFile(suffix=".wav", dir=state.staging_dir(settings), delete=False) as handle:
        handle.write(data)
    path = Path(handle.name)
    try:
        transcriber = factory.transcriber(settings, videos_resources.transcriber)
        with st.spinner("Listening…"):
            result = transcriber.transcribe(path)
    except AIError as exc:
        st.error(str(exc))
        return None
    finally:
        path.unlink(missing_ok=True)
    text = " ".join(s.text for s in result.segments).strip()
    if not text:
        st.warning("No speech was heard in the recording. Speak closer to the microphone, or type the question.")
        return None
    return text


def _answer(
    settings: Settings, engine: AnswerEngine, history: list[dict[str, Any]], question: str, messages: Any
) -> None:
    past = [Message(item["role"], item["content"]) for item in history]
    history.append({"role": "user", "content": question})
    with messages:
        with st.chat_message("user"):
            st.text(question)
        with st.chat_message("assistant"):
            try:
                stream = engine.ask(question, past)
                st.write_stream(markdown_text(piece) for piece in stream)
                answer = stream.answer
            except AIError as exc:
                history.pop()
                st.error(str(exc))
                return
            _citations([c.__dict__ for c in answer.citations], len(history))
    history.append(
        {
            "role": "assistant",
            "content": answer.text,
            "citations": [c.__dict__ for c in answer.citations],
        }
    )
    if st.session_state.get(state.SPEAK):
        try:
            with st.spinner("Speaking…"):
                speech = _speech(settings).synthesize(_speakable(answer.text), st.session_state.get(state.VOICE))
            st.session_state[state.LAST_AUDIO] = (speech.data, speech.mime, True)
        except AIError as exc:
            st.warning(f"The answer could not be spoken: {exc}")
    st.rerun()


def _citations(citations: list[dict[str, Any]], message_number: int) -> None:
    if not citations:
        return
    cols = st.columns(min(len(citations), 6))
    for i, citation in enumerate(citations):
        from core.videos.transcript import format_timestamp

        cols[i % len(cols)].button(
            f"[{citation['number']}] {format_timestamp(citation['start'])}",
            key=f"ttv.cite.{message_number}.{i}",
            icon=":material/play_circle:",
            on_click=state.seek,
            args=(citation["start"],),
            help=citation["text"][:300],
        )


def _speakable(text: str) -> str:
    import re

    return re.sub(r"\s*\[\d+\]", "", text).replace("From the video:", "The video says:")
