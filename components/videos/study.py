"""Talk to Videos: study the video — three-level summary, quiz, flashcards with spaced repetition."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from components.shared import resources as shared_resources
from components.shared.text import markdown_text
from components.videos import state as state
from core.ai import factory
from core.ai.base import AIError
from core.config import Settings
from core.videos.library import Library, VideoRecord
from core.videos.study.export import flashcards_apkg, flashcards_csv, quiz_markdown, summary_markdown
from core.videos.study.model import Flashcard, QuizQuestion, StudyError, SummaryPoint
from core.videos.study.review import RATINGS
from core.videos.study.service import StudyService
from core.videos.transcript import format_timestamp

log = logging.getLogger(__name__)

KIND_LABELS = {"term": "Term", "concept": "Concept", "cloze": "Fill in the blank", "true_false": "True or false"}
RULES_NOTE = (
    "Every item links to the moment of the video it comes from. Without an LLM, the offline engine "
    "builds them from the transcript itself: chapters where the topic shifts, the most central "
    "sentences, key terms for fill-in-the-blank questions."
)


def _service(settings: Settings, library: Library) -> StudyService:
    chat = factory.chat_model(settings)
    key = ("study", chat.name if chat else "offline", settings.has_openai_key)
    cached = st.session_state.get("ttv.study_service")
    if cached and cached[0] == key:
        return cached[1]
    service = StudyService(library, shared_resources.text_embedder(), chat)
    st.session_state["ttv.study_service"] = (key, service)
    return service


def _guarded(action: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a study action; a user-fixable failure becomes a message, the rest is logged."""
    try:
        return action(*args, **kwargs)
    except StudyError as exc:
        st.warning(str(exc), icon=":material/info:")
    except AIError as exc:
        st.error(str(exc))
    except Exception:
        log.exception("study action failed")
        st.error("Building this failed unexpectedly. Try again; the details are in the app's log.")
    return None


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
        regenerate = st.button("Rebuild summary", key="ttv.summary.rebuild", icon=":material/refresh:")
    elif not st.button("Summarize the whole video", key="ttv.summary.build", type="primary"):
        st.caption("Splits the video into chapters and summarizes each in three levels.")
        return
    with st.spinner("Finding chapters and summarizing ..."):
        result = _guarded(service.summary, record.id, regenerate=regenerate)
    if result is None:
        return
    for note in result.notes:
        st.info(note)
    if not result.items:
        return
    summary = result.items[0]
    st.markdown("**Overview**")
    for i, point in enumerate(summary.overview):
        _point_row(point, f"ttv.sum.o.{i}")
    for c, (title, point) in enumerate(zip(summary.chapter_titles, summary.points, strict=True)):
        with st.container(border=True):
            head, when = st.columns([5, 1], vertical_alignment="center")
            head.markdown(f"**{c + 1}. {markdown_text(title)}**")
            with when:
                _time_button(point.start, f"ttv.sum.c.{c}")
            st.text(point.text)
            for s, sub in enumerate(point.children):
                _point_row(sub, f"ttv.sum.s.{c}.{s}", bullet="•")
                for d, detail in enumerate(sub.children):
                    _point_row(detail, f"ttv.sum.d.{c}.{s}.{d}", bullet="◦", indent=True)
    st.download_button(
        "Summary (.md)",
        summary_markdown(summary, record.title, _web_url(record)),
        file_name="summary.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        key="ttv.summary.md",
    )


def _point_row(point: SummaryPoint, key: str, bullet: str = "•", indent: bool = False) -> None:
    widths = [0.4, 1, 9] if indent else [1, 9]
    columns = st.columns(widths, vertical_alignment="center", gap="small")
    with columns[-2]:
        _time_button(point.start, key)
    columns[-1].text(f"{bullet} {point.text}")


def _web_url(record: VideoRecord) -> str | None:
    source = getattr(record, "source", "") or ""
    return source if source.startswith(("http://", "https://")) else None


# ---------------------------------------------------------------- quiz


def _quiz_state(video_id: str) -> dict[str, Any]:
    return st.session_state.setdefault(f"ttv.quiz.{video_id}", {"index": 0, "answers": {}})


