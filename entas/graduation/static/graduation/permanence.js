// The permanence page's step chart (vendored Chart.js, no CDN): one Kaplan–Meier curve per group
// shown, from the page's json_script block (graduation/permanence_views.py). The table below the
// chart holds the same numbers, with their intervals, for screen readers and printing.
(function () {
  "use strict";
  const source = document.getElementById("permanence-data");
  const canvas = document.querySelector("canvas[data-permanence-chart]");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const chart = JSON.parse(source.textContent);
  const locale = document.documentElement.lang === "id" ? "id-ID" : "en-GB";
  const COLOURS = ["#1a4fba", "#a31d24", "#1f7a3d", "#8a5a00", "#6b2fa3", "#00727a", "#4d4d4d", "#c2410c"];

  function format(value, unit) {
    if (value === null || value === undefined) return "—";
    return value.toLocaleString(locale, { maximumFractionDigits: 1 }) + unit;
  }

  new Chart(canvas, {
    type: "line",
    data: {
      datasets: chart.series.map((series, index) => ({
        label: series.label,
        data: series.points.map((point) => ({ x: point[0], y: point[1] })),
        borderColor: COLOURS[index % COLOURS.length], backgroundColor: COLOURS[index % COLOURS.length],
        borderWidth: 2, borderDash: index % 2 ? [6, 4] : [], pointRadius: 0, stepped: "before", fill: false,
      })),
    },
    options: {
      responsive: true, aspectRatio: 2.2, animation: false, parsing: true,
      scales: {
        x: { type: "linear", min: 0, suggestedMax: chart.max_month,
             title: { display: true, text: chart.x_label }, ticks: { stepSize: 6 } },
        y: { min: 0, max: 100, title: { display: true, text: chart.y_label },
             ticks: { callback: (value) => format(value, " %") } },
      },
      plugins: {
        title: { display: true, text: chart.title, align: "start", font: { size: 14 } },
        legend: { display: chart.series.length > 1, position: "bottom" },
        tooltip: {
          callbacks: {
            title: (items) => items.length ? format(items[0].parsed.x, "") + " " + chart.x_label.toLowerCase() : "",
            label: (item) => item.dataset.label + ": " + format(item.parsed.y, " %"),
          },
        },
      },
    },
  });
  canvas.dataset.rendered = "true";
})();
