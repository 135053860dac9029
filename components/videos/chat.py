"""Talk to Videos: chat with citations, voice questions, spoken answers.

The chat of each video is kept in the library, so a reload or a shared link shows it again.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.shared import resources as shared_resources
from components.shared.memo import session_memo
from components.shared.shell import SPEECH_LABELS
from components.shared.text import markdown_stream, markdown_text
from components.videos import resources as videos_resources
from components.videos import state as state
from core.ai import factory
from core.ai.base import AIError, Embedder, Message, SpeechSynthesizer
from core.config import Settings
from core.videos.chat import GROUNDING_NOTE, AnswerEngine, LLMAnswerEngine, OfflineAnswerEngine
from core.videos.conversation import ChatTurn, Citation, speakable
from core.videos.library import Library, VideoRecord
from core.videos.pipeline import InputError, load_index
from core.videos.transcript import format_timestamp


def engine_for(settings: Settings, library: Library, record: VideoRecord) -> AnswerEngine:
    """This session's answer engine for the video (built once per video and backend)."""
    embedder = factory.embedder(settings, shared_resources.text_embedder)
    signature = (
        record.id,
        settings.mlstudio_chat_provider,
        settings.mlstudio_chat_model,
        embedder.name,
        settings.has_openai_key,
    )
    return session_memo(state.ENGINE_MEMO, signature, lambda: _build_engine(settings, library, record, embedder))


def _build_engine(settings: Settings, library: Library, record: VideoRecord, embedder: Embedder) -> AnswerEngine:
    index = load_index(library, record.id, embedder)
    chat = factory.chat_model(settings)
    if chat is None:
        return OfflineAnswerEngine(index, library.transcript(record.id) or [], embedder)
    return LLMAnswerEngine(index, chat)


def _speech(settings: Settings) -> SpeechSynthesizer:
    provider = st.session_state.get(state.VOICE_PROVIDER, settings.mlstudio_speech_provider)
    return factory.speech(settings, videos_resources.piper, videos_resources.espeak, provider)


def render_voice_settings(settings: Settings) -> None:
    with st.popover("Voice", icon=":material/record_voice_over:"):
        st.toggle("Speak answers", key=state.SPEAK, value=False)
        providers = list(SPEECH_LABELS)
        st.selectbox(
            "Speech backend",
            providers,
            index=providers.index(settings.mlstudio_speech_provider),
            format_func=SPEECH_LABELS.__getitem__,
            key=state.VOICE_PROVIDER,
        )
        try:
            voices = _speech(settings).voices()
        except AIError as exc:
            st.warning(markdown_text(str(exc)))
            return
        labels = {v.id: v.label for v in voices}
        st.selectbox("Voice", list(labels), key=state.VOICE, format_func=lambda voice: labels.get(voice, voice))


def render_chat(settings: Settings, library: Library, record: VideoRecord) -> None:
    st.subheader("Ask the video")
    st.caption(f":material/verified: {GROUNDING_NOTE}")
    try:
        engine = engine_for(settings, library, record)
    except (AIError, InputError) as exc:
        st.error(markdown_text(str(exc)))
        return
    st.caption(f"Answering with: {markdown_text(engine.name)}")
    render_voice_settings(settings)
    history = library.chat(record.id)
    view = state.current()

    messages = st.container(height=460, key=state.MESSAGES_BOX)
    with messages:
        if not history:
            st.caption("Ask something the video talks about, for example “What is the main point?”.")
        for n, turn in enumerate(history):
            with st.chat_message(turn.role):
                st.text(turn.content) if turn.role == "user" else st.markdown(markdown_text(turn.content))
                _citations(turn.citations, n)

    spoken = st.audio_input("Ask by voice", key=state.MIC)
    question = st.chat_input("Ask about this video", key=state.ASK)
    if spoken is not None:
        digest = hashlib.sha1(spoken.getvalue()).hexdigest()
        if view.heard != digest:
            view.heard = digest
            question = _transcribe_question(settings, spoken.getvalue())
    if question:
        _answer(settings, library, record, engine, history, question, messages)

    if view.spoken is not None:
        st.audio(view.spoken.data, format=view.spoken.mime, autoplay=view.spoken.autoplay)
        view.spoken = state.SpokenAnswer(view.spoken.data, view.spoken.mime, autoplay=False)


def _transcribe_question(settings: Settings, data: bytes) -> str | None:
    with tempfile.NamedTemporaryFile(suffix=".wav", dir=state.staging_dir(settings), delete=False) as handle:
        handle.write(data)
    path = Path(handle.name)
    try:
        transcriber = factory.transcriber(settings, videos_resources.transcriber)
        with st.spinner("Listening…"):
            result = transcriber.transcribe(path)
    except AIError as exc:
        st.error(markdown_text(str(exc)))
        return None
    finally:
        path.unlink(missing_ok=True)
    text = " ".join(s.text for s in result.segments).strip()
    if not text:
        st.warning("No speech was heard in the recording. Speak closer to the microphone, or type the question.")
        return None
    return text


def _answer(
    settings: Settings,
    library: Library,
    record: VideoRecord,
    engine: AnswerEngine,
    history: Sequence[ChatTurn],
    question: str,
    messages: DeltaGenerator,
) -> None:
    """Stream the answer under the messages; keep the question and answer in the library (both or neither)."""
    past = [Message(turn.role, turn.content) for turn in history]
    with messages:
        with st.chat_message("user"):
            st.text(question)
        with st.chat_message("assistant"):
            try:
                stream = engine.ask(question, past)
                st.write_stream(markdown_stream(stream))
                answer = stream.answer
            except AIError as exc:
                st.error(markdown_text(str(exc)))
                return
            _citations(tuple(answer.citations), len(history) + 1)
    library.add_chat_turns(
        record.id,
        [ChatTurn("user", question), ChatTurn("assistant", answer.text, tuple(answer.citations))],
    )
    if st.session_state.get(state.SPEAK):
        try:
            with st.spinner("Speaking…"):
                speech = _speech(settings).synthesize(speakable(answer.text), st.session_state.get(state.VOICE))
            state.current().spoken = state.SpokenAnswer(speech.data, speech.mime)
        except AIError as exc:
            st.warning(markdown_text(f"The answer could not be spoken: {exc}"))
    st.rerun()


def _citations(citations: Sequence[Citation], message_number: int) -> None:
    if not citations:
        return
    row = st.container(horizontal=True, gap="small")  # buttons as wide as their labels, wrapping
    for i, citation in enumerate(citations):
        row.button(
            f"[{citation.number}] {format_timestamp(citation.start)}",
            key=state.keyed(state.CITE, message_number, i),
            icon=":material/play_circle:",
            on_click=state.seek,
            args=(citation.start,),
            help=markdown_text(citation.text[:300]),
        )
