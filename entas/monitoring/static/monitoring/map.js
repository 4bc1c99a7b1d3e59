// Choropleth of the child regions on the dashboard: plain polygons on white, no tile server
// (government intranets are often offline). Data comes from the page's json_script.
(function () {
  "use strict";
  const COLOURS = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  const data = JSON.parse(document.getElementById("map-data").textContent);
  const box = document.getElementById("choropleth");

  function colour(value, breaks) {
    if (value === null || value === undefined) return "#e0e0e0";
    let index = 0;
    while (index < breaks.length && value > breaks[index]) index += 1;
    return COLOURS[index];
  }

  function quantiles(values) {
    const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
    if (!sorted.length) return [];
    return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.floor(q * (sorted.length - 1))]);
  }

  fetch(data.url).then((response) => response.json()).then((geo) => {
    const prefix = data.prefix ? data.prefix + "." : "";
    geo.features = geo.features.filter((f) => f.properties.code.startsWith(prefix));
    const breaks = quantiles(Object.values(data.values));
    const map = L.map(box, { attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix("Leaflet · boundaries © Cahya DSN (MIT)");
    const layer = L.geoJSON(geo, {
      style: (f) => ({ color: "#555", weight: 0.6, fillOpacity: 0.85,
                       fillColor: colour(data.values[f.properties.code], breaks) }),
      onEachFeature: (f, shape) => {
        const value = data.values[f.properties.code];
        shape.bindTooltip(f.properties.name + ": " + (value === null || value === undefined ? "—" : value.toLocaleString()));
        shape.on("click", () => {
          window.location.href = data.link.replace("/00/", "/" + f.properties.code + "/") + window.location.search;
        });
      },
    }).addTo(map);
    if (geo.features.length) map.fitBounds(layer.getBounds());
  });
})();
