"""The report's pictures drawn straight into a PDF page: bars, a trend line and a choropleth of the
child regions from the same boundary GeoJSON the page's Leaflet map uses."""

import json
import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from entas.monitoring.charts import Chart
from entas.monitoring.pdf import Colour, Page, Point, hex_colour, text_width

STATIC = Path(__file__).with_name("static")
SERIES = [hex_colour("#1a4fba"), hex_colour("#a31d24")]  # achievement, target: as on the page
GREY, LIGHT, INK = hex_colour("#5b6876"), hex_colour("#dde3ea"), (0.0, 0.0, 0.0)
# The same five classes and "no data" grey as the page's map (map.js).
CLASSES = [hex_colour(c) for c in ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")]
NO_DATA = hex_colour("#e0e0e0")


def _label(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return text + (" %" if percent else "")


def _nice(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least `value`."""
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _top(chart: Chart) -> float:
    values = [v for series in chart.series for v in series.values if v is not None]
    return 100.0 if chart.percent else _nice(max([*values, 0.0]) or 1.0)


def title(page: Page, x: float, y: float, text: str) -> None:
    page.text(x, y, text, size=10, font="bold")


def bars(page: Page, chart: Chart, x: float, y: float, width: float, height: float) -> None:
    """Horizontal bars, one row per label: achievement as the bar, the target as a red tick."""
    title(page, x, y + height - 10, chart.title)
    rows = len(chart.labels)
    if not rows:
        return
    label_width, top = 130.0, _top(chart)
    plot_x, plot_width = x + label_width, width - label_width - 50
    step = (height - 24) / rows
    size = max(4.5, min(8.0, step * 0.75))
    for index, label in enumerate(chart.labels):
        row_y = y + height - 24 - (index + 1) * step
        page.text(x, row_y + step * 0.2, label[:34], size=size, colour=INK)
        value = chart.series[0].values[index]
        length = plot_width * (value or 0) / top
        page.rect(plot_x, row_y + step * 0.15, max(length, 0.3), step * 0.7, fill=SERIES[0])
        page.text(plot_x + length + 3, row_y + step * 0.2, _label(value, chart.percent), size=size, colour=GREY)
        if len(chart.series) > 1 and chart.series[1].values[index] is not None:
            mark = plot_x + plot_width * (chart.series[1].values[index] or 0) / top
            page.line([(mark, row_y + step * 0.05), (mark, row_y + step * 0.95)], SERIES[1], width=1.5)
    page.line([(plot_x, y), (plot_x, y + height - 24)], GREY, width=0.5)
    _legend(page, chart, x, y - 12)


def trend(page: Page, chart: Chart, x: float, y: float, width: float, height: float) -> None:
    """One line per series over the periods, with the periods along the bottom."""
    title(page, x, y + height - 10, chart.title)
    top = _top(chart)
    left, bottom = x + 50, y + 16
    plot_width, plot_height = width - 60, height - 40
    for fraction in (0, 0.5, 1):
        level = bottom + plot_height * fraction
        page.line([(left, level), (left + plot_width, level)], LIGHT, width=0.5)
        text = _label(top * fraction, chart.percent)
        page.text(left - 4 - text_width(text, 7), level - 2.5, text, size=7, colour=GREY)
    count = len(chart.labels)
    step = plot_width / max(count - 1, 1)
    for index, label in enumerate(chart.labels):
        page.text(left + index * step - text_width(label, 7) / 2, y + 4, label, size=7, colour=GREY)
    for number, series in enumerate(chart.series):
        points = [(left + i * step, bottom + plot_height * v / top) for i, v in enumerate(series.values)
                  if v is not None]
        page.line(points, SERIES[number % 2], width=1.6, dash=number > 0)
        for px, py in points:
            page.rect(px - 1.8, py - 1.8, 3.6, 3.6, fill=SERIES[number % 2])
    _legend(page, chart, x, y - 12)


def _legend(page: Page, chart: Chart, x: float, y: float) -> None:
    if len(chart.series) < 2:
        return
    for index, series in enumerate(chart.series):
        page.rect(x + index * 110, y, 8, 8, fill=SERIES[index % 2])
        page.text(x + index * 110 + 12, y + 1, series.label, size=7)


@cache
def _features(layer: str) -> list[dict[str, Any]]:
    with (STATIC / layer).open(encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    return features


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _breaks(values: Iterable[float | None]) -> list[float]:
    """Quintile breaks as on the page's map, each once: many regions at zero give one class, not four."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    return sorted({ordered[math.floor(q * (len(ordered) - 1))] for q in (0.2, 0.4, 0.6, 0.8)})


def _class_colours(breaks: list[float]) -> list[Colour]:
    # Fewer classes still span the whole scale, from the lightest colour to the darkest.
    return [CLASSES[round(i * 4 / len(breaks))] if breaks else CLASSES[-1] for i in range(len(breaks) + 1)]


def _colour(value: float | None, breaks: list[float]) -> Colour:
    if value is None:
        return NO_DATA
    return _class_colours(breaks)[sum(1 for b in breaks if value > b)]


def _simplified(ring: list[list[float]], project: Any, tolerance: float) -> list[Point]:
    # Points closer than `tolerance` on paper to the last one kept add bytes but no visible detail.
    kept: list[Point] = []
    for lon, lat in ring:
        point = project(lon, lat)
        if not kept or abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= tolerance:
            kept.append(point)
    return kept


def choropleth(page: Page, layer: str, prefix: str, values: dict[str, float | None], x: float, y: float,
               width: float, height: float, heading: str) -> None:
    """The child regions of `prefix` from the boundary file `layer`, coloured in five classes."""
    title(page, x, y + height - 10, heading)
    start = prefix + "." if prefix else ""
    features = [f for f in _features(layer) if f["properties"]["code"].startswith(start)]
    points = [p for f in features for polygon in _polygons(f["geometry"]) for p in polygon[0]]
    if not points:
        return
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    stretch = math.cos(math.radians((south + north) / 2))  # keeps shapes true near the equator and away from it
    box_height = height - 40
    scale = min(width / max((east - west) * stretch, 1e-9), box_height / max(north - south, 1e-9))
    left = x + (width - (east - west) * stretch * scale) / 2
    bottom = y + 24 + (box_height - (north - south) * scale) / 2

    def project(lon: float, lat: float) -> Point:
        return (left + (lon - west) * stretch * scale, bottom + (lat - south) * scale)

    breaks = _breaks(values.values())
    for feature in features:
        rings = [_simplified(ring, project, 0.8) for polygon in _polygons(feature["geometry"]) for ring in polygon]
        fill = _colour(values.get(feature["properties"]["code"]), breaks)
        page.shape([r for r in rings if len(r) >= 3], fill, GREY)
    _classes(page, breaks, x, y)


def _classes(page: Page, breaks: list[float], x: float, y: float) -> None:
    bounds = [None, *breaks, None]
    for index, colour in enumerate(_class_colours(breaks)):
        low, high = bounds[index], bounds[index + 1]
        text = f"<= {_label(high)}" if low is None else f"> {_label(low)}" if high is None else \
            f"{_label(low)} - {_label(high)}"
        page.rect(x + index * 95, y + 4, 10, 8, fill=colour, stroke=GREY)
        page.text(x + index * 95 + 14, y + 5, text, size=7)
    page.rect(x + (len(breaks) + 1) * 95, y + 4, 10, 8, fill=NO_DATA, stroke=GREY)
    page.text(x + (len(breaks) + 1) * 95 + 14, y + 5, _("no data"), size=7)
    page.text(x, y - 8, _("Boundaries: Cahya DSN (MIT), simplified."), size=6, colour=GREY)
