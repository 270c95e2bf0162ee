/* Dashboard trend chart: reads its data from a <script type="application/json"> element (json_script)
   so no inline script is needed under the nonce CSP; redraws after each HTMX swap of the panel. */
(function () {
  "use strict";
  var COLORS = ["#b3261e", "#1f6feb", "#2e7d32"];
  var charts = [];

  function fmtTooltip(params, data) {
    if (!params.length) { return ""; }
    var idx = params[0].dataIndex;
    var lines = [data.years[idx] + " 年"];
    params.forEach(function (p) {
      var s = data.series[p.seriesIndex];
      var d = s.detail[idx];
      var value = p.value === null || p.value === undefined ? "—" : p.value.toFixed(1) + "%";
      lines.push(p.marker + s.name + "：" + value + "（" + d[0] + "/" + d[1] + "）");
    });
    return lines.join("<br>");
  }

  function draw(el) {
    if (!window.echarts) { return; }
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var old = window.echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    var narrow = el.clientWidth < 500;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      color: COLORS,
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", formatter: function (p) { return fmtTooltip(p, data); } },
      legend: { top: 0, itemGap: narrow ? 10 : 24 },
      grid: { left: narrow ? 8 : 16, right: narrow ? 12 : 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.years, boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 7,
          label: { show: !narrow && data.years.length <= 8, position: "top", formatter: function (p) { return p.value === null ? "" : p.value + "%"; }, fontSize: 11 },
        };
      }),
    });
    charts.push(chart);
  }

  function drawAll(root) {
    charts = charts.filter(function (c) { return !c.isDisposed(); });
    (root || document).querySelectorAll("[data-chart=trend]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.body.addEventListener("htmx:afterSettle", function () { drawAll(document); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { if (!c.isDisposed()) { c.resize(); } }); });
})();
