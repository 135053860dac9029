"""Talk to Videos in a real browser: upload the synthesized lecture, wait for the transcript, ask, click a citation."""

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from core.videos.library import VideoRecord
from tests.support.browser import clipped_buttons, exception_blocks, open_expander, wait_until_rendered
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
    # The input tabs stay where the user was (they used to jump back to "Link"), with the upload emptied.
    expect(page.get_by_role("tab", name="Upload")).to_have_attribute("aria-selected", "true")

    wait_until_rendered(page)
    box = page.get_by_test_id("stChatInputTextArea").last
    box.fill("Which is the most active volcano in Europe?")
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="Etna").last  # the question does not say it
    expect(reply).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    citation = reply.get_by_role("button", name="[1]").first
    expect(citation).to_be_visible(timeout=30_000)
    label = citation.inner_text()
    assert clipped_buttons(page) == []  # every citation shows its number and time
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
    assert clipped_buttons(page) == []  # the summary's time buttons show their times
    page.screenshot(path=str(screenshot_dir / "videos-summary.png"), full_page=True)
    page.get_by_role("tab", name="Quiz").click()
    page.get_by_label("Questions").fill("3")
    page.get_by_label("Questions").press("Enter")
    wait_until_rendered(page)
    page.get_by_role("button", name="New quiz").click()
    # a 30 s clip may support fewer fact questions than asked for (none on a word the recognizer doubted); the
    # page says so and quizzes on what it has
    expect(main.get_by_text(re.compile(r"^Question 1 of [123]$"))).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    main.get_by_test_id("stRadio").get_by_text("A.", exact=False).first.click()
    wait_until_rendered(page)
    page.get_by_role("button", name="Check").click()
    expect(main.get_by_text("Correct").or_(main.get_by_text("Not quite")).first).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    assert exception_blocks(page) == []
    assert clipped_buttons(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-study.png"), full_page=True)
    # The rest of the quiz, answered "A" each time, to the results and the review of the missed ones.
    counter = main.get_by_text(re.compile(r"^Question \d+ of \d+$"))
    total = int(counter.inner_text().split()[-1])
    for number in range(2, total + 1):
        page.get_by_role("button", name="Next").click()
        expect(main.get_by_text(f"Question {number} of {total}", exact=True)).to_be_visible(timeout=30_000)
        wait_until_rendered(page)
        main.get_by_test_id("stRadio").get_by_text("A.", exact=False).first.click()
        wait_until_rendered(page)
        page.get_by_role("button", name="Check").click()
        expect(main.get_by_text("Correct").or_(main.get_by_text("Not quite")).first).to_be_visible(timeout=30_000)
        wait_until_rendered(page)
    page.get_by_role("button", name="Next").click()
    expect(main.get_by_text("Score").first).to_be_visible(timeout=30_000)
    wait_until_rendered(page)
    assert clipped_buttons(page) == []  # "Make a flashcard" and the time of each missed question
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-quiz-results.png"), full_page=True)
    page.close()


def _lecture_in_library(data_dir: Path) -> VideoRecord:
    """The synthesized lecture, processed, in the app's library: the one the upload test made, or made here."""
    from core.videos.library import Library, content_id
    from core.videos.pipeline import ingest_media_file, process

    video = cached_lecture_video()
    library = Library(data_dir / "videos")
    record = library.get(content_id(video))
    if record is None or not record.ready:
        from core.ai.local import MiniLMEmbedder, WhisperTranscriber

        record = ingest_media_file(library, video, video.name, "upload", video.name, 2**30)
        record = process(library, record.id, WhisperTranscriber, MiniLMEmbedder)
    assert record.ready
    return record


def _open_from_library(page: Page, title: str, videos: int) -> None:
    details = page.get_by_test_id("stExpander").filter(has_text=f"Library ({videos})").locator("details")
    if details.get_attribute("open") is None:
        open_expander(page, f"Library ({videos})")
    row = (
        page.get_by_test_id("stHorizontalBlock")
        .filter(has_text=title)
        .filter(has=page.get_by_role("button", name="Open"))
    )
    row.last.get_by_role("button", name="Open").click()
    wait_until_rendered(page)


def _header(page: Page) -> str:
    return page.get_by_test_id("stMain").locator("h2").first.inner_text()


def test_open_video_and_chat_survive_reload_back_and_a_shared_link(
    app_url: str, app_data_dir: Path, browser: Browser, screenshot_dir: Path
) -> None:
    from core.videos.library import Library
    from core.videos.pipeline import ingest_transcript_text

    lecture = _lecture_in_library(app_data_dir)
    other = ingest_transcript_text(
        Library(app_data_dir / "videos"),
        "0:00 Glaciers are rivers of ice.\n0:05 They move slowly downhill under their own weight.\n"
        "0:10 Valleys carved by glaciers have a U shape.\n",
        "Glacier notes",
        "pasted",
    )
    videos = len(Library(app_data_dir / "videos").list())
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.goto(f"{app_url}/videos")
    wait_until_rendered(page)
    _open_from_library(page, "Glacier notes", videos)
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text("Glacier notes", timeout=30_000)
    assert f"video={other.id}" in page.url
    _open_from_library(page, lecture.title, videos)
    main = page.get_by_test_id("stMain")
    expect(main.locator("h2").first).to_have_text(lecture.title, timeout=30_000)
    assert f"video={lecture.id}" in page.url

    question = "What is magma that reaches the surface called?"
    expect(page.get_by_text("Ask the video")).to_be_visible(timeout=60_000)
    box = page.get_by_test_id("stChatInputTextArea").last
    box.fill(question)
    box.press("Enter")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="lava").last
    expect(reply).to_be_visible(timeout=120_000)
    wait_until_rendered(page)
    answer = reply.get_by_test_id("stMarkdownContainer").first.inner_text().strip()
    assert "lava" in answer and "[1]" in answer  # quoted evidence with its citation
    shared_link = page.url

    page.reload()
    wait_until_rendered(page)
    assert _header(page) == lecture.title and page.url == shared_link
    expect(page.get_by_test_id("stChatMessage").filter(has_text=question)).to_have_count(1, timeout=30_000)
    expect(page.get_by_test_id("stChatMessage").filter(has_text=answer)).to_have_count(1)
    assert exception_blocks(page) == []
    expect(page.get_by_role("button", name="Process").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "videos-reloaded.png"), full_page=True)

    page.go_back()  # the video opened before this one
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text("Glacier notes", timeout=30_000)
    assert f"video={other.id}" in page.url
    page.go_forward()
    expect(page.get_by_test_id("stMain").locator("h2").first).to_have_text(lecture.title, timeout=30_000)

    fresh = browser.new_context(viewport={"width": 1500, "height": 1100})
    elsewhere = fresh.new_page()
    elsewhere.goto(shared_link)
    wait_until_rendered(elsewhere)
    assert _header(elsewhere) == lecture.title
    expect(elsewhere.get_by_test_id("stChatMessage").filter(has_text=question)).to_have_count(1, timeout=30_000)
    expect(elsewhere.get_by_test_id("stChatMessage").filter(has_text=answer)).to_have_count(1)
    assert exception_blocks(elsewhere) == []
    expect(elsewhere.get_by_role("button", name="[1]").first).to_be_visible(timeout=30_000)
    expect(elsewhere.get_by_role("button", name="Process").first).to_be_visible(timeout=30_000)
    elsewhere.screenshot(path=str(screenshot_dir / "videos-shared-link.png"), full_page=True)

    elsewhere.goto(f"{app_url}/videos?video=no-such-video")
    wait_until_rendered(elsewhere)
    expect(elsewhere.get_by_test_id("stMain")).to_contain_text("not in your library")
    assert exception_blocks(elsewhere) == [] and "no-such-video" not in elsewhere.url
    fresh.close()
    context.close()


