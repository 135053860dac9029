"""Talk to Videos: study the video — three-level summary, quiz, flashcards with spaced repetition."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pandas as pd
import streamlit as st

from components.shared import resources as shared_resources
from components.shared.errors import error_boundary
from components.shared.memo import session_memo
from components.shared.text import markdown_text
from components.videos import state as state
from core.ai import factory
from core.ai.base import AIError
from core.config import Settings
from core.videos.conversation import QuizProgress
from core.videos.library import Library, VideoRecord
from core.videos.sources import web_url
from core.videos.study.export import flashcards_apkg, flashcards_csv, quiz_markdown, summary_markdown
from core.videos.study.model import QuizQuestion, SummaryPoint
from core.videos.study.progress import (
    CARDS_VIEWS,
    CardsProgress,
    CardsView,
    card_from_question,
    quiz_results,
    relative_time,
)
from core.videos.study.review import RATINGS
from core.videos.study.service import StudyService
from core.videos.transcript import format_timestamp

KIND_LABELS = {"term": "Term", "concept": "Concept", "cloze": "Fill in the blank", "true_false": "True or false"}
RULES_NOTE = (
    "Every item links to the moment of the video it comes from. Without an LLM, the offline engine "
    "builds them from the transcript itself: chapters where the topic shifts, the most central "
    "sentences, key terms for fill-in-the-blank questions."
)


def _service(settings: Settings, library: Library) -> StudyService:
    chat = factory.chat_model(settings)
    signature = ("study", chat.name if chat else "offline", settings.has_openai_key)
    return session_memo(
        state.STUDY_MEMO, signature, lambda: StudyService(library, shared_resources.text_embedder(), chat)
    )


def _time_button(seconds: float, key: str) -> None:
    st.button(
        format_timestamp(seconds),
        key=key,
        type="tertiary",
        icon=":material/play_circle:",
        on_click=state.seek,
        args=(seconds,),
        help="Play the video from here",
    )


def study_service(settings: Settings, library: Library) -> StudyService | None:
    """The study service for this session's engine, or None (with a message) when it cannot be built."""
    try:
        return _service(settings, library)
    except AIError as exc:
        st.error(str(exc))
        return None


def render_summary(service: StudyService, record: VideoRecord) -> None:
    st.caption(f"Built with: {service.engine_name}. {RULES_NOTE}")
    _summary(service, record)


def render_quiz(service: StudyService, record: VideoRecord) -> None:
    _quiz(service, record)


def render_flashcards(service: StudyService, record: VideoRecord) -> None:
    _flashcards(service, record)


# ---------------------------------------------------------------- summary


def _summary(service: StudyService, record: VideoRecord) -> None:
    stored = service.has_summary(record.id)
    regenerate = False
    if stored:
        regenerate = st.button("Rebuild summary", key=state.SUMMARY_REBUILD, icon=":material/refresh:")
    elif not st.button("Summarize the whole video", key=state.SUMMARY_BUILD, type="primary"):
        st.caption("Splits the video into chapters and summarizes each in three levels.")
        return
    result = None
    with error_boundary("summarizing the video"), st.spinner("Finding chapters and summarizing ..."):
        result = service.summary(record.id, regenerate=regenerate)
    if result is None:
        return
    for note in result.notes:
        st.info(note)
    if not result.items:
        return
    summary = result.items[0]
    st.markdown("**Overview**")
    for i, point in enumerate(summary.overview):
        _point_row(point, state.keyed(state.SUMMARY_POINT, "o", i))
    for c, (title, point) in enumerate(zip(summary.chapter_titles, summary.points, strict=True)):
        with st.container(border=True):
            head, when = st.columns([5, 1], vertical_alignment="center")
            head.markdown(f"**{c + 1}. {markdown_text(title)}**")
            with when:
                _time_button(point.start, state.keyed(state.SUMMARY_POINT, "c", c))
            st.text(point.text)
            for s, sub in enumerate(point.children):
                _point_row(sub, state.keyed(state.SUMMARY_POINT, "s", c, s), bullet="•")
                for d, detail in enumerate(sub.children):
                    _point_row(detail, state.keyed(state.SUMMARY_POINT, "d", c, s, d), bullet="◦", indent=True)
    st.download_button(
        "Summary (.md)",
        summary_markdown(summary, record.title, web_url(record.source)),
        file_name="summary.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        key=state.SUMMARY_MD,
    )


