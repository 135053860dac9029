"""Talk to Videos in a real browser: upload the synthesized lecture, wait for the transcript, ask, click a citation."""

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.support.browser import exception_blocks, wait_until_rendered
from tests.videos.lecture import cached_lecture_video


def test_upload_transcribe_ask_and_seek(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    video = cached_lecture_video()
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    # Through the Home page and the sidebar, as a first-time user would.
    page.goto(app_url)
    wait_until_rendered(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Talk to Videos").click()
    page.wait_for_url("**/videos")
    wait_until_rendered(page)
    main = page.get_by_test_id("stMain")
    assert main.locator("h1").first.inner_text() == "Talk to Videos"

    page.get_by_role("tab", name="Upload").click()
    page.locator(".st-key-ttv-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(video))
    process = page.get_by_role("button", name="Process").locator("visible=true").first
    expect(process).to_be_enabled(timeout=30_000)
    process.click()

    # Processing shows a progress bar, then the chat panel opens when the transcript and index are ready.
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=240_000)
    transcript = page.locator(".st-key-ttv_transcript")
    expect(transcript).to_contain_text("Etna", timeout=30_000)

    wait_until_rendered(page)
    box = page.get_by_test_id("stChatInputTextArea").last
    box.fill("Which is the most active volcano in Europe?")
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="From the video").last
    expect(reply).to_contain_text("Etna", timeout=120_000)
    wait_until_rendered(page)
    citation = reply.get_by_role("button", name="[1]").first
    expect(citation).to_be_visible(timeout=30_000)
    label = citation.inner_text()
    citation.click()
    expect(main).to_contain_text("Playing from", timeout=30_000)
    stamp = label.split("]")[-1].strip()
    expect(main.get_by_text(f"Playing from {stamp}")).to_be_visible()

    wait_until_rendered(page)
    box = page.get_by_test_id("stChatInputTextArea").last
    box.fill("Who won the football world cup in 2018?")
    box.press("Enter")
    refusal = page.get_by_test_id("stChatMessage").filter(has_text="The video does not cover this")
    expect(refusal.first).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos.png"), full_page=True)

    # Study: the summary, then a quiz answered in the browser.
    page.get_by_role("tab", name="Summary").click()
    page.get_by_role("button", name="Summarize the whole video").click()
    expect(main.get_by_text("Overview", exact=True)).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    expect(main).to_contain_text("Etna")
    page.get_by_role("tab", name="Quiz").click()
    page.get_by_label("Questions").fill("3")
    page.get_by_label("Questions").press("Enter")
    wait_until_rendered(page)
    page.get_by_role("button", name="New quiz").click()
    expect(main.get_by_text("Question 1 of 3")).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    main.get_by_test_id("stRadio").get_by_text("A.", exact=False).first.click()
    wait_until_rendered(page)
    page.get_by_role("button", name="Check").click()
    expect(main.get_by_text("Correct").or_(main.get_by_text("Not quite")).first).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-study.png"), full_page=True)
    page.close()
