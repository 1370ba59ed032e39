// Charts of the command center, from the figures the page also shows as tables.
(function () {
  var source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var red = "#c8102e", grey = "#8a8a8a", gold = "#d4a017";
  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var instance = echarts.init(element);
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  }
  if (data.weekly) {
    chart("chart-weekly", {
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.received, data.labels.resolved] },
      xAxis: { type: "category", data: data.weekly.map(function (r) { return r.week; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.labels.received, type: "line", color: red,
          data: data.weekly.map(function (r) { return r.received; }) },
        { name: data.labels.resolved, type: "line", color: grey,
          data: data.weekly.map(function (r) { return r.resolved; }) },
      ],
    });
  }
  if (data.categories) {
    chart("chart-categories", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories }],
    });
  }
  // The columns that ask for a chart: counts as bars, others (hours) as lines on their own
  // axis on the right.
  var children = data.children, colours = [red, grey, gold];
  chart("chart-children", {
    tooltip: { trigger: "axis" },
    legend: { data: children.series.map(function (s) { return s.name; }) },
    grid: { bottom: 80 },
    xAxis: { type: "category", axisLabel: { rotate: 40 }, data: children.names },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", splitLine: { show: false } }],
    series: children.series.map(function (s, i) {
      return { name: s.name, type: s.type, yAxisIndex: s.type === "line" ? 1 : 0,
               color: colours[i % colours.length], data: s.data };
    }),
  });
})();
