"""The web page in a real headless Chromium (Debian's ``chromium``) against a real ``radix serve``.

Each test saves a screenshot under ``test-artifacts/screenshots/``. Every request the page makes
is recorded: none may leave the server.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.state import AppState
from graph.evaluation import names_of
from graph.localize import FindingInput, localize
from graph.search import normalise

from .conftest import INPUT, SHARED
from .test_e2e import start

pytestmark = pytest.mark.e2e

playwright_api = pytest.importorskip("playwright.sync_api")

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
#: As the machine's notes advise: no background connections, which the closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("RADIX_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
        if os.environ.get("RADIX_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A browser page on the server that records every request and every script error."""

    def __init__(self, browser: Any, base: str, width: int = 1280, height: int = 900) -> None:
        self.base = base
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def check_clean(self) -> None:
        outside = [u for u in self.requests if not u.startswith(self.base) and not u.startswith("data:")]
        assert outside == [], f"requests left the server: {outside}"
        assert self.errors == [], f"script errors: {self.errors}"
        self.page.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Page]:
    p = Page(browser, server)
    yield p
    p.check_clean()


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression from outside the page (the page's CSP forbids the eval that waitForFunction uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for: {expression}")
        page.wait_for_timeout(100)


def diagram_labels(page: Any, selector: str) -> list[str]:
    labels: list[str] = page.evaluate(
        "sel => { const cy = RadixDiagram.instances.get(document.querySelector(sel));"
        " return cy ? cy.nodes().map(n => n.data('label')) : []; }",
        selector,
    )
    return labels


def shaded(page: Any, container: str, cls: str = "full") -> set[str]:
    regions: list[str] = page.eval_on_selector_all(f"{container} .region.{cls}", "els => els.map(e => e.dataset.region)")
    return set(regions)


# ---------------------------------------------------------------- search and entity view


def test_search_femoral_opens_the_femoral_nerve_and_its_diagram(page: Page) -> None:
    p = page.open("/")
    p.get_by_role("combobox", name="Search the graph").fill("femoral")
    option = p.get_by_role("option", name="femoral nerve", exact=False).first
    option.wait_for()
    assert "femoral nerve" in p.locator("#search-options").inner_text()
    p.locator("#search-options li", has_text="femoral nerve").filter(has_not_text="cutaneous").first.click()
    wait_until(p, "document.querySelector('#diagram').dataset.nodes > 0")
    assert p.locator("#entity-title").inner_text() == "femoral nerve"
    assert "#/entity/RADIX%3Afemoral_nerve" in p.url or "#/entity/RADIX:femoral_nerve" in p.url
    labels = diagram_labels(p, "#diagram")
    assert {"femoral nerve", "quadriceps femoris", "knee extension", "anterior thigh", "patellar reflex"} <= set(labels)
    assert "biceps femoris" not in labels  # a sciatic muscle
    # proximal (the nerve) is left of distal (the skin it supplies)
    x = p.evaluate(
        "() => { const cy = RadixDiagram.instances.get(document.querySelector('#diagram'));"
        " const at = l => cy.nodes().filter(n => n.data('label') === l)[0].position('x');"
        " return [at('femoral nerve'), at('quadriceps femoris'), at('knee extension')]; }"
    )
    assert x[0] < x[1] < x[2]
    # relations both ways, cross-references, sources
    assert "quadriceps femoris" in p.locator("#entity-relations").inner_text()
    assert "L3 spinal nerve" in p.locator("#entity-relations").inner_text()
    assert p.locator("#entity-sources li").count() >= 5
    page.screenshot("entity-femoral-nerve")


def test_an_edge_shows_its_sources_on_hover(page: Page) -> None:
    p = page.open("/#/entity/RADIX:femoral_nerve")
    wait_until(p, "document.querySelector('#diagram').dataset.nodes > 0")
    point = p.evaluate(
        "() => { const el = document.querySelector('#diagram'); el.scrollIntoView(); const cy = RadixDiagram.instances.get(el);"
        " const e = cy.edges().filter(e => e.target().data('label') === 'quadriceps femoris')[0];"
        " const m = e.renderedMidpoint(); const r = el.getBoundingClientRect();"
        " return {x: r.left + m.x, y: r.top + m.y}; }"
    )
    p.mouse.move(point["x"], point["y"], steps=5)
    tip = p.locator("#diagram-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "innervates" in text and "quadriceps femoris" in text
    assert p.locator("#diagram-tip .tip-sources li").count() >= 1
    page.screenshot("entity-edge-sources")


def test_clicking_a_node_opens_that_entity(page: Page) -> None:
    p = page.open("/#/entity/RADIX:femoral_nerve")
    wait_until(p, "document.querySelector('#diagram').dataset.nodes > 0")
    p.evaluate(
        "() => RadixDiagram.instances.get(document.querySelector('#diagram'))"
        ".nodes().filter(n => n.data('label') === 'saphenous nerve')[0].emit('tap')"
    )
    wait_until(p, "document.querySelector('#entity-title').textContent === 'saphenous nerve'")


def test_a_finding_site_shows_what_can_cause_it(page: Page) -> None:
    p = page.open("/#/entity/RADIX:anterior_thigh")
    wait_until(p, "document.querySelector('#diagram').dataset.nodes > 0")
    labels = set(diagram_labels(p, "#diagram"))
    assert {"L2 spinal nerve", "L3 spinal nerve", "femoral nerve", "anterior thigh"} <= labels
    assert "L5 spinal nerve" not in labels
    assert not p.locator("#entity-bodymap").is_visible()  # a skin region has no territory of its own
    page.screenshot("entity-anterior-thigh-proximal")


def test_the_search_works_by_keyboard(page: Page) -> None:
    p = page.open("/")
    p.keyboard.press("Tab")  # skip link
    p.keyboard.press("Tab")  # brand
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.id") == "search-input"
    p.keyboard.type("sciatic nerve")
    p.locator("#search-options li").first.wait_for()
    assert p.get_attribute("#search-input", "aria-expanded") == "true"
    p.keyboard.press("Enter")
    wait_until(p, "document.querySelector('#entity-title').textContent === 'sciatic nerve'")
    # Focus moves to the new view's heading once the whole view has loaded (its diagram comes after its title).
    wait_until(p, "document.activeElement.id === 'entity-title'")


# ---------------------------------------------------------------- body map


def test_selecting_l5_shades_its_dermatome(page: Page) -> None:
    p = page.open("/#/bodymap")
    p.locator("#bodymap-svg svg").wait_for()
    assert shaded(p, "#bodymap-svg") == set()
    p.get_by_role("link", name="L5", exact=True).click()
    wait_until(p, "document.querySelectorAll('#bodymap-svg .region.full').length > 0")
    every_map = shaded(p, "#bodymap-svg")
    assert {"dorsum_of_foot", "great_toe"} <= every_map
    assert "anterior_thigh" not in every_map
    assert "L5 spinal nerve" in p.locator("#bodymap-title").inner_text()
    page.screenshot("bodymap-L5-every-map")
    # one map: the ISNCSCI standard names a key point only
    options = p.eval_on_selector_all("#bodymap-map option", "els => els.map(e => [e.value, e.textContent])")
    isncsci = next(value for value, label in options if "ISNCSCI" in label or "isncsci" in value)
    p.select_option("#bodymap-map", isncsci)
    wait_until(p, "!document.querySelector('#bodymap-svg .region.full[data-region=great_toe]')")
    one_map = shaded(p, "#bodymap-svg")
    assert one_map and one_map < every_map
    assert "dorsum_of_foot_at_third_mtp_joint" in one_map
    assert f"map={isncsci}" in p.url
    page.screenshot("bodymap-L5-isncsci")


def test_a_nerve_shades_its_cutaneous_territory_and_a_region_says_what_supplies_it(page: Page) -> None:
    p = page.open("/#/bodymap/RADIX:lateral_femoral_cutaneous_nerve")
    wait_until(p, "document.querySelectorAll('#bodymap-svg .region.full').length > 0")
    assert "lateral_thigh" in shaded(p, "#bodymap-svg")
    assert "medial_thigh" not in shaded(p, "#bodymap-svg")
    region = p.locator("#bodymap-svg .region[data-region=anterior_thigh]").first
    region.focus()
    p.keyboard.press("Enter")
    wait_until(p, "document.querySelector('#region-title').textContent.includes('anterior thigh')")
    body = p.locator("#region-body").inner_text()
    assert "L3 spinal nerve" in body and "femoral nerve" in body
    page.screenshot("bodymap-region-supply")


# ---------------------------------------------------------------- localization


def own_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((INPUT / "web" / "cases.json").read_text())["vignettes"]
    return cases


def shared_cases() -> list[dict[str, Any]]:
    path = SHARED / "eval" / "cases.json"
    if not path.exists():
        return []
    cases: list[dict[str, Any]] = json.loads(path.read_text())["vignettes"][:3]
    return cases


def enter_and_localize(page: Page, findings: list[dict[str, Any]]) -> Any:
    p = page.open("/#/localize")
    p.locator("#findings li").first.wait_for()
    for i, finding in enumerate(findings):
        if i:
            p.get_by_role("button", name="Add a finding").click()
        row = p.locator("#findings > li").nth(i)
        row.locator("select.kind").select_option(finding["kind"])
        row.locator("input.site").fill(finding["site"])
        row.locator("input.site").press("Escape")  # the text as typed, as a user would submit it
        row.locator("select.present").select_option("true" if finding.get("present", True) else "false")
    p.get_by_role("button", name="Localize", exact=True).click()
    p.locator("#candidates button").first.wait_for()
    return p


@pytest.mark.parametrize("case", own_cases() + shared_cases(), ids=lambda c: c["id"])
def test_a_case_entered_in_the_form_ranks_its_expected_first_candidate(
    page: Page, shipped: AppState, case: dict[str, Any]
) -> None:
    p = enter_and_localize(page, case["findings"])
    first_on_page = p.locator("#candidates button .candidate-label").first.inner_text()
    answer = localize(
        shipped.localizer, shipped.index, [FindingInput(f["kind"], f["site"], f["present"]) for f in case["findings"]]
    )
    first = answer.candidates[0]
    assert first_on_page == first.label
    expected = {normalise(t) for t in case["expect"]["top"]}
    assert names_of(shipped.localizer, first) & expected, f"{first.label} is not among {case['expect']['top']}"
    # its paths are drawn and the findings it explains are in the diagram
    wait_until(p, "document.querySelector('#candidate-diagram').dataset.nodes > 0")
    labels = set(diagram_labels(p, "#candidate-diagram"))
    assert {e.finding.site.label for e in first.explains if e.paths} <= labels
    assert p.locator("#discriminators li").count() >= 1
    assert "#/localize?finding=" in p.url  # the answer is linkable: the findings are in the address
    page.screenshot(f"localize-{case['id']}")


def test_red_flags_come_first_and_urgent(page: Page) -> None:
    p = enter_and_localize(
        page,
        [
            {"kind": "numbness", "site": "saddle area"},
            {"kind": "sphincter_dysfunction", "site": "bladder control"},
            {"kind": "weakness", "site": "ankle plantarflexion"},
        ],
    )
    flag = p.locator("#red-flags .flag").first
    flag.wait_for()
    assert flag.inner_text().startswith("URGENT")
    assert p.get_attribute("#red-flags", "role") == "alert"
    page.screenshot("localize-red-flag")


# ---------------------------------------------------------------- lessons, phone, disclaimer


def test_lesson_exports_are_linked_and_served(page: Page, server: str) -> None:
    p = page.open("/#/entity/RADIX:femoral_nerve")
    wait_until(p, "document.querySelector('#diagram').dataset.nodes > 0")
    markdown = httpx.get(server + p.get_attribute("#entity-md", "href"))
    assert markdown.status_code == 200 and markdown.headers["content-type"].startswith("text/markdown")
    assert "# femoral nerve" in markdown.text.lower()
    printable = p.get_attribute("#entity-print", "href")
    p.goto(server + printable)
    wait_until(p, "document.querySelector('#diagram') && document.querySelector('#diagram').dataset.nodes > 0")
    assert "quadriceps femoris" in p.locator("body").inner_text()
    page.screenshot("lesson-femoral-nerve-printable")


def test_the_page_fits_a_phone_and_states_the_disclaimer(browser: Any, server: str) -> None:
    phone = Page(browser, server, width=390, height=844)
    p = phone.open("/#/entity/RADIX:spinal_nerve_L5")
    wait_until(p, "document.querySelector('#diagram').dataset.nodes > 0")
    assert "not medical advice" in p.locator(".disclaimer").inner_text()
    overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
    phone.screenshot("phone-entity-L5")
    p.goto(server + "/#/bodymap/RADIX:spinal_nerve_C6")
    wait_until(p, "document.querySelectorAll('#bodymap-svg .region.full').length > 0")
    assert p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    phone.screenshot("phone-bodymap-C6")
    phone.check_clean()


def test_every_asset_is_served_by_the_app(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for src in (
        "/static/vendor/cytoscape.min.js",
        "/static/vendor/cytoscape-dagre.min.js",
        "/static/app.js",
        "/static/bodymap.svg",
    ):
        assert f'"{src}"' in page.text or src == "/static/bodymap.svg"
        r = httpx.get(server + src)
        assert r.status_code == 200 and len(r.content) > 1000, src
    assert "http://" not in page.text.replace("http://purl", "") and "https://" not in page.text
