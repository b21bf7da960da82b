// The dashboards' charts (Apache ECharts, vendored): each reads its JSON from /api/v1/dashboard/
// and every figure links to the rows that make it (a click on a point, bar or area opens its
// `url`). The wall screen (data-every="N") reads everything again every N seconds without
// reloading the page. No inline script or style: the Content-Security-Policy refuses both.
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root || typeof echarts === "undefined") return;
  const data = root.dataset;
  const wall = root.classList.contains("dash-wall");
  const ink = wall ? "#e2e8f0" : "#1f2937";
  const charts = {};
  const indicator = document.getElementById("dash-indicator");
  let geoLoaded = null;

  for (const el of root.querySelectorAll("[data-chart]")) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("click", (p) => {
      const url = p.data && p.data.url;
      if (url) window.location.href = url;
    });
    charts[el.dataset.chart] = chart;
  }
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));

  function get(url, extra) {
    const params = new URLSearchParams({ period: data.period, ...(extra || {}) });
    return fetch(`${url}?${params}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
  }

  const text = { color: ink };
  // Names are stored text: a tooltip is HTML, so every name is escaped before it is shown.
  const escape = echarts.format.encodeHTML;
  const itemTip = (p) => `${escape(p.name)}: ${escape(String(p.value))}`;
  const empty = (shown) => ({
    text: shown ? "" : data.none,
    left: "center",
    top: "middle",
    textStyle: { color: "#94a3b8", fontSize: 14, fontWeight: "normal" },
  });
  const grid = { left: 8, right: 16, top: 24, bottom: 8, containLabel: true };

  function showTiles(summary) {
    for (const tile of summary.tiles) {
      const link = root.querySelector(`[data-tile="${tile.key}"]`);
      if (!link) continue;
      link.href = tile.url;
      link.querySelector(".dash-value").textContent = tile.shown;
      link.querySelector(".dash-extra").textContent = tile.extra;
    }
  }

  function showTrend(trend) {
    const series = (name, values, color) => ({
      name,
      type: "line",
      smooth: false,
      symbolSize: 6,
      itemStyle: { color },
      data: values.map((value, i) => ({ value, url: trend.urls[i] })),
    });
    charts.trend.setOption({
      textStyle: text,
      tooltip: {
        trigger: "axis",
        formatter: (ps) => [escape(ps[0].name), ...ps.map((p) => `${escape(p.seriesName)}: ${p.value}`)].join("<br>"),
      },
      legend: { textStyle: text, top: 0 },
      grid: { ...grid, top: 32 },
      xAxis: { type: "category", data: trend.days.map((d) => d.slice(5)), axisLabel: text },
      yAxis: { type: "value", minInterval: 1, axisLabel: text },
      series: [
        series(root.dataset.newLabel || "新增", trend.new, "#2563eb"),
        series(root.dataset.openLabel || "未结", trend.open, "#f59e0b"),
      ],
    });
  }

  function showBars(chart, bars, color) {
    const rows = bars.slice().reverse();
    chart.setOption({
      textStyle: text,
      title: empty(bars.length),
      tooltip: { trigger: "item", formatter: itemTip },
      grid,
      xAxis: { type: "value", minInterval: 1, axisLabel: text },
      yAxis: {
        type: "category",
        data: rows.map((b) => b.name),
        axisLabel: { ...text, width: 110, overflow: "truncate" },
      },
      series: [{
        type: "bar",
        barMaxWidth: 28,
        itemStyle: { color },
        label: { show: true, position: "right", color: ink },
        data: rows.map((b) => ({ value: b.count, url: b.url, name: b.name })),
      }],
    }, true);
  }

  function loadGeo() {
    if (!geoLoaded) {
      geoLoaded = fetch(data.geoUrl, { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((geo) => echarts.registerMap("outpost-areas", geo));
    }
    return geoLoaded;
  }

  function showAreas(answer) {
    const values = answer.areas.filter((a) => a.value !== null).map((a) => a.value);
    const high = answer.indicator.higher_is_better;
    const rate = answer.indicator.rate;
    const low = rate || !values.length ? 0 : Math.min(...values);
    const top = rate || !values.length ? 1 : Math.max(...values, low + 1);
    charts.map.setOption({
      textStyle: text,
      tooltip: {
        trigger: "item",
        formatter: (p) => escape(p.data ? `${p.data.label}: ${p.data.shown}` : p.name),
      },
      visualMap: {
        min: low,
        max: top,
        calculable: true,
        formatter: (v) => (rate ? `${Math.round(100 * v)}%` : `${v.toFixed(1)} h`),
        orient: "horizontal",
        left: "center",
        bottom: 0,
        textStyle: text,
        inRange: { color: high ? ["#dc2626", "#facc15", "#16a34a"] : ["#16a34a", "#facc15", "#dc2626"] },
      },
      series: [{
        type: "map",
        map: "outpost-areas",
        nameProperty: "code",
        roam: true,
        label: { show: false },
        itemStyle: { areaColor: wall ? "#334155" : "#e5e7eb", borderColor: "#94a3b8" },
        data: answer.areas.filter((a) => a.value !== null).map((a) => ({
          name: a.code, value: a.value, url: a.url, label: a.name, shown: a.shown,
        })),
      }],
    }, true);
    const list = document.getElementById("dash-worst");
    list.replaceChildren();
    for (const area of answer.worst) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = area.url;
      link.textContent = area.name;
      const figure = document.createElement("span");
      figure.className = "dash-figure";
      figure.textContent = ` ${area.shown} (${area.numerator}/${area.denominator})`;
      item.append(link, figure);
      list.append(item);
    }
    if (!answer.worst.length) {
      const item = document.createElement("li");
      item.className = "muted";
      item.textContent = data.none;
      list.append(item);
    }
  }

  function loadAreas() {
    if (!charts.map || !indicator) return Promise.resolve();
    return Promise.all([get(data.areasUrl, { indicator: indicator.value }), loadGeo()])
      .then(([answer]) => showAreas(answer));
  }

  function load() {
    const steps = [
      get(data.summaryUrl).then((s) => { showTiles(s); showTrend(s.trend); }),
      get(data.categoriesUrl).then((a) => showBars(charts.categories, a.bars, "#2563eb")),
      get(data.sourcesUrl).then((a) => showBars(charts.sources, a.bars, "#0891b2")),
      get(data.workloadUrl).then((a) => showBars(charts.workload, a.bars, "#7c3aed")),
      loadAreas(),
    ];
    return Promise.all(steps).then(() => {
      const stamp = document.getElementById("dash-updated");
      if (stamp) stamp.textContent = new Date().toLocaleTimeString();
      root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
    });
  }

  if (indicator) indicator.addEventListener("change", () => loadAreas());
  load();
  const every = Number(data.every || 0);
  if (every > 0) window.setInterval(load, every * 1000);
})();
