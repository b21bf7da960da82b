// The area map: grids and police beats drawn from the scoped GeoJSON API, no tile server needed.
(function () {
  "use strict";
  const el = document.getElementById("map");
  const label = (key) => el.dataset["label" + key] || key;
  const map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function people(list) {
    return list && list.length ? list.map(escape).join("、") : escape(label("None"));
  }

  function popup(p) {
    const rows = [[label("Code"), escape(p.code)]];
    if (p.kind === "grid") {
      rows.push([label("Community"), escape(p.community)], [label("Beat"), escape(p.beat)]);
      rows.push([label("Workers"), people(p.grid_workers)]);
    } else {
      rows.push([label("Station"), escape(p.station)]);
    }
    rows.push([label("Officers"), people(p.officers)]);
    const body = rows.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${v}</td></tr>`).join("");
    return `<strong>${escape(p.name)}</strong><table class="popup">${body}</table>`;
  }

  function layer(data, kind) {
    const style = kind === "grid"
      ? { color: "#2563eb", weight: 1, fillOpacity: 0.12, className: "outpost-grid" }
      : { color: "#dc2626", weight: 2, dashArray: "6 4", fill: false, className: "outpost-beat" };
    return L.geoJSON(data, {
      style: () => style,
      onEachFeature: (feature, shape) => {
        shape.bindPopup(popup(feature.properties));
        shape.on("add", () => { shape.getElement().dataset.code = feature.properties.code; });
      },
    });
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
    overlays[`${label("Grids")} (${grids.features.length})`] = gridLayer;
    overlays[`${label("Beats")} (${beats.features.length})`] = beatLayer;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    const bounds = gridLayer.getBounds().extend(beatLayer.getBounds());
    if (bounds.isValid()) map.fitBounds(bounds); else map.setView([32.07, 118.76], 12);
    el.dataset.grids = grids.features.length;
    el.dataset.beats = beats.features.length;
    if (!grids.features.length && !beats.features.length) {
      document.getElementById("map-status").textContent = label("Empty");
    }
  }).catch((error) => {
    document.getElementById("map-status").textContent = String(error);
  });
})();
