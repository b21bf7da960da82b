// 预警图: the open early warnings the user may see, as points coloured by level, each linking to
// its page. An overlay of the map (map.js: window.OutpostMap); names are set as text only.
(function () {
  "use strict";
  const { map, el, control, label, node, load, escapeHtml, status } = window.OutpostMap;
  const url = el.dataset.warningsUrl;
  if (!url) return;
  const COLOURS = { yellow: "#eab308", orange: "#f97316", red: "#dc2626" };
  const layer = L.layerGroup();

  function popupNode(point) {
    const box = node("div", "warning-popup");
    const link = node("a", null, point.rule);
    link.href = point.url;
    box.append(link);
    return box;
  }

  async function draw() {
    const points = await load(url);
    layer.clearLayers();
    for (const p of points) {
      const marker = L.circleMarker([p.lat, p.lon], {
        className: `outpost-warning warning-${p.level}`, radius: 9, weight: 3,
        color: COLOURS[p.level] || "#eab308", fillOpacity: 0.25,
      });
      marker.bindPopup(popupNode(p));
      layer.addLayer(marker);
    }
    el.dataset.warnings = String(points.length);
  }

  el.addEventListener("outpost:areas", () => {
    control.addOverlay(layer, escapeHtml(label("Warnings")));
    layer.addTo(map);
    draw().catch((error) => { status.textContent = String(error); });
  });
})();
