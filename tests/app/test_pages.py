"""Every page renders through the real router without an exception and shows its title."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.shared.navigation import HOME, TOOLS

APP = Path(__file__).resolve().parents[2] / "app.py"


def run_page(page_file: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.run()
    if page_file != HOME.file:
        app.switch_page(page_file)
        app.run()
    return app


def test_home_lists_every_tool_with_a_link() -> None:
    app = run_page(HOME.file)
    assert not app.exception
    assert app.title[0].value == "ML Studio"
    subheaders = [element.value for element in app.subheader]
    assert sorted(subheaders) == sorted(tool.title for tool in TOOLS)
    assert len(app.get("page_link")) == len(TOOLS)
    sidebar_text = " ".join(caption.value for caption in app.sidebar.caption)
    assert "Chat: offline engine" in sidebar_text
    assert "Spotify: not configured" in sidebar_text


@pytest.mark.parametrize("tool", TOOLS, ids=[tool.url_path for tool in TOOLS])
def test_tool_page_renders_its_title(tool) -> None:
    app = run_page(tool.file)
    assert not app.exception, [e.value for e in app.exception]
    assert tool.title in [element.value for element in app.title]


def sidebar_only() -> None:
    from components.shared.shell import render_sidebar

    render_sidebar()


def test_pasted_key_switches_chat_backend_for_this_session_only() -> None:
    # The sidebar is driven on its own: AppTest (1.67) does not rerun a script after a widget
    # change once st.navigation has run with file pages.
    app = AppTest.from_function(sidebar_only, default_timeout=60)
    app.run()
    app.sidebar.selectbox(key="shell.chat_provider").select_index(1)  # "OpenAI"
    app.sidebar.selectbox(key="shell.transcription_provider").select_index(1)  # "OpenAI"
    app.sidebar.selectbox(key="shell.speech_provider").select_index(1)  # "eSpeak NG"
    app.sidebar.text_input(key="shell.openai_api_key").input("sk-session-only")
    app.run()
    sidebar_text = " ".join(caption.value for caption in app.sidebar.caption)
    assert "Chat: OpenAI gpt-4o-mini" in sidebar_text
    assert "Transcription: OpenAI whisper-1" in sidebar_text
    assert "Speech: eSpeak NG (local)" in sidebar_text
    assert "sk-session-only" not in sidebar_text

    fresh = AppTest.from_function(sidebar_only, default_timeout=60)
    fresh.run()
    assert "Chat: offline engine" in " ".join(caption.value for caption in fresh.sidebar.caption)


def test_bad_configuration_is_a_message_not_a_traceback(monkeypatch) -> None:
    from components.shared import resources as shared_resources

    shared_resources.base_settings.clear()
    monkeypatch.setenv("MLSTUDIO_MAX_UPLOAD_MB", "lots")
    try:
        app = run_page(HOME.file)
        assert not app.exception
        assert "MLSTUDIO_MAX_UPLOAD_MB" in app.error[0].value
    finally:
        shared_resources.base_settings.clear()
