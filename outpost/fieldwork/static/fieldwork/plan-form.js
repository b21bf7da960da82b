// The patrol plan form: a search box above each long list of checkboxes (route points, workers)
// hides the entries that do not contain what is typed; ticked entries always stay in view.
(function () {
  "use strict";
  document.querySelectorAll(".pick-search").forEach((box) => {
    const list = document.getElementById(box.dataset.list);
    if (!list) return;
    const entries = Array.from(list.querySelectorAll("label"));
    box.addEventListener("input", () => {
      const wanted = box.value.trim().toLowerCase();
      entries.forEach((entry) => {
        const ticked = entry.querySelector("input") && entry.querySelector("input").checked;
        const match = !wanted || entry.textContent.toLowerCase().includes(wanted);
        (entry.closest("div") || entry).hidden = !(match || ticked);
      });
    });
  });
})();
