"""The Talk to Videos page driven by AppTest (standalone, see tests/app/test_pages.py for the router)."""

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.videos import state as keys
from components.videos.state import STATE_KEY, VideosState
from core.videos.conversation import ChatTurn
from core.videos.library import Library

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "talk_to_videos.py")

TRANSCRIPT = """0:00 Welcome to this short lecture about volcanoes.
0:04 Mount Etna in Sicily is the most active volcano in Europe.
0:09 Magma that reaches the surface of the earth is called lava.
0:14 Thank you for listening, and see you next time.
"""


@pytest.fixture()
def app(tmp_path: Path, monkeypatch) -> AppTest:
    from components.shared import resources as shared_resources

    monkeypatch.setenv("MLSTUDIO_DATA_DIR", str(tmp_path))
    shared_resources.base_settings.clear()
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.run()
    yield at
    shared_resources.base_settings.clear()


def _view(at: AppTest) -> VideosState:
    return at.session_state[STATE_KEY]


def _history(at: AppTest, video_id: str) -> list[ChatTurn]:
    return Library(Path(os.environ["MLSTUDIO_DATA_DIR"]) / "videos").chat(video_id)


def _wait_job(at: AppTest) -> None:
    job = _view(at).job
    if job is not None:
        job.wait(180)
    at.run()


def test_page_starts_empty_with_inputs(app: AppTest) -> None:
    assert not app.exception
    assert app.title[0].value == "Talk to Videos"
    assert [t.label for t in app.tabs][:3] == ["Link", "Upload", "Subtitles or text"]


def test_pasted_transcript_to_cited_answer_and_seek(app: AppTest) -> None:
    app.text_area(key=keys.PASTED).input(TRANSCRIPT)
    app.text_input(key=keys.TEXT_TITLE).input("Volcano notes")
    app.button(key=keys.PROCESS_TEXT).click().run()
    _wait_job(app)
    assert not app.exception, [e.value for e in app.exception]
    assert "Volcano notes" in [h.value for h in app.header]
    assert _view(app).video_id.startswith("text-")
    assert "Answers come only from what is said" in " ".join(c.value for c in app.caption)
    entry = next(m.value for m in app.markdown if "Volcano notes" in m.value)
    assert re.search(r"\[0:1\d · 20\d\d-\d\d-\d\d \d\d:\d\d · pasted transcript\]", entry)  # length, date, source

    app.chat_input(key=keys.ASK).set_value("Which is the most active volcano in Europe?").run()
    assert not app.exception, [e.value for e in app.exception]
    history = _history(app, _view(app).video_id)
    assert "Etna" in history[-1].content and history[-1].citations[0].start == 4.0
    app.button(key=keys.keyed(keys.CITE, 1, 0)).click().run()
    assert _view(app).start == 4.0

    app.chat_input(key=keys.ASK).set_value("Who won the football world cup in 2018?").run()
    history = _history(app, _view(app).video_id)
    assert history[-1].content.startswith("The video does not cover this")


def test_bad_inputs_are_messages(app: AppTest) -> None:
    app.button(key=keys.PROCESS_TEXT).click().run()
    assert "Upload a subtitle file or paste a transcript first." in [w.value for w in app.warning]
    app.text_area(key=keys.PASTED).input("too short").run()
    app.button(key=keys.PROCESS_TEXT).click().run()
    assert any("too short" in e.value for e in app.error)
    app.text_input(key=keys.URL).input("ftp://example.com/video")
    app.button(key=keys.PROCESS_LINK).click().run()
    assert any("http" in e.value for e in app.error), ([e.value for e in app.error], [b.label for b in app.button][:3])
    assert not app.exception


def _process_pasted(app: AppTest) -> str:
    app.text_area(key=keys.PASTED).input(TRANSCRIPT)
    app.button(key=keys.PROCESS_TEXT).click().run()
    _wait_job(app)
    assert not app.exception, [e.value for e in app.exception]
    return _view(app).video_id


def test_voice_question_is_transcribed_answered_and_spoken(app: AppTest, tmp_path: Path) -> None:
    from core.ai.local import PiperSpeech
    from tests.videos.lecture import DETERMINISTIC_SPEECH

    video_id = _process_pasted(app)
    question = tmp_path / "question.wav"
    PiperSpeech().synthesize_to_file("Which volcano is the most active in Europe?", question, **DETERMINISTIC_SPEECH)
    app.session_state[keys.SPEAK] = True
    app.audio_input(key=keys.MIC).set_value(("question.wav", question.read_bytes(), "audio/wav")).run()
    assert not app.exception, [e.value for e in app.exception]
    history = _history(app, video_id)
    assert "volcano" in history[-2].content.lower()  # the transcribed question
    assert "Etna" in history[-1].content
    spoken = _view(app).spoken
    assert spoken is not None
    data, mime = spoken.data, spoken.mime
    assert mime == "audio/wav" and data[:4] == b"RIFF" and len(data) > 20_000
    assert len(app.get("audio")) == 1


