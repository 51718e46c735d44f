"""The printable lesson page: a :class:`graph.lesson.Lesson` rendered with Jinja2 (autoescaped).

The page loads nothing from elsewhere: its stylesheet and the diagram scripts are the app's own
files under ``/static/``, and the pathway is embedded as JSON for ``RadixDiagram.render``. Without
the scripts (a page saved to disk) the tables and references still print.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from graph.lesson import TIERS, Lesson
from graph.pathway import Pathway

from .models import PathwayOut

if TYPE_CHECKING:
    import jinja2

#: The app's files the page loads, in order (served under /static/).
STYLESHEET = "/static/lesson.css"
SCRIPTS = ("/static/vendor/cytoscape.min.js", "/static/vendor/cytoscape-dagre.min.js", "/static/diagram.js")

#: The page's one inline script: the Print button, and the diagram drawn if RadixDiagram loaded.
BOOTSTRAP = """
(function () {
  "use strict";
  var printButton = document.getElementById("print-button");
  if (printButton) printButton.addEventListener("click", function () { window.print(); });
  var box = document.getElementById("diagram");
  var data = document.getElementById("pathway-data");
  if (!box || !data || !window.RadixDiagram || typeof window.RadixDiagram.render !== "function") return;
  var pathway = JSON.parse(data.textContent);
  var tip = document.getElementById("diagram-tip");
  var explore = document.getElementById("explore-button");
  var cy = null;
  function draw(interactive) {
    if (cy && typeof cy.destroy === "function") cy.destroy();
    box.textContent = "";
    cy = window.RadixDiagram.render(box, pathway, { interactive: interactive, tooltip: interactive ? tip : null });
  }
  draw(false);
  if (cy && explore) {
    explore.hidden = false;
    explore.addEventListener("click", function () { draw(true); explore.hidden = true; });
  }
  window.addEventListener("beforeprint", function () {
    if (tip) tip.hidden = true;
    if (cy && typeof cy.fit === "function") { cy.resize(); cy.fit(undefined, 12); }
  });
})();
"""


def policy() -> str:
    """The page's Content-Security-Policy: same-origin only, and of inline scripts only :data:`BOOTSTRAP` (by hash)."""
    digest = base64.b64encode(hashlib.sha256(BOOTSTRAP.encode()).digest()).decode()
    return (
        f"default-src 'self'; script-src 'self' 'sha256-{digest}'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


@cache
def environment() -> jinja2.Environment:
    """The template environment, made on first use: templates from the package, every value autoescaped."""
    import jinja2  # here, not at import: only the HTML lesson needs it, and it costs start-up 40 ms

    return jinja2.Environment(
        loader=jinja2.PackageLoader("api", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def pathway_data(pathway: Pathway, highlight: tuple[str, ...] = ()) -> dict[str, Any]:
    """The pathway as ``/pathways/{id}`` answers it (its API model), plus the nodes to highlight."""
    data: dict[str, Any] = PathwayOut.model_validate(pathway).model_dump(mode="json")
    if highlight:
        data["highlight"] = list(highlight)
    return data


def script_json(data: object) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<`` can close the element or open a comment.

    >>> script_json({"label": "</script><!--"})
    '{"label": "\\\\u003c/script>\\\\u003c!--"}'
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _host(url: str) -> str:
    """What a reference link shows on screen (the full address is printed after it)."""
    return urlsplit(url).netloc or url


def render_html(lesson: Lesson, markdown_href: str = "") -> str:
    """The lesson as a self-contained printable HTML page (A4), with the pathway diagram where the scripts exist."""
    template = environment().get_template("lesson.html")
    pathway = script_json(pathway_data(lesson.pathway, lesson.highlight)) if lesson.pathway is not None else ""
    return template.render(
        lesson=lesson,
        pathway_json=pathway,
        stylesheet=STYLESHEET,
        scripts=SCRIPTS,
        tiers=TIERS,
        host=_host,
        markdown_href=markdown_href,
        bootstrap=BOOTSTRAP,
    )
