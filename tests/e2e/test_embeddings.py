"""Embedding visualizer in a real browser: draw a lasso on the plot, see the thumbnails, tag them."""

from __future__ import annotations

import math
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.support.browser import clipped_buttons, exception_blocks, open_expander, wait_until_rendered

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
    # The selection is drawn as the points themselves, the others dimmed; no marks on top of the cluster.
    traces = page.evaluate(
        "() => document.querySelector('.js-plotly-plot').data"
        ".map(t => ({name: t.name, chosen: (t.selectedpoints || []).length, dim: t.unselected?.marker?.opacity}))"
    )
    assert "selected" not in [t["name"] for t in traces]
    assert sum(t["chosen"] for t in traces if t["name"] != "suspect") == selected
    assert all(t["dim"] is not None and t["dim"] < 0.5 for t in traces)

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


def lasso(page: Page, fraction: float) -> None:
    """Draw a closed lasso around the middle of the plot (radius: `fraction` of its smaller side)."""
    drag = page.locator(".js-plotly-plot .nsewdrag").first
    box = drag.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    radius = min(box["width"], box["height"]) * fraction
    page.mouse.move(cx + radius, cy)
    page.mouse.down()
    for step in range(1, 41):
        angle = 2 * math.pi * step / 40
        page.mouse.move(cx + radius * math.cos(angle), cy + radius * math.sin(angle), steps=2)
    page.mouse.up()


def shown_view(page: Page) -> dict[str, object]:
    """What the page shows: dataset, chosen controls, projection caption, selection heading and thumbnails."""
    page.wait_for_selector(GALLERY_IMAGES, timeout=240_000)
    wait_until_rendered(page, timeout_ms=240_000)
    active = page.locator('[data-testid="stButtonGroup"] [role="radio"][aria-checked="true"]').all_inner_texts()
    quality = page.get_by_text("Projection quality (").inner_text()
    return {
        "dataset": page.get_by_role("combobox", name="Dataset").input_value(),
        "active": sorted(t.strip() for t in active),
        "projection": quality.split(",")[0],
        "colorbar": page.locator(".js-plotly-plot .cbtitle").all_text_contents(),
        "heading": page.get_by_role("heading", name="Selection:").inner_text(),
        "thumbnails": page.locator(GALLERY_IMAGES).count(),
        "captions": page.locator(".st-key-emb_gallery").inner_text(),
    }


def test_reload_link_and_back_keep_projection_colour_and_selection(
    app_url: str, browser: Browser, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{app_url}/embeddings?method=tsne&iters=250")  # a short t-SNE, set through the link
    wait_until_rendered(page, timeout_ms=240_000)
    page.get_by_text("t-SNE has not been computed").wait_for(timeout=240_000)
    wait_until_rendered(page, timeout_ms=240_000)
    open_expander(page, "t-SNE settings").get_by_role("button", name="Compute t-SNE").click()
    page.get_by_text("Projection quality (t-SNE").wait_for(timeout=300_000)
    wait_until_rendered(page, timeout_ms=120_000)
    page.get_by_text("Suspicion", exact=True).click()
    wait_until_rendered(page, timeout_ms=120_000)
    page.locator(".js-plotly-plot .cbtitle").wait_for(timeout=60_000)
    lasso(page, 0.3)
    before = shown_view(page)
    assert before["dataset"] == "digits"
    assert before["active"] == ["Suspicion", "t-SNE"]
    assert before["projection"] == "Projection quality (t-SNE"
    assert before["colorbar"] == ["suspicion"]
    selected = int(str(before["heading"]).split(":")[1].split()[0])
    assert selected > 5 and before["thumbnails"] == min(selected, 60)
    link = page.url
    assert "method=tsne" in link and "color=suspicion" in link and "selection=" in link
    assert exception_blocks(page) == []

    page.reload()  # the t-SNE comes back from its FiftyOne brain run, the selection from the server
    assert shown_view(page) == before
    assert page.get_by_text("has not been computed").count() == 0
    assert exception_blocks(page) == []

    context = browser.new_context(viewport={"width": 1400, "height": 2400})
    other = context.new_page()
    other.goto(link)
    assert shown_view(other) == before
    assert exception_blocks(other) == []
    other.screenshot(path=str(screenshot_dir / "embeddings-link.png"), full_page=True)
    context.close()

    page.get_by_text("Ground truth", exact=True).click()
    wait_until_rendered(page, timeout_ms=120_000)
    expect(page.locator(".js-plotly-plot .cbtitle")).to_have_count(0, timeout=60_000)
    assert "color=" not in page.url
    page.go_back()
    assert shown_view(page) == before
    assert page.url == link
    page.close()


COUNT_FIX_BUTTONS = """() => {
    window.__fixButtons = [];
    window.__fixTimer = setInterval(() => {
        const shown = [...document.querySelectorAll('[data-testid="stMain"] button')]
            .filter(b => b.innerText.includes("Apply neighbours"));
        window.__fixButtons.push(shown.length);
    }, 50);
}"""


def test_apply_neighbours_labels_draws_the_actions_once(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    page.goto(f"{app_url}/embeddings")
    page.locator(".js-plotly-plot .nsewdrag").first.wait_for(timeout=240_000)
    wait_until_rendered(page, timeout_ms=240_000)
    lasso(page, 0.4)
    page.wait_for_selector(GALLERY_IMAGES, timeout=120_000)
    wait_until_rendered(page)
    fix = page.get_by_role("button", name="Apply neighbours' labels")
    expect(fix).to_be_enabled()
    fixable = int(page.get_by_text("of the selected samples have neighbours").inner_text().split()[0])
    assert fixable > 0

    page.evaluate(COUNT_FIX_BUTTONS)
    started = time.perf_counter()
    fix.click()
    page.get_by_text("Saved in FiftyOne: #").wait_for(timeout=120_000)
    wait_until_rendered(page, timeout_ms=120_000)
    elapsed = time.perf_counter() - started
    counts = page.evaluate("() => { clearInterval(window.__fixTimer); return window.__fixButtons; }")
    print(f"Apply neighbours' labels: saved and redrawn in {elapsed:.1f} s; buttons seen {sorted(set(counts))}")
    assert counts and max(counts) == 1  # one action block at every moment, never a stale copy beside a new one
    assert "relabel" in page.get_by_text("Saved in FiftyOne: #").inner_text()
    # the fixed samples now carry their neighbours' label: fewer (often none) left to fix in this selection
    after = int(page.get_by_text("of the selected samples have neighbours").inner_text().split()[0])
    assert after < fixable
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "embeddings-fix.png"), full_page=True)
    page.close()


def test_colour_by_neighbours_kept_shows_where_the_map_misleads(
    app_url: str, browser: Browser, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{app_url}/embeddings?color=kept")
    wait_until_rendered(page, timeout_ms=240_000)
    page.locator(".js-plotly-plot .cbtitle").wait_for(timeout=120_000)
    assert page.locator(".js-plotly-plot .cbtitle").all_text_contents() == ["neighbours kept"]
    assert (
        page.get_by_role("radio", name="Neighbours kept")
        .or_(page.get_by_role("button", name="Neighbours kept"))
        .first.is_visible()
    )
    assert clipped_buttons(page) == []  # the four colourings fit side by side
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "embeddings-kept.png"), full_page=True)
    page.close()
