"""Talk to Videos: this session's state (one object under STATE_KEY), the link in the URL, widget keys.

What survives a reload or travels in a shared link: the open video, as `?video=<id>`. The chat with a
video and a quiz in progress are kept in the library (server-side, per video), so the URL names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from components.shared.flash import flash
from components.shared.session import tool_state, url_changes, write_url
from components.shared.space import owner_space
from components.videos import resources as videos_resources
from core.config import Settings
from core.videos.jobs import Job
from core.videos.library import Library
from core.videos.study.progress import CardsProgress

SCOPE = "ttv"  # prefix of this tool's session keys; the flash and URL scope
STATE_KEY = "ttv.state"
URL_VIDEO = "video"
URL_NAMES = (URL_VIDEO,)
ENGINE_MEMO = "ttv.engine"
STUDY_MEMO = "ttv.study_service"

TRANSCRIPTION_LABELS = {"local": "faster-whisper tiny.en (local, English)", "openai": "OpenAI (any language)"}

# Widget keys. Inputs and processing:
TRANSCRIPTION = "ttv.transcription_provider"
INPUT_TAB = "ttv.input_tab"  # the open input tab, kept by the server so a rerun does not jump to Link
WAVEFORM = "ttv.waveform"  # the audio-only player's waveform chart (a click on it seeks)
URL = "ttv.url"
PROCESS_LINK = "ttv.process_link"
UPLOAD = "ttv.upload"  # the container of the uploader, whose own key changes to empty it
UPLOAD_FILE = "ttv.upload.file"
PROCESS_UPLOAD = "ttv.process_upload"
SUBTITLES = "ttv.subtitles"
SUBTITLES_FILE = "ttv.subtitles.file"
PASTED = "ttv.pasted"
TEXT_TITLE = "ttv.text_title"
PROCESS_TEXT = "ttv.process_text"
LOCAL_PATH = "ttv.local_path"
PROCESS_LOCAL = "ttv.process_local"
CANCEL = "ttv.cancel"
RESUME = "ttv.resume"
# Player, transcript and library:
FIND = "ttv.find"
TRANSCRIPT_PAGE = "ttv.transcript_page"
TRANSCRIPT_BOX = "ttv_transcript"
# Chat:
ASK = "ttv.ask"
MIC = "ttv.mic"
SPEAK = "ttv.speak"
VOICE = "ttv.voice"
VOICE_PROVIDER = "ttv.voice_provider"
MESSAGES_BOX = "ttv_messages"
# Study:
SUMMARY_BUILD = "ttv.summary.build"
SUMMARY_REBUILD = "ttv.summary.rebuild"
SUMMARY_MD = "ttv.summary.md"
QUIZ_COUNT = "ttv.quiz.count"
QUIZ_NEW = "ttv.quiz.new"
QUIZ_CHECK = "ttv.quiz.check"
QUIZ_NEXT = "ttv.quiz.next"
QUIZ_EVIDENCE = "ttv.quiz.evidence"
QUIZ_RETAKE = "ttv.quiz.retake"
QUIZ_MD = "ttv.quiz.md"
CARDS_COUNT = "ttv.cards.count"
CARDS_BUILD = "ttv.cards.build"
CARDS_VIEW = "ttv.cards.view"
CARDS_REVEAL = "ttv.cards.reveal"
CARDS_NEXT = "ttv.cards.next"
CARDS_SHUFFLE = "ttv.cards.shuffle"
CARDS_TIME = "ttv.cards.time"
CARDS_PLAY = "ttv.cards.play"
CARDS_CLIP = "ttv.cards.clip"  # session key: the id of the card whose moment is playing
CARDS_ADD = "ttv.cards.add"
CARDS_ADD_FRONT = "ttv.cards.add.front"
CARDS_ADD_BACK = "ttv.cards.add.back"
CARDS_APKG = "ttv.cards.apkg"
CARDS_CSV = "ttv.cards.csv"


def keyed(base: str, *parts: object) -> str:
    """A widget key of a repeated element: `keyed(OPEN, video_id)` → "ttv.open.<id>"."""
    return ".".join([base, *(str(p) for p in parts)])


# Bases of repeated elements' keys (use with `keyed`):
SEGMENT = "ttv.seg"
EXPORT = "ttv.export"
OPEN = "ttv.open"
DELETE = "ttv.del"
CITE = "ttv.cite"
SUMMARY_POINT = "ttv.sum"
QUIZ_OPTION = "ttv.quiz.q"
QUIZ_MISSED = "ttv.quiz.miss"
QUIZ_CARD = "ttv.quiz.card"
CARDS_RATE = "ttv.cards.rate"


@dataclass(frozen=True)
class SpokenAnswer:
    data: bytes
    mime: str
    autoplay: bool = True


@dataclass
class VideosState:
    """What this session is doing on the page."""

    video_id: str | None = None  # the open video (mirrored in the URL)
    start: float = 0.0  # where the player starts, in seconds
    job: Job | None = None  # the processing job, while there is one
    heard: str | None = None  # digest of the last voice question, so it is answered once
    spoken: SpokenAnswer | None = None  # the last answer read aloud
    cards: dict[str, CardsProgress] = field(default_factory=dict)  # flashcard position per video
    inputs_round: int = 0  # one more each time the inputs were taken into the library (they start empty)
    inputs_cleared: int = 0

    def select(self, video_id: str | None) -> None:
        self.video_id = video_id
        self.start = 0.0

    @property
    def busy(self) -> bool:
        return self.job is not None


def current() -> VideosState:
    return tool_state(STATE_KEY, VideosState)


def seek(seconds: float) -> None:
    """Button callback: jump the player to `seconds` (st.video is redrawn with that start_time)."""
    current().start = float(seconds)


def select(video_id: str | None) -> None:
    """Button callback: open a video from the library (None closes it)."""
    current().select(video_id)


def follow_url(view: VideosState, library: Library) -> None:
    """On a fresh session (reload, shared link) or Back/Forward, open the video the URL names."""
    wanted = url_changes(SCOPE, URL_NAMES)
    if wanted is None:
        return
    video_id = wanted.get(URL_VIDEO) or None
    if video_id is not None and library.get(video_id) is None:
        flash(
            SCOPE, "warning", "The video in this link is not in your library: it was deleted, or it is someone else's."
        )
        video_id = None
    if video_id != view.video_id:
        view.select(video_id)


def write_video_url(view: VideosState) -> None:
    write_url(SCOPE, URL_NAMES, {URL_VIDEO: view.video_id} if view.video_id else {})


def processing_settings(settings: Settings) -> Settings:
    """The session settings with this page's transcription choice applied."""
    chosen = st.session_state.get(TRANSCRIPTION)
    return settings.with_overrides(mlstudio_transcription_provider=chosen) if chosen else settings


def library(settings: Settings) -> Library:
    """This session's owner's library (the one shared library when not deployed)."""
    return videos_resources.library(str(owner_space(settings).root / "videos"))


def staging_dir(settings: Settings) -> Path:
    folder = owner_space(settings).root / "videos" / "staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
