// The field app (离线外勤): today's tasks kept on the phone, and every record (patrol start,
// check-ins, end, visits, reports with photos) saved first in IndexedDB under a key of its own,
// then sent when the network is there. The server keeps each key once, so a record sent twice
// (an answer lost on a bad network) is kept once. Each record shows its state: waiting, sent,
// refused (with the reason) or conflict (send anyway, or drop). Photos are made smaller here.
(function () {
  "use strict";
  const root = document.getElementById("field-app");
  if (!root) return;
  const USER = root.dataset.user;
  const L = JSON.parse(document.getElementById("app-labels").textContent);
  const URLS = JSON.parse(document.getElementById("app-urls").textContent);
  const PHOTO_EDGE = 1600; // longest side of a photo sent, in pixels
  const BATCH = { records: 25, photos: 18, bytes: 8 * 1024 * 1024 }; // server: 20 files a request
  const $ = (id) => document.getElementById(id);
  let today = null; // what GET today answered, as kept
  let local = { user: USER, patrol: null, visited: [] }; // the patrol under way, visits made
  let syncing = false;

  // --- IndexedDB: records, and what the page keeps per user -------------------------------------
  let dbPromise = null;
  function db() {
    dbPromise = dbPromise || new Promise((resolve, reject) => {
      const open = indexedDB.open("outpost-field", 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("records", { keyPath: "key" });
        open.result.createObjectStore("kept", { keyPath: "name" });
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    return dbPromise;
  }
  async function store(name, mode) {
    return (await db()).transaction(name, mode).objectStore(name);
  }
  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  async function put(name, value) { return done((await store(name, "readwrite")).put(value)); }
  async function get(name, key) { return done((await store(name, "readonly")).get(key)); }
  async function remove(name, key) { return done((await store(name, "readwrite")).delete(key)); }
  async function all(name) { return done((await store(name, "readonly")).getAll()); }

  // --- records -------------------------------------------------------------------------------
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  async function queue(kind, fields, photos, label) {
    const record = { key: newKey(), kind: kind, at: new Date().toISOString(), ...fields };
    await put("records", {
      key: record.key, user: USER, record: record, photos: photos || [], label: label,
      state: "waiting", detail: "", ref: {}, created: Date.now(),
    });
    await render();
    syncSoon();
    return record;
  }
  async function mine() {
    const rows = (await all("records")).filter((r) => r.user === USER);
    return rows.sort((a, b) => a.created - b.created);
  }

  // --- sending -------------------------------------------------------------------------------
  function csrfToken() {
    const found = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    return found ? decodeURIComponent(found.slice("csrftoken=".length)) : "";
  }
  function batchOf(waiting) {
    const batch = [];
    let photos = 0, bytes = 0;
    for (const row of waiting) {
      const size = row.photos.reduce((sum, p) => sum + p.size, 0);
      const full = batch.length >= BATCH.records || photos + row.photos.length > BATCH.photos
        || bytes + size > BATCH.bytes;
      if (batch.length && full) break;
      batch.push(row);
      photos += row.photos.length;
      bytes += size;
    }
    return batch;
  }
  async function sendBatch(batch) {
    const form = new FormData();
    form.append("user", USER); // a page kept from another session never sends as the one now
    form.append("records", JSON.stringify(batch.map((row) => row.record)));
    batch.forEach((row) => row.photos.forEach((photo, n) => {
      form.append(`photo:${row.key}:${n}`, photo, `photo-${n + 1}.jpg`);
    }));
    const answer = await fetch(URLS.sync, {
      method: "POST", body: form, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    if (answer.status === 401 || answer.status === 403) throw new Problem(L.signIn);
    if (answer.status === 409) throw new Problem(L.otherUser);
    if (!answer.ok) throw new Problem(L.serverError);
    return (await answer.json()).results;
  }
  function Problem(message) { this.message = message; }
  async function keepOutcomes(batch, results) {
    const byKey = new Map(results.map((r) => [r.key, r]));
    for (const row of batch) {
      const outcome = byKey.get(row.key);
      if (!outcome) continue;
      row.state = outcome.state;
      row.detail = outcome.detail || "";
      row.ref = outcome.ref || {};
      if (row.state === "sent") { // kept on the server now: so is the resident's number
        row.photos = [];
        if (row.record.service) row.record.service.phone = "";
      }
      await put("records", row);
    }
  }
  async function syncNow() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    let problem = "";
    try {
      for (;;) {
        const waiting = (await mine()).filter((r) => r.state === "waiting");
        if (!waiting.length) break;
        const batch = batchOf(waiting);
        const results = await sendBatch(batch);
        if (!results.length) throw new Problem(L.serverError); // never loop on a silent answer
        await keepOutcomes(batch, results);
      }
      await refreshToday();
    } catch (error) {
      problem = error instanceof Problem ? error.message : ""; // a network error: wait
    } finally {
      syncing = false;
      await render(problem);
    }
  }
  let timer = null;
  function syncSoon() {
    clearTimeout(timer);
    timer = setTimeout(syncNow, 300);
  }

  // --- today's tasks -------------------------------------------------------------------------
  async function refreshToday() {
    if (!navigator.onLine) return;
    let answer;
    try {
      answer = await fetch(URLS.today, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      return; // no network after all: the kept copy serves
    }
    if (!answer.ok) return;
    const fresh = await answer.json();
    if (fresh.username !== USER) return;
    today = fresh;
    await put("kept", { name: `today:${USER}`, data: fresh });
    const pending = (await mine()).some((r) => r.state === "waiting");
    if (!pending) { // nothing of ours on the way: the server knows best
      local.patrol = fresh.open_patrol ? {
        ref: `id:${fresh.open_patrol.id}`, grid: fresh.open_patrol.grid,
        gridName: fresh.open_patrol.grid_name,
      } : null;
      local.visited = [];
      await put("kept", { name: `local:${USER}`, data: local });
    }
  }
  const KEEP_TASKS = 24 * 3600 * 1000; // today's tasks name people: not kept past a day
  async function loadKept() {
    const kept = await get("kept", `today:${USER}`);
    today = kept ? kept.data : null;
    if (today && Date.now() - new Date(today.as_of).getTime() > KEEP_TASKS) {
      today = null;
      await remove("kept", `today:${USER}`);
    }
    const state = await get("kept", `local:${USER}`);
    if (state) local = state.data;
  }
  async function keepLocal() { await put("kept", { name: `local:${USER}`, data: local }); }

  // --- drawing (text only: nothing here is ever parsed as markup) ----------------------------
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  function option(value, text) {
    const node = el("option", text);
    node.value = value;
    return node;
  }
  function fill(select, items) {
    const chosen = select.value;
    select.replaceChildren(...items.map(([value, text]) => option(value, text)));
    if (items.some(([value]) => value === chosen)) select.value = chosen;
  }
  function when(iso) {
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getMonth() + 1}-${d.getDate()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  async function render(problem) {
    const net = $("net-state");
    net.textContent = problem || (navigator.onLine ? L.online : L.offline);
    net.className = "net" + (problem ? " problem" : navigator.onLine ? "" : " offline");
    $("as-of").textContent = today ? `${L.asOf} ${when(today.as_of)}` : L.noTasks;
    drawPatrol();
    drawReportTypes();
    drawServiceChoices();
    drawDue();
    await drawQueue();
  }
  function drawPatrol() {
    const walking = Boolean(local.patrol);
    $("patrol-idle").hidden = walking;
    $("patrol-walking").hidden = !walking;
    if (walking) $("patrol-where").textContent = `${L.walking} ${local.patrol.gridName}`;
    $("report-photo-box").hidden = walking;
    $("report-where").hidden = !walking;
    const grids = today ? today.grids : [];
    fill($("patrol-grid"), grids.map((g) => [g.code, g.name]));
    const grid = grids.find((g) => g.code === $("patrol-grid").value);
    fill($("patrol-plan"), [["", "——"], ...(grid ? grid.plans.map((p) => [String(p.id), p.name]) : [])]);
    $("app-start").disabled = !grids.length;
  }
  function drawReportTypes() {
    const types = today ? today.case_types : [];
    fill($("report-type"), [["", "——"], ...types.map((t) => [t.code, t.name])]);
  }
  function drawServiceChoices() {
    fill($("visit-matter"), [["", L.noService], ...(today ? today.matters || [] : []).map((m) => [m.code, m.name])]);
    fill($("visit-mode"), (today ? today.service_modes || [] : []).map((m) => [m.code, m.name]));
    $("visit-service").hidden = !$("visit-matter").value;
  }
  function drawDue() {
    const list = $("due-list");
    const items = (today ? today.due : []).filter((d) => !local.visited.includes(`${d.kind}:${d.key}`));
    $("due-count").textContent = today ? String(items.length) : "";
    list.replaceChildren(...items.map((due) => {
      const row = el("li", null, due.overdue ? "overdue" : "");
      row.append(el("span", due.name), el("br"));
      const last = due.last_visit ? when(due.last_visit) : L.neverVisited;
      row.append(el("span", `${due.overdue ? L.overdue : L.dueOn} ${due.due} · ${last}`, "muted"));
      const go = el("button", L.visit);
      go.type = "button";
      go.className = "secondary";
      go.dataset.visit = `${due.kind}:${due.key}`;
      go.addEventListener("click", () => openVisit(due));
      const actions = el("div", null, "actions");
      actions.append(go);
      row.append(actions);
      return row;
    }));
  }
  async function drawQueue() {
    const rows = await mine();
    const waiting = rows.filter((r) => r.state === "waiting").length;
    $("queue-count").textContent = rows.length ? `${waiting}/${rows.length}` : "";
    $("queue").replaceChildren(...rows.slice().reverse().map(queueRow));
  }
  function queueRow(row) {
    const item = el("li", null, row.state);
    item.dataset.key = row.key;
    item.dataset.state = row.state;
    item.append(el("span", L[row.state] || row.state, "state"), el("span", row.label));
    if (row.ref && row.ref.case) item.append(el("span", ` · ${row.ref.case}`));
    if (row.detail) item.append(el("span", row.detail, "why"));
    const actions = el("div", null, "actions");
    if (row.state === "conflict") actions.append(button(L.sendAnyway, () => sendAnyway(row)));
    if (row.state === "conflict" || row.state === "refused") {
      actions.append(button(L.drop, () => drop(row)));
    }
    if (actions.childNodes.length) item.append(actions);
    return item;
  }
  function button(text, action) {
    const node = el("button", text, "secondary");
    node.type = "button";
    node.addEventListener("click", action);
    return node;
  }
  async function sendAnyway(row) {
    row.record.force = true;
    row.state = "waiting";
    row.detail = "";
    await put("records", row);
    await render();
    syncSoon();
  }
  async function drop(row) {
    await remove("records", row.key);
    await render();
  }

  // --- where the phone is, and its photos -----------------------------------------------------
  function position() {
    return new Promise((resolve, reject) => {
      if (!navigator.geolocation) { reject(new Problem(L.noPosition)); return; }
      navigator.geolocation.getCurrentPosition(
        (p) => resolve({ lon: Number(p.coords.longitude.toFixed(7)), lat: Number(p.coords.latitude.toFixed(7)) }),
        () => reject(new Problem(L.noPosition)),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 10000 },
      );
    });
  }
  const MAX_PHOTOS = 9;
  async function smaller(files) {
    const out = [];
    for (const file of Array.from(files || []).slice(0, MAX_PHOTOS)) out.push(...await smallerOne(file));
    return out;
  }
  async function smallerOne(file) {
    const image = await createImageBitmap(file, { imageOrientation: "from-image" });
    const scale = Math.min(1, PHOTO_EDGE / Math.max(image.width, image.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(image.width * scale));
    canvas.height = Math.max(1, Math.round(image.height * scale));
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    image.close();
    // Drawn again and saved as JPEG: smaller, and without the camera's EXIF (position, device).
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.82));
    return blob ? [blob] : [];
  }
  function say(message) {
    const net = $("net-state");
    net.textContent = message;
    net.className = "net problem";
  }
  async function guarded(action) {
    try {
      await action();
    } catch (error) {
      say(error instanceof Problem ? error.message : String(error));
    }
  }

  // --- what the worker does --------------------------------------------------------------------
  async function startPatrol() {
    const grid = today.grids.find((g) => g.code === $("patrol-grid").value);
    if (!grid) return;
    const plan = $("patrol-plan").value;
    const fields = { grid: grid.code, ...(plan ? { plan: Number(plan) } : {}) };
    const record = await queue("patrol_start", fields, [], `${L.patrolStart} · ${grid.name}`);
    local.patrol = { ref: record.key, grid: grid.code, gridName: grid.name, checkins: 0 };
    await keepLocal();
    await render();
  }
  async function checkIn() {
    say(L.locating);
    const where = await position();
    const photos = await smaller($("checkin-photo").files);
    const note = $("checkin-note").value.trim();
    const fields = { patrol: local.patrol.ref, lon: where.lon, lat: where.lat, note: note };
    await queue("checkin", fields, photos, `${L.checkin} · ${local.patrol.gridName}`);
    local.patrol.checkins = (local.patrol.checkins || 0) + 1;
    await keepLocal();
    $("checkin-note").value = "";
    $("checkin-photo").value = "";
    await render();
  }
  async function endPatrol() {
    await queue("patrol_end", { patrol: local.patrol.ref }, [], `${L.patrolEnd} · ${local.patrol.gridName}`);
    local.patrol = null;
    await keepLocal();
    await render();
  }
  // On a patrol, a report is made where the worker last checked in, with that check-in's photos
  // (as the patrol page does): the server takes them from the check-in, sent before it.
  function fromCheckIn() {
    return Boolean(local.patrol) && local.patrol.checkins !== 0; // unknown (started elsewhere): yes
  }
  async function report(event) {
    event.preventDefault();
    const subtype = $("report-type").value, title = $("report-title").value.trim();
    if (!subtype || !title) { say(L.fillTitle); return; }
    if (local.patrol && !fromCheckIn()) { say(L.checkInFirst); return; }
    if (fromCheckIn()) {
      const fields = {
        subtype: subtype, title: title, description: $("report-description").value.trim(),
        patrol: local.patrol.ref,
      };
      await queue("case", fields, [], `${L.case} · ${title}`);
      $("app-report").reset();
      await render();
      return;
    }
    say(L.locating);
    const where = await position();
    const photos = await smaller($("report-photo").files);
    const fields = {
      subtype: subtype, title: title, description: $("report-description").value.trim(),
      lon: where.lon, lat: where.lat, patrol: local.patrol ? local.patrol.ref : "",
    };
    await queue("case", fields, photos, `${L.case} · ${title}`);
    $("app-report").reset();
    await render();
  }
  let visiting = null;
  function openVisit(due) {
    visiting = due;
    $("visit-who").textContent = due.name;
    $("app-visit").hidden = false;
    $("visit-met").focus();
  }
  async function saveVisit(event) {
    event.preventDefault();
    const met = $("visit-met").value.trim();
    if (!met) { say(L.fillMet); return; }
    const fields = {
      subject_kind: visiting.kind, subject_key: visiting.key, met: met,
      found: $("visit-found").value.trim(), seen_last: today.as_of, // visits after it conflict
    };
    const matter = $("visit-matter").value;
    if (matter) { // a service request (代办) for the visited resident, sent with the visit
      const phone = $("visit-phone").value.trim(), mode = $("visit-mode").value;
      if (!phone || !mode) { say(L.fillService); return; }
      fields.service = { matter: matter, mode: mode, phone: phone, note: $("visit-note").value.trim() };
    }
    await queue("visit", fields, [], `${L.visitOf} · ${visiting.name}`);
    local.visited.push(`${visiting.kind}:${visiting.key}`);
    await keepLocal();
    closeVisit();
    await render();
  }
  function closeVisit() {
    visiting = null;
    $("app-visit").reset();
    $("app-visit").hidden = true;
    drawServiceChoices();
  }

  // --- start ---------------------------------------------------------------------------------
  $("app-start").addEventListener("click", () => guarded(startPatrol));
  $("app-checkin").addEventListener("click", () => guarded(checkIn));
  $("app-end").addEventListener("click", () => guarded(endPatrol));
  $("patrol-grid").addEventListener("change", drawPatrol);
  $("app-report").addEventListener("submit", (event) => guarded(() => report(event)));
  $("app-visit").addEventListener("submit", (event) => guarded(() => saveVisit(event)));
  $("visit-cancel").addEventListener("click", closeVisit);
  $("visit-matter").addEventListener("change", drawServiceChoices);
  $("app-sync").addEventListener("click", syncNow);
  window.addEventListener("online", () => { render(); syncNow(); });
  window.addEventListener("offline", () => render());
  setInterval(syncNow, 30000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(URLS.worker, { scope: URLS.scope }).catch(() => {});
  }
  async function forgetOldSent() {
    const old = Date.now() - 2 * 24 * 3600 * 1000;
    for (const row of await mine()) {
      if (row.state === "sent" && row.created < old) await remove("records", row.key);
    }
  }
  (async () => {
    await loadKept();
    await forgetOldSent();
    await render();
    await refreshToday();
    await render();
    await syncNow();
    root.dataset.ready = "true";
  })();
})();
