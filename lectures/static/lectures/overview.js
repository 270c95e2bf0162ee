/* 讲座统计: the overview's four charts (ECharts, SVG). The data come from a <script type="application/json">
   element (json_script), so no inline script is needed under the nonce CSP. */
(function () {
  "use strict";
  var RED = "#b3261e", BLUE = "#1f6feb", GREEN = "#2e7d32";
  var charts = [];

  function base(el) {
    var narrow = el.clientWidth < 500;
    return {
      narrow: narrow,
      option: {
        animation: false,
        textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
        grid: { left: 8, right: narrow ? 12 : 24, top: 36, bottom: 8, containLabel: true },
      },
    };
  }

  function months(el, d) {
    var b = base(el), o = b.option;
    o.color = [RED, BLUE];
    o.tooltip = { trigger: "axis" };
    o.legend = { top: 0, data: d.names };
    o.xAxis = { type: "category", data: d.labels };
    o.yAxis = [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
    ];
    o.series = [
      { name: d.names[0], type: "bar", data: d.held, barMaxWidth: 28 },
      { name: d.names[1], type: "line", yAxisIndex: 1, data: d.rate, connectNulls: true, symbolSize: 6 },
    ];
    return o;
  }

  function bars(el, d, color, horizontal, max) {
    var b = base(el), o = b.option;
    o.color = [color];
    o.grid.top = 12;
    o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    var names = { type: "category", data: d.labels, inverse: horizontal,
                  axisLabel: horizontal ? { width: b.narrow ? 96 : 180, overflow: "truncate" }
                                        : { interval: 0, rotate: b.narrow ? 40 : 0, fontSize: 11 } };
    var values = { type: "value", minInterval: max ? 0 : 1 };
    if (max) { values.min = 0; values.max = max; }
    o.xAxis = horizontal ? values : names;
    o.yAxis = horizontal ? names : values;
    o.series = [{ name: d.name, type: "bar", data: d.values, barMaxWidth: 22,
                  label: { show: true, position: horizontal ? "right" : "top", fontSize: 11 } }];
    return o;
  }

  var BUILDERS = {
    months: function (el, data) { return months(el, data.months); },
    categories: function (el, data) { return bars(el, data.categories, GREEN, false, 5); },
    units: function (el, data) { return bars(el, data.units, BLUE, true, 0); },
    states: function (el, data) { return bars(el, data.states, RED, false, 0); },
  };

  function draw(el) {
    if (!window.echarts) { return; }
    var source = document.getElementById(el.getAttribute("data-source"));
    var build = BUILDERS[el.getAttribute("data-overview-chart")];
    if (!source || !build) { return; }
    var old = window.echarts.getInstanceByDom(el);
    if (old) { old.dispose(); }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(build(el, JSON.parse(source.textContent)));
    charts.push(chart);
  }

  function drawAll() { document.querySelectorAll("[data-overview-chart]").forEach(draw); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { if (!c.isDisposed()) { c.resize(); } }); });
})();
