// Radix web page: search, entity view with pathway diagram, body map, localization form,
// lesson export. Plain JavaScript against the app's own JSON API; every view has a URL
// (#/entity/ID, #/bodymap/ID?map=M, #/localize?finding=KIND:SITE&normal=KIND:SITE).
/* global RadixDiagram */
(function () {
  "use strict";

  // ------------------------------------------------------------ small helpers

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  /** A DOM element; children are nodes or strings (always inserted as text, never as HTML). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Replace the children of `node` (null, undefined and false are skipped, as in `h`). */
  function put(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  const enc = encodeURIComponent;
  const localId = (id) => String(id).replace(/^RADIX:/, "");
  const entityHref = (id) => "#/entity/" + enc(id);
  const words = (name) => String(name).replace(/_/g, " ");
  const TYPE_NAMES = {
    SpinalNerve: "spinal nerve", SpinalCordSegment: "spinal cord segment", SpinalCordRegion: "spinal cord region",
    PlexusPart: "plexus part", SkinRegion: "skin region", PelvicFunction: "pelvic function",
    IntervertebralDisc: "intervertebral disc", IntervertebralForamen: "intervertebral foramen",
    ClinicalTest: "clinical test", SoftTissue: "soft tissue", BloodVessel: "blood vessel",
  };
  const typeName = (type) => TYPE_NAMES[type] || String(type).toLowerCase();
  const TERRITORY_TYPES = ["SpinalNerve", "Dermatome", "Nerve", "PlexusPart", "Plexus"];

  class ApiError extends Error {
    constructor(status, message, detail) {
      super(message);
      this.status = status;
      this.detail = detail;
    }
  }

  async function api(path, options) {
    const response = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
    if (!response.ok) {
      let message = response.status + " " + response.statusText;
      let detail = null;
      try {
        detail = (await response.json()).detail;
        if (detail && detail.message) message = detail.message;
        else if (Array.isArray(detail)) message = detail.map((d) => d.msg).join("; ");
      } catch (_) {
        /* not JSON: keep the status line */
      }
      throw new ApiError(response.status, message, detail);
    }
    return response.json();
  }

  function setStatus(message, kind) {
    const status = $("#status");
    status.textContent = message || "";
    status.className = "status" + (kind ? " " + kind : "");
  }

  function reportError(err) {
    setStatus(err instanceof ApiError ? err.message : "Something went wrong: " + err.message);
  }

  // ------------------------------------------------------------ autocomplete (ARIA combobox)

  /**
   * Turn `input` + `listbox` into an autocomplete over /entities. `types()` gives the classes
   * to search (comma-separated) or "" for all; `onPick(entity)` is called with the choice.
   */
  function autocomplete(input, listbox, options) {
    const opts = Object.assign({ types: () => "", onPick: () => {}, limit: 8 }, options);
    let items = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    function close() {
      items = [];
      active = -1;
      listbox.hidden = true;
      put(listbox);
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function draw() {
      const query = input.value.trim().toLowerCase();
      put(listbox,
        ...items.map((item, i) => {
          const synonym = item.label.toLowerCase().includes(query)
            ? null
            : item.synonyms.find((s) => s.toLowerCase().includes(query));
          return h(
            "li",
            {
              id: listbox.id + "-" + i,
              role: "option",
              "aria-selected": String(i === active),
              "data-id": item.id,
              onmousedown: (event) => {
                event.preventDefault(); // keep focus in the input
                pick(i);
              },
            },
            h("span", {}, item.label, synonym ? h("span", { class: "syn" }, "also: " + synonym) : null),
            h("span", { class: "type" }, typeName(item.type)),
          );
        }),
      );
      listbox.hidden = items.length === 0;
      input.setAttribute("aria-expanded", String(items.length > 0));
      if (active >= 0) input.setAttribute("aria-activedescendant", listbox.id + "-" + active);
      else input.removeAttribute("aria-activedescendant");
    }

    async function update() {
      const q = input.value.trim();
      if (!q) return close();
      const mine = ++asked;
      const params = new URLSearchParams({ q, limit: String(opts.limit) });
      const types = opts.types();
      if (types) params.set("type", types);
      try {
        const answer = await api("/entities?" + params);
        if (mine !== asked) return; // a newer keystroke has asked again
        items = answer.data;
        active = items.length ? 0 : -1;
        draw();
      } catch (err) {
        reportError(err);
      }
    }

    function pick(i) {
      const item = items[i];
      close();
      if (item) opts.onPick(item);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = (active + step + items.length) % items.length;
        draw();
      } else if (event.key === "Enter") {
        if (items.length) {
          event.preventDefault();
          pick(active >= 0 ? active : 0);
        }
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    return { close };
  }

  // ------------------------------------------------------------ routing

  function parseHash() {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, query] = hash.split("?");
    const parts = path.split("/").filter(Boolean);
    return { view: parts[0] || "home", arg: parts[1] ? decodeURIComponent(parts[1]) : null, params: new URLSearchParams(query || "") };
  }

  function show(view) {
    for (const section of $$("section.view")) section.hidden = section.id !== "view-" + view;
    for (const link of $$("header nav a[data-view]")) {
      if (link.dataset.view === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  /** Move focus to the view's heading after navigation, so screen readers announce it. */
  function focusHeading(view) {
    const heading = $("#view-" + view + " h1");
    if (heading && routed > 1) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: false });
    }
  }

  let routed = 0;
  async function route() {
    routed += 1;
    setStatus("");
    const { view, arg, params } = parseHash();
    try {
      if (view === "entity" && arg) await showEntity(arg);
      else if (view === "bodymap") await showBodymap(arg, params.get("map") || "");
      else if (view === "localize") await showLocalize(params);
      else {
        show("home");
        document.title = "Radix: spine and peripheral nerve pathways";
      }
    } catch (err) {
      reportError(err);
    }
    focusHeading(view === "entity" || view === "bodymap" || view === "localize" ? view : "home");
  }

  // ------------------------------------------------------------ diagrams

  const diagrams = {};

  function legend(list, pathway) {
    const types = Array.from(new Set(pathway.nodes.map((n) => n.type)));
    put(list,
      ...types.map((t) => h("li", {}, h("i", { style: "background:" + RadixDiagram.styleOf(t).colour }), typeName(t))),
      h("li", {}, h("i", { class: "dashed" }), "minor contribution"),
    );
  }

  function drawDiagram(key, container, tip, pathway) {
    if (diagrams[key]) diagrams[key].destroy();
    diagrams[key] = null;
    if (typeof RadixDiagram === "undefined") {
      container.textContent = "The diagram script did not load.";
      return;
    }
    diagrams[key] = RadixDiagram.render(container, pathway, {
      tooltip: tip,
      onSelect: (id) => {
        location.hash = entityHref(id);
      },
    });
  }

  window.addEventListener("resize", () => {
    for (const cy of Object.values(diagrams)) {
      if (cy) {
        cy.resize();
        cy.fit(undefined, 12);
      }
    }
  });

  function diagramText(list, pathway) {
    const labels = {};
    for (const n of pathway.nodes) labels[n.id] = n.label;
    put(list,
      ...pathway.edges.map((e) =>
        h(
          "li",
          {},
          h("a", { href: entityHref(e.source) }, labels[e.source] || e.source),
          " " + words(e.relation) + " ",
          h("a", { href: entityHref(e.target) }, labels[e.target] || e.target),
          e.contribution === "minor" ? " (minor)" : "",
          e.maps && e.maps.length ? " [" + e.maps.map((m) => m.label).join(", ") + "]" : "",
        ),
      ),
    );
  }

  // ------------------------------------------------------------ entity view

  function citeLinks(sourceIds, numbers) {
    return h(
      "sup",
      { class: "cite" },
      ...sourceIds.flatMap((id, i) => [
        i ? " " : "", // lets a long run of citations wrap
        h("a", { href: "#src-" + numbers[id], title: id, onclick: jumpToSource }, "[" + numbers[id] + "]"),
      ]),
    );
  }

  function jumpToSource(event) {
    event.preventDefault(); // the hash is the route: scroll instead of navigating
    const target = document.getElementById(event.currentTarget.getAttribute("href").slice(1));
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.focus();
    }
  }

  function relationTable(relations, numbers, direction, selfLabel) {
    if (!relations.length) return null;
    const rows = relations.map((r) => {
      const ids = Array.from(new Set(r.assertions.flatMap((a) => a.sources)));
      const maps = Array.from(new Set(r.assertions.filter((a) => a.map).map((a) => a.map.label)));
      const other = h("a", { href: entityHref(r.entity.id) }, r.entity.label);
      return h(
        "tr",
        {},
        h("td", {}, direction === "out" ? selfLabel : other),
        h("td", {}, words(r.relation)),
        h("td", {}, direction === "out" ? other : selfLabel),
        h("td", {}, h("span", { class: "pill " + r.contribution }, r.contribution)),
        h("td", {}, maps.join(", ")),
        h("td", {}, citeLinks(ids, numbers)),
      );
    });
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "table" },
      h("caption", { class: "visually-hidden" }, direction === "out" ? "Relations from this entity" : "Relations to this entity"),
      h(
        "thead",
        {},
        h("tr", {}, ...["Subject", "Relation", "Object", "Contribution", "Map", "Sources"].map((t) => h("th", { scope: "col" }, t))),
      ),
        h("tbody", {}, rows),
      ),
    );
  }

  function xrefLink(curie) {
    const [prefix, local] = curie.split(":");
    const bases = { UBERON: "http://purl.obolibrary.org/obo/UBERON_", FMA: "http://purl.obolibrary.org/obo/FMA_" };
    return bases[prefix] ? h("a", { href: bases[prefix] + local, rel: "noopener" }, curie) : h("span", {}, curie);
  }

  async function showEntity(id) {
    show("entity");
    setStatus("Loading " + localId(id) + "…", "info");
    const entity = await api("/entities/" + enc(id));
    setStatus("");
    document.title = entity.label + " · Radix";
    $("#entity-title").textContent = entity.label;
    put($("#entity-meta"),
      typeName(entity.type) + " · " + entity.id + " · ",
      h("a", { href: "/entities/" + enc(entity.id) + "?format=turtle" }, "Turtle"),
      " · ",
      h("a", { href: "/entities/" + enc(entity.id) }, "JSON"),
    );
    $("#entity-definition").textContent = entity.definition || "";
    const facts = [];
    if (entity.synonyms.length) facts.push(["Also called", entity.synonyms.join("; ")]);
    const xrefs = entity.exact_match.map((c) => [c, "exact"]).concat(entity.close_match.map((c) => [c, "close"]));
    if (xrefs.length) {
      facts.push(["Cross-references", xrefs.flatMap(([c, kind], i) => [i ? ", " : "", xrefLink(c), " (" + kind + ")"])]);
    }
    put($("#entity-facts"), ...facts.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));

    const numbers = {};
    entity.sources.forEach((s, i) => (numbers[s.id] = i + 1));
    put($("#entity-relations"),
      ...[
        relationTable(entity.outgoing, numbers, "out", entity.label),
        relationTable(entity.incoming, numbers, "in", entity.label),
      ].filter(Boolean),
    );
    put($("#entity-sources"),
      ...entity.sources.map((s, i) =>
        h(
          "li",
          { id: "src-" + (i + 1), tabindex: "-1" },
          s.citation + " ",
          s.url ? h("a", { href: s.url, rel: "noopener" }, s.url) : null,
          h("span", { class: "tier", title: "source quality tier" }, "tier " + s.tier),
        ),
      ),
    );

    const lesson = "/lessons/" + enc(entity.id);
    $("#entity-md").href = lesson + "?format=markdown";
    $("#entity-print").href = lesson + "?format=html";
    const bodymapLink = $("#entity-bodymap");
    bodymapLink.hidden = !TERRITORY_TYPES.includes(entity.type);
    bodymapLink.href = "#/bodymap/" + enc(entity.id);

    const pathway = await api("/pathways/" + enc(entity.id));
    $("#diagram-note").textContent = pathway.note + (pathway.truncated ? " (Cut at " + pathway.nodes.length + " nodes.)" : "");
    $("#diagram").setAttribute("aria-label", "Pathway diagram of " + entity.label + ": " + pathway.nodes.length + " entities; listed as text below");
    drawDiagram("entity", $("#diagram"), $("#diagram-tip"), pathway);
    legend($("#diagram-legend"), pathway);
    diagramText($("#diagram-text"), pathway);
  }

  // ------------------------------------------------------------ body map

  let bodymapSvg = null;

  async function svgText() {
    if (bodymapSvg === null) {
      const response = await fetch("/static/bodymap.svg");
      if (!response.ok) throw new Error("the body map drawing is missing (" + response.status + ")");
      bodymapSvg = await response.text();
    }
    return bodymapSvg;
  }

  /** Put the drawing into `container` (once) and call onRegion(regionId) when a region is chosen. */
  async function mountBodymap(container, onRegion) {
    if (container.querySelector("svg")) return container.querySelector("svg");
    container.innerHTML = await svgText(); // the app's own static file
    const svg = container.querySelector("svg");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "Body map, front and back: each skin region is a button");
    for (const region of $$(".region", svg)) {
      if (!onRegion) {
        region.removeAttribute("tabindex");
        region.removeAttribute("role");
        continue;
      }
      region.addEventListener("click", () => onRegion(region.dataset.region));
      region.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onRegion(region.dataset.region);
        }
      });
    }
    return svg;
  }

  function shade(svg, full, partial, marked) {
    const fullSet = new Set(full);
    const partialSet = new Set(partial);
    const markedSet = new Set(marked || []);
    for (const region of $$(".region", svg)) {
      const id = region.dataset.region;
      region.classList.toggle("full", fullSet.has(id));
      region.classList.toggle("partial", !fullSet.has(id) && partialSet.has(id));
      region.classList.toggle("finding", markedSet.has(id));
    }
  }

  const QUICK_ROOTS = ["C4", "C5", "C6", "C7", "C8", "T1", "T4", "T10", "L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3"];
  let bodymapReady = false;

  function setupBodymap() {
    if (bodymapReady) return;
    bodymapReady = true;
    const quick = $("#view-bodymap .quick");
    for (const root of QUICK_ROOTS) quick.append(h("a", { class: "button small", href: "#/bodymap/RADIX:spinal_nerve_" + root }, root));
    autocomplete($("#bodymap-input"), $("#bodymap-options"), {
      types: () => TERRITORY_TYPES.join(","),
      onPick: (item) => {
        location.hash = "#/bodymap/" + enc(item.id);
      },
    });
    $("#bodymap-form").addEventListener("submit", (event) => event.preventDefault());
    $("#bodymap-map").addEventListener("change", (event) => {
      const { arg } = parseHash();
      const map = event.target.value;
      location.hash = "#/bodymap/" + enc(arg) + (map ? "?map=" + enc(map) : "");
    });
  }

  async function showBodymap(id, map) {
    show("bodymap");
    setupBodymap();
    document.title = "Body map · Radix";
    const svg = await mountBodymap($("#bodymap-svg"), showRegion);
    const panel = $("#territory-panel");
    for (const link of [$("#bodymap-md"), $("#bodymap-print")]) link.hidden = !id;
    if (!id) {
      shade(svg, [], []);
      panel.hidden = true;
      $("#bodymap-title").textContent = "Body map";
      return;
    }
    const params = map ? "?map=" + enc(map) : "";
    const territory = await api("/territories/" + enc(id) + params);
    const what = territory.kind === "dermatome" ? "dermatome" : "cutaneous territory";
    $("#bodymap-title").textContent = "Body map: " + territory.entity.label + " " + what;
    document.title = territory.entity.label + " " + what + " · Radix";
    $("#bodymap-input").value = territory.entity.label;
    const select = $("#bodymap-map");
    select.replaceChildren(
      h("option", { value: "" }, "Every map"),
      ...territory.maps.map((m) => h("option", { value: localId(m.id), selected: territory.map && territory.map.id === m.id }, m.label)),
    );
    select.disabled = territory.maps.length === 0;
    shade(svg, territory.shade.full, territory.shade.partial);
    panel.hidden = false;
    $("#territory-title").textContent = territory.entity.label + ": " + territory.regions.length + " skin regions";
    const mapNote = territory.kind !== "dermatome"
      ? "The skin its cutaneous branches supply."
      : territory.map
        ? "As drawn on one map: " + territory.map.label + ". Other maps differ; choose “Every map” to compare."
        : "Every map together; each region lists the maps that include it. Choose a map to see one source's view.";
    put($("#territory-note"), mapNote + " ", h("a", { href: entityHref(territory.entity.id) }, "Open " + territory.entity.label));
    put($("#territory-rows"),
      ...territory.regions.map((r) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: entityHref(r.region.id) }, r.region.label)),
          h("td", {}, h("a", { href: entityHref(r.via.id) }, r.via.label)),
          h("td", {}, r.maps.map((m) => m.label).join(", ") || "—"),
        ),
      ),
    );
    const lesson = "/lessons/" + enc(territory.entity.id) + (map ? "?map=" + enc(map) + "&" : "?");
    $("#bodymap-md").href = lesson + "format=markdown";
    $("#bodymap-print").href = lesson + "format=html";
  }

  /** What supplies a skin region: the roots and nerves whose lesion numbs it. */
  async function showRegion(regionId) {
    const panel = $("#region-panel");
    panel.hidden = false;
    for (const node of $$("#bodymap-svg .region")) node.classList.toggle("selected", node.dataset.region === regionId);
    $("#region-title").textContent = "Loading…";
    let answer;
    try {
      answer = await api("/roots?kind=numbness&site=" + enc("RADIX:" + regionId));
    } catch (err) {
      $("#region-title").textContent = words(regionId);
      put($("#region-body"), h("p", {}, err.message));
      return;
    }
    const label = answer.finding.site.label;
    $("#region-title").textContent = "What supplies the " + label + "?";
    const list = (items, territory) =>
      items.length
        ? h(
            "ul",
            {},
            ...items.map((c) =>
              h(
                "li",
                {},
                h("a", { href: territory ? "#/bodymap/" + enc(c.id) : entityHref(c.id) }, c.label),
                c.contribution === "minor" ? " (minor)" : "",
                c.maps.length ? " — " + c.maps.map((m) => m.label).join(", ") : "",
              ),
            ),
          )
        : h("p", {}, "None recorded.");
    put($("#region-body"),
      h("h3", {}, "Spinal nerves"),
      list(answer.roots, true),
      h("h3", {}, "Nerves"),
      list(answer.nerves, true),
      answer.note ? h("p", { class: "note" }, answer.note) : null,
      h("p", {}, h("a", { href: entityHref(answer.finding.site.id) }, "Open " + label)),
    );
  }

  // ------------------------------------------------------------ localization

  let findingKinds = null;

  async function kinds() {
    if (findingKinds === null) findingKinds = await api("/finding-kinds");
    return findingKinds;
  }

  function findingRow(finding) {
    const index = $$("#findings > li").length + 1;
    const kindSelect = h(
      "select",
      { "aria-label": "Kind of finding " + index, class: "kind" },
      ...findingKinds.map((k) => h("option", { value: k.name, title: k.meaning, selected: k.name === finding.kind }, words(k.name))),
    );
    const listId = "site-options-" + Math.random().toString(36).slice(2);
    const site = h("input", {
      class: "site",
      type: "text",
      value: finding.site || "",
      placeholder: "site, e.g. anterior thigh",
      "aria-label": "Site of finding " + index,
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": listId,
    });
    const options = h("ul", { id: listId, class: "options", role: "listbox", "aria-label": "Matching sites", hidden: true });
    const present = h(
      "select",
      { class: "present", "aria-label": "Finding " + index + " present or normal" },
      h("option", { value: "true", selected: finding.present !== false }, "present"),
      h("option", { value: "false", selected: finding.present === false }, "normal"),
    );
    const row = h(
      "li",
      { class: "finding-row" },
      kindSelect,
      h("div", { class: "combo" }, site, options),
      present,
      h(
        "button",
        { type: "button", class: "button small", "aria-label": "Remove finding " + index, onclick: () => row.remove() },
        "Remove",
      ),
    );
    autocomplete(site, options, {
      types: () => (findingKinds.find((k) => k.name === kindSelect.value) || { site_types: [] }).site_types.join(","),
      onPick: (item) => {
        site.value = item.label;
      },
    });
    $("#findings").append(row);
    return row;
  }

  function readFindings() {
    return $$("#findings > li")
      .map((row) => ({
        kind: $(".kind", row).value,
        site: $(".site", row).value.trim(),
        present: $(".present", row).value === "true",
      }))
      .filter((f) => f.site);
  }

  function findingsQuery(findings) {
    const params = new URLSearchParams();
    for (const f of findings) params.append(f.present ? "finding" : "normal", f.kind + ":" + f.site);
    return params.toString();
  }

  function findingsFromParams(params) {
    const out = [];
    for (const [key, value] of params) {
      if (key !== "finding" && key !== "normal") continue;
      const at = value.indexOf(":");
      if (at < 0) continue;
      out.push({ kind: value.slice(0, at), site: value.slice(at + 1), present: key === "finding" });
    }
    return out;
  }

  let localizeReady = false;

  async function setupLocalize() {
    await kinds();
    if (localizeReady) return;
    localizeReady = true;
    $("#add-finding").addEventListener("click", () => $(".site", findingRow({ kind: "numbness" })).focus());
    $("#localize-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const findings = readFindings();
      if (!findings.length) {
        setStatus("Add at least one finding with a site.");
        return;
      }
      const hash = "#/localize?" + findingsQuery(findings);
      if (location.hash === hash) route();
      else location.hash = hash;
    });
  }

  async function showLocalize(params) {
    show("localize");
    document.title = "Localize · Radix";
    await setupLocalize();
    const findings = findingsFromParams(params);
    put($("#findings"));
    for (const f of findings.length ? findings : [{ kind: "numbness", site: "" }]) findingRow(f);
    const results = $("#localize-results");
    for (const link of [$("#localize-md"), $("#localize-print")]) link.hidden = !findings.length;
    if (!findings.length) {
      results.hidden = true;
      return;
    }
    const query = findingsQuery(findings);
    $("#localize-md").href = "/lessons/localize?" + query + "&format=markdown";
    $("#localize-print").href = "/lessons/localize?" + query + "&format=html";
    setStatus("Localizing…", "info");
    const answer = await api("/localize", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ findings, limit: 10 }),
    });
    setStatus("");
    results.hidden = false;
    renderLocalization(answer);
  }

  const LEVELS = {
    root: "spinal nerve root", roots: "several roots", plexus: "plexus", nerve: "nerve",
    spinal_cord: "spinal cord", non_neural: "not a nerve", polyneuropathy: "polyneuropathy",
  };

  function findingText(f) {
    return words(f.kind) + ": " + f.site.label + (f.present ? "" : " (normal)");
  }

  function renderLocalization(answer) {
    put($("#red-flags"),
      ...answer.red_flags.map((flag) =>
        h(
          "div",
          { class: "flag" },
          h("strong", {}, (flag.urgent ? "URGENT: " : "") + flag.condition.label),
          h("p", {}, flag.message),
          h("p", { class: "note" }, "Because of: " + flag.findings.map(findingText).join("; ")),
        ),
      ),
    );
    put($("#unresolved"),
      ...answer.unresolved.map((u) =>
        h(
          "div",
          { class: "unresolved" },
          h("strong", {}, "Not understood: " + words(u.kind) + ": “" + u.site + "”. "),
          u.reason + " ",
          u.closest.length ? "Closest: " + u.closest.map((c) => c.label).join(", ") + "." : "",
        ),
      ),
    );
    const list = $("#candidates");
    put(list,
      ...answer.candidates.map((c, i) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", "aria-pressed": String(i === 0), "data-id": c.id, onclick: () => selectCandidate(answer, i).catch(reportError) },
            h("span", { class: "score", title: "score" }, c.score.toFixed(2)),
            h("strong", { class: "candidate-label" }, c.label),
            c.description && c.description !== c.label ? h("span", { class: "where" }, c.description) : null,
            h(
              "span",
              { class: "level" },
              (LEVELS[c.level] || c.level) +
                " · explains " +
                c.explains.length +
                (c.contradicts.length ? " · contradicts " + c.contradicts.length : ""),
            ),
          ),
        ),
      ),
    );
    if (!answer.candidates.length) put(list, h("li", {}, "No candidate explains these findings."));
    put($("#discriminators"),
      ...(answer.discriminators.length
        ? answer.discriminators.map((d) => h("li", {}, d.text))
        : [h("li", {}, "None: the findings already separate the leading candidates, or nothing in the graph would.")]),
    );
    if (answer.candidates.length) selectCandidate(answer, 0).catch(reportError);
  }

  /** A pathway-shaped graph (nodes, edges) from the explaining paths of a candidate. */
  function candidatePathway(candidate, sources) {
    const nodes = new Map();
    const edges = new Map();
    nodes.set(candidate.id, { id: candidate.id, label: candidate.label, type: candidate.type });
    for (const explanation of candidate.explains) {
      for (const path of explanation.paths) {
        for (const step of path.steps) {
          nodes.set(step.source.id, step.source);
          nodes.set(step.target.id, step.target);
          const key = step.source.id + " " + step.relation + " " + step.target.id;
          if (!edges.has(key)) {
            edges.set(key, {
              source: step.source.id, target: step.target.id, relation: step.relation,
              contribution: step.contribution, maps: step.maps, sources: step.sources,
            });
          }
        }
      }
    }
    // A path may end at a part or a whole of the finding's site (the palmar thumb for a numb
    // thumb): join it to the site, so that every finding shows on the diagram.
    for (const explanation of candidate.explains) {
      const site = explanation.finding.site;
      for (const path of explanation.paths) {
        const end = path.steps.length ? path.steps[path.steps.length - 1].target : null;
        if (!end || end.id === site.id) continue;
        nodes.set(site.id, site);
        const key = end.id + " finding " + site.id;
        if (!edges.has(key)) {
          edges.set(key, { source: end.id, target: site.id, relation: "overlaps_finding_site", contribution: explanation.contribution, maps: [], sources: [] });
        }
      }
    }
    const sites = candidate.explains.map((e) => e.finding.site.id);
    return { seed: { id: candidate.id }, nodes: Array.from(nodes.values()), edges: Array.from(edges.values()), sources, highlight: sites };
  }

  async function selectCandidate(answer, index) {
    const c = answer.candidates[index];
    for (const button of $$("#candidates button")) button.setAttribute("aria-pressed", String(button.dataset.id === c.id));
    const items = (list, cls) =>
      h(
        "ul",
        { class: cls },
        ...list.map((e) =>
          h(
            "li",
            {},
            findingText(e.finding),
            e.paths && e.paths[0]
              ? h("span", { class: "note" }, " — " + [e.paths[0].steps[0].source.label, ...e.paths[0].steps.map((s) => s.target.label)].join(" → "))
              : null,
          ),
        ),
      );
    $("#candidate-title").textContent = c.label;
    put($("#candidate-detail"),
      h("p", {}, c.description, " ", h("a", { href: entityHref(c.id) }, "Open " + c.label)),
      c.explains.length ? h("h3", {}, "Explains") : null,
      c.explains.length ? items(c.explains, "explains") : null,
      c.contradicts.length ? h("h3", {}, "Contradicted by normal findings") : null,
      c.contradicts.length ? items(c.contradicts, "contradicts") : null,
      c.unexplained.length ? h("p", {}, "Leaves unexplained: " + c.unexplained.map((f) => f.site.label).join(", ")) : null,
      c.members.length ? h("p", {}, "Together: " + c.members.map((m) => m.label).join(", ")) : null,
      c.conditions.length
        ? h("p", {}, "Common causes here: ", ...c.conditions.flatMap((k, i) => [i ? ", " : "", h("a", { href: entityHref(k.id) }, k.label)]))
        : null,
    );
    const pathway = candidatePathway(c, answer.sources || []);
    drawDiagram("candidate", $("#candidate-diagram"), $("#candidate-tip"), pathway);

    // The body map: the candidate's skin territory (a root, several roots, a nerve), findings outlined.
    const svg = await mountBodymap($("#candidate-bodymap"), null);
    const skinFindings = answer.findings.filter((f) => f.site.type === "SkinRegion").map((f) => localId(f.site.id));
    const lesions = c.members.length ? c.members : [{ id: c.id, type: c.type }];
    const full = [];
    const partial = [];
    for (const lesion of lesions.filter((m) => TERRITORY_TYPES.includes(m.type))) {
      try {
        const t = await api("/territories/" + enc(lesion.id));
        full.push(...t.shade.full);
        partial.push(...t.shade.partial);
      } catch (_) {
        /* no skin territory: nothing to shade */
      }
    }
    shade(svg, full, partial, skinFindings);
  }

  // ------------------------------------------------------------ start

  function start() {
    autocomplete($("#search-input"), $("#search-options"), {
      onPick: (item) => {
        $("#search-input").value = "";
        location.hash = entityHref(item.id);
      },
    });
    window.addEventListener("hashchange", route);
    route();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
