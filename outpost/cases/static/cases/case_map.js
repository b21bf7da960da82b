// Case maps, no tile server needed. On the report form (#pick-map): the user's grids from the
// scoped GeoJSON API, a tap pins the place into the hidden lon/lat inputs (WGS-84), or a standard
// address found by the matcher does. On a case page (#case-map): the case's grid and its point.
// Every visible string comes translated from the map element's data-label-* attributes; data
// (grid names, addresses) is only ever set as text.
(function () {
  "use strict";
  const GRID = { color: "#2563eb", weight: 1, opacity: 0.9, fillColor: "#60a5fa", fillOpacity: 0.14 };
  const PIN = { radius: 9, color: "#991b1b", weight: 3, fillColor: "#ef4444", fillOpacity: 0.9 };
  const GULOU = [32.07, 118.76];

  function baseMap(el) {
    const map = L.map(el, { zoomSnap: 0.25, tap: true });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
    }
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    // A view before any layer: Leaflet cannot clip a shape added to a map that has none yet.
    map.setView(GULOU, 13);
    return map;
  }

  // Tooltips get a node holding text: a string would be read as HTML (a grid's name is data).
  function textNode(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span;
  }

  async function load(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(url + " " + response.status);
    return response.json();
  }

  function showCase(el) {
    const map = baseMap(el);
    const shape = JSON.parse(document.getElementById("case-grid").textContent);
    const grid = L.geoJSON(shape, { style: () => GRID, interactive: false });
    const point = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lon));
    const box = grid.getBounds();
    if (box.isValid()) map.fitBounds(box.extend(point), { padding: [16, 16] });
    else map.setView(point, 16);
    grid.addTo(map);
    L.circleMarker(point, PIN).addTo(map).bindTooltip(textNode(el.dataset.gridName));
  }

  function picker(el) {
    const label = (key) => el.dataset["label" + key] || key;
    const status = document.getElementById("pick-status");
    const lon = document.getElementById("id_lon");
    const lat = document.getElementById("id_lat");
    const address = document.getElementById("id_address");
    const map = baseMap(el);
    let pin = null;

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("error", Boolean(bad));
    }

    // A pin from a standard address keeps the address's code; a tap on the map clears it.
    async function place(latlng, name, code) {
      if (address) address.value = code || "";
      if (pin) pin.setLatLng(latlng);
      else pin = L.circleMarker(latlng, PIN).addTo(map);
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      el.dataset.lon = lon.value;
      el.dataset.lat = lat.value;
      if (name) return say(label("Pinned") + "：" + name);
      const url = `${el.dataset.locateUrl}?lon=${lon.value}&lat=${lat.value}`;
      const response = await fetch(url, { credentials: "same-origin" });
      const found = response.ok ? await response.json() : null;
      if (found && found.grid_name) say(label("Pinned") + "：" + found.grid_name);
      else say(label("Outside"), true);
    }

    map.on("click", (event) => place(event.latlng));
    load(el.dataset.gridsUrl).then((grids) => {
      const layer = L.geoJSON(grids, {
        style: () => GRID,
        onEachFeature: (feature, shape) => {
          shape.bindTooltip(textNode(feature.properties.name), { sticky: true, direction: "top" });
          shape.on("add", () => { shape.getElement().dataset.code = feature.properties.code; });
        },
      }).addTo(map);
      const box = layer.getBounds();
      if (box.isValid()) map.fitBounds(box, { padding: [16, 16] });
      if (pin) pin.bringToFront();
      el.dataset.grids = String(grids.features.length);
      if (!grids.features.length) say(label("Empty"), true);
    }).catch((error) => say(String(error), true));

    // A form sent back with an error keeps its pin.
    if (lon.value && lat.value) {
      place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), null, address && address.value);
    } else {
      say(label("Tap"));
    }

    const me = document.getElementById("locate-me");
    if (me && navigator.geolocation) {
      me.addEventListener("click", () => navigator.geolocation.getCurrentPosition(
        (where) => {
          const latlng = L.latLng(where.coords.latitude, where.coords.longitude);
          map.setView(latlng, Math.max(map.getZoom(), 16));
          place(latlng);
        },
        () => say(label("NoPosition"), true),
        { enableHighAccuracy: true, timeout: 10000 },
      ));
    } else if (me) {
      me.hidden = true;
    }
    addressSearch(el, map, place, say, label);
  }

  function addressSearch(el, map, place, say, label) {
    const input = document.getElementById("address-q");
    const button = document.getElementById("address-find");
    const list = document.getElementById("address-results");
    if (!input || !button || !list) return;

    async function choose(code) {
      const found = await load(`${el.dataset.pointUrl}?code=${encodeURIComponent(code)}`);
      const latlng = L.latLng(found.lat, found.lon);
      map.setView(latlng, Math.max(map.getZoom(), 17));
      list.hidden = true;
      input.value = found.full_text;
      await place(latlng, found.full_text, found.code);
    }

    async function find() {
      const q = input.value.trim();
      if (!q) return;
      say(label("Searching"));
      const answer = await load(`${el.dataset.matchUrl}?q=${encodeURIComponent(q)}`);
      list.replaceChildren();
      const codes = answer.candidates.map((c) => c.addr_id);
      if (answer.addr_id && !codes.includes(answer.addr_id)) codes.unshift(answer.addr_id);
      if (!codes.length) return say(label("NoMatch"), true);
      if (answer.addr_id) return choose(answer.addr_id);
      for (const candidate of answer.candidates) {
        const item = document.createElement("li");
        const pick = document.createElement("button");
        pick.type = "button";
        pick.className = "secondary";
        pick.textContent = candidate.full_text;
        pick.addEventListener("click", () => choose(candidate.addr_id));
        item.append(pick);
        list.append(item);
      }
      list.hidden = false;
      say("");
    }

    button.addEventListener("click", () => find().catch((error) => say(String(error), true)));
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault(); // Enter searches; it must not send the report half-filled
      button.click();
    });
  }

  const shown = document.getElementById("case-map");
  if (shown) showCase(shown);
  const pick = document.getElementById("pick-map");
  if (pick) picker(pick);
})();
