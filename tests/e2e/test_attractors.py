"""The Attractor explorer in a real browser: a shared link, a parameter change, a map click, a screenshot."""

from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.browser import exception_blocks, wait_until_rendered

CIRCLE = "Quasi-periodic (invariant circle)"
METRIC = '[data-testid="stMetricValue"]'
CHAOTIC_LINK = "attractors?N=4&D=8&s=1.4164&seed=2989986414&view=neurons"


def settle(page: Page, timeout_ms: float = 240_000) -> None:
    wait_until_rendered(page, timeout_ms)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=timeout_ms)
    wait_until_rendered(page, timeout_ms)


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_shared_link_change_and_map_click(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1150})
    page.goto(f"{app_url}/{CHAOTIC_LINK}")
    page.get_by_text("Coming after the picture: the attractor's class").wait_for(timeout=240_000)
    settle(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Attractor explorer"
    assert page.get_by_text("Coming after the picture").count() == 0
    text = main_text(page)
    assert "Chaotic" in text and "Measured: chaotic" in text, text[:1500]
    assert "two nearby trajectories" in text
    assert page.locator('[data-testid="stImage"] img').count() == 1  # 200,000 points: density raster
    assert exception_blocks(page) == []

    # a parameter change recomputes and rewrites the link
    s_box = page.get_by_label("s (output scale)")
    s_box.fill("0.0500")
    s_box.press("Enter")
    expect(page.get_by_text("Fixed point", exact=True)).to_be_visible(timeout=120_000)
    page.wait_for_url("**s=0.05**", timeout=30_000)

    # map: compute a small grid, click a cell, open it in Explore
    page.get_by_text("Maps", exact=True).click()
    page.get_by_role("button", name="Compute map").wait_for(timeout=60_000)
    page.get_by_label("Seeds").fill("4")
    page.get_by_label("Seeds").press("Enter")
    page.get_by_label("s values").fill("6")
    page.get_by_label("s values").press("Enter")
    wait_until_rendered(page)
    page.get_by_role("button", name="Compute map").click()
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    chart.wait_for(timeout=120_000)
    wait_until_rendered(page)
    cells = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .point')
    assert cells.count() == 24
    page.screenshot(path=str(screenshot_dir / "attractors_map.png"), full_page=True)
    target = cells.nth(9)  # row 1 (seed 1), column 3: a click opens that attractor in Explore
    target.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = target.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    settle(page)
    page.wait_for_url("**seed=1&**", timeout=60_000)
    expect(page.get_by_role("spinbutton", name="seed", exact=True)).to_have_value("1")
    assert exception_blocks(page) == []

    # back to a picture worth looking at, for the screenshot
    page.goto(f"{app_url}/{CHAOTIC_LINK}")
    settle(page)
    page.wait_for_timeout(1_000)
    assert exception_blocks(page) == []
    page.screenshot(path=str(screenshot_dir / "attractors.png"), full_page=True)
    page.close()


def test_search_result_opens_in_explore(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1150})
    page.goto(f"{app_url}/{CHAOTIC_LINK}")
    settle(page)
    page.get_by_text("Search", exact=True).click()
    page.get_by_role("button", name="Search").wait_for(timeout=60_000)
    page.get_by_role("spinbutton", name="D (inputs)").fill("8")
    page.get_by_role("spinbutton", name="D (inputs)").press("Enter")
    wait_until_rendered(page)
    page.get_by_role("button", name="Search").click()
    page.get_by_text("match(es)").wait_for(timeout=120_000)
    wait_until_rendered(page)
    assert "0 match(es)" not in main_text(page)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 34)  # the first row's selection box (68 px rows)
    opener = page.get_by_role("button", name="in Explore")
    opener.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "attractors_search.png"), full_page=True)
    seed = opener.inner_text().split("seed = ")[1].split(" ")[0]
    opener.click()
    settle(page)
    page.wait_for_url(f"**seed={seed}&**", timeout=60_000)
    expect(page.get_by_role("spinbutton", name="seed", exact=True)).to_have_value(seed)
    assert exception_blocks(page) == []
    page.close()


def metric_value(page: Page) -> str:
    return page.locator(METRIC).first.inner_text()


def expect_network(page: Page, s: str, seed: str, kind: str) -> None:
    """The controls show this network and the page has measured it (its class is shown)."""
    expect(page.get_by_label("s (output scale)")).to_have_value(s, timeout=60_000)
    expect(page.get_by_role("spinbutton", name="seed", exact=True)).to_have_value(seed)
    expect(page.get_by_role("heading", name=kind, exact=True)).to_be_visible(timeout=120_000)


def set_number(page: Page, box: Locator, value: str) -> None:
    box.fill(value)
    box.press("Enter")
    settle(page)


