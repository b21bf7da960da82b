// Behaviour every page shares, kept in a file because the Content-Security-Policy refuses inline
// script, inline event handlers and style attributes:
// - a <select data-submit-on-change> sends its form when changed (the language switch);
// - an element with data-width="N" is drawn N% wide (progress bars).
(function () {
  "use strict";
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const bar of document.querySelectorAll("[data-width]")) {
    const percent = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0));
    bar.style.width = `${percent}%`;
  }
})();
