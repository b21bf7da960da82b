// The sender's progress table, refreshed every few seconds from the progress endpoint: each
// recipient's state, read / signed-on / reported times and overdue flag, and the summary.
(function () {
  "use strict";
  const table = document.getElementById("progress");
  if (!table || !table.dataset.url) return;
  const every = Number(table.dataset.every) || 5000;
  const clock = new Intl.DateTimeFormat("zh-CN", {
    timeZone: table.dataset.tz || undefined,
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function when(iso) {
    if (!iso) return "—";
    const parts = {};
    for (const p of clock.formatToParts(new Date(iso))) parts[p.type] = p.value;
    return `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  }

  function cell(tr, name, text) {
    const td = tr.querySelector(`[data-cell="${name}"]`);
    if (td && td.textContent !== text) td.textContent = text;
    return td;
  }

  function showRow(r) {
    const tr = document.getElementById(`recipient-${r.id}`);
    if (!tr) return;
    tr.dataset.state = r.state;
    tr.dataset.overdue = String(r.overdue);
    tr.classList.toggle("overdue", r.overdue);
    const state = tr.querySelector('[data-cell="state"]');
    if (state) {
      const badge = document.createElement("span");
      badge.className = `rstate ${r.state}`;
      badge.textContent = r.state_label;
      state.replaceChildren(badge);
    }
    cell(tr, "read", when(r.read_at));
    cell(tr, "signed-on", r.signed_on_at ? `${when(r.signed_on_at)} ${r.signed_on_by || ""}`.trim() : "—");
    cell(tr, "reported", when(r.reported_at));
    const flag = tr.querySelector('[data-cell="overdue"]');
    if (flag) {
      if (r.overdue && !flag.firstElementChild) {
        const span = document.createElement("span");
        span.className = "flag overdue";
        span.textContent = table.dataset.overdueLabel || "!";
        flag.replaceChildren(span);
      } else if (!r.overdue) {
        flag.replaceChildren();
      }
    }
  }

  function showSummary(s) {
    for (const [key, value] of Object.entries(s)) {
      const el = document.querySelector(`#progress-summary [data-count="${key}"]`);
      if (el) el.textContent = String(value);
    }
    const bar = document.getElementById("progress-bar");
    if (bar) {
      bar.setAttribute("aria-valuenow", String(s.done));
      bar.setAttribute("aria-valuemax", String(s.total));
      bar.firstElementChild.style.width = `${s.total ? Math.round((100 * s.done) / s.total) : 0}%`;
    }
  }

  async function refresh() {
    try {
      const answer = await fetch(table.dataset.url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (answer.ok) {
        const data = await answer.json();
        data.recipients.forEach(showRow);
        showSummary(data.summary);
        table.dataset.refreshed = new Date().toISOString();
      }
    } catch (error) {
      // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(refresh, document.hidden ? every * 4 : every);
  }

  window.setTimeout(refresh, every);
})();
