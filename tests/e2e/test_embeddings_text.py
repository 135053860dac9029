"""Embedding visualizer in a real browser: a Talk to Videos transcript becomes a map of passages coloured by
the model's prediction; a UMAP of the digits started from the page is stopped from the page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.support.browser import exception_blocks, open_expander, wait_until_rendered


def test_transcript_map_prediction_colours_and_stopping_umap(
    app_url: str, app_data_dir: Path, browser: Browser, screenshot_dir: Path
) -> None:
    from core.videos.library import Library
    from tests.study.lecture import lecture_segments

    library = Library.in_data_dir(app_data_dir)
    segments = lecture_segments()
    library.create("text:e2etalk01", "Three topics", "pasted", "pasted", status="ready", duration=segments[-1].end)
    library.save_transcript("text:e2etalk01", segments)

    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    page.goto(f"{app_url}/embeddings")
    wait_until_rendered(page, timeout_ms=240_000)
    transcripts = open_expander(page, "Add a dataset: a video transcript from Talk to Videos")
    import_button = transcripts.get_by_role("button", name="Import its transcript")
    expect(import_button).to_be_visible()
    wait_until_rendered(page, timeout_ms=120_000)
    import_button.click()
    dataset_box = page.get_by_role("combobox", name="Dataset")
    expect(dataset_box).to_have_value(re.compile("video-Three-topics"), timeout=180_000)
    wait_until_rendered(page, timeout_ms=180_000)
    page.locator(".js-plotly-plot .nsewdrag").first.wait_for(timeout=120_000)
    expect(page.get_by_role("combobox", name="Embedding")).to_have_value(re.compile("MiniLM"))

    page.get_by_text("Prediction", exact=True).click()
    wait_until_rendered(page, timeout_ms=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .legendtext')]"
        ".some(t => t.textContent.startsWith('1 · '))",
        timeout=60_000,
    )
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "embeddings-text.png"), full_page=True)

    # stopping: a UMAP of the digits (the worker compiles UMAP first, so it runs for a while)
    page.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option", name="digits", exact=True).click()
    wait_until_rendered(page, timeout_ms=180_000)
    page.get_by_text("UMAP", exact=True).click()
    wait_until_rendered(page, timeout_ms=120_000)
    open_expander(page, "UMAP settings").get_by_role("button", name="Compute UMAP").click()
    page.get_by_text("in the background").wait_for(timeout=60_000)
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped UMAP after").wait_for(timeout=60_000)
    assert exception_blocks(page) == []

    # Back: first to the digits' PCA, then to the transcript's map
    page.go_back()
    expect(page.get_by_text("Projection quality (PCA")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("combobox", name="Dataset")).to_have_value("digits")
    page.go_back()
    expect(page.get_by_role("combobox", name="Dataset")).to_have_value(
        re.compile("video-Three-topics"), timeout=120_000
    )
    expect(page.get_by_role("combobox", name="Embedding")).to_have_value(re.compile("MiniLM"), timeout=120_000)
    wait_until_rendered(page, timeout_ms=120_000)
    assert "dataset=video-Three-topics" in page.url
    assert exception_blocks(page) == []
    page.close()
