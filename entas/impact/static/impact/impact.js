// The impact page's two charts (vendored Chart.js, no CDN), from its json_script blocks
// (impact/presentation.py): the effect per extract relative to enrolment with its 95 % interval,
// and the propensity score of both groups (common support). The tables below hold the same numbers.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  const locale = document.documentElement.lang === "id" ? "id-ID" : "en-GB";
  const number = (value) => value.toLocaleString(locale, { maximumFractionDigits: 2 });

  function read(id) {
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  const event = read("impact-event-data");
  const eventCanvas = document.querySelector("canvas[data-impact-chart=event]");
  if (event && eventCanvas) {
    const points = event.points.slice().sort((a, b) => a.e - b.e);
    const xy = (key) => points.map((p) => ({ x: p.e, y: p[key] }));
    new Chart(eventCanvas, {
      type: "line",
      data: {
        datasets: [
          { label: "95 %", data: xy("high"), borderWidth: 0, pointRadius: 0, backgroundColor: "rgba(26,79,186,.15)",
            fill: "+1" },
          { label: "95 %", data: xy("low"), borderWidth: 0, pointRadius: 0, fill: false },
          { label: event.y_label, data: xy("value"), borderColor: "#1a4fba", backgroundColor: "#1a4fba",
            borderWidth: 2, pointRadius: 3, fill: false },
        ],
      },
      options: {
        responsive: true, aspectRatio: 2.2, animation: false,
        scales: {
          x: { type: "linear", title: { display: true, text: event.x_label }, ticks: { stepSize: 1 } },
          y: { title: { display: true, text: event.y_label }, ticks: { callback: (v) => number(v) } },
        },
        plugins: {
          title: { display: true, text: event.title, align: "start", font: { size: 14 } },
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => item.dataset.label + ": " + number(item.parsed.y) } },
        },
      },
    });
    eventCanvas.dataset.rendered = "true";
  }

  const support = read("impact-support-data");
  const supportCanvas = document.querySelector("canvas[data-impact-chart=support]");
  if (support && supportCanvas) {
    const labels = support.enrolled.map((_, i) => number(support.edges[i]) + "–" + number(support.edges[i + 1]));
    new Chart(supportCanvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: support.enrolled_label, data: support.enrolled, backgroundColor: "#1a4fba" },
          { label: support.comparison_label, data: support.comparison, backgroundColor: "#c9a227" },
        ],
      },
      options: {
        responsive: true, aspectRatio: 2.6, animation: false,
        plugins: { title: { display: true, text: support.title, align: "start", font: { size: 14 } },
                   legend: { position: "bottom" } },
      },
    });
    supportCanvas.dataset.rendered = "true";
  }
})();
