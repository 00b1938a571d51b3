/* The dashboard's charts, drawn with ECharts (installed from npm and served locally) from the data
   the page carries in <script id="dashboard-data" type="application/json">. Without the library
   the page says charts are unavailable and the tables stay as they are. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var source = document.getElementById("dashboard-data");
  if (!source) { return; }
  var grid = document.querySelector(".chart-grid");
  if (typeof window.echarts === "undefined") {
    var notice = document.querySelector(".charts-unavailable");
    if (notice) { notice.hidden = false; }
    if (grid) { grid.hidden = true; }
    return;
  }

  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: 64, containLabel: true },
      toolbox: { feature: { saveAsImage: { title: "保存图片" } }, right: 0, bottom: 0 }
    }, option));
    charts.push(chart);
  }

  function bars(keys, series, stacked) {
    return keys.map(function (key) {
      return { name: labels[key], type: "bar", data: series[key], stack: stacked ? "stack" : undefined,
               emphasis: { focus: "series" } };
    });
  }

  var towns = data.towns;
  draw("chart-towns", {
    xAxis: { type: "category", data: towns.names, axisLabel: { interval: 0, rotate: towns.names.length > 8 ? 45 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: bars(["workers", "certified", "needs_initial", "needs_review", "reviews_overdue", "certificates_expired"],
                 towns.series, false)
  });

  var categories = data.categories;
  draw("chart-categories", {
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: categories.names, inverse: true },
    grid: { left: 8, right: 24, top: 40, bottom: 40, containLabel: true },
    series: bars(["needs_initial", "needs_review", "reviews_due", "reviews_overdue", "certificates_expired"],
                 categories.series, true)
  });

  var trend = data.trend;
  draw("chart-trend", {
    xAxis: { type: "category", data: trend.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: labels.created, type: "bar", data: trend.created },
      { name: labels.certified_needs, type: "bar", data: trend.certified }
    ]
  });

  var pending;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { charts.forEach(function (chart) { chart.resize(); }); }, 150);
  });
}());
