/* The self-check overview's chart: per item, how many units scored full marks, passed, fell below the
   rectification threshold or were not counted (a stacked horizontal bar). Reads its data from a
   <script type="application/json"> element (json_script): no inline script under the nonce CSP. */
(function () {
  "use strict";
  var COLORS = { full: "#2e7d32", pass: "#1f6feb", weak: "#b3261e", uncounted: "#9e9e9e" };

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
      animation: false,
      color: data.series.map(function (s) { return COLORS[s.key]; }),
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemGap: narrow ? 8 : 20 },
      grid: { left: 8, right: narrow ? 8 : 24, top: narrow ? 56 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: data.items,
        axisLabel: { width: narrow ? 84 : 160, overflow: "truncate" },
      },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "units", data: s.data, barMaxWidth: 22 };
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    document.querySelectorAll("[data-overview-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
