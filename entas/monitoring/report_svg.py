"""The report's pictures as SVG, which Typst places as vector images with real text: horizontal
bars, a trend line and a choropleth of the child regions from the same boundary GeoJSON as the
page's Leaflet map (same five quintile classes and colours as map.js).

Values arrive with their printed text (formatted by the report in its language, "<5" where a small
count is hidden), so a picture never prints a number the tables do not.
"""

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from entas.monitoring.boundaries import STATIC

WIDTH = 680  # user units; the report scales the picture to the text width
FONT = "Noto Sans"
SIZE = 11
ACHIEVED, TARGET = "#1a4fba", "#a31d24"  # as on the page's charts
GREY, LIGHT, INK = "#5b6876", "#dde3ea", "#1b1f24"
CLASSES = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")
NO_DATA = "#e0e0e0"
Point = tuple[float, float]


def _text_width(text: str, size: float = SIZE) -> float:
    """A generous estimate of Noto Sans at `size` (its widest common letters are ~0.6 em)."""
    return len(text) * size * 0.6


def _svg(height: float, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="{FONT}" font-size="{SIZE}" fill="{INK}">'
            + "".join(body) + "</svg>")


def _label(x: float, y: float, text: str, anchor: str = "start", colour: str = INK, size: float = SIZE) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" font-size="{size}">'
            f"{escape(text)}</text>")