def _point_row(point: SummaryPoint, key: str, bullet: str = "•", indent: bool = False) -> None:
    widths = [0.4, 1, 9] if indent else [1, 9]
    columns = st.columns(widths, vertical_alignment="center", gap="small")
    with columns[-2]:
        _time_button(point.start, key)
    columns[-1].text(f"{bullet} {point.text}")


# ---------------------------------------------------------------- quiz


def _quiz(service: StudyService, record: VideoRecord) -> None:
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    count = int(left.number_input("Questions", 1, 30, 10, key=state.QUIZ_COUNT))
    new = right.button("New quiz", key=state.QUIZ_NEW, icon=":material/quiz:")
    stored = service.stored_quiz(record.id)
    if new:
        result = None
        with error_boundary("writing the quiz"), st.spinner("Writing questions ..."):
            result = service.quiz(record.id, count, regenerate=True)
        if result is None:
            return
        stored = result
    if stored is None:
        st.caption("Multiple-choice questions spread over the chapters, one at a time, with feedback.")
        return
    questions = stored.items
    for note in stored.notes:
        st.info(note)
    if not questions:
        return
    progress = service.quiz_progress(record.id, questions)
    if progress.finished(len(questions)):
        _quiz_results(service, record, questions, progress)
        return
    index = progress.position
    question = questions[index]
    st.progress(index / len(questions), text=f"Question {index + 1} of {len(questions)}")
    st.markdown(f"**{markdown_text(question.question)}**")
    labels = [f"{letter}. {option}" for letter, option in zip("ABCD", question.options, strict=True)]
    answered = progress.chosen(index)
    choice = st.radio(
        "Your answer",
        range(4),
        format_func=labels.__getitem__,
        index=answered,
        key=state.keyed(state.QUIZ_OPTION, record.id, progress.quiz, index),
        disabled=answered is not None,
        label_visibility="collapsed",
    )
    if answered is None:
        if st.button("Check", key=state.QUIZ_CHECK, type="primary", disabled=choice is None):
            assert choice is not None
            service.save_quiz_progress(record.id, progress.with_answer(index, choice))
            st.rerun()
        return
    if answered == question.answer:
        st.success(f"Correct: {question.answer_letter}.", icon=":material/check_circle:")
    else:
        st.error(f"Not quite. The answer is {question.answer_letter}. {question.answer_text}", icon=":material/cancel:")
    st.text(question.explanation)
    cols = st.columns([2, 3], vertical_alignment="center")
    with cols[0]:
        _time_button(question.start, state.QUIZ_EVIDENCE)
    if cols[1].button("Next", key=state.QUIZ_NEXT, type="primary", icon=":material/arrow_forward:"):
        service.save_quiz_progress(record.id, progress.next())
        st.rerun()


def _quiz_results(
    service: StudyService, record: VideoRecord, questions: list[QuizQuestion], progress: QuizProgress
) -> None:
    results = quiz_results(questions, progress, service.chapter_titles(record.id))
    st.metric("Score", f"{results.correct} / {results.total}", f"{results.percent:.0f}%")
    rows = [{"chapter": chapter, "result": outcome} for chapter, outcome in results.by_chapter]
    table = pd.DataFrame(rows).value_counts().unstack(fill_value=0)
    for column in ("correct", "incorrect"):
        if column not in table:
            table[column] = 0
    st.bar_chart(table[["correct", "incorrect"]], color=["#2E9E6A", "#D1495B"], horizontal=True, stack=True)
    if results.missed:
        st.markdown("**Review what I missed**")
    for i in results.missed:
        q = questions[i]
        with st.container(border=True):
            st.text(q.question)
            st.text(f"Answer: {q.answer_letter}. {q.answer_text}")
            cols = st.columns([1, 2, 3], vertical_alignment="center")
            with cols[0]:
                _time_button(q.start, state.keyed(state.QUIZ_MISSED, i))
            if cols[1].button("Make a flashcard", key=state.keyed(state.QUIZ_CARD, i), icon=":material/add_card:"):
                added = service.reviews.add_cards(record.id, [card_from_question(q)])
                st.toast("Added to your flashcards." if added else "That card is already in your deck.")
    left, right = st.columns(2)
    if left.button("Retake", key=state.QUIZ_RETAKE, icon=":material/replay:"):
        service.restart_quiz(record.id, questions)
        st.rerun()
    right.download_button(
        "Quiz (.md)",
        quiz_markdown(questions, record.title),
        file_name="quiz.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        key=state.QUIZ_MD,
    )