def test_llm_backend_through_the_openai_double(app: AppTest, monkeypatch) -> None:
    from components.shared import resources as shared_resources
    from tests.ai.openai_double import OpenAIDouble

    with OpenAIDouble() as double:
        monkeypatch.setenv("OPENAI_BASE_URL", double.base_url)
        shared_resources.base_settings.clear()
        app.session_state["shell.chat_provider"] = "openai_compatible"
        video_id = _process_pasted(app)
        assert any("gpt-4o-mini at 127.0.0.1" in c.value for c in app.caption)
        app.chat_input(key=keys.ASK).set_value("Which volcano?").run()
        assert not app.exception, [e.value for e in app.exception]
        history = _history(app, video_id)
        assert history[-1].content == double.chat_reply and history[-1].citations[0].number == 1

        before = len(history)
        double.failures.extend([401] * 3)
        app.chat_input(key=keys.ASK).set_value("And then?").run()
        assert not app.exception
        assert any("rejected the API key" in e.value for e in app.error)
        assert len(_history(app, video_id)) == before  # nothing half-added


def _fresh(query: dict[str, str]) -> AppTest:
    """A new session of the page (a reload, or a shared link opened elsewhere) with this URL query."""
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chat_texts(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(t.value for t in at.text)


def test_the_url_names_the_open_video_and_a_new_session_restores_it_with_its_chat(app: AppTest) -> None:
    video_id = _process_pasted(app)
    assert app.query_params.get("video") == video_id
    app.chat_input(key=keys.ASK).set_value("Which is the most active volcano in Europe?").run()
    assert not app.exception

    reloaded = _fresh({"video": video_id})
    assert _view(reloaded).video_id == video_id
    assert "Pasted transcript" in [h.value for h in reloaded.header]
    shown = _chat_texts(reloaded)
    assert "Which is the most active volcano in Europe?" in shown and "Etna" in shown
    assert keys.keyed(keys.CITE, 1, 0) in [b.key for b in reloaded.button]  # citations come back too

    blank = _fresh({})
    assert _view(blank).video_id is None and not blank.header


def test_back_to_a_previous_url_opens_the_previous_video(app: AppTest) -> None:
    first = _process_pasted(app)
    app.text_area(key=keys.PASTED).input(TRANSCRIPT.replace("volcanoes", "glaciers"))
    app.text_input(key=keys.TEXT_TITLE).input("Second lecture")
    app.button(key=keys.PROCESS_TEXT).click().run()
    _wait_job(app)
    second = _view(app).video_id
    assert second != first and app.query_params.get("video") == second

    app.query_params["video"] = first  # what the browser's Back does: the previous URL, the same session
    app.run()
    assert _view(app).video_id == first
    assert "Pasted transcript" in [h.value for h in app.header]
    app.button(key=keys.keyed(keys.OPEN, second)).click().run()
    assert _view(app).video_id == second and app.query_params.get("video") == second


def test_an_unknown_video_in_the_url_is_a_message_and_the_page_opens_empty(app: AppTest) -> None:
    at = _fresh({"video": "no-such-video"})
    assert any("not in your library" in w.value for w in at.warning)
    assert _view(at).video_id is None and not at.header
    assert "video" not in at.query_params


def test_a_quiz_in_progress_survives_a_reload(app: AppTest) -> None:
    from core.videos.transcript import format_timestamp
    from tests.study.lecture import lecture_segments

    lecture = "\n".join(f"{format_timestamp(s.start)} {s.text}" for s in lecture_segments())
    app.text_area(key=keys.PASTED).input(lecture)
    app.button(key=keys.PROCESS_TEXT).click().run()
    _wait_job(app)
    video_id = _view(app).video_id
    app.number_input(key=keys.QUIZ_COUNT).set_value(2)
    app.button(key=keys.QUIZ_NEW).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Question 1 of 2" in app.get("progress")[0].proto.text
    question = next(m.value for m in app.markdown if m.value.startswith("**") and m.value.endswith("**"))
    app.radio[0].set_value(app.radio[0].options[0]).run()
    app.button(key=keys.QUIZ_CHECK).click().run()
    app.button(key=keys.QUIZ_NEXT).click().run()
    assert "Question 2 of 2" in app.get("progress")[0].proto.text

    reloaded = _fresh({"video": video_id})
    assert "Question 2 of 2" in reloaded.get("progress")[0].proto.text  # not back at the first question
    assert question not in [m.value for m in reloaded.markdown]
    reloaded.radio[0].set_value(reloaded.radio[0].options[1]).run()
    reloaded.button(key=keys.QUIZ_CHECK).click().run()
    reloaded.button(key=keys.QUIZ_NEXT).click().run()
    assert reloaded.metric[0].label == "Score"

    finished = _fresh({"video": video_id})
    assert finished.metric[0].label == "Score" and finished.metric[0].value == reloaded.metric[0].value


def test_library_entries_say_where_each_recording_came_from() -> None:
    from components.videos.player import source_words
    from core.videos.library import VideoRecord

    def entry(kind: str, source: str, mime: str | None = None) -> str:
        return source_words(VideoRecord("id", "Lecture", kind, source, 60.0, 0.0, 0.0, "ready", media_mime=mime))

    assert entry("url", "https://www.youtube.com/watch?v=abc") == "link to www.youtube.com"
    assert entry("upload", "lecture.mp3", "audio/mpeg") == "uploaded audio lecture.mp3"
    assert entry("upload", "lecture.mp4", "video/mp4") == "uploaded video lecture.mp4"
    assert entry("subtitles", "lecture.srt") == "subtitle file"