def nice(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


@dataclass
class Bar:
    label: str
    value: float | None  # None: nothing to draw (no number, or a hidden small count)
    text: str  # what is printed after the bar
    target: float | None = None


def _legend(y: float, names: list[str]) -> list[str]:
    out, x = [], 0.0
    for index, name in enumerate(names):
        colour = ACHIEVED if index == 0 else TARGET
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        out.append(_label(x + 14, y, name))
        x += 14 + _text_width(name) + 24
    return out


def bars(rows: list[Bar], legend: list[str], top: float | None = None) -> str:
    """One row per label: the achievement as a bar, the target (when set) as a red tick."""
    step, head = 20.0, 20.0 if len(legend) > 1 else 4.0
    label_width = min(max((_text_width(r.label) for r in rows), default=0) + 10, WIDTH * 0.5)
    value_width = max((_text_width(r.text) for r in rows), default=0) + 8
    plot_x, plot_width = label_width, WIDTH - label_width - value_width
    top = top or nice(max([0.0, *(r.value or 0 for r in rows), *(r.target or 0 for r in rows)]))
    body = _legend(12, legend) if len(legend) > 1 else []
    for index, row in enumerate(rows):
        y = head + index * step
        body.append(_label(plot_x - 8, y + 14, row.label, anchor="end"))
        length = plot_width * (row.value or 0) / top
        if row.value:
            body.append(f'<rect x="{plot_x:.1f}" y="{y + 4:.1f}" width="{length:.1f}" height="{step - 8:.1f}" '
                        f'fill="{ACHIEVED}"/>')
        body.append(_label(plot_x + length + 4, y + 14, row.text, colour=GREY))
        if row.target is not None:
            mark = plot_x + plot_width * row.target / top
            body.append(f'<line x1="{mark:.1f}" x2="{mark:.1f}" y1="{y + 1:.1f}" y2="{y + step - 1:.1f}" '
                        f'stroke="{TARGET}" stroke-width="2.5"/>')
    bottom = head + len(rows) * step
    body.append(f'<line x1="{plot_x:.1f}" x2="{plot_x:.1f}" y1="{head:.1f}" y2="{bottom:.1f}" stroke="{GREY}"/>')
    return _svg(bottom + 4, body)


def trend(periods: list[str], series: list[tuple[str, list[float | None]]], axis: Callable[[float], str]) -> str:
    """One line per series (achievement solid, target dashed) over the periods."""
    height, bottom, top_y = 260.0, 220.0, 34.0
    values = [v for _name, vs in series for v in vs if v is not None]
    top = nice(max([0.0, *values]))
    ticks = [axis(top * f) for f in (0, 0.5, 1)]
    left = max(_text_width(t, 10) for t in ticks) + 10
    right = WIDTH - 20
    body = _legend(12, [name for name, _values in series])
    for fraction, tick in zip((0, 0.5, 1), ticks, strict=True):
        y = bottom - (bottom - top_y) * fraction
        body.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LIGHT}"/>')
        body.append(_label(left - 6, y + 4, tick, anchor="end", colour=GREY, size=10))
    step = (right - left - 20) / max(len(periods) - 1, 1)
    x_of = [left + 10 + i * step for i in range(len(periods))]
    every = max(1, math.ceil(len(periods) * _text_width("2025-Q4", 10) / (right - left)))
    for index, name in enumerate(periods):
        if index % every == 0:
            body.append(_label(x_of[index], bottom + 18, name, anchor="middle", colour=GREY, size=10))
    for number, (_name, vs) in enumerate(series):
        colour = ACHIEVED if number == 0 else TARGET
        points = [(x_of[i], bottom - (bottom - top_y) * v / top) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = ' stroke-dasharray="6 4"' if number else ""
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
    return _svg(height, body)


@cache
def _features(layer: str) -> list[dict[str, Any]]:
    with (STATIC / layer).open(encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    return features


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def breaks(values: Iterable[float | None]) -> list[float]:
    """Quintile breaks as on the page's map, each once: many regions at zero give one class, not four."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    return sorted({ordered[math.floor(q * (len(ordered) - 1))] for q in (0.2, 0.4, 0.6, 0.8)})


def _class_colours(cuts: list[float]) -> list[str]:
    # Fewer classes still span the whole scale, from the lightest colour to the darkest.
    return [CLASSES[round(i * 4 / len(cuts))] if cuts else CLASSES[-1] for i in range(len(cuts) + 1)]


def _colour(value: float | None, cuts: list[float]) -> str:
    if value is None:
        return NO_DATA
    return _class_colours(cuts)[sum(1 for b in cuts if value > b)]


def _ring(ring: list[list[float]], project: Callable[[float, float], Point], tolerance: float) -> str:
    # Points closer than `tolerance` on paper to the last one kept add bytes but no visible detail.
    kept: list[Point] = []
    for lon, lat in ring:
        point = project(lon, lat)
        if not kept or abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= tolerance:
            kept.append(point)
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z"


def choropleth(layer: str, prefix: str, values: dict[str, float | None], legend_text: Callable[[float], str],
               words: dict[str, str]) -> str | None:
    """The child regions of `prefix` from the boundary file `layer` in five classes, with the legend
    below; None when the file has no shape inside `prefix`. `words`: the legend's "up to %(value)s",
    "above %(value)s" and "no data", in the report's language (Noto Sans has no "≤" sign)."""
    start = prefix + "." if prefix else ""
    features = [f for f in _features(layer) if f["properties"]["code"].startswith(start)]
    points = [p for f in features for polygon in _polygons(f["geometry"]) for p in polygon[0]]
    if not points:
        return None
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    stretch = math.cos(math.radians((south + north) / 2))  # keeps shapes true away from the equator
    box_width, box_height = float(WIDTH), 440.0
    scale = min(box_width / max((east - west) * stretch, 1e-9), box_height / max(north - south, 1e-9))
    map_height = (north - south) * scale
    left = (box_width - (east - west) * stretch * scale) / 2

    def project(lon: float, lat: float) -> Point:
        return (left + (lon - west) * stretch * scale, (north - lat) * scale)

    cuts = breaks(values.values())
    body = []
    for feature in features:
        path = "".join(_ring(ring, project, 0.6) for polygon in _polygons(feature["geometry"]) for ring in polygon)
        if path:
            fill = _colour(values.get(feature["properties"]["code"]), cuts)
            body.append(f'<path d="{path}" fill="{fill}" fill-rule="evenodd" stroke="{GREY}" stroke-width="0.5"/>')
    y = map_height + 24
    bounds: list[float | None] = [None, *cuts, None]
    entries = []
    for index, colour in enumerate(_class_colours(cuts) if cuts else []):
        low, high = bounds[index], bounds[index + 1]
        if low is None and high is not None:
            text = words["up_to"] % {"value": legend_text(high)}
        elif low is not None and high is None:
            text = words["above"] % {"value": legend_text(low)}
        else:
            text = f"{legend_text(low or 0)} \u2013 {legend_text(high or 0)}"
        entries.append((colour, text))
    entries.append((NO_DATA, words["no_data"]))
    x = 0.0
    for colour, text in entries:
        if x + 16 + _text_width(text) > WIDTH:
            x, y = 0.0, y + 18
        body.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}" stroke="{GREY}" '
                    'stroke-width="0.5"/>')
        body.append(_label(x + 16, y, text))
        x += 16 + _text_width(text) + 18
    return _svg(y + 8, body)
