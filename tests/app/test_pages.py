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
    assert "Answers and study: built in, works offline" in sidebar_text
    assert "Spotify: not set up (optional)" in sidebar_text


@pytest.mark.parametrize("tool", TOOLS, ids=[tool.url_path for tool in TOOLS])
def test_tool_page_renders_its_title(tool) -> None:
    app = run_page(tool.file)
    assert not app.exception, [e.value for e in app.exception]
    assert tool.title in [element.value for element in app.title]


@pytest.fixture()
def openai_double(monkeypatch: pytest.MonkeyPatch):
    """'OpenAI' is a local double here: a pasted key is checked with it (never with api.openai.com)."""
    from core.ai import openai_backend
    from tests.ai.openai_double import OpenAIDouble

    with OpenAIDouble() as double:
        monkeypatch.setattr(openai_backend, "OPENAI_API_URL", double.base_url)
        yield double


def sidebar_only() -> None:
    from components.shared.shell import render_sidebar

    render_sidebar()


def test_pasted_key_switches_chat_backend_for_this_session_only(openai_double) -> None:
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
    assert "Answers and study: OpenAI gpt-4o-mini" in sidebar_text
    assert "Speech to text: OpenAI whisper-1" in sidebar_text
    assert "Reading aloud: built in (eSpeak NG voice), works offline" in sidebar_text
    assert "sk-session-only" not in sidebar_text
    assert "OpenAI accepted this key." in sidebar_text  # checked when entered
    assert openai_double.requests[-1] == {"path": "/v1/models", "auth": "Bearer sk-session-only", "size": 0}

    fresh = AppTest.from_function(sidebar_only, default_timeout=60)
    fresh.run()
    assert "Answers and study: built in, works offline" in " ".join(caption.value for caption in fresh.sidebar.caption)


def sidebar_and_settings() -> None:
    import streamlit as st

    from components.shared.shell import render_sidebar

    settings = render_sidebar()
    compatible_key = settings.openai_compatible_api_key
    st.session_state["seen"] = {
        "url": settings.openai_base_url,
        "guarded": settings.mlstudio_guard_compatible_url,
        "server_key": compatible_key.get_secret_value() if compatible_key else None,
        "openai_key": settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
    }


def test_openai_and_a_compatible_server_are_two_choices_with_their_own_keys(monkeypatch, openai_double) -> None:
    from components.shared import resources as shared_resources
    from tests.support.text import shown

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_COMPATIBLE_API_KEY", "operators-server-key")
    shared_resources.base_settings.clear()
    try:
        app = AppTest.from_function(sidebar_and_settings, default_timeout=60)
        app.run()
        assert "Sent only to api.openai.com." in app.sidebar.text_input(key="shell.openai_api_key").help
        app.sidebar.selectbox(key="shell.chat_provider").select_index(2)  # "OpenAI-compatible server at a URL"
        app.run()
        # The configured server with its configured key, not guarded (the operator's own server).
        assert app.session_state["seen"]["url"] == "http://127.0.0.1:9/v1"
        assert app.session_state["seen"]["server_key"] == "operators-server-key"
        assert app.session_state["seen"]["guarded"] is False

        app.sidebar.text_input(key="shell.openai_api_key").input("sk-openai-only")
        app.sidebar.text_input(key="shell.compatible_url").input("http://127.0.0.2:8000/v1")
        app.run()
        seen = app.session_state["seen"]
        assert seen["url"] == "http://127.0.0.2:8000/v1" and seen["guarded"] is True
        assert not seen["server_key"]  # the operator's key never goes to a URL the user typed
        assert seen["openai_key"] == "sk-openai-only"
        app.sidebar.text_input(key="shell.compatible_api_key").input("users-server-key")
        app.run()
        assert app.session_state["seen"]["server_key"] == "users-server-key"
        sidebar_text = shown(" ".join(caption.value for caption in app.sidebar.caption))
        assert "Answers and study: gpt-4o-mini at http://127.0.0.2:8000/v1" in sidebar_text
        assert "users-server-key" not in sidebar_text and "sk-openai-only" not in sidebar_text
    finally:
        shared_resources.base_settings.clear()


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


def test_a_refused_key_is_said_at_once_and_one_click_stays_offline(openai_double) -> None:
    app = AppTest.from_function(sidebar_only, default_timeout=60)
    app.run()
    app.sidebar.selectbox(key="shell.chat_provider").select_index(1)  # "OpenAI"
    openai_double.failures.append(401)
    app.sidebar.text_input(key="shell.openai_api_key").input("sk-wrong")
    app.run()
    assert "rejected the API key (401)" in app.sidebar.error[0].value
    sidebar_text = " ".join(caption.value for caption in app.sidebar.caption)
    assert "Answers and study: OpenAI gpt-4o-mini (no key" in sidebar_text  # the refused key is not used
    app.sidebar.button(key="shell.stay_offline").click().run()
    assert not app.sidebar.error
    assert app.sidebar.text_input(key="shell.openai_api_key").value == ""
    sidebar_text = " ".join(caption.value for caption in app.sidebar.caption)
    assert "Answers and study: built in, works offline" in sidebar_text
