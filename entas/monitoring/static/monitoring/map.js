// Choropleth of the child regions on the dashboard: plain polygons on white, no tile server
// (government intranets are often offline). Data comes from the page's json_script; `url` is one
// boundary file (for districts, the province's own), `prefix` picks the regions drawn from it.
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

  // A district (or a village's district) has no mapped children: it is drawn highlighted among the
  // districts of its regency, without classes.
  function outlineStyle(f) {
    return f.properties.code === data.highlight
      ? { color: "#045a8d", weight: 2.5, fillColor: "#74a9cf", fillOpacity: 0.7 }
      : { color: "#777", weight: 0.6, fillColor: "#f4f4f4", fillOpacity: 0.6 };
  }

  fetch(data.url).then((response) => response.json()).then((geo) => {
    const prefix = data.prefix ? data.prefix + "." : "";
    geo.features = geo.features.filter((f) => f.properties.code.startsWith(prefix));
    const choropleth = data.values !== undefined;
    const breaks = choropleth ? quantiles(Object.values(data.values)) : [];
    const map = L.map(box, { attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix("Leaflet · boundaries © Cahya DSN (MIT)");
    let focus = null;
    const layer = L.geoJSON(geo, {
      style: (f) => (choropleth
        ? { color: "#555", weight: 0.6, fillOpacity: 0.85, fillColor: colour(data.values[f.properties.code], breaks) }
        : outlineStyle(f)),
      onEachFeature: (f, shape) => {
        if (f.properties.code === data.highlight) focus = shape;
        const value = choropleth ? data.values[f.properties.code] : undefined;
        shape.bindTooltip(f.properties.name + (choropleth
          ? ": " + (value === null || value === undefined ? "—" : value.toLocaleString()) : ""));
        shape.on("click", () => {
          window.location.href = data.link.replace("/00/", "/" + f.properties.code + "/") + window.location.search;
        });
      },
    }).addTo(map);
    if (focus) focus.bringToFront();
    const bounds = data.focus && focus ? focus.getBounds() : layer.getBounds();
    if (geo.features.length) map.fitBounds(bounds, { padding: data.focus ? [24, 24] : [8, 8] });
    box.dataset.shapes = String(geo.features.length);
  });
})();
