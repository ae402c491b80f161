// The 766 dashboard's charts (indices/_section.html): each <canvas data-chart="ID"> is drawn by
// Chart.js (vendored, docs/decisions/0018) from the JSON of <script id="ID" type="application/json">
// that Django's json_script wrote; no inline script (the CSP). The table under each chart holds
// the same figures as text. A drawn canvas gets data-drawn="true" (the browser test waits for it).
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  // GOV.UK Frontend's palette, distinct for up to six series
  var COLOURS = ["#1d70b8", "#b1b4b6", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#28a197"];
  var lang = document.documentElement.lang || "vi";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.font.family = '"Be Vietnam Pro", "Noto Sans", arial, sans-serif';
  Chart.defaults.font.size = 13;
  Chart.defaults.color = "#0b0c0c";
  Chart.defaults.locale = lang === "vi" ? "vi-VN" : lang;

  var drawn = {
    id: "motcuaDrawn",
    afterRender: function (chart) {
      chart.canvas.dataset.drawn = "true";
    },
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var valueAxis = {
      beginAtZero: true,
      stacked: spec.stacked,
      ticks: { precision: 0 },
    };
    if (spec.max !== null) {
      valueAxis.suggestedMax = spec.max;
    }
    var labelAxis = { stacked: spec.stacked, ticks: { autoSkip: false } };
    var horizontal = spec.horizontal;
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          var colour = COLOURS[index % COLOURS.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: colour,
            borderWidth: spec.type === "line" ? 3 : 0,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { display: spec.series.length > 1, position: "bottom" },
        },
      },
      plugins: [drawn],
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