def test_parameters_survive_sections_reload_a_copied_link_and_back(
    app_url: str, browser: Browser, screenshot_dir: Path
) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1150})
    page.goto(f"{app_url}/attractors")
    settle(page)
    set_number(page, page.get_by_label("s (output scale)"), "1.3")
    set_number(page, page.get_by_role("spinbutton", name="seed", exact=True), "174658140")
    page.wait_for_url("**s=1.3&seed=174658140**", timeout=30_000)
    expect_network(page, "1.3000", "174658140", CIRCLE)  # the default preset is chaotic
    lambda1 = metric_value(page)

    # Explore → Maps → Explore: the same network, and the link keeps it all along
    page.get_by_text("Maps", exact=True).click()
    page.get_by_role("button", name="Compute map").wait_for(timeout=60_000)
    page.wait_for_url("**section=maps**", timeout=30_000)
    assert "s=1.3&seed=174658140" in page.url, page.url
    page.get_by_text("Explore", exact=True).click()
    settle(page)
    expect_network(page, "1.3000", "174658140", CIRCLE)
    expect(page.locator(METRIC).first).to_have_text(lambda1)
    assert "section=" not in page.url and "s=1.3&seed=174658140" in page.url, page.url

    # a reload on Maps comes back to Maps with the same network
    page.get_by_text("Maps", exact=True).click()
    page.wait_for_url("**section=maps**", timeout=30_000)
    page.reload()
    page.get_by_role("button", name="Compute map").wait_for(timeout=120_000)
    wait_until_rendered(page)
    assert "s=1.3&seed=174658140" in page.url and "section=maps" in page.url, page.url
    page.get_by_text("Explore", exact=True).click()
    settle(page)
    expect_network(page, "1.3000", "174658140", CIRCLE)
    assert exception_blocks(page) == []

    # the copied link, in a fresh browser context, shows the same attractor
    link = page.url
    context = browser.new_context(viewport={"width": 1500, "height": 1150})
    other = context.new_page()
    other.goto(link)
    settle(other)
    expect_network(other, "1.3000", "174658140", CIRCLE)
    expect(other.locator(METRIC).first).to_have_text(lambda1)
    other.screenshot(path=str(screenshot_dir / "attractors_copied_link.png"), full_page=True)
    context.close()

    # change s, then Back: the previous s is shown again
    set_number(page, page.get_by_label("s (output scale)"), "0.05")
    page.wait_for_url("**s=0.05&**", timeout=30_000)
    expect(page.get_by_text("Fixed point", exact=True)).to_be_visible(timeout=120_000)
    page.go_back()
    settle(page)
    expect_network(page, "1.3000", "174658140", CIRCLE)
    page.wait_for_url("**s=1.3&**", timeout=30_000)
    expect(page.locator(METRIC).first).to_have_text(lambda1)
    assert exception_blocks(page) == []
    page.close()


TRANSIENT_LINK = "attractors?N=4&D=16&s=4.0&seed=4&view=neurons"
LIMIT_CYCLE_LINK = "attractors?N=4&D=32&s=0.22&seed=174658140&view=neurons"


def test_transient_chaos_preset_history_and_plain_intro(app_url: str, browser: Browser, screenshot_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1150})
    page.goto(f"{app_url}/{TRANSIENT_LINK}")
    settle(page)
    expect(page.get_by_role("heading", name="Periodic cycle, period 43", exact=True)).to_be_visible(timeout=120_000)
    told = page.get_by_text("Chaotic for about 14,600 steps")
    expect(told).to_be_visible()
    assert "then settles on a period-43 cycle" in told.inner_text()
    assert float(metric_value(page)) < 0  # the settled part's λ1, not the transient's +0.02
    # the intro is a sentence; the formulas are one click away
    expect(page.get_by_text("A tiny neural network that is fed its own output")).to_be_visible()
    expect(page.get_by_text("N neurons compute")).to_be_hidden()
    page.get_by_text("The network, in formulas").click()
    expect(page.get_by_text("N neurons compute")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "attractors_transient.png"), full_page=True)

    page.goto(f"{app_url}/{LIMIT_CYCLE_LINK}")
    settle(page)
    expect(page.get_by_role("heading", name=CIRCLE, exact=True)).to_be_visible(timeout=120_000)
    expect(page.get_by_text("The article calls this network 'limit cycle'")).to_be_visible()
    preset = page.locator('[data-testid="stSelectbox"]').filter(has_text="Preset")
    shown = preset.evaluate("e => (e.querySelector('input') || {}).value || e.innerText + ' ' + e.innerHTML")
    assert "Quasi-periodic circle (article: 'limit cycle')" in shown, shown[:3000]
    assert "Kaplan–Yorke dimension 1.00" in main_text(page)
    assert exception_blocks(page) == []
    page.close()
