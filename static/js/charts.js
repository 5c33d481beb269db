// Draws the dashboards' charts with ECharts from the JSON block the page renders
// (dashboards/charts.py). The same numbers stand in the table under each chart; a click on a
// bar, a point or a slice opens the records it counts. No inline script or style: the
// content security policy allows neither, so tooltips are drawn on the canvas (richText)
// and sizes are set through the element's style object.
"use strict";
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) {
    return;
  }
  var ROW = 28; // pixels per branch of a chart of bars across
  var COLOURS = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"];

  function percentLabel(value) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + "%";
  }

  function axisOf(spec) {
    return spec.percent
      ? { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
      : { type: "value", minInterval: 1 };
  }

  function seriesOf(spec, type) {
    return spec.series.map(function (item, index) {
      var series = {
        name: item.name,
        type: type,
        data: item.data,
        cursor: "pointer",
        emphasis: { focus: "series" },
      };
      if (type === "bar" && spec.series.length === 1) {
        series.label = {
          show: true,
          position: spec.kind === "hbar" ? "right" : "top",
          formatter: function (p) {
            return spec.percent ? percentLabel(p.value) : p.value;
          },
        };
      }
      if (type === "line") {
        series.connectNulls = true;
        series.symbolSize = 8;
      }
      if (index === 0 && spec.mark !== null) {
        var line = spec.kind === "hbar" ? { xAxis: spec.mark } : { yAxis: spec.mark };
        series.markLine = {
          symbol: "none",
          silent: true,
          lineStyle: { color: "#dc3545", type: "dashed" },
          label: { formatter: spec.markLabel, position: "end" },
          data: [line],
        };
      }
      return series;
    });
  }

  function optionOf(spec, width) {
    var option = {
      color: COLOURS,
      animation: false,
      tooltip: {
        trigger: spec.kind === "pie" ? "item" : "axis",
        renderMode: "richText",
        valueFormatter: spec.percent ? percentLabel : undefined,
      },
      toolbox: {
        right: 8,
        feature: { saveAsImage: { name: spec.title, pixelRatio: 2 } },
      },
      grid: { left: 8, right: 48, top: spec.series.length > 1 ? 48 : 32, bottom: 8, containLabel: true },
    };
    if (spec.series.length > 1 || spec.kind === "pie") {
      // Right of the legend: room for the toolbox's save button.
      option.legend = { top: spec.kind === "pie" ? "bottom" : 0, left: 0, right: 40, type: "scroll" };
    }
    if (spec.kind === "pie") {
      var item = spec.series[0];
      option.series = [
        {
          name: item.name,
          type: "pie",
          radius: ["35%", "65%"],
          cursor: "pointer",
          // On a phone the legend and the table name the slices: labels would be cut.
          label: { show: width >= 500, formatter: "{b}\n{c}" },
          data: spec.categories.map(function (name, index) {
            return { name: name, value: item.data[index], itemStyle: { color: item.colours[index] } };
          }),
        },
      ];
      return option;
    }
    var categories = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    if (spec.kind === "hbar") {
      categories.inverse = true;
      categories.axisLabel.width = 120;
      categories.axisLabel.overflow = "truncate";
      option.xAxis = axisOf(spec);
      option.yAxis = categories;
    } else {
      if (spec.categories.length <= 6) {
        // Few categories (the scorecard's figures, the sources): every name shown, wrapped.
        categories.axisLabel = { interval: 0, width: 80, overflow: "break" };
      }
      option.xAxis = categories;
      option.yAxis = axisOf(spec);
    }
    option.series = seriesOf(spec, spec.kind === "line" ? "line" : "bar");
    return option;
  }

  function heightOf(spec) {
    if (spec.kind === "hbar") {
      return Math.max(200, spec.categories.length * ROW + 60);
    }
    return 300;
  }

  var drawn = [];
  JSON.parse(source.textContent).forEach(function (spec) {
    var element = document.getElementById("chart-" + spec.id);
    if (!element || spec.empty) {
      return;
    }
    element.style.height = heightOf(spec) + "px";
    var chart = echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption(optionOf(spec, element.clientWidth));
    chart.on("click", function (params) {
      var series = spec.series[params.seriesIndex] || spec.series[0];
      var link = series && series.links[params.dataIndex];
      if (link) {
        window.location.assign(link);
      }
    });
    drawn.push(chart);
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (chart) {
      chart.resize();
    });
  });
})();