def _quiz(service: StudyService, record: VideoRecord) -> None:
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    count = int(left.number_input("Questions", 1, 30, 10, key="ttv.quiz.count"))
    new = right.button("New quiz", key="ttv.quiz.new", icon=":material/quiz:")
    stored = service.stored_quiz(record.id)
    if new:
        with st.spinner("Writing questions ..."):
            result = _guarded(service.quiz, record.id, count, regenerate=True)
        if result is None:
            return
        st.session_state[f"ttv.quiz.{record.id}"] = {"index": 0, "answers": {}, "notes": result.notes}
        stored = result
    if stored is None:
        st.caption("Multiple-choice questions spread over the chapters, one at a time, with feedback.")
        return
    questions = stored.items
    quiz = _quiz_state(record.id)
    for note in quiz.get("notes", stored.notes):
        st.info(note)
    if not questions:
        return
    index = quiz["index"]
    if index >= len(questions):
        _quiz_results(service, record, questions, quiz)
        return
    question = questions[index]
    st.progress(index / len(questions), text=f"Question {index + 1} of {len(questions)}")
    st.markdown(f"**{markdown_text(question.question)}**")
    labels = [f"{letter}. {option}" for letter, option in zip("ABCD", question.options, strict=True)]
    answered = quiz["answers"].get(index)
    choice = st.radio(
        "Your answer",
        range(4),
        format_func=labels.__getitem__,
        index=answered,
        key=f"ttv.quiz.q.{record.id}.{index}",
        disabled=answered is not None,
        label_visibility="collapsed",
    )
    if answered is None:
        if st.button("Check", key="ttv.quiz.check", type="primary", disabled=choice is None):
            quiz["answers"][index] = choice
            st.rerun()
        return
    if answered == question.answer:
        st.success(f"Correct: {question.answer_letter}.", icon=":material/check_circle:")
    else:
        st.error(f"Not quite. The answer is {question.answer_letter}. {question.answer_text}", icon=":material/cancel:")
    st.text(question.explanation)
    cols = st.columns([2, 3], vertical_alignment="center")
    with cols[0]:
        _time_button(question.start, "ttv.quiz.evidence")
    if cols[1].button("Next", key="ttv.quiz.next", type="primary", icon=":material/arrow_forward:"):
        quiz["index"] = index + 1
        st.rerun()


def _quiz_results(service: StudyService, record: VideoRecord, questions: list[QuizQuestion], quiz: dict) -> None:
    answers: dict[int, int] = quiz["answers"]
    correct = sum(1 for i, q in enumerate(questions) if answers.get(i) == q.answer)
    st.metric("Score", f"{correct} / {len(questions)}", f"{100 * correct / len(questions):.0f}%")
    titles = service.chapter_titles(record.id)
    rows = [
        {
            "chapter": _chapter_label(q.chapter, titles),
            "result": "correct" if answers.get(i) == q.answer else "incorrect",
        }
        for i, q in enumerate(questions)
    ]
    table = pd.DataFrame(rows).value_counts().unstack(fill_value=0)
    for column in ("correct", "incorrect"):
        if column not in table:
            table[column] = 0
    st.bar_chart(table[["correct", "incorrect"]], color=["#2E9E6A", "#D1495B"], horizontal=True, stack=True)
    missed = [(i, q) for i, q in enumerate(questions) if answers.get(i) != q.answer]
    if missed:
        st.markdown("**Review what I missed**")
    for i, q in missed:
        with st.container(border=True):
            st.text(q.question)
            st.text(f"Answer: {q.answer_letter}. {q.answer_text}")
            cols = st.columns([1, 2, 3], vertical_alignment="center")
            with cols[0]:
                _time_button(q.start, f"ttv.quiz.miss.{i}")
            if cols[1].button("Make a flashcard", key=f"ttv.quiz.card.{i}", icon=":material/add_card:"):
                added = service.reviews.add_cards(record.id, [_card_from_question(q)])
                st.toast("Added to your flashcards." if added else "That card is already in your deck.")
    left, right = st.columns(2)
    if left.button("Retake", key="ttv.quiz.retake", icon=":material/replay:"):
        st.session_state[f"ttv.quiz.{record.id}"] = {"index": 0, "answers": {}}
        st.rerun()
    right.download_button(
        "Quiz (.md)",
        quiz_markdown(questions, record.title),
        file_name="quiz.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
        key="ttv.quiz.md",
    )


