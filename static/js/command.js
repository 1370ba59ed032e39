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
  chart("chart-categories", {
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories }],
  });
  // Hours are not whistles: they get their own axis on the right.
  chart("chart-children", {
    tooltip: { trigger: "axis" },
    legend: { data: [data.labels.received, data.labels.overdue, data.labels.hours] },
    grid: { bottom: 80 },
    xAxis: { type: "category", axisLabel: { rotate: 40 },
             data: data.children.map(function (r) { return r.name; }) },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: data.labels.received, type: "bar", color: red,
        data: data.children.map(function (r) { return r.received; }) },
      { name: data.labels.overdue, type: "bar", color: grey,
        data: data.children.map(function (r) { return r.overdue; }) },
      { name: data.labels.hours, type: "line", yAxisIndex: 1, color: gold,
        data: data.children.map(function (r) { return r.hours; }) },
    ],
  });
})();
