// The area map: grids and police beats drawn from the scoped GeoJSON API, no tile server needed.
// Every visible string comes translated from #map's data-label-* attributes.
(function () {
  "use strict";
  const el = document.getElementById("map");
  const status = document.getElementById("map-status");
  const label = (key) => el.dataset["label" + key] || key;
  const map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);

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

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function people(list) {
    return list && list.length
      ? list.map(escape).join("、")
      : `<span class="none">${escape(label("None"))}</span>`;
  }

  function page(kind, code) {
    const template = el.dataset[kind + "Page"];
    return template ? template.replace("CODE", encodeURIComponent(code)) : null;
  }

  function popup(p) {
    const rows = [[label("Code"), `<span class="code">${escape(p.code)}</span>`]];
    if (p.kind === "grid") {
      rows.push([label("Community"), escape(p.community)], [label("Beat"), escape(p.beat)]);
      rows.push([label("Workers"), people(p.grid_workers)]);
    } else {
      rows.push([label("Station"), escape(p.station)]);
    }
    rows.push([label("Officers"), people(p.officers)]);
    const body = rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${v}</td></tr>`).join("");
    const href = page(p.kind, p.code);
    const name = href ? `<a href="${escape(href)}">${escape(p.name)}</a>` : escape(p.name);
    const kind = p.kind === "grid" ? label("KindGrid") : label("KindBeat");
    return `<div class="popup-head"><span class="kind kind-${escape(p.kind)}">${escape(kind)}</span>`
      + `<strong>${name}</strong></div><table class="popup">${body}</table>`;
  }

  function layer(data, kind) {
    const look = STYLES[kind];
    const normal = Object.assign({ className: look.className }, look.normal);
    return L.geoJSON(data, {
      style: () => normal,
      onEachFeature: (feature, shape) => {
        const p = feature.properties;
        // Tooltip first: its click handler must run before the popup's, which closes it.
        shape.bindTooltip(escape(p.name), { sticky: true, direction: "top", className: "outpost-tip" });
        shape.bindPopup(popup(p), { maxWidth: 360, minWidth: 220 });
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

  function legendName(kind, text, count) {
    return `<span class="swatch swatch-${kind}" aria-hidden="true"></span>${escape(text)}`
      + ` <span class="count">(${count})</span>`;
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

  Promise.all([load(el.dataset.gridsUrl), load(el.dataset.beatsUrl)]).then(([grids, beats]) => {
    const gridLayer = layer(grids, "grid").addTo(map);
    const beatLayer = layer(beats, "beat").addTo(map);
    const overlays = {};
    overlays[legendName("grid", label("Grids"), grids.features.length)] = gridLayer;
    overlays[legendName("beat", label("Beats"), beats.features.length)] = beatLayer;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    // Beats are outlines over the grids: keep them on top when the grids are shown again.
    map.on("overlayadd", () => { if (map.hasLayer(beatLayer)) beatLayer.bringToFront(); });
    focus(gridLayer, beatLayer);
    el.dataset.grids = grids.features.length;
    el.dataset.beats = beats.features.length;
    if (!grids.features.length && !beats.features.length) status.textContent = label("Empty");
  }).catch((error) => {
    map.setView([32.07, 118.76], 12);
    status.textContent = String(error);
    status.classList.add("error");
  });
})();
