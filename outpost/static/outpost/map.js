// The area map: grids and police beats drawn from the scoped GeoJSON API, no tile server needed.
// Every visible string comes translated from #map's data-label-* attributes; names and other data
// are only ever set as text (DOM nodes, textContent).
(function () {
  "use strict";
  const el = document.getElementById("map");
  const status = document.getElementById("map-status");
  const label = (key) => el.dataset["label" + key] || key;
  // Leaflet's own controls in the page's language; no attribution flag. A configured tile
  // server (天地图 or any XYZ URL) replaces the base drawn from the district's data and keeps the
  // attribution its provider requires.
  const map = L.map(el, { preferCanvas: false, zoomSnap: 0.25, zoomControl: false, attributionControl: false });
  L.control.zoom({ zoomInTitle: label("ZoomIn"), zoomOutTitle: label("ZoomOut") }).addTo(map);
  const hasTiles = Boolean(el.dataset.tileUrl);
  if (hasTiles) {
    L.control.attribution({ prefix: false }).addTo(map);
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  // On a phone the layer list folds into its button.
  const control = L.control.layers(null, null, { collapsed: window.innerWidth < 600 }).addTo(map);

  const STYLES = {
    grid: {
      normal: { color: "#2563eb", weight: 1, opacity: 0.9, fillColor: "#60a5fa", fillOpacity: 0.14 },
      hover: { weight: 2.5, fillOpacity: 0.38 },
      className: "outpost-grid",
    },
    beat: {
      normal: { color: "#dc2626", weight: 2, opacity: 0.85, dashArray: "6 4", fill: false },
      hover: { weight: 4, opacity: 1 },
      className: "outpost-beat",
    },
  };

  // Builders of DOM nodes: data is only ever set as text. Leaflet reads a string given to a
  // tooltip or popup as HTML, and names are data (a grid may have been renamed to markup).
  function node(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text != null) made.textContent = String(text);
    return made;
  }

  function textNode(text) {
    return node("span", null, text == null ? "" : text);
  }

  function peopleNode(list) {
    return list && list.length ? textNode(list.join("、")) : node("span", "none", label("None"));
  }

  function page(kind, code) {
    const template = el.dataset[kind + "Page"];
    return template ? template.replace("CODE", encodeURIComponent(code)) : null;
  }

  function popupNode(p) {
    const rows = [[label("Code"), node("span", "code", p.code)]];
    if (p.kind === "grid") {
      rows.push([label("Community"), textNode(p.community)], [label("Beat"), textNode(p.beat)]);
      rows.push([label("Workers"), peopleNode(p.grid_workers)]);
    } else {
      rows.push([label("Station"), textNode(p.station)]);
    }
    rows.push([label("Officers"), peopleNode(p.officers)]);
    const table = node("table", "popup");
    for (const [key, value] of rows) {
      const cell = document.createElement("td");
      cell.append(value);
      const tr = document.createElement("tr");
      tr.append(node("th", null, key), cell);
      table.append(tr);
    }
    const href = page(p.kind, p.code);
    const name = href ? node("a", null, p.name) : textNode(p.name);
    if (href) name.href = href;
    const strong = document.createElement("strong");
    strong.append(name);
    const kind = p.kind === "grid" ? label("KindGrid") : label("KindBeat");
    const head = node("div", "popup-head");
    head.append(node("span", `kind kind-${p.kind}`, kind), strong);
    const box = document.createElement("div");
    box.append(head, table);
    return box;
  }

  function layer(data, kind) {
    const look = STYLES[kind];
    const normal = Object.assign({ className: look.className }, look.normal);
    return L.geoJSON(data, {
      style: () => normal,
      onEachFeature: (feature, shape) => {
        const p = feature.properties;
        // Tooltip first: its click handler must run before the popup's, which closes it.
        shape.bindTooltip(textNode(p.name), { sticky: true, direction: "top", className: "outpost-tip" });
        shape.bindPopup(popupNode(p), { maxWidth: 360, minWidth: 220 });
        // The path element is created anew each time the layer is shown again.
        shape.on("add", () => {
          const path = shape.getElement();
          path.dataset.code = p.code;
          path.setAttribute("aria-label", p.name);
        });
        shape.on("popupopen", () => shape.closeTooltip());
        shape.on("mouseover", () => shape.setStyle(look.hover));
        shape.on("mouseout", () => shape.setStyle(normal));
      },
    });
  }

  // The layer control takes its names only as HTML strings: they are built from our own
  // translated labels and counts (never from data), escaped all the same.
  function escapeHtml(text) {
    const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
    return String(text).replace(/[&<>"']/g, (ch) => entities[ch]);
  }

  function legendName(kind, text, count) {
    return `<span class="swatch swatch-${kind}" aria-hidden="true"></span>${escapeHtml(text)}`
      + ` <span class="count">(${Number(count)})</span>`;
  }

  // The user's own area is the tighter of the two layers: a grid worker's grid rather than the
  // beats over it, an officer's beat rather than every grid it touches.
  function focus(gridLayer, beatLayer) {
    const boxes = [gridLayer.getBounds(), beatLayer.getBounds()].filter((b) => b.isValid());
    if (!boxes.length) return map.setView([32.07, 118.76], 12);
    const size = (b) => (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
    boxes.sort((a, b) => size(a) - size(b));
    map.fitBounds(boxes[0], { padding: [24, 24] });
  }

  async function load(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(url + " " + response.status);
    return response.json();
  }

  // The base and case layers (map-layers.js) build on these.
  window.OutpostMap = { map, el, control, hasTiles, label, node, textNode, load, escapeHtml, legendName, status };

  Promise.all([load(el.dataset.gridsUrl), load(el.dataset.beatsUrl)]).then(([grids, beats]) => {
    const gridLayer = layer(grids, "grid").addTo(map);
    const beatLayer = layer(beats, "beat").addTo(map);
    control.addOverlay(gridLayer, legendName("grid", label("Grids"), grids.features.length));
    control.addOverlay(beatLayer, legendName("beat", label("Beats"), beats.features.length));
    // Beats are outlines over the grids: keep them on top when the grids are shown again.
    map.on("overlayadd", () => { if (map.hasLayer(beatLayer)) beatLayer.bringToFront(); });
    focus(gridLayer, beatLayer);
    el.dataset.grids = grids.features.length;
    el.dataset.beats = beats.features.length;
    if (!grids.features.length && !beats.features.length) status.textContent = label("Empty");
    // The layers built on the grids (patrol coverage) get their shapes with the event.
    el.dispatchEvent(new CustomEvent("outpost:areas", { detail: { grids } }));
  }).catch((error) => {
    map.setView([32.07, 118.76], 12);
    status.textContent = String(error);
    status.classList.add("error");
  });
})();
