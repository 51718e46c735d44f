// Pathway diagrams: draws the JSON of /pathways/{id} (or any {nodes, edges, sources}) with
// Cytoscape.js and the dagre layout, proximal (roots) on the left to distal (skin, muscle,
// movement) on the right. Shared by the web page and the printable lesson page.
/* global cytoscape, cytoscapeDagre */
(function () {
  "use strict";

  // One colour per kind of entity, with a readable label colour; the legend uses the same table.
  const TYPE_STYLE = {
    SpinalNerve: { colour: "#1d3f8f", text: "#fff", shape: "round-rectangle", name: "spinal nerve" },
    SpinalCordSegment: { colour: "#4b5da8", text: "#fff", shape: "round-rectangle", name: "cord segment" },
    Plexus: { colour: "#6b3fa0", text: "#fff", shape: "round-hexagon", name: "plexus" },
    PlexusPart: { colour: "#8d62c4", text: "#fff", shape: "round-hexagon", name: "plexus part" },
    Nerve: { colour: "#0f766e", text: "#fff", shape: "round-rectangle", name: "nerve" },
    Muscle: { colour: "#b91c1c", text: "#fff", shape: "ellipse", name: "muscle" },
    Movement: { colour: "#15803d", text: "#fff", shape: "ellipse", name: "movement" },
    Reflex: { colour: "#be185d", text: "#fff", shape: "diamond", name: "reflex" },
    Dermatome: { colour: "#b45309", text: "#fff", shape: "round-rectangle", name: "dermatome" },
    SkinRegion: { colour: "#fcd9a8", text: "#3b2506", shape: "round-rectangle", name: "skin region" },
    PelvicFunction: { colour: "#166534", text: "#fff", shape: "ellipse", name: "pelvic function" },
    Joint: { colour: "#57534e", text: "#fff", shape: "round-rectangle", name: "joint" },
  };
  const OTHER = { colour: "#d4d4d8", text: "#18181b", shape: "round-rectangle", name: "other" };

  function styleOf(type) {
    return TYPE_STYLE[type] || OTHER;
  }

  function registerLayout() {
    if (typeof cytoscape === "undefined") return false;
    if (!registerLayout.done && typeof cytoscapeDagre !== "undefined") {
      cytoscape.use(cytoscapeDagre);
      registerLayout.done = true;
    }
    return true;
  }

  function elementsOf(pathway) {
    const seed = pathway.seed ? pathway.seed.id : null;
    const highlight = new Set(pathway.highlight || []);
    const nodes = pathway.nodes.map((n) => ({
      data: {
        id: n.id,
        label: n.label,
        type: n.type,
        colour: styleOf(n.type).colour,
        text: styleOf(n.type).text,
        shape: styleOf(n.type).shape,
      },
      classes: [n.id === seed ? "seed" : "", highlight.has(n.id) ? "highlight" : ""].join(" ").trim(),
    }));
    const edges = pathway.edges.map((e, i) => ({
      data: {
        id: "e" + i,
        source: e.source,
        target: e.target,
        relation: e.relation,
        contribution: e.contribution,
        maps: (e.maps || []).map((m) => m.label),
        sources: e.sources || [],
      },
      classes: e.contribution === "minor" ? "minor" : "",
    }));
    return nodes.concat(edges);
  }

  function stylesheet() {
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          shape: "data(shape)",
          label: "data(label)",
          color: "data(text)",
          "font-size": 11,
          "font-family": "system-ui, sans-serif",
          "text-valign": "center",
          "text-halign": "center",
          "text-wrap": "wrap",
          "text-max-width": 110,
          width: 124,
          height: 38,
          "border-width": 1,
          "border-color": "#27272a",
        },
      },
      { selector: "node.seed", style: { "border-width": 4, "border-color": "#f59e0b" } },
      { selector: "node.highlight", style: { "border-width": 4, "border-color": "#dc2626" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#2563eb" } },
      {
        selector: "edge",
        style: {
          width: 1.6,
          "line-color": "#71717a",
          "target-arrow-color": "#71717a",
          "target-arrow-shape": "triangle",
          "curve-style": "bezier",
          "arrow-scale": 0.9,
        },
      },
      { selector: "edge.minor", style: { "line-style": "dashed", "line-color": "#a1a1aa", "target-arrow-color": "#a1a1aa" } },
      {
        selector: "edge.hover",
        style: {
          width: 3,
          "line-color": "#2563eb",
          "target-arrow-color": "#2563eb",
          label: "data(relation)",
          "font-size": 10,
          "text-background-color": "#fff",
          "text-background-opacity": 1,
          "text-background-padding": 2,
        },
      },
    ];
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  // The tooltip of an edge: the relation, its contribution and maps, and each source's citation.
  function edgeTooltip(edge, sourcesById) {
    const d = edge.data();
    const from = edge.source().data("label");
    const to = edge.target().data("label");
    let html = `<strong>${escapeHtml(from)}</strong> ${escapeHtml(d.relation.replace(/_/g, " "))} <strong>${escapeHtml(to)}</strong>`;
    html += `<div class="tip-meta">${escapeHtml(d.contribution)} contribution`;
    if (d.maps.length) html += ` · map: ${escapeHtml(d.maps.join(", "))}`;
    html += "</div><ol class=\"tip-sources\">";
    for (const id of d.sources) {
      const s = sourcesById[id];
      html += `<li>${escapeHtml(s ? s.citation : id)}</li>`;
    }
    return html + "</ol>";
  }

  // A tall layered diagram squeezed into a fixed box has unreadable labels: let the box grow
  // with the layout (up to maxHeight), then fit.
  function fitHeight(cy, container, opts) {
    const box = cy.elements().boundingBox();
    const width = container.clientWidth || 800;
    const scale = Math.min(1, (width - 24) / Math.max(box.w, 1));
    const wanted = Math.max(opts.minHeight, Math.min(opts.maxHeight, box.h * scale + 24));
    container.style.height = Math.round(wanted) + "px";
    cy.resize();
    cy.fit(undefined, 12);
    container.dataset.nodes = String(cy.nodes().length);
    container.dataset.edges = String(cy.edges().length);
  }

  /**
   * Draw `pathway` into `container`. Options: interactive (default true), onSelect(nodeId)
   * called when a node is tapped, tooltip (an element to show edge sources in), minHeight and
   * maxHeight of the container in pixels.
   * Returns the Cytoscape instance, or null when the scripts are missing.
   */
  function render(container, pathway, options) {
    const opts = Object.assign({ interactive: true, onSelect: null, tooltip: null, minHeight: 260, maxHeight: 1400 }, options || {});
    if (!registerLayout()) {
      container.textContent = "The diagram needs the app's scripts (/static/vendor/cytoscape.min.js), which are missing.";
      return null;
    }
    const sourcesById = {};
    for (const s of pathway.sources || []) sourcesById[s.id] = s;
    const cy = cytoscape({
      container,
      elements: elementsOf(pathway),
      style: stylesheet(),
      layout: {
        name: typeof cytoscapeDagre !== "undefined" ? "dagre" : "breadthfirst",
        rankDir: "LR",
        nodeSep: 12,
        rankSep: 70,
        edgeSep: 6,
        directed: true,
        padding: 12,
        animate: false,
      },
      minZoom: 0.15,
      maxZoom: 2.5,
      userPanningEnabled: opts.interactive,
      userZoomingEnabled: opts.interactive,
      boxSelectionEnabled: false,
      autoungrabify: !opts.interactive,
    });
    fitHeight(cy, container, opts);
    if (opts.interactive) {
      const tip = opts.tooltip;
      const showTip = (evt) => {
        const edge = evt.target;
        edge.addClass("hover");
        if (!tip) return;
        tip.innerHTML = edgeTooltip(edge, sourcesById);
        const pos = evt.renderedPosition || edge.renderedMidpoint();
        tip.style.left = Math.min(pos.x + 12, container.clientWidth - 280) + "px";
        tip.style.top = pos.y + 12 + "px";
        tip.hidden = false;
      };
      const hideTip = (evt) => {
        evt.target.removeClass("hover");
        if (tip) tip.hidden = true;
      };
      cy.on("mouseover", "edge", showTip);
      cy.on("mouseout", "edge", hideTip);
      cy.on("tap", "edge", showTip); // touch screens have no hover
      cy.on("tap", "node", (evt) => {
        if (opts.onSelect) opts.onSelect(evt.target.id());
      });
      cy.on("mouseover", "node", () => (container.style.cursor = "pointer"));
      cy.on("mouseout", "node", () => (container.style.cursor = ""));
    }
    instances.set(container, cy);
    return cy;
  }

  // The diagram drawn in each container, so that tests and callers can reach it.
  const instances = new Map();

  window.RadixDiagram = { render, TYPE_STYLE, styleOf, instances };
})();
