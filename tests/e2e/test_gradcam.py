"""The Grad-CAM viewer in a real browser: the default grid renders, a bad upload is a message.

Then the choices (sample, methods, target) survive a reload, open the same view from a copied link in
a fresh browser, and Back steps back through image and method changes.
Scoring, contrast targets and user models are driven in tests/app/test_gradcam.py (same page, faster)."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Browser, Page, expect

from tests.support.browser import exception_blocks, wait_until_rendered

TIMEOUT_MS = 300_000


def test_gradcam_grid_and_bad_upload(app_url: str, browser: Browser, screenshot_dir: Path, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 2600})
    page.goto(f"{app_url}/gradcam")
    wait_until_rendered(page, TIMEOUT_MS)
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h1").first.inner_text() == "Grad-CAM viewer"
    # (the default grid may come ready from the process's shared grids: an earlier test opened this page)
    page.get_by_text("Where the model looks for “Egyptian cat”").wait_for(timeout=TIMEOUT_MS)
    main.get_by_role("button", name="Overlay PNG").wait_for(timeout=TIMEOUT_MS)
    wait_until_rendered(page, TIMEOUT_MS)
    # The grid's images arrive one by one: wait until the whole grid is there.
    page.wait_for_function(
        '() => document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stImage"]\').length >= 14',
        timeout=TIMEOUT_MS,
    )
    assert exception_blocks(page) == []
    # Each row on its own scale by default, said next to the grid; the shared scale one click away.
    expect(main.get_by_text("Each row scaled to its own peak", exact=False)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "gradcam.png"), full_page=True)
    main.get_by_text("One colour scale for all rows", exact=True).click()
    main.get_by_text("One scale for all rows (each method", exact=False).wait_for(timeout=TIMEOUT_MS)
    wait_until_rendered(page, TIMEOUT_MS)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "gradcam-shared-scale.png"), full_page=True)
    main.get_by_text("One colour scale for all rows", exact=True).click()
    main.get_by_text("Each row scaled to its own peak", exact=False).wait_for(timeout=TIMEOUT_MS)
    wait_until_rendered(page, TIMEOUT_MS)

    # A click opens a map large; its deletion slider re-runs the model live.
    main.get_by_role("button", name="Enlarge").last.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("what the model sees with the top 20% blurred").wait_for(timeout=TIMEOUT_MS)
    expect(dialog.get_by_text("GradCAM · _blocks.15", exact=False).first).to_be_visible()
    first_reading = dialog.locator("h3").inner_text()
    dialog.get_by_role("slider").focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    dialog.get_by_text("what the model sees with the top 80% blurred").wait_for(timeout=TIMEOUT_MS)
    wait_until_rendered(page, TIMEOUT_MS)
    assert dialog.locator("h3").inner_text() != first_reading  # the prediction changed with the slider
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "gradcam-enlarged.png"))
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached", timeout=TIMEOUT_MS)

    fake = tmp_path / "holiday.png"
    fake.write_bytes(b"this is a text file with a .png name")
    main.get_by_text("Upload", exact=True).first.click()
    main.locator('input[type="file"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    main.locator('input[type="file"]').first.set_input_files(str(fake))
    page.get_by_text("not an image the viewer can read").wait_for(timeout=TIMEOUT_MS)
    assert exception_blocks(page) == []

    # A grid nobody has asked for yet (another class) opened from a link. (The placeholder shown while it
    # is computed is checked in tests/app/test_gradcam.py: a warm grid takes under a second here.)
    page.goto(f"{app_url}/gradcam?target=281")
    page.get_by_text("Where the model looks for “tabby").wait_for(timeout=TIMEOUT_MS)
    assert exception_blocks(page) == []
    page.close()


def test_a_wide_image_is_fitted_whole_or_cropped_and_the_caption_says_which(
    app_url: str, browser: Browser, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1400})
    page.goto(f"{app_url}/gradcam?layers=_blocks.15")
    wait_for_grid(page, "Egyptian cat", 1 + 3 + 1)
    main = page.locator('[data-testid="stMain"]')
    expect(
        main.get_by_text("chelsea: what the model sees (224 px; centre crop: 33% of the width cut off)")
    ).to_be_visible()
    main.get_by_text("Fit (letterbox)", exact=True).click()
    page.wait_for_url("**framing=fit**", timeout=TIMEOUT_MS)
    caption = "chelsea: what the model sees (224 px; the whole image, with grey bars above and below)"
    main.get_by_text(caption).wait_for(timeout=TIMEOUT_MS)
    wait_for_grid(page, "Egyptian cat", 1 + 3 + 1)
    page.screenshot(path=str(screenshot_dir / "gradcam-letterbox.png"), full_page=True)
    page.reload()  # the framing is in the link
    wait_for_grid(page, "Egyptian cat", 1 + 3 + 1)
    expect(main.get_by_text(caption)).to_be_visible()
    page.close()


def test_scores_and_the_sanity_check_give_plain_verdicts_in_place_and_on_the_grid(
    app_url: str, browser: Browser, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(f"{app_url}/gradcam?layers=_blocks.15")
    wait_for_grid(page, "Egyptian cat", 1 + 3 + 1)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name="Score every map in the grid").click()
    main.get_by_text("Beats random: “yes” when", exact=False).wait_for(timeout=TIMEOUT_MS)
    main.get_by_text("ROAD was not computed", exact=False).wait_for(timeout=TIMEOUT_MS)
    main.get_by_text(re.compile(r"(beats|not better than) random$")).first.wait_for(timeout=TIMEOUT_MS)  # the cell
    main.get_by_role("button", name="Run the randomisation check").click()
    main.get_by_text("Depends on the trained weights: yes", exact=False).wait_for(timeout=TIMEOUT_MS)
    main.get_by_text(re.compile(r"uses the weights$")).first.wait_for(timeout=TIMEOUT_MS)  # the checked cell's badge
    wait_until_rendered(page, TIMEOUT_MS)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "gradcam-verdicts.png"), full_page=True)
    page.close()


def images_in_main(page: Page) -> int:
    return page.locator('[data-testid="stMain"] [data-testid="stImage"]').count()


def wait_for_grid(page: Page, subject: str, images: int) -> None:
    """The grid explaining `subject` is on screen with all its images, and the run is over."""
    page.get_by_text(f"Where the model looks for “{subject}”", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        f'() => document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stImage"]\').length === {images}',
        timeout=TIMEOUT_MS,
    )
    wait_until_rendered(page, TIMEOUT_MS)
    assert exception_blocks(page) == []


def chosen(page: Page, label: str) -> list[str]:
    """The chips of the multiselect with this label."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has=page.get_by_text(label, exact=True))
    box.locator(".react-aria-ComboBox [data-tag]").first.wait_for(timeout=TIMEOUT_MS)  # drawn after the grid's images
    return [chip.get_attribute("aria-label") or "" for chip in box.locator(".react-aria-ComboBox [data-tag]").all()]


