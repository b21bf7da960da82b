// Behaviour every page shares, kept in a file because the Content-Security-Policy refuses inline
// script, inline event handlers and style attributes:
// - a <select data-submit-on-change> sends its form when changed (the language switch);
// - an element with data-width="N" is drawn N% wide (progress bars);
// - on a phone every list table is drawn as cards, each cell labelled with its column's heading
//   (a table that must stay a table says data-keep-table);
// - a link with data-viewer opens its photo full screen over the page (a thumbnail list on a
//   phone), closed by its button, a tap on the photo's backdrop or Escape;
// - the sign-in page (data-forget-offline="<the field app's page>") forgets what the field app
//   kept for offline use that names the last account's work: its page and today's tasks (the
//   records still waiting are kept, to be sent when their account signs in again).
(function () {
  "use strict";
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const bar of document.querySelectorAll("[data-width]")) {
    const percent = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0));
    bar.style.width = `${percent}%`;
  }
  for (const table of document.querySelectorAll("main table:not(.stack):not([data-keep-table])")) {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (!cell.dataset.label && heads[i] && cell.colSpan === 1) cell.dataset.label = heads[i];
      });
    }
    table.classList.add("stack");
  }
  const links = document.querySelectorAll("a[data-viewer]");
  if (links.length && window.HTMLDialogElement) {
    const viewer = document.createElement("dialog");
    viewer.className = "photo-viewer";
    viewer.id = "photo-viewer";
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.textContent = document.documentElement.lang.startsWith("zh") ? "关闭" : "Close";
    const photo = document.createElement("img");
    viewer.append(close, photo);
    document.body.append(viewer);
    close.addEventListener("click", () => viewer.close());
    viewer.addEventListener("click", (event) => { if (event.target === viewer) viewer.close(); });
    for (const link of links) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        photo.src = link.href;
        photo.alt = link.dataset.viewer;
        viewer.showModal();
      });
    }
  }
  const forget = document.querySelector("[data-forget-offline]");
  if (forget) forgetOffline(forget.dataset.forgetOffline).catch(() => {});

  async function forgetOffline(page) {
    if (window.caches) {
      for (const name of await caches.keys()) {
        if (name.startsWith("outpost-field-")) await (await caches.open(name)).delete(page);
      }
    }
    // Only a database the app made: opening one that is not there would make an empty one.
    if (!window.indexedDB || !indexedDB.databases) return;
    if (!(await indexedDB.databases()).some((d) => d.name === "outpost-field")) return;
    const open = indexedDB.open("outpost-field");
    const db = await new Promise((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    if (db.objectStoreNames.contains("kept")) {
      const kept = db.transaction("kept", "readwrite").objectStore("kept");
      kept.delete(IDBKeyRange.bound("today:", "today:\uffff"));
    }
    db.close();
  }
})();
