// Charts of the regulator's dashboard, drawn with the project's own copy of Apache ECharts
// from the figures the page embedded (#report-data); clicking a region bar drills down.
(function () {
  "use strict";
  var node = document.getElementById("report-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var labels = data.labels;
  var colors = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626"];
  var charts = [];

  function pct(v) { return v === null || v === undefined ? null : Math.round(v * 1000) / 10; }
  function fmt(v) { return v === null || v === undefined ? "—" : v + "%"; }
  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: colors, animation: false }, option));
    charts.push(chart);
    return chart;
  }
  var rates = ["certification_rate", "participation_rate", "hours_rate", "first_pass_rate", "final_pass_rate"];
  var percentAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
  var tooltip = { trigger: "axis", valueFormatter: fmt };

  make("chart-trend", {
    tooltip: tooltip,
    legend: { type: "scroll", top: 0 },
    grid: { left: 44, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: data.trend.map(function (p) { return p.on; }) },
    yAxis: percentAxis,
    series: rates.map(function (code) {
      return { name: labels[code], type: "line", connectNulls: true, symbolSize: 5,
               data: data.trend.map(function (p) { return pct(p[code]); }) };
    })
  });

  function groupBars(id, rows, shown) {
    return make(id, {
      tooltip: tooltip,
      legend: { top: 0 },
      grid: { left: 44, right: 16, top: 36, bottom: 60 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
               axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
      yAxis: percentAxis,
      series: shown.map(function (code) {
        return { name: labels[code], type: "bar", data: rows.map(function (r) { return pct(r[code]); }) };
      })
    });
  }
  var shown = ["certification_rate", "participation_rate", "hours_rate"];
  var regionChart = groupBars("chart-region", data.region, shown);
  groupBars("chart-industry", data.industry, shown);

  // The ranking: parts of the region ordered by certification rate, weakest at the top.
  var ranked = data.region.filter(function (r) { return r.certification_rate !== null; })
    .sort(function (a, b) { return b.certification_rate - a.certification_rate; });
  make("chart-ranking", {
    title: { text: labels.certification_rate, textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis", valueFormatter: fmt },
    grid: { left: 80, right: 40, top: 36, bottom: 20 },
    xAxis: percentAxis,
    yAxis: { type: "category", data: ranked.map(function (r) { return r.name; }) },
    series: [{ type: "bar", data: ranked.map(function (r) { return pct(r.certification_rate); }),
               label: { show: true, position: "right", formatter: "{c}%" },
               itemStyle: { color: function (p) { return p.value < 60 ? "#dc2626" : p.value < 85 ? "#d97706" : "#16a34a"; } } }]
  });

  if (regionChart) {
    regionChart.on("click", function (event) {
      var row = data.region[event.dataIndex];
      if (!row || !row.code) { return; }
      var params = new URLSearchParams(window.location.search);
      params.set("region", row.code);
      window.location.search = params.toString();
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