def pick(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    wait_until_rendered(page, TIMEOUT_MS)


FRAMING_NOTES = {"coffee": "centre crop: 33% of the width cut off", "astronaut": "the whole image"}  # 600x400, square


def expect_view(page: Page, sample: str, images: int) -> None:
    """Sample, methods and target as chosen below: 1 layer x (2 methods + 2 guided) + input + colour bar."""
    wait_for_grid(page, "tabby", images)
    expect(page.get_by_role("combobox", name="Sample image")).to_have_value(sample)
    expect(page.get_by_text(f"{sample}: what the model sees (224 px; {FRAMING_NOTES[sample]})")).to_be_visible()
    assert chosen(page, "Methods (a column each)") == ["GradCAM", "HiResCAM"]
    assert chosen(page, "Layers (a row each)") == ["_blocks.15 · deepest · 7 x 7 map"]
    expect(page.get_by_role("radio", name="Another class")).to_be_checked()
    expect(page.get_by_role("combobox", name="Class")).to_have_value("tabby (281)")


def query(page: Page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


def test_choices_survive_reload_a_copied_link_and_back(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 2200})
    page.goto(f"{app_url}/gradcam?layers=_blocks.15")  # one layer keeps the grid quick
    wait_for_grid(page, "Egyptian cat", 1 + 3 + 1)

    pick(page, "Sample image", "coffee")
    pick(page, "Methods (a column each)", "HiResCAM")
    page.get_by_text("Another class", exact=True).click()
    wait_until_rendered(page, TIMEOUT_MS)
    box = page.get_by_role("combobox", name="Class")
    box.click()
    box.fill("tabby")
    page.get_by_role("option", name="tabby (281)", exact=True).click()
    wait_until_rendered(page, TIMEOUT_MS)
    page.wait_for_url("**target=281**", timeout=TIMEOUT_MS)
    chosen_link = {"layers": "_blocks.15", "image": "coffee", "methods": "GradCAM,HiResCAM", "target": "281"}
    assert query(page) == chosen_link
    expect_view(page, "coffee", 1 + 4 + 1)
    page.screenshot(path=str(screenshot_dir / "gradcam-chosen.png"), full_page=True)

    page.reload()
    expect_view(page, "coffee", 1 + 4 + 1)
    assert query(page) == chosen_link

    context = browser.new_context(viewport={"width": 1500, "height": 2200})  # another browser: no session
    other = context.new_page()
    other.goto(page.url)
    expect_view(other, "coffee", 1 + 4 + 1)
    other.screenshot(path=str(screenshot_dir / "gradcam-copied-link.png"), full_page=True)
    context.close()

    pick(page, "Sample image", "astronaut")
    page.wait_for_url("**image=astronaut**", timeout=TIMEOUT_MS)
    expect_view(page, "astronaut", 1 + 4 + 1)
    page.go_back()  # the image chosen before
    page.wait_for_url("**image=coffee**", timeout=TIMEOUT_MS)
    expect_view(page, "coffee", 1 + 4 + 1)

    page.get_by_role("button", name="Remove HiResCAM").click()
    page.wait_for_url(lambda url: "methods=" not in url, timeout=TIMEOUT_MS)
    wait_for_grid(page, "tabby", 1 + 3 + 1)
    assert chosen(page, "Methods (a column each)") == ["GradCAM"]
    page.go_back()  # the methods chosen before
    page.wait_for_url("**methods=**", timeout=TIMEOUT_MS)
    expect_view(page, "coffee", 1 + 4 + 1)
    page.close()