def test_an_audio_recording_shows_its_waveform_and_a_click_plays_from_there(
    app_url: str, app_data_dir: Path, browser: Browser, screenshot_dir: Path
) -> None:
    import subprocess

    from core.media.ffmpeg import ffmpeg_binary
    from core.videos.library import Library
    from core.videos.pipeline import audio_path

    library = Library(app_data_dir / "videos")
    record = library.create("waveform-tone", "A tone, a pause, a tone", "upload", "tone.wav", status="audio")
    # 20 s of tone, 20 s of silence, 20 s of tone: the waveform must show the gap.
    tone = "sine=frequency=330:duration=20"
    graph = f"{tone}[a];anullsrc=r=16000:cl=mono:d=20[b];{tone}[c];[a][b][c]concat=n=3:v=0:a=1"
    media = library.folder(record.id) / "media.wav"
    run = [ffmpeg_binary(), "-loglevel", "error", "-y", "-filter_complex", graph, "-ar", "16000", "-ac", "1"]
    subprocess.run([*run, str(media)], check=True)
    subprocess.run([ffmpeg_binary(), "-loglevel", "error", "-y", "-i", str(media), str(audio_path(library, record.id))])
    library.update(record.id, media_file="media.wav", media_mime="audio/wav", duration=60.0)

    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{app_url}/videos?video={record.id}")
    wait_until_rendered(page)
    main = page.get_by_test_id("stMain")
    chart = main.get_by_test_id("stPlotlyChart").first
    expect(chart).to_be_visible(timeout=30_000)
    bars = chart.locator("g.point path")
    expect(bars).to_have_count(300, timeout=30_000)
    heights = [bars.nth(i).bounding_box()["height"] for i in (20, 150, 280)]  # tone, silence, tone
    assert heights[1] < heights[0] / 10 and heights[1] < heights[2] / 10, heights
    box = chart.locator("rect.nsewdrag").first.bounding_box()
    expect(main.get_by_text("Click the waveform to play from that moment.")).to_be_visible()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)  # about 0:45
    expect(main.get_by_text(re.compile(r"Playing from 0:4[3-7]"))).to_be_visible(timeout=30_000)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "videos-audio.png"), full_page=True)
    library.delete(record.id)
