"""User and model text is text, where a model speaks: a citation tooltip quoting a hostile transcript
sentence (offline answer engine), an LLM's quiz (question, options, feedback, explanation) from an
OpenAI-compatible double on the loopback, and that server's refusal quoted in the quiz notes. Chromium
shows the text as typed; the beacon server receives no request, and no link or image points at it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.ai.openai_double import OpenAIDouble
from tests.e2e.test_text_sinks import (
    assert_inert,
    flat,
    open_video,
    shows,
    tooltip_of,
    transcript,
    video_in_library,
)
from tests.support.beacon import Beacon
from tests.support.browser import wait_until_rendered
from tests.support.server import running_app


def spoken(beacon: Beacon) -> str:
    """Hostile Markdown that stays inside one spoken sentence: the sentence splitter ends a sentence at
    a "!" after a space, not at one that touches the word before it."""
    base = f"http://127.0.0.1:{beacon.port}"
    return f"Spoken![x]({base}/img)[click]({base}/link) {base}/bare www.example.com"


ETNA = "Mount Etna is the most active volcano in Europe, says {} on the island of Sicily."


def test_citation_tooltip(
    app_url: str, app_data_dir: Path, browser: Browser, beacon: Beacon, screenshot_dir: Path
) -> None:
    hostile = spoken(beacon)
    video = video_in_library(app_data_dir, "Volcano notes", transcript(hostile))
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    open_video(page, app_url, video)
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=180_000)
    box = page.get_by_test_id("stChatInputTextArea").last
    box.fill("Which is the most active volcano in Europe?")
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="Mount Etna").last
    expect(reply).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    citation = reply.get_by_role("button", name="[1]").first
    expect(citation).to_be_visible(timeout=30_000)

    tip = flat(tooltip_of(page, citation))
    assert flat(ETNA.format(hostile)) in tip, tip
    assert "![x](http://127.0.0.1:" in tip and "[click](http://127.0.0.1:" in tip, tip
    assert_inert(page, beacon)
    page.screenshot(path=str(screenshot_dir / "text-sinks-citation.png"), full_page=True)
    page.close()


class QuizDouble(OpenAIDouble):
    """An OpenAI-compatible server whose quiz question, options and explanation carry hostile Markdown.
    The question cites the numbered sentence about Mount Etna, so the app's checks keep it; any other
    structured request (flashcards, summary) gets an empty list."""

    def __init__(self, beacon: Beacon) -> None:
        self.beacon = beacon
        self.quizzes_written = 0
        self.refusal: str | None = None  # when set, every chat request is refused (400) with this message
        super().__init__()
        answer = self.server.RequestHandlerClass
        double = self

        class Refusing(answer):  # type: ignore[misc, valid-type]
            def do_POST(self) -> None:
                if double.refusal is None:
                    super().do_POST()
                    return
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._json(400, {"error": {"message": double.refusal, "type": "invalid_request_error"}})

        self.server.RequestHandlerClass = Refusing

    def hostile(self, lead: str) -> str:
        return self.beacon.hostile(lead)

    @property
    def structured_reply(self) -> dict[str, Any]:
        prompt = str(self.last_chat["messages"][-1]["content"])
        if "multiple-choice questions" not in prompt:
            return {"cards": [], "points": [], "title": "Chapter", "main_point": {}, "sub_points": []}
        numbered = re.findall(r"^\[(\d+)\] (.*)$", prompt, re.MULTILINE)
        evidence = next(int(n) for n, text in numbered if "Mount Etna" in text)
        self.quizzes_written += 1
        return {
            "questions": [
                {
                    "question": f"Which volcano is the most active in Europe? {self.hostile('Asked')}",
                    "options": [f"{name} {self.hostile('Spoken')}" for name in QUIZ_OPTIONS],
                    "correct_option": 1,
                    "explanation": f"The lecture names {self.hostile('Explained')}",
                    "evidence_sentence": evidence,
                }
            ]
        }

    @structured_reply.setter
    def structured_reply(self, value: Any) -> None:
        pass


QUIZ_OPTIONS = ("Vesuvius", "Mount Etna", "Stromboli", "Hekla")
MORE_SPEECH = (  # study material needs about half a minute of plain sentences
    "0:34 Lava that cools quickly forms dark glassy rock called obsidian.\n"
    "0:41 Ash from a large eruption can travel thousands of kilometres in the wind.\n"
    "0:49 Scientists measure small earthquakes to tell when magma is rising under a volcano.\n"
    "0:57 Farmers grow grapes and oranges on the rich volcanic soil near the mountain.\n"
)


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory: pytest.TempPathFactory, beacon: Beacon) -> Iterator[tuple[str, Path, QuizDouble]]:
    """An app server of its own whose chat backend is the quiz double (the shared one stays offline)."""
    data_dir = tmp_path_factory.mktemp("mlstudio-llm-data")
    log = tmp_path_factory.mktemp("llm-logs") / "streamlit.log"
    double = QuizDouble(beacon)
    with double:
        env = {
            "MLSTUDIO_DATA_DIR": str(data_dir),
            "MLSTUDIO_CHAT_PROVIDER": "openai_compatible",
            "OPENAI_BASE_URL": double.base_url,
            "OPENAI_COMPATIBLE_API_KEY": "sk-test-double",
        }
        with running_app(env=env, log_path=log) as (url, _process):
            yield url, data_dir, double


def ask_for_a_one_question_quiz(page: Page, url: str, video: str) -> Locator:
    main = open_video(page, url, video)
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=180_000)  # a fresh server loads its models
    page.get_by_role("tab", name="Quiz").click()
    expect(page.get_by_label("Questions")).to_be_visible(timeout=60_000)
    page.get_by_label("Questions").fill("1")
    page.get_by_label("Questions").press("Enter")
    wait_until_rendered(page)
    page.get_by_role("button", name="New quiz").click()
    return main


def test_llm_quiz_options_and_feedback(
    llm_app: tuple[str, Path, QuizDouble], browser: Browser, beacon: Beacon, screenshot_dir: Path
) -> None:
    url, data_dir, double = llm_app
    video = video_in_library(data_dir, "Volcano quiz", transcript(spoken(beacon)) + MORE_SPEECH)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    main = ask_for_a_one_question_quiz(page, url, video)
    expect(main.get_by_text("Question 1 of 1")).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    assert double.quizzes_written == 1

    shows(
        main.locator("strong").filter(has_text="Which volcano"),
        f"Which volcano is the most active in Europe? {double.hostile('Asked')}",
    )
    options = main.get_by_test_id("stRadio").locator('label:not([data-testid="stWidgetLabel"])')
    for name in QUIZ_OPTIONS:
        shows(options, f". {name} {double.hostile('Spoken')}")
    # A wrong answer: the feedback quotes the right option, then the explanation follows.
    options.filter(has_text="Hekla").first.click()
    wait_until_rendered(page)
    page.get_by_role("button", name="Check").click()
    feedback = main.get_by_test_id("stAlertContentError")
    shows(feedback, "Not quite. The answer is")
    shows(feedback, f". Mount Etna {double.hostile('Spoken')}")
    shows(main.get_by_test_id("stText"), f"The lecture names {double.hostile('Explained')}")
    assert_inert(page, beacon)
    page.screenshot(path=str(screenshot_dir / "text-sinks-llm-quiz.png"), full_page=True)
    page.close()


def test_llm_refusal_in_the_quiz_notes(
    llm_app: tuple[str, Path, QuizDouble], browser: Browser, beacon: Beacon, screenshot_dir: Path
) -> None:
    """The server's own error message (a 400's text) is quoted in the notes under the quiz."""
    url, data_dir, double = llm_app
    refusal = double.hostile("Refused")
    speech = transcript(spoken(beacon)) + MORE_SPEECH + "1:05 The crater rim is closed to visitors.\n"
    video = video_in_library(data_dir, "Volcano refusal", speech)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    double.refusal = refusal
    try:
        main = ask_for_a_one_question_quiz(page, url, video)
        notes = main.get_by_test_id("stAlertContentInfo").filter(has_text="refused the request (400)")
        shows(notes, f"refused the request (400): {refusal}", timeout_ms=120_000)
        wait_until_rendered(page)
        assert_inert(page, beacon)
        page.screenshot(path=str(screenshot_dir / "text-sinks-llm-refusal.png"), full_page=True)
    finally:
        double.refusal = None
        page.close()
