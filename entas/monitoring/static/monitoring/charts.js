// The dashboard's charts (vendored Chart.js, no CDN). Every series comes from the page's
// json_script block, built by monitoring/charts.py; the tables below each chart hold the same
// numbers for screen readers and printing.
(function () {
  "use strict";
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const locale = document.documentElement.lang === "id" ? "id-ID" : "en-GB";
  const COLOURS = [
    { line: "#1a4fba", fill: "rgba(26, 79, 186, .75)" },   // achievement
    { line: "#a31d24", fill: "rgba(163, 29, 36, .35)" },   // target
  ];

  function format(value, percent) {
    if (value === null || value === undefined) return "—";
    return value.toLocaleString(locale, { maximumFractionDigits: 1 }) + (percent ? " %" : "");
  }

  function datasets(chart, kind) {
    return chart.series.map((series, index) => {
      const colour = COLOURS[index % COLOURS.length];
      const target = index > 0;
      return {
        label: series.label, data: series.values, borderColor: colour.line, backgroundColor: colour.fill,
        borderWidth: kind === "line" ? 2 : 1, borderDash: target && kind === "line" ? [6, 4] : [],
        pointRadius: kind === "line" ? 3 : 0, spanGaps: true,
      };
    });
  }

  // The bars chart grows with the number of regions; the height comes as data, not as a style
  // attribute (the Content-Security-Policy allows no inline styles).
  document.querySelectorAll(".chart-box[data-height]").forEach((box) => {
    box.style.height = Number(box.dataset.height) + "px";
  });

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const chart = charts[canvas.dataset.chart];
    if (!chart) return;
    const kind = canvas.dataset.kind || "bar";
    const link = canvas.dataset.link;
    // Counts of households or enterprises get whole-number ticks; ratios and means keep decimals.
    const whole = chart.series.every((series) => series.values.every((v) => v === null || Number.isInteger(v)));
    new Chart(canvas, {
      type: kind,
      data: { labels: chart.labels, datasets: datasets(chart, kind) },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        scales: {
          [canvas.dataset.horizontal ? "x" : "y"]: {
            beginAtZero: true, max: chart.percent ? 100 : undefined,
            ticks: { precision: whole ? 0 : undefined, callback: (value) => format(value, chart.percent) },
          },
        },
        plugins: {
          title: { display: true, text: chart.title, align: "start", font: { size: 14 } },
          legend: { display: chart.series.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: (item) => item.dataset.label + ": " + format(item.raw, chart.percent) } },
        },
        onClick: (event, elements) => {
          // A bar of a child region opens that region's page, as its row in the table does.
          if (!link || !elements.length || !chart.codes.length) return;
          const code = chart.codes[elements[0].index];
          window.location.href = link.replace("/00/", "/" + code + "/") + window.location.search;
        },
      },
    });
    canvas.dataset.rendered = "true";
  });
})();
