"""The Talk to Videos page driven by AppTest (standalone, see tests/app/test_pages.py for the router)."""

import os
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
