"""Talk to Videos: study the video — three-level summary, quiz, flashcards with spaced repetition."""

from __future__ import annotations

import math
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
from core.videos.study.model import Flashcard, QuizQuestion, SummaryPoint
from core.videos.study.progress import (
    CARDS_VIEWS,
    CardsProgress,
    CardsView,
    card_from_question,
    chapter_label,
    quiz_results,
    relative_time,
)
from core.videos.study.review import RATINGS, interval_label
from core.videos.study.service import DECK_SIZE, StudyService
from core.videos.transcript import format_timestamp

KIND_LABELS = {"term": "Term", "concept": "Question", "cloze": "Fill in the blank", "true_false": "True or false"}
CLIP_TAIL = 0.5  # seconds played past the end of a card's sentence, so its last word is heard
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
        st.error(markdown_text(str(exc)))
        return None


def render_summary(service: StudyService, record: VideoRecord) -> None:
    st.caption(f"Built with: {markdown_text(service.engine_name)}. {RULES_NOTE}")
    _summary(service, record)


def render_quiz(service: StudyService, record: VideoRecord) -> None:
    _quiz(service, record)


def render_flashcards(service: StudyService, record: VideoRecord) -> None:
    _flashcards(service, record)


# ---------------------------------------------------------------- summary


def _summary(service: StudyService, record: VideoRecord) -> None:
    if (short := service.too_short(record.id)) is not None:
        st.info(short, icon=":material/short_text:")
        return
    stored = service.has_summary(record.id)
    regenerate = False
    if stored:
        regenerate = st.button("Rebuild summary", key=state.SUMMARY_REBUILD, icon=":material/refresh:")
    elif not st.button("Summarize the whole video", key=state.SUMMARY_BUILD, type="primary"):
        st.caption(
            "An overview, then each chapter: its main point, key points and details, each with a link to its moment."
        )
        return
    result = None
    with error_boundary("summarizing the video"), st.spinner("Finding chapters and summarizing ...", show_time=True):
        result = service.summary(record.id, regenerate=regenerate)
    if result is None:
        return
    for note in result.notes:
        st.info(markdown_text(note))
    if not result.items:
        return
    summary = result.items[0]
    st.markdown("**Overview**")
    for i, point in enumerate(summary.overview):
        _point_row(point, state.keyed(state.SUMMARY_POINT, "o", i))
    for c, (title, point) in enumerate(zip(summary.chapter_titles, summary.points, strict=True)):
        with st.container(border=True):
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                _time_button(point.start, state.keyed(state.SUMMARY_POINT, "c", c))
                st.markdown(f"**{c + 1}. {markdown_text(title)}**", width="content")
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
    """A point with its time button: the button as wide as its label, the text in the rest of the row."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False):
        if indent:
            st.space("medium")
        _time_button(point.start, key)
        st.text(f"{bullet} {point.text}", width="stretch")


# ---------------------------------------------------------------- quiz


def _quiz(service: StudyService, record: VideoRecord) -> None:
    if (short := service.too_short(record.id)) is not None:
        st.info(short, icon=":material/short_text:")
        return
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    count = int(left.number_input("Questions", 1, 30, 10, key=state.QUIZ_COUNT))
    new = right.button("New quiz", key=state.QUIZ_NEW, icon=":material/quiz:")
    stored = service.stored_quiz(record.id)
    if new:
        result = None
        with error_boundary("writing the quiz"), st.spinner("Writing questions ...", show_time=True):
            result = service.quiz(record.id, count, regenerate=True)
        if result is None:
            return
        stored = result
    if stored is None:
        st.caption("Multiple-choice questions spread over the chapters, one at a time, with feedback.")
        return
    questions = stored.items
    for note in stored.notes:
        st.info(markdown_text(note))
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
    labels = [f"{letter}. {markdown_text(option)}" for letter, option in zip("ABCD", question.options, strict=True)]
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
        st.error(
            f"Not quite. The answer is {question.answer_letter}. {markdown_text(question.answer_text)}",
            icon=":material/cancel:",
        )
    st.text(question.explanation)
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        _time_button(question.start, state.QUIZ_EVIDENCE)
    if row.button("Next", key=state.QUIZ_NEXT, type="primary", icon=":material/arrow_forward:"):
        service.save_quiz_progress(record.id, progress.next())
        st.rerun()


def _quiz_results(
    service: StudyService, record: VideoRecord, questions: list[QuizQuestion], progress: QuizProgress
) -> None:
    results = quiz_results(questions, progress, service.chapter_titles(record.id))
    st.metric("Score", f"{results.correct} / {results.total} ({results.percent:.0f}%)")  # a score, not a change
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
            row = st.container(horizontal=True, vertical_alignment="center")
            with row:
                _time_button(q.start, state.keyed(state.QUIZ_MISSED, i))
            if row.button("Make a flashcard", key=state.keyed(state.QUIZ_CARD, i), icon=":material/add_card:"):
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
    view = state.current()
    built = None
    if not service.reviews.has_generated(record.id):  # made after processing; this is for older videos
        with error_boundary("making the flashcards"), st.spinner("Making flashcards ...", show_time=True):
            built = service.ensure_deck(record.id)
    deck = service.deck(record.id)
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    count = int(left.number_input("Cards", 4, 60, DECK_SIZE, key=state.CARDS_COUNT))
    short = service.too_short(record.id)
    if right.button(
        "Regenerate cards",
        key=state.CARDS_BUILD,
        icon=":material/style:",
        disabled=short is not None,
        help=short or "Makes the generated cards again; the cards you added or already reviewed stay.",
    ):
        built = None
        with error_boundary("making the flashcards"), st.spinner("Making cards ...", show_time=True):
            built = service.build_deck(record.id, count)
        if built is not None:
            deck = built.items
            view.cards.pop(record.id, None)
    for note in built.notes if built is not None else []:
        st.info(markdown_text(note))
    if not deck:
        st.caption("Term, question, fill-in-the-blank and true/false cards, scheduled with FSRS.")
        _add_card(service, record)
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
        titles = service.chapter_titles(record.id)
        with st.container(border=True):
            origin = " · yours" if card.origin == "user" else ""
            label = chapter_label(card.card.chapter, titles) if card.card.chapter < len(titles) else ""
            chapter = f" · {markdown_text(label)}" if label else ""
            st.caption(f"{KIND_LABELS[card.card.kind]}{chapter}{origin} · card {position + 1} of {len(queue)}")
            st.markdown(f"#### {markdown_text(card.card.front)}")
            _card_moment(service, record, card.card)
            if progress.revealed:
                st.divider()
                st.text(card.card.back)
        moved = _card_actions(service, record, card.card.id, progress, len(queue), shown)
        if moved is not None:
            view.cards[record.id] = moved
            st.rerun()
    _add_card(service, record)
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


def _card_moment(service: StudyService, record: VideoRecord, card: Flashcard) -> None:
    """ "Play this moment": the media from the card's start to its end, in the card (or a jump of the player
    when the video plays on another site or there is no media)."""
    start, end = service.moment(record.id, card)
    clip_start, clip_end = int(start), max(int(start) + 1, math.ceil(end + CLIP_TAIL))
    label = f"Play this moment ({format_timestamp(clip_start)}–{format_timestamp(clip_end)})"
    media = service.library.media_path(record)
    playable = (media is not None and bool(record.media_mime)) or record.media_mime == "video/embed"
    if not playable:
        _time_button(start, state.CARDS_TIME)
        return
    if st.button(label, key=state.CARDS_PLAY, icon=":material/play_circle:", type="tertiary"):
        st.session_state[state.CARDS_CLIP] = card.id
    if st.session_state.get(state.CARDS_CLIP) != card.id:
        return
    mime = record.media_mime or ""
    if media is not None and mime.startswith("audio"):
        st.audio(str(media), format=mime, start_time=clip_start, end_time=clip_end, autoplay=True)
    elif media is not None:
        st.video(str(media), format=mime, start_time=clip_start, end_time=clip_end, autoplay=True)
    else:
        st.video(record.source, start_time=clip_start, end_time=clip_end, autoplay=True)


def _add_card(service: StudyService, record: VideoRecord) -> None:
    """A card the user writes, at the moment the player is at; it stays when the deck is regenerated."""
    with st.expander("Add your own card", icon=":material/add_card:"):
        at = state.current().start
        with st.form(state.CARDS_ADD, clear_on_submit=True, border=False):
            front = st.text_input("Front (a question or a term)", key=state.CARDS_ADD_FRONT)
            back = st.text_area("Back (the answer)", key=state.CARDS_ADD_BACK, height=80)
            st.caption(f"Its moment: {format_timestamp(at)}, where the player is (click a transcript line to move it).")
            if not st.form_submit_button("Add the card", icon=":material/add:"):
                return
        if not front.strip() or not back.strip():
            st.warning("Write both sides of the card: a question or term on the front, its answer on the back.")
            return
        card = Flashcard("concept", front.strip(), back.strip(), at, _chapter_at(service, record.id, at))
        added = service.reviews.add_cards(record.id, [card])
        st.toast("Added to your flashcards." if added else "That card is already in your deck.")


def _chapter_at(service: StudyService, video_id: str, seconds: float) -> int:
    chapters = service.material(video_id).chapters
    return next((c.index for c in reversed(chapters) if c.start <= seconds), 0)


def _card_actions(
    service: StudyService,
    record: VideoRecord,
    card_id: str,
    progress: CardsProgress,
    queue: int,
    shown: CardsView | None,
) -> CardsProgress | None:
    """Reveal / Next / Shuffle, or the four ratings, each with the interval it gives (FSRS, not saved)."""
    if not progress.revealed:
        reveal, skip, shuffle = st.columns(3)
        if reveal.button("Reveal", key=state.CARDS_REVEAL, type="primary", icon=":material/visibility:"):
            return progress.reveal()
        if skip.button("Next", key=state.CARDS_NEXT, icon=":material/skip_next:"):
            return progress.skip(queue)
        if shuffle.button("Shuffle", key=state.CARDS_SHUFFLE, icon=":material/shuffle:"):
            return progress.shuffle(queue)
        return None
    now = datetime.now(UTC)
    preview = service.reviews.preview(record.id, card_id, now)
    for col, rating in zip(st.columns(4), RATINGS, strict=True):
        interval = interval_label(preview[rating], now)
        pressed = col.button(
            rating.capitalize(),
            key=state.keyed(state.CARDS_RATE, rating),
            width="stretch",
            help=f"Next review in {interval}",
        )
        col.caption(f"in {interval}")
        if pressed:
            next_due = service.reviews.rate(record.id, card_id, rating)
            st.toast(f"Next review {relative_time(next_due, datetime.now(UTC))}.")
            return progress.rated(queue, shown or "All cards")
    return None
