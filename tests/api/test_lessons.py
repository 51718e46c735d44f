"""The lesson routes and the printable page (status first, then body)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.lesson_html import SCRIPTS, STYLESHEET, render_html
from graph.lesson import Item, Lesson, Section
from graph.pathway import Pathway, PathwayNode
from graph.queries import DISCLAIMER, Ref
from tests import FEMORAL

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"
FEMORAL_QUERY = {
    "finding": ["numbness:anterior thigh", "weakness:knee extension"],
    "normal": ["weakness:hip adduction"],
}
CITE = re.compile(r"(?<!\\)\[(\d+)\]")


class Page(HTMLParser):
    """The links and scripts of a page, with the class of each link and the JSON data blocks."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.classes: dict[str, str] = {}
        self.ids: set[str] = set()
        self.data: dict[str, str] = {}
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for attribute in ("src", "href"):
            if attribute in a:
                self.links.append((tag, attribute, a[attribute]))
                self.classes[a[attribute]] = a.get("class", "")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "script" and a.get("type") == "application/json":
            self._in = a.get("id", "")

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.data[self._in] = self.data.get(self._in, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None


@pytest.fixture(scope="module")
def femoral_page(client: TestClient) -> str:
    r = client.get(f"/lessons/{FEMORAL}", params={"format": "html"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    page: str = r.text
    return page


def test_markdown_is_a_download_with_the_lessons_file_name(client: TestClient) -> None:
    r = client.get(f"/lessons/{FEMORAL}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/markdown; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="femoral_nerve-lesson.md"'
    assert r.text.startswith("# femoral nerve\n") and "```mermaid\nflowchart LR\n" in r.text
    assert client.get("/lessons/femoral_nerve", params={"format": "markdown"}).text == r.text


def test_the_page_loads_nothing_from_elsewhere(femoral_page: str) -> None:
    page = Page(femoral_page)
    external = [(tag, attr, value) for tag, attr, value in page.links if re.match(r"(?i)\s*(https?:)?//", value)]
    assert external, "the references link to their sources"
    for tag, attr, value in external:  # only reference and cross-reference links, never a script or stylesheet
        assert (tag, attr) == ("a", "href") and page.classes[value] in ("ref-link", "xref"), value
    assert "@import" not in femoral_page and "url(" not in femoral_page


def test_the_page_uses_the_apps_own_assets_which_exist(client: TestClient, femoral_page: str) -> None:
    page = Page(femoral_page)
    local = [value for tag, _, value in page.links if tag in ("script", "link")]
    assert local == [STYLESHEET, *SCRIPTS]
    for path in local:
        assert (STATIC / path.removeprefix("/static/")).is_file(), path
        assert client.get(path).status_code == 200, path
    css = (STATIC / "lesson.css").read_text(encoding="utf-8")
    assert "size: A4" in css and "@media print" in css and "break-inside: avoid" in css
    assert 'content: " <" attr(href) ">"' in css  # URLs printed after the reference links


def test_the_page_embeds_the_same_pathway_as_the_pathway_route(client: TestClient, femoral_page: str) -> None:
    page = Page(femoral_page)
    embedded = json.loads(page.data["pathway-data"])
    assert embedded == client.get(f"/pathways/{FEMORAL}").json()
    assert "diagram" in page.ids and "RadixDiagram.render" in femoral_page
    assert "needs the app's scripts" in femoral_page  # what shows when the scripts are missing


def test_every_citation_on_the_page_links_to_its_reference(femoral_page: str) -> None:
    page = Page(femoral_page)
    anchors = {value for tag, _, value in page.links if value.startswith("#ref-")}
    assert anchors and all(a[1:] in page.ids for a in anchors)
    assert 'id="print-button"' in femoral_page and "window.print()" in femoral_page
    assert '<th scope="col" class="col-relation">relation</th>' in femoral_page
    assert "quadriceps femoris <code>RADIX:quadriceps_femoris</code>" in femoral_page
    assert 'href="/lessons/femoral_nerve?format=markdown"' in femoral_page


def test_labels_and_data_are_escaped() -> None:
    evil = "<script>alert(1)</script>"
    seed = Ref("RADIX:x", evil, "Nerve")
    diagram = Pathway(seed, "distal", (PathwayNode(seed.id, evil, "Nerve"),), (), (), False, "</script><!--")
    lesson = Lesson(
        "x",
        "entity",
        evil,
        "Nerve",
        DISCLAIMER,
        (Section("diagram", "Pathway", (evil,)), Section("synonyms", "Synonyms", items=(Item(evil, lead=evil),))),
        diagram,
        (),
        (),
    )
    html = render_html(lesson)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data = Page(html).data["pathway-data"]
    assert "</" not in data and "<!--" not in data
    assert json.loads(data)["nodes"][0]["label"] == evil


def test_a_localization_lesson_ranks_the_graphs_first_answer_first(client: TestClient) -> None:
    expected = client.post(
        "/localize",
        json={
            "findings": [
                {"kind": "numbness", "site": "anterior thigh"},
                {"kind": "weakness", "site": "knee extension"},
                {"kind": "weakness", "site": "hip adduction", "present": False},
            ]
        },
    ).json()["candidates"][0]
    assert expected["id"] == FEMORAL
    r = client.get("/lessons/localize", params=FEMORAL_QUERY)
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="localization-lesson.md"'
    first_row = next(line for line in r.text.splitlines() if line.startswith("| 1 |"))
    assert f"| 1 | {expected['description']} `{FEMORAL}` | nerve |" in first_row
    assert "URGENT" not in r.text


def test_a_localization_lesson_by_post_takes_the_localize_body(client: TestClient) -> None:
    body = {
        "findings": [
            {"kind": "numbness", "site": "anterior thigh"},
            {"kind": "numbness", "site": "saddle area"},
            {"kind": "sphincter_dysfunction", "site": "bladder"},
        ],
        "limit": 5,
        "format": "html",
    }
    r = client.post("/lessons/localize", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    main = r.text.split("<main>", 1)[1]
    assert main.index("URGENT") < main.index("Findings") < main.index("Candidate lesion sites")
    assert 'class="section section-red_flags urgent"' in main and "cauda equina syndrome" in main
    assert json.loads(Page(r.text).data["pathway-data"])["highlight"]


def test_the_localize_route_is_not_read_as_an_entity_id(client: TestClient) -> None:
    r = client.get("/lessons/localize", params={"format": "html", **FEMORAL_QUERY})
    assert r.status_code == 200 and "Where is the lesion?" in r.text


@pytest.mark.parametrize(
    ("url", "params", "status", "says"),
    [
        ("/lessons/RADIX:no_such_nerve", {}, 404, "no entity with id"),
        ("/lessons/femoral_nerve", {"format": "pdf"}, 422, "use one of: markdown, html"),
        ("/lessons/spinal_nerve_L5", {"map": "map_nobody"}, 422, "known maps"),
        ("/lessons/localize", {"finding": "numbness:nowhere at all"}, 422, "no finding could be resolved"),
        ("/lessons/localize", {}, 422, "give findings"),
        ("/lessons/localize", {"finding": "numbness anterior thigh"}, 422, "a finding is KIND:SITE"),
        ("/lessons/localize", {"finding": "itching:anterior thigh"}, 422, "allowed kinds"),
        ("/lessons/localize", {**FEMORAL_QUERY, "format": "docx"}, 422, "use one of: markdown, html"),
    ],
)
def test_bad_requests_say_what_would_be_right(
    client: TestClient, url: str, params: dict[str, str], status: int, says: str
) -> None:
    r = client.get(url, params=params)
    assert r.status_code == status, r.text
    assert says in r.json()["detail"]["message"]


def test_an_unknown_id_gets_the_closest_names(client: TestClient) -> None:
    r = client.get("/lessons/femoral_nerv")
    assert r.status_code == 404
    assert {"id": FEMORAL, "label": "femoral nerve"} in r.json()["detail"]["closest"]


def test_post_refuses_a_bad_format_and_an_unknown_field(client: TestClient) -> None:
    findings = [{"kind": "numbness", "site": "anterior thigh"}]
    r = client.post("/lessons/localize", json={"findings": findings, "format": "pdf"})
    assert r.status_code == 422 and "markdown, html" in r.json()["detail"]["message"]
    assert client.post("/lessons/localize", json={"findings": findings, "colour": "red"}).status_code == 422


def test_the_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/lessons/localize"]) == {"get", "post"}
    entity = paths["/lessons/{id}"]["get"]
    assert {"404", "422"} <= set(entity["responses"]) and "text/markdown" in entity["responses"]["200"]["content"]


def test_the_page_allows_only_its_own_inline_script(client: TestClient) -> None:
    r = client.get("/lessons/femoral_nerve", params={"format": "html"})
    assert r.status_code == 200
    policy = r.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    inline = re.findall(r"<script>(.*?)</script>", r.text, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in policy
    assert r.headers["x-content-type-options"] == "nosniff"