# ---------------------------------------------------------------- flashcards


def _flashcards(service: StudyService, record: VideoRecord) -> None:
    deck = service.deck(record.id)
    view = state.current()
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    count = int(left.number_input("Cards", 4, 60, 20, key=state.CARDS_COUNT))
    label = "Regenerate cards" if deck else "Make flashcards"
    if right.button(label, key=state.CARDS_BUILD, type="secondary" if deck else "primary", icon=":material/style:"):
        result = None
        with error_boundary("making the flashcards"), st.spinner("Making cards ..."):
            result = service.build_deck(record.id, count)
        if result is not None:
            for note in result.notes:
                st.info(note)
            deck = result.items
            view.cards.pop(record.id, None)
    if not deck:
        st.caption("Term, concept, fill-in-the-blank and true/false cards, scheduled with FSRS.")
        return
    now = datetime.now(UTC)
    due = [c for c in deck if c.due <= now]
    shown: CardsView | None = st.segmented_control(
        "Show", CARDS_VIEWS, default="Due now", key=state.CARDS_VIEW, label_visibility="collapsed"
    )
    queue = due if shown == "Due now" else deck
    st.caption(f"{len(deck)} cards · {len(due)} due now · reviews are saved with the video")
    progress = view.cards.get(record.id, CardsProgress())
    if not queue:
        next_due = min(c.due for c in deck)
        st.success(f"Nothing due now. The next card is due {relative_time(next_due, now)}.", icon=":material/done_all:")
    else:
        position, index = progress.current(len(queue))
        card = queue[index]
        with st.container(border=True):
            st.caption(f"{KIND_LABELS[card.card.kind]} · card {position + 1} of {len(queue)}")
            st.markdown(f"#### {markdown_text(card.card.front)}")
            if progress.revealed:
                st.divider()
                st.text(card.card.back)
                _time_button(card.card.start, state.CARDS_TIME)
        moved = _card_actions(service, record, card.card.id, progress, len(queue), shown)
        if moved is not None:
            view.cards[record.id] = moved
            st.rerun()
    cards = [c.card for c in deck]
    left, right = st.columns(2)
    left.download_button(
        "Anki deck (.apkg)",
        partial(flashcards_apkg, cards, record.id, record.title),
        file_name="flashcards.apkg",
        mime="application/octet-stream",
        icon=":material/download:",
        on_click="ignore",
        key=state.CARDS_APKG,
    )
    right.download_button(
        "Cards (.csv)",
        partial(flashcards_csv, cards),
        file_name="flashcards.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=state.CARDS_CSV,
    )


def _card_actions(
    service: StudyService,
    record: VideoRecord,
    card_id: str,
    progress: CardsProgress,
    queue: int,
    shown: CardsView | None,
) -> CardsProgress | None:
    """Reveal / Next / Shuffle, or the four ratings once revealed; the new position if one was pressed."""
    if not progress.revealed:
        reveal, skip, shuffle = st.columns(3)
        if reveal.button("Reveal", key=state.CARDS_REVEAL, type="primary", icon=":material/visibility:"):
            return progress.reveal()
        if skip.button("Next", key=state.CARDS_NEXT, icon=":material/skip_next:"):
            return progress.skip(queue)
        if shuffle.button("Shuffle", key=state.CARDS_SHUFFLE, icon=":material/shuffle:"):
            return progress.shuffle(queue)
        return None
    for col, rating in zip(st.columns(4), RATINGS, strict=True):
        if col.button(rating.capitalize(), key=state.keyed(state.CARDS_RATE, rating), width="stretch"):
            next_due = service.reviews.rate(record.id, card_id, rating)
            st.toast(f"Next review {relative_time(next_due, datetime.now(UTC))}.")
            return progress.rated(queue, shown or "All cards")
    return None
