"""Embedding visualizer in a real browser: draw a lasso on the plot, see the thumbnails, tag them."""

from __future__ import annotations

import math
from pathlib import Path

from playwright.sync_api import Browser

from tests.support.browser import exception_blocks, wait_until_rendered

GALLERY_IMAGES = ".st-key-emb_gallery img"


def test_lasso_shows_thumbnails_and_tags_them(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{app_url}/embeddings")
    wait_until_rendered(page, timeout_ms=240_000)
    drag = page.locator(".js-plotly-plot .nsewdrag").first
    drag.wait_for(timeout=240_000)
    assert exception_blocks(page) == []
    assert "1,797" in page.locator('[data-testid="stMetric"]').first.inner_text()

    box = drag.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55
    radius = min(box["width"], box["height"]) * 0.12
    page.mouse.move(cx + radius, cy)
    page.mouse.down()
    for step in range(1, 41):
        angle = 2 * math.pi * step / 40
        page.mouse.move(cx + radius * math.cos(angle), cy + radius * math.sin(angle), steps=2)
    page.mouse.up()

    page.wait_for_selector(GALLERY_IMAGES, timeout=120_000)
    wait_until_rendered(page)
    heading = page.get_by_role("heading", name="Selection:").inner_text()
    selected = int(heading.split(":")[1].split()[0])
    assert selected > 5
    assert page.locator(GALLERY_IMAGES).count() == min(selected, 60)

    tag_box = page.get_by_label("Tag", exact=True)
    tag_box.fill("lassoed")
    tag_box.press("Enter")
    wait_until_rendered(page)
    page.get_by_role("button", name="Tag selection").click()
    page.get_by_text("Saved in FiftyOne: #1 tag").wait_for(timeout=120_000)
    page.get_by_text("Change log (1)").wait_for(timeout=60_000)
    wait_until_rendered(page)
    page.wait_for_function(
        "([n]) => { const g = document.querySelector('.st-key-emb_gallery');"
        " return g && (g.innerText.match(/#lassoed/g) || []).length === n; }",
        arg=[min(selected, 60)],
        timeout=60_000,
    )
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "embeddings.png"), full_page=True)
    page.close()