def _chapter_label(index: int, titles: list[str]) -> str:
    return f"{index + 1}. {titles[index]}" if index < len(titles) else f"Chapter {index + 1}"


def _card_from_question(question: QuizQuestion) -> Flashcard:
    front = question.question.removeprefix("Fill in the blank: ")
    kind = "cloze" if "_____" in front else "concept"
    return Flashcard(kind, front, f"{question.answer_text}\n\n{question.explanation}", question.start, question.chapter)


# ---------------------------------------------------------------- flashcards


def _flashcards(service: StudyService, record: VideoRecord) -> None:
    deck = service.deck(record.id)
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    count = int(left.number_input("Cards", 4, 60, 20, key="ttv.cards.count"))
    label = "Regenerate cards" if deck else "Make flashcards"
    if right.button(label, key="ttv.cards.build", type="secondary" if deck else "primary", icon=":material/style:"):
        with st.spinner("Making cards ..."):
            result = _guarded(service.build_deck, record.id, count)
        if result is not None:
            for note in result.notes:
                st.info(note)
            deck = result.items
            st.session_state.pop(f"ttv.cards.{record.id}", None)
    if not deck:
        st.caption("Term, concept, fill-in-the-blank and true/false cards, scheduled with FSRS.")
        return
    now = datetime.now(UTC)
    due = [c for c in deck if c.due <= now]
    view = st.segmented_control(
        "Show", ["Due now", "All cards"], default="Due now", key="ttv.cards.view", label_visibility="collapsed"
    )
    queue = due if view == "Due now" else deck
    st.caption(f"{len(deck)} cards · {len(due)} due now · reviews are saved with the video")
    cards_state = st.session_state.setdefault(
        f"ttv.cards.{record.id}", {"position": 0, "revealed": False, "order": None}
    )
    if not queue:
        next_due = min(c.due for c in deck)
        st.success(f"Nothing due now. The next card is due {_relative(next_due, now)}.", icon=":material/done_all:")
    else:
        order = cards_state["order"] if cards_state["order"] and len(cards_state["order"]) == len(queue) else None
        position = cards_state["position"] % len(queue)
        card = queue[order[position]] if order else queue[position]
        with st.container(border=True):
            st.caption(f"{KIND_LABELS[card.card.kind]} · card {position + 1} of {len(queue)}")
            st.markdown(f"#### {markdown_text(card.card.front)}")
            if cards_state["revealed"]:
                st.divider()
                st.text(card.card.back)
                _time_button(card.card.start, "ttv.cards.time")
        if not cards_state["revealed"]:
            cols = st.columns(3)
            if cols[0].button("Reveal", key="ttv.cards.reveal", type="primary", icon=":material/visibility:"):
                cards_state["revealed"] = True
                st.rerun()
            if cols[1].button("Next", key="ttv.cards.next", icon=":material/skip_next:"):
                cards_state["position"] = position + 1
                st.rerun()
            if cols[2].button("Shuffle", key="ttv.cards.shuffle", icon=":material/shuffle:"):
                order = list(range(len(queue)))
                random.shuffle(order)
                cards_state.update(order=order, position=0)
                st.rerun()
        else:
            cols = st.columns(4)
            for col, rating in zip(cols, RATINGS, strict=True):
                if col.button(rating.capitalize(), key=f"ttv.cards.rate.{rating}", width="stretch"):
                    next_due = service.reviews.rate(record.id, card.card.id, rating)
                    st.toast(f"Next review {_relative(next_due, datetime.now(UTC))}.")
                    cards_state.update(revealed=False, order=None, position=position + (view != "Due now"))
                    st.rerun()
    cards = [c.card for c in deck]
    left, right = st.columns(2)
    left.download_button(
        "Anki deck (.apkg)",
        lambda: flashcards_apkg(cards, record.id, record.title),
        file_name="flashcards.apkg",
        mime="application/octet-stream",
        icon=":material/download:",
        on_click="ignore",
        key="ttv.cards.apkg",
    )
    right.download_button(
        "Cards (.csv)",
        lambda: flashcards_csv(cards),
        file_name="flashcards.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="ttv.cards.csv",
    )


def _relative(when: datetime, now: datetime) -> str:
    seconds = (when - now).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"in {seconds / 60:.0f} min"
    if seconds < 86400:
        return f"in {seconds / 3600:.0f} h"
    return f"in {seconds / 86400:.0f} days"
