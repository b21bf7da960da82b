// The dispatch board refreshes itself: every few seconds it asks the feed for the room's
// pending cases and redraws the queue and the map. Dispatch buttons post without leaving the
// page. Strings come translated from the board element's data-label-* attributes.
(function () {
  "use strict";
  const el = document.getElementById("board");
  if (!el) return;
  const wall = el.classList.contains("wall");
  const every = wall ? 10000 : 5000;
  const body = document.querySelector("#board-queue tbody");
  const status = document.getElementById("board-status");
  const csrf = document.querySelector("#batch input[name=csrfmiddlewaretoken]").value;
  const label = (name) => el.dataset["label" + name] || name;
  const COLORS = { critical: "#b42318", urgent: "#dc6803", normal: "#175cd3" };

  const map = L.map("board-map", { zoomSnap: 0.25 });
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  map.setView([32.07, 118.77], 13);
  const pins = L.layerGroup().addTo(map);
  // The street's grids behind the pins, so a blank (offline) map still shows where things are.
  fetch(el.dataset.gridsUrl, { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((grids) => {
      if (!grids) return;
      const layer = L.geoJSON(grids, {
        style: () => ({ color: "#667085", weight: 1, fillColor: "#98a2b3", fillOpacity: 0.08 }),
        interactive: false,
      }).addTo(map);
      layer.bringToBack();
      if (!pins.getLayers().length && layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { animate: false });
    })
    .catch(() => {});

  function cell(text, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (text instanceof Node) td.append(text); else td.textContent = text;
    return td;
  }

  function textNode(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function routeText(row) {
    if (!row.route.length) return label("NoRoute");
    return row.route.map((s) => s.people.length ? `${s.name}（${s.people.join("、")}）` : s.name).join("；");
  }

  function titleCell(row) {
    const span = document.createElement("span");
    span.textContent = row.title;
    if (row.urgency !== "normal") {
      const u = document.createElement("span");
      u.className = "urgency " + row.urgency;
      u.textContent = row.urgency_label;
      span.append(" ", u);
    }
    if (row.escalated) {
      const t = document.createElement("span");
      t.className = "tag";
      t.textContent = label("Escalated");
      span.append(" ", t);
    }
    return span;
  }

  function deadlineCell(row) {
    const span = document.createElement("span");
    span.className = "due " + (row.deadline_marker || "");
    span.textContent = row.deadline_text || "—";
    return span;
  }

  function rowFor(row, ticked) {
    const tr = document.createElement("tr");
    tr.dataset.number = row.number;
    tr.className = "urgency-" + row.urgency;
    const link = document.createElement("a");
    link.href = el.dataset.caseUrl.replace("NUMBER", row.number);
    link.textContent = row.number;
    if (!wall) {
      const box = document.createElement("input");
      box.type = "checkbox"; box.name = "number"; box.value = row.number;
      box.checked = ticked.has(row.number);
      box.setAttribute("aria-label", row.number);
      tr.append(cell(box));
    }
    tr.append(cell(link, "code"), cell(titleCell(row)), cell(row.subtype_name), cell(row.grid_name),
      cell(deadlineCell(row)), cell(routeText(row), "route"));
    if (!wall) {
      const button = document.createElement("button");
      button.type = "button"; button.className = "one-click";
      button.textContent = label("Dispatch");
      button.addEventListener("click", () => send([row.number]));
      tr.append(cell(row.route.length ? button : ""));
    }
    return tr;
  }

  function draw(feed) {
    const ticked = new Set([...body.querySelectorAll("input[name=number]:checked")].map((b) => b.value));
    body.replaceChildren(...feed.rows.map((row) => rowFor(row, ticked)));
    if (!feed.rows.length) {
      const tr = document.createElement("tr");
      tr.className = "empty";
      const td = cell(label("None"), "muted"); td.colSpan = 8;
      tr.append(td); body.append(tr);
    }
    document.getElementById("board-total").textContent = String(feed.total);
    document.getElementById("on-duty").textContent = feed.on_duty.join("、") || "—";
    pins.clearLayers();
    const points = [];
    for (const row of feed.rows) {
      if (row.lat == null || row.lon == null) continue;
      const marker = L.circleMarker([row.lat, row.lon], {
        radius: row.urgency === "normal" ? 7 : 10, color: COLORS[row.urgency] || COLORS.normal,
        weight: 2, fillOpacity: 0.6,
      }).bindTooltip(textNode(`${row.number} ${row.title}`));  // text, never markup
      marker.addTo(pins);
      points.push([row.lat, row.lon]);
    }
    if (points.length && !map._fitted) { map.fitBounds(points, { padding: [24, 24], maxZoom: 16, animate: false }); map._fitted = true; }
    el.dataset.total = String(feed.total);
    el.dataset.refreshed = feed.generated_at;
    status.textContent = `${label("Updated")} ${new Date(feed.generated_at).toLocaleTimeString()}`;
    status.classList.remove("error");
  }

  async function refresh() {
    try {
      const response = await fetch(el.dataset.feedUrl + window.location.search, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      draw(await response.json());
    } catch (error) {
      status.textContent = label("Offline");
      status.classList.add("error");
    }
  }

  async function send(numbers) {
    const data = new FormData();
    numbers.forEach((n) => data.append("number", n));
    const response = await fetch(el.dataset.dispatchUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    });
    const answer = response.ok ? await response.json() : { outcomes: [] };
    // What happened stays on screen (the row leaves the queue): the refresh does not clear it.
    const outcome = document.getElementById("board-outcome");
    const words = answer.outcomes.map((o) => `${o.number}：${o.message}`).join("；");
    outcome.textContent = response.ok ? words : label("Failed");
    outcome.classList.toggle("error", !response.ok || answer.outcomes.some((o) => !o.ok));
    outcome.hidden = false;
    await refresh();
  }

  const batch = document.getElementById("batch");
  batch.addEventListener("submit", (event) => {
    event.preventDefault();
    const numbers = [...body.querySelectorAll("input[name=number]:checked")].map((b) => b.value);
    if (numbers.length) send(numbers);
  });

  draw({ rows: JSON.parse(document.getElementById("board-rows").textContent),
    total: Number(document.getElementById("board-total").textContent),
    on_duty: (document.getElementById("on-duty").textContent.trim() === "—") ? [] :
      document.getElementById("on-duty").textContent.split("、"),
    generated_at: new Date().toISOString() });
  setInterval(refresh, every);
})();
