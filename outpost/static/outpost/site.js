// Behaviour every page shares, kept in a file because the Content-Security-Policy refuses inline
// script, inline event handlers and style attributes:
// - a <select data-submit-on-change> sends its form when changed (the language switch);
// - an element with data-width="N" is drawn N% wide (progress bars);
// - on a phone every list table is drawn as cards, each cell labelled with its column's heading
//   (a table that must stay a table says data-keep-table);
// - a link with data-viewer opens its photo full screen over the page (a thumbnail list on a
//   phone), closed by its button, a tap on the photo's backdrop or Escape.
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
})();
