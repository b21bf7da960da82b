// The map's base drawn from the district's own data (place names by zoom, roads through their
// door plates, organisations as points) and the case layer (clustered points coloured by state
// and urgency, filtered by category and period), plus the heat map for street and station
// commanders, and patrol coverage per grid for who reads an area's registry. Builds on map.js (window.OutpostMap); every name is set as text, never as HTML.
(function () {
  "use strict";
  const { map, el, control, hasTiles, label, node, textNode, load, legendName, escapeHtml, status } = window.OutpostMap;
  const data = el.dataset;

  // Names above every shape and never in the way of a click.
  map.createPane("outpost-base").style.zIndex = 350;
  map.createPane("outpost-labels").style.zIndex = 650;
  map.getPane("outpost-labels").style.pointerEvents = "none";

  function textIcon(kind, text) {
    const inner = node("span", "text", text);
    return L.divIcon({ className: `outpost-label outpost-label-${kind}`, html: inner, iconSize: null });
  }

  function nameMarker(kind, lat, lon, text) {
    return L.marker([lat, lon], {
      icon: textIcon(kind, text), pane: "outpost-labels", interactive: false, keyboard: false,
    });
  }

  // Each group of names is shown only within its zoom band [from, until).
  const banded = [];
  function band(group, from, until) {
    banded.push({ group, from, until });
  }

  function showBands() {
    const zoom = map.getZoom();
    for (const { group, from, until } of banded) {
      const inBand = zoom >= from && zoom < until;
      if (inBand && !map.hasLayer(group)) group.addTo(map);
      if (!inBand && map.hasLayer(group)) map.removeLayer(group);
    }
    el.dataset.zoom = String(Math.round(zoom * 100) / 100);
  }
  map.on("zoomend", showBands);

  function drawLabels(answer) {
    const groups = {};
    for (const item of answer.labels) {
      if (!groups[item.kind]) {
        groups[item.kind] = L.layerGroup();
        band(groups[item.kind], item.zoom, item.until);
      }
      const marker = nameMarker(item.kind, item.lat, item.lon, item.name);
      marker.on("add", () => { marker.getElement().dataset.code = item.code; });
      groups[item.kind].addLayer(marker);
    }
    el.dataset.labels = String(answer.labels.length);
  }

  const ROAD_LABEL_ZOOM = 15;
  const POINT_ZOOM = 15;

  function drawRoads(answer) {
    const lines = L.layerGroup();
    const names = L.layerGroup();
    for (const road of answer.roads) {
      if (road.line.length > 1) {
        const line = L.polyline(road.line, {
          pane: "outpost-base", className: "outpost-road", color: "#94a3b8", weight: 3, opacity: 0.9, interactive: false,
        });
        line.on("add", () => { line.getElement().dataset.name = road.name; });
        lines.addLayer(line);
      }
      const middle = road.line[Math.floor(road.line.length / 2)];
      names.addLayer(nameMarker("road", middle[0], middle[1], road.name));
    }
    lines.addTo(map);
    band(names, ROAD_LABEL_ZOOM, 99);
    control.addOverlay(lines, legendName("road", label("Roads"), answer.roads.length));
    el.dataset.roads = String(answer.roads.length);
  }

  function drawOrganisations(answer) {
    const points = L.layerGroup();
    for (const org of answer.organisations) {
      const dot = L.circleMarker([org.lat, org.lon], {
        className: org.key ? "outpost-org outpost-org-key" : "outpost-org",
        radius: org.key ? 5 : 3.5, color: "#fff", weight: 1, fillColor: org.key ? "#7c3aed" : "#475569", fillOpacity: 0.9,
      });
      dot.bindTooltip(textNode(org.name), { direction: "top", className: "outpost-tip" });
      points.addLayer(dot);
    }
    band(points, POINT_ZOOM, 99);
    el.dataset.organisations = String(answer.organisations.length);
  }

  // ---- The case layer -------------------------------------------------------------------------
  const STATE_GROUP = {
    reported: "new", awaiting_verification: "new", accepted: "new",
    dispatched: "active", handling: "active", suspended: "active",
    completed: "done", rated: "done", closed: "done", rejected: "rejected",
  };
  const URGENCY_RANK = { normal: 0, urgent: 1, critical: 2 };
  const CELL_PX = 56;
  const caseLayer = L.layerGroup();
  let cases = [];

  function casePage(number) {
    return data.casePage.replace("NUMBER", encodeURIComponent(number));
  }

  function caseLinkNode(number) {
    const link = node("a", null, number);
    link.href = casePage(number);
    return link;
  }

  function casePoint(c) {
    const group = STATE_GROUP[c.state] || "new";
    const dot = L.circleMarker([c.lat, c.lon], {
      className: `outpost-case state-${group} urgency-${c.urgency}`, radius: c.urgency === "normal" ? 6 : 8, weight: 2, fillOpacity: 0.9,
    });
    dot.bindPopup(caseLinkNode(c.number));
    dot.on("add", () => {
      dot.getElement().dataset.number = c.number;
      dot.getElement().dataset.state = c.state;
    });
    return dot;
  }

  function clusterMarker(members, center) {
    const tally = {};
    let urgency = "normal";
    for (const c of members) {
      const group = STATE_GROUP[c.state] || "new";
      tally[group] = (tally[group] || 0) + 1;
      if (URGENCY_RANK[c.urgency] > URGENCY_RANK[urgency]) urgency = c.urgency;
    }
    const main = Object.keys(tally).sort((a, b) => tally[b] - tally[a])[0];
    const size = members.length < 10 ? 30 : members.length < 100 ? 36 : 44;
    const icon = L.divIcon({
      className: `outpost-cluster state-${main} urgency-${urgency}`,
      html: node("span", null, String(members.length)),
      iconSize: [size, size],
    });
    const marker = L.marker(center, { icon, title: `${members.length} ${label("Cases")}` });
    marker.on("click", () => map.fitBounds(L.latLngBounds(members.map((c) => [c.lat, c.lon])).pad(0.2)));
    return marker;
  }

  // Cases close together on screen (the same CELL_PX square) are drawn as one cluster.
  function drawCases() {
    caseLayer.clearLayers();
    const zoom = map.getZoom();
    const view = map.getBounds().pad(0.25);
    const cells = new Map();
    for (const c of cases) {
      if (!view.contains([c.lat, c.lon])) continue;
      const p = map.project([c.lat, c.lon], zoom);
      const key = `${Math.floor(p.x / CELL_PX)}:${Math.floor(p.y / CELL_PX)}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(c);
    }
    for (const members of cells.values()) {
      if (members.length === 1) {
        caseLayer.addLayer(casePoint(members[0]));
      } else {
        const lat = members.reduce((s, c) => s + c.lat, 0) / members.length;
        const lon = members.reduce((s, c) => s + c.lon, 0) / members.length;
        caseLayer.addLayer(clusterMarker(members, [lat, lon]));
      }
    }
  }
  map.on("moveend", () => { if (map.hasLayer(caseLayer)) drawCases(); });

  const filters = document.getElementById("map-filters");

  function query() {
    const params = new URLSearchParams();
    if (filters.category.value) params.set("category", filters.category.value);
    params.set("period", filters.period.value);
    return params.toString();
  }

  function fillCategories(list) {
    if (filters.category.options.length > 1) return;
    for (const c of list) {
      const option = node("option", null, `${c.code} ${c.name}`);
      option.value = c.code;
      filters.category.append(option);
    }
  }

  async function loadCases() {
    const answer = await load(`${data.casesUrl}?${query()}`);
    cases = answer.cases;
    fillCategories(answer.categories);
    el.dataset.cases = String(cases.length);
    filters.querySelector(".truncated").hidden = !answer.truncated;
    drawCases();
  }

  // ---- The heat map (street and station commanders only: the page offers it to them) ----------
  const heatLayer = L.layerGroup();

  function heatColour(share) {
    const hue = Math.round(55 - 55 * share); // yellow → red
    return `hsl(${hue}, 95%, 50%)`;
  }

  async function loadHeat() {
    const answer = await load(`${data.heatUrl}?${query()}`);
    heatLayer.clearLayers();
    const metres = answer.cell * 111000 * 0.6;
    for (const [lat, lon, n] of answer.cells) {
      const share = answer.max ? n / answer.max : 0;
      heatLayer.addLayer(L.circle([lat, lon], {
        className: "outpost-heat", radius: metres * (1 + share), stroke: false,
        fillColor: heatColour(share), fillOpacity: 0.2 + 0.5 * share, interactive: false,
      }));
    }
    el.dataset.heatCells = String(answer.cells.length);
  }

  // ---- Patrol coverage (who reads an area's registry: the page offers it to them) --------------
  // Each grid with planned or walked patrols, coloured by its share of planned patrols done:
  // red (none) through amber to green (all). One overlay per period, loaded when first shown. A
  // chooser (shown with the first layer) picks one worker: then only their grids are drawn, each
  // coloured by the worker's own share of what they were planned to walk there.
  function coverageColour(share) {
    if (share === null) return "#94a3b8"; // walked, but nothing planned
    return `hsl(${Math.round(120 * Math.min(share, 1))}, 75%, 42%)`;
  }

  function percent(share) {
    return share === null ? "—" : `${Math.round(share * 100)}%`;
  }

  function coverageTipNode(g, worker) {
    const box = node("div", null);
    box.append(node("strong", null, g.name));
    if (worker) box.append(node("div", null, `${label("CoverageOf")} ${worker.name}`));
    box.append(node("div", null, `${label("PatrolsDone")} ${percent(g.done_share)}（${g.done}/${g.planned}）`));
    box.append(node("div", null, `${label("AddressesPassed")} ${percent(g.passed_share)}（${g.passed}/${g.addresses}）`));
    return box;
  }

  const coverage = { worker: "", layers: [], chooser: null };

  function coverageUrl(period) {
    const worker = coverage.worker ? `&worker=${encodeURIComponent(coverage.worker)}` : "";
    return `${data.coverageUrl}?period=${period}${worker}`;
  }

  function drawCoverage(entry, grids, answer) {
    const shares = new Map(answer.grids.map((g) => [g.code, g]));
    const shapes = L.geoJSON(grids, {
      filter: (feature) => shares.has(feature.properties.code),
      style: (feature) => ({
        className: "outpost-coverage", color: "#1e293b", weight: 1, fillOpacity: 0.55,
        fillColor: coverageColour(shares.get(feature.properties.code).done_share),
      }),
      onEachFeature: (feature, shape) => {
        const g = shares.get(feature.properties.code);
        shape.bindTooltip(coverageTipNode(g, answer.worker), { sticky: true, direction: "top", className: "outpost-tip" });
        shape.on("add", () => {
          shape.getElement().dataset.code = g.code;
          shape.getElement().dataset.share = g.done_share === null ? "" : String(g.done_share);
        });
      },
    });
    entry.layer.clearLayers();
    entry.layer.addLayer(shapes);
    el.dataset[`coverage${entry.period}`] = String(answer.grids.length);
    el.dataset.coverageWorker = answer.worker ? answer.worker.username : "";
    offerWorkers(answer.workers);
  }

  function loadCoverage(entry, grids) {
    return load(coverageUrl(entry.period)).then((answer) => drawCoverage(entry, grids, answer));
  }

  function coverageLayer(grids, period) {
    const entry = { layer: L.layerGroup(), period, loaded: false };
    coverage.layers.push(entry);
    map.on("overlayadd", (event) => {
      if (event.layer !== entry.layer || entry.loaded) return;
      entry.loaded = true;
      loadCoverage(entry, grids).catch(failed);
    });
    map.on("overlayremove", (event) => {
      if (event.layer === entry.layer) entry.loaded = false; // drawn again for today's worker
    });
    return entry.layer;
  }

  // The worker chooser: a select in the map's corner, offered once a layer named workers.
  function offerWorkers(workers) {
    if (coverage.chooser || !workers.length) return;
    const select = node("select", null);
    select.id = "coverage-worker";
    select.setAttribute("aria-label", label("CoverageOf"));
    const whole = node("option", null, label("WholeGrid"));
    whole.value = "";
    select.append(whole);
    for (const w of workers) {
      const option = node("option", null, w.name);
      option.value = w.username;
      select.append(option);
    }
    L.DomEvent.disableClickPropagation(select);
    select.addEventListener("change", () => {
      coverage.worker = select.value;
      for (const entry of coverage.layers) {
        if (entry.loaded) loadCoverage(entry, coverage.grids).catch(failed);
      }
    });
    const box = node("div", "map-coverage-worker leaflet-bar");
    box.append(select);
    const corner = L.control({ position: "topright" });
    corner.onAdd = () => box;
    corner.addTo(map);
    coverage.chooser = select;
  }

  function addCoverage(grids) {
    coverage.grids = grids;
    for (const period of ["7d", "30d"]) {
      const name = period === "7d" ? label("Coverage7") : label("Coverage30");
      control.addOverlay(coverageLayer(grids, period), swatchName("coverage", name));
    }
  }

  function legend() {
    const box = node("div", "map-legend");
    for (const group of ["new", "active", "done", "rejected"]) {
      const row = node("div", null);
      row.append(node("span", `dot state-${group}`), node("span", null, label("State" + group[0].toUpperCase() + group.slice(1))));
      box.append(row);
    }
    const critical = node("div", null);
    critical.append(node("span", "dot urgency-critical"), node("span", null, label("Critical")));
    box.append(critical);
    const item = L.control({ position: "bottomright" });
    item.onAdd = () => box;
    return item;
  }

  function swatchName(kind, text) {
    return `<span class="swatch swatch-${kind}" aria-hidden="true"></span>${escapeHtml(text)}`;
  }

  function failed(error) {
    status.textContent = String(error);
    status.classList.add("error");
  }

  el.addEventListener("outpost:areas", (event) => {
    const work = [load(data.labelsUrl).then(drawLabels)];
    if (data.roadsUrl && !hasTiles) work.push(load(data.roadsUrl).then(drawRoads));
    if (data.organisationsUrl) work.push(load(data.organisationsUrl).then(drawOrganisations));
    if (data.casesUrl) {
      caseLayer.addTo(map);
      control.addOverlay(caseLayer, swatchName("case", label("Cases")));
      work.push(loadCases());
      legend().addTo(map);
    }
    if (data.heatUrl) {
      control.addOverlay(heatLayer, swatchName("heat", label("Heat")));
      map.on("overlayadd", (event) => { if (event.layer === heatLayer) loadHeat().catch(failed); });
    }
    if (data.coverageUrl && event.detail) addCoverage(event.detail.grids);
    Promise.all(work).then(() => {
      showBands();
      el.dataset.base = "ready";
    }).catch(failed);
  });

  if (filters) {
    filters.addEventListener("change", () => {
      loadCases().catch(failed);
      if (map.hasLayer(heatLayer)) loadHeat().catch(failed);
    });
  }
})();
